#include "object_load.h"

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>

#include <unistd.h>

#include "print_capture.h"
#include "prog_load_capture.h"

#if defined(BPF_VERDICT_HAVE_BPF_OBJECT__PREPARE) && defined(BPF_VERDICT_HAVE_BPF_PROGRAM__CLONE)
#define BPF_VERDICT_NATIVE_CLONE 1
#else
#define BPF_VERDICT_NATIVE_CLONE 0
#endif

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

// Whether a request loads this program: the ones it names, else every program (`all`) or libbpf's autoload set.
bool selected_by(const std::vector<std::string> &names, bool all, const ProgramInfo &info) {
  if (names.empty()) return all || info.autoload;
  return std::find(names.begin(), names.end(), info.name) != names.end();
}

// The requested names the object has no program for.
std::vector<std::string> unknown_in(bpf_object *obj, const std::vector<std::string> &names) {
  std::vector<std::string> unknown;
  for (const std::string &want : names) {
    if (!bpf_object__find_program_by_name(obj, want.c_str())) unknown.push_back(want);
  }
  return unknown;
}

#if BPF_VERDICT_NATIVE_CLONE || defined(BPF_VERDICT_CAPTURE_PROG_LOAD)
// 1: a subprogram past the entry has global linkage; 0: none has; -1: no func_info to tell.
// `fi` holds `n` records of `rec_size` bytes, each starting with struct bpf_func_info.
int global_subprogs(const bpf_object *obj, const void *fi, uint32_t n, uint32_t rec_size) {
  const struct btf *btf = bpf_object__btf(obj);
  if (!btf || !fi || n == 0 || rec_size < sizeof(bpf_func_info)) return -1;
  for (uint32_t i = 1; i < n; i++) {
    bpf_func_info rec;
    memcpy(&rec, static_cast<const uint8_t *>(fi) + static_cast<size_t>(i) * rec_size, sizeof(rec));
    const struct btf_type *t = btf__type_by_id(btf, rec.type_id);
    if (!t || !btf_is_func(t)) return -1;
    if (btf_vlen(t) == BTF_FUNC_GLOBAL) return 1;  // a FUNC's vlen is its linkage
  }
  return 0;
}
#endif

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

  out.unknown_programs = unknown_in(obj.get(), req.programs);
  if (!out.unknown_programs.empty()) return out;

  // One buffer per program: the kernel writes each program's log into its own buffer,
  // so a batch load still yields one log per program.
  std::vector<std::unique_ptr<char[]>> bufs;
  bpf_program *prog;
  bpf_object__for_each_program(prog, obj.get()) {
    ProgramLoad pl;
    pl.info = describe(prog);
    pl.selected = selected_by(req.programs, false, pl.info);
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

VerifyOutcome object__verify_programs(const VerifyRequest &req) {
  VerifyOutcome out;
#if BPF_VERDICT_NATIVE_CLONE || defined(BPF_VERDICT_CAPTURE_PROG_LOAD)
  out.available = true;
  install_print_capture();
  PrintCapture capture(&out.libbpf_log);
  ObjectPtr obj = open_mem(req.bytes, req.object_name, &out.open_err);
  if (!obj) return out;

  bpf_program *prog;
  bpf_object__for_each_program(prog, obj.get()) {
    ProgramVerify pv;
    pv.info = describe(prog);
    pv.selected = selected_by(req.programs, req.all_programs, pv.info);
    // Prepared (relocated) only when selected.
    bpf_program__set_autoload(prog, pv.selected);
    out.programs.push_back(std::move(pv));
  }
  // The caller names what there is when a requested program is not (out.programs lists them all).
  out.unknown_programs = unknown_in(obj.get(), req.programs);
  if (!out.unknown_programs.empty()) return out;

#if BPF_VERDICT_NATIVE_CLONE
  // libbpf 1.8+: prepare loads nothing; each clone is one BPF_PROG_LOAD of the prepared program.
  out.prepare_err = bpf_object__prepare(obj.get());
  if (out.prepare_err) return out;
  auto send = [](bpf_program *p, char *log_buf, uint32_t log_size, uint32_t level) {
    LIBBPF_OPTS(bpf_prog_load_opts, opts);
    if (log_buf) {
      opts.log_buf = log_buf;
      opts.log_size = log_size;
      opts.log_level = level;
    }
    return bpf_program__clone(p, &opts);
  };
  auto subprogs = [&](bpf_program *p) {
    return global_subprogs(obj.get(), bpf_program__func_info(p), bpf_program__func_info_cnt(p), sizeof(bpf_func_info));
  };
#else
  // Older libbpf: bpf_object__load with each program's request kept instead of sent.
  CaptureOutcome captured = object__load_captured(obj.get());
  out.prepare_err = captured.err;
  if (!captured.declined.empty()) out.libbpf_log += "bpf-verdict: loading the plain way: " + captured.declined + "\n";
  if (out.prepare_err) return out;
  auto send = [&](bpf_program *p, char *log_buf, uint32_t log_size, uint32_t level) {
    auto it = captured.loads.find(p);
    return it == captured.loads.end() ? -ENOENT : captured__load(it->second, log_buf, log_size, level);
  };
  auto subprogs = [&](bpf_program *p) {
    auto it = captured.loads.find(p);
    if (it == captured.loads.end()) return -1;
    const CapturedLoad &l = it->second;
    return global_subprogs(obj.get(), l.func_info.data(), l.opts.func_info_cnt, l.opts.func_info_rec_size);
  };
#endif

  std::unique_ptr<char[]> buf(new char[req.log_size > 0 ? req.log_size : 1]);
  auto load = [&](bpf_program *p, ProgramVerify &pv, uint32_t level) {
    bool logged = req.log_size > 0 && level > 0;
    if (logged) buf[0] = '\0';
    int fd = send(p, logged ? buf.get() : nullptr, req.log_size, level);
    pv.err = fd < 0 ? fd : 0;
    if (fd >= 0) close(fd);
    pv.log_level = logged ? level : 0;
    pv.log = logged ? std::string(buf.get(), strnlen(buf.get(), req.log_size)) : std::string();
  };
  size_t i = 0;
  bpf_object__for_each_program(prog, obj.get()) {
    ProgramVerify &pv = out.programs[i++];
    if (!pv.selected) continue;
    pv.global_subprogs = subprogs(prog);
    load(prog, pv, req.quick_log_level);
    // A refusal: again with the whole log, for the message and the instruction it names.
    if (pv.err != 0 && req.log_level != req.quick_log_level) load(prog, pv, req.log_level);
  }
#else
  (void)req;
#endif
  return out;
}

}  // namespace bpfverdict
