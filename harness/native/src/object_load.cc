#include "object_load.h"

#include <bpf/libbpf.h>

#include <algorithm>
#include <cstring>
#include <memory>

#include "print_capture.h"

namespace bpfverdict {

namespace {

struct ObjectCloser {
  void operator()(bpf_object *obj) const { bpf_object__close(obj); }
};
using ObjectPtr = std::unique_ptr<bpf_object, ObjectCloser>;

ObjectPtr open_mem(const std::vector<uint8_t> &bytes, const std::string &name, int *err) {
  LIBBPF_OPTS(bpf_object_open_opts, opts, .object_name = name.c_str());
  bpf_object *obj = bpf_object__open_mem(bytes.data(), bytes.size(), &opts);
  long e = libbpf_get_error(obj);
  if (e) {
    *err = static_cast<int>(e);
    return ObjectPtr(nullptr);
  }
  *err = 0;
  return ObjectPtr(obj);
}

ProgramInfo describe(const bpf_program *prog) {
  ProgramInfo info;
  info.name = bpf_program__name(prog);
  info.section = bpf_program__section_name(prog);
  const char *type = libbpf_bpf_prog_type_str(bpf_program__type(prog));
  info.type = type ? type : "unknown";
  info.insn_cnt = static_cast<uint32_t>(bpf_program__insn_cnt(prog));
  info.autoload = bpf_program__autoload(prog);
  return info;
}

}  // namespace

OpenOutcome object__open_programs(const std::vector<uint8_t> &bytes, const std::string &name) {
  install_print_capture();
  OpenOutcome out;
  PrintCapture capture(&out.libbpf_log);
  ObjectPtr obj = open_mem(bytes, name, &out.err);
  if (!obj) return out;
  bpf_program *prog;
  bpf_object__for_each_program(prog, obj.get()) out.programs.push_back(describe(prog));
  return out;
}

LoadOutcome object__load_programs(const LoadRequest &req) {
  install_print_capture();
  LoadOutcome out;
  PrintCapture capture(&out.libbpf_log);
  ObjectPtr obj = open_mem(req.bytes, req.object_name, &out.open_err);
  if (!obj) return out;

  for (const std::string &want : req.programs) {
    if (!bpf_object__find_program_by_name(obj.get(), want.c_str())) out.unknown_programs.push_back(want);
  }
  if (!out.unknown_programs.empty()) return out;

  // One buffer per program: the kernel writes each program's log into its own buffer,
  // so a batch load still yields one log per program.
  std::vector<std::unique_ptr<char[]>> bufs;
  bpf_program *prog;
  bpf_object__for_each_program(prog, obj.get()) {
    ProgramLoad pl;
    pl.info = describe(prog);
    pl.selected = req.programs.empty()
                      ? pl.info.autoload
                      : std::find(req.programs.begin(), req.programs.end(), pl.info.name) != req.programs.end();
    bpf_program__set_autoload(prog, pl.selected);
    if (pl.selected && req.log_size > 0) {
      bufs.emplace_back(new char[req.log_size]);
      bufs.back()[0] = '\0';
      bpf_program__set_log_buf(prog, bufs.back().get(), req.log_size);
      bpf_program__set_log_level(prog, req.log_level);
    }
    out.programs.push_back(std::move(pl));
  }

  out.load_err = bpf_object__load(obj.get());

  size_t b = 0;
  for (ProgramLoad &pl : out.programs) {
    if (!pl.selected || req.log_size == 0) continue;
    const char *buf = bufs[b++].get();
    // The kernel NUL-terminates within log_size; bound the scan anyway.
    pl.log.assign(buf, strnlen(buf, req.log_size));
  }
  return out;
}

}  // namespace bpfverdict
