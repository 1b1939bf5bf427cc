// Plain C++ over libbpf (no Node types here): open an object from bytes, list its
// programs, load a chosen subset with per-program verifier log buffers.
// Follows libbpf's conventions: negative errno results, object__verb names.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace bpfverdict {

struct ProgramInfo {
  std::string name;
  std::string section;
  std::string type;        // libbpf_bpf_prog_type_str(), e.g. "sched_cls"
  uint32_t insn_cnt = 0;   // before relocation (libbpf's bpf_program__insn_cnt at open)
  bool autoload = true;    // libbpf's default for this section ("?tc" sections are off)
};

struct OpenOutcome {
  int err = 0;             // negative errno when bpf_object__open_mem failed
  std::string libbpf_log;
  std::vector<ProgramInfo> programs;
};

struct LoadRequest {
  std::vector<uint8_t> bytes;
  std::string object_name;
  std::vector<std::string> programs;  // programs to load; empty = libbpf's autoload set
  uint32_t log_level = 1;
  uint32_t log_size = 1 << 20;
};

struct ProgramLoad {
  ProgramInfo info;
  bool selected = false;   // autoloaded in this request
  std::string log;         // the kernel verifier log (NUL-terminated part of the buffer)
};

struct LoadOutcome {
  int open_err = 0;        // negative errno from open (nothing was loaded)
  int load_err = 0;        // negative errno from bpf_object__load (0: every selected program loaded)
  std::string libbpf_log;  // all of libbpf's WARN/INFO messages for this call
  std::vector<ProgramLoad> programs;
  std::vector<std::string> unknown_programs;  // requested names the object lacks
};

// Prepare once, verify each program alone (libbpf 1.8's bpf_object__prepare + bpf_program__clone,
// as veristat does): each selected program is sent to the verifier with `quick_log_level` (e.g.
// BPF_LOG_STATS alone), and only a program the verifier refuses is sent again with `log_level`,
// so the log work is spent where a message is needed. Compiled in only when the linked libbpf
// has both APIs (BPF_VERDICT_HAVE_*); `available` says whether it was.
struct VerifyRequest {
  std::vector<uint8_t> bytes;
  std::string object_name;
  std::vector<std::string> programs;  // empty = libbpf's autoload set, or every program with all_programs
  bool all_programs = false;
  uint32_t quick_log_level = 4;
  uint32_t log_level = 5;
  uint32_t log_size = 1 << 20;
};

struct ProgramVerify {
  ProgramInfo info;
  bool selected = false;
  int err = 0;             // negative errno of the last load of this program; 0 = accepted
  uint32_t log_level = 0;  // the level of the load whose log this is
  std::string log;
  // Whether the relocated program calls a global function (BTF_FUNC_GLOBAL in its func_info past
  // entry 0): the verifier then prints "Func#N ... is safe for any args ..." at level 1, even when it
  // accepts. -1: unknown (no func_info).
  int global_subprogs = -1;
};

struct VerifyOutcome {
  bool available = false;  // built against a libbpf with bpf_object__prepare and bpf_program__clone
  int open_err = 0;
  int prepare_err = 0;     // negative errno from bpf_object__prepare (nothing was verified)
  std::string libbpf_log;
  std::vector<ProgramVerify> programs;   // every program of the object (also when some requested are unknown)
  std::vector<std::string> unknown_programs;
};

VerifyOutcome object__verify_programs(const VerifyRequest &req);

// Open only: the program table (no kernel involved beyond libbpf's feature probes).
OpenOutcome object__open_programs(const std::vector<uint8_t> &bytes, const std::string &name);

// Open + select + load + close. Runs on a worker thread; touches no Node state.
LoadOutcome object__load_programs(const LoadRequest &req);

}  // namespace bpfverdict
