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

// Open only: the program table (no kernel involved beyond libbpf's feature probes).
OpenOutcome object__open_programs(const std::vector<uint8_t> &bytes, const std::string &name);

// Open + select + load + close. Runs on a worker thread; touches no Node state.
LoadOutcome object__load_programs(const LoadRequest &req);

}  // namespace bpfverdict
