// Prepare an object once and verify each program alone with a libbpf older than 1.8, which has
// neither bpf_object__prepare nor bpf_program__clone.
//
// bpf_object__load does everything veristat's prepare does (kernel BTF, the object's BTF, maps,
// externs, relocations) and then sends each autoloaded program to the kernel with bpf_prog_load.
// While a capture is active on this thread, the addon's override of bpf_prog_load (made
// overridable in the linked libbpf.a by vm/tools-key.ts) keeps the exact request libbpf makes for
// each program of the object (type, name, license, relocated instructions, every load attribute)
// instead of sending it, and hands libbpf a stand-in descriptor so the load completes. Each kept
// request is then sent to the kernel alone, with the log level and buffer the caller chooses:
// the same bytes a plain load sends, so the same verdict, errno and log.
//
// What cannot be replayed after bpf_object__load returns is declined (the load then fails and
// the caller loads the plain way): a request naming module BTF descriptors (fd_array,
// attach_btf_obj_fd), which libbpf closes at the end of the load.
// Compiled only with BPF_VERDICT_CAPTURE_PROG_LOAD (static builds against such an archive).
#pragma once
#ifdef BPF_VERDICT_CAPTURE_PROG_LOAD
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace bpfverdict {

// One BPF_PROG_LOAD request as libbpf made it, owning copies of everything it points to.
struct CapturedLoad {
  bpf_prog_type type = BPF_PROG_TYPE_UNSPEC;
  bool has_name = false;  // libbpf passes no name to kernels without program names
  std::string name;
  std::string license;
  std::vector<bpf_insn> insns;
  bpf_prog_load_opts opts{};  // pointers below re-aimed at the copies; no log settings
  std::vector<uint8_t> func_info;
  std::vector<uint8_t> line_info;
};

struct CaptureOutcome {
  int err = 0;            // bpf_object__load's result (negative errno)
  std::string declined;   // why a request could not be kept, when one could not
  std::map<const bpf_program *, CapturedLoad> loads;
};

// bpf_object__load with every selected program's request kept instead of sent. Programs not
// autoloaded are neither sent nor kept.
CaptureOutcome object__load_captured(bpf_object *obj);

// Send one kept request to the kernel. Returns the program fd or a negative errno.
int captured__load(const CapturedLoad &load, char *log_buf, uint32_t log_size, uint32_t log_level);

}  // namespace bpfverdict
#endif
