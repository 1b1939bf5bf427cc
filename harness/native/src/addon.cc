// Node binding for object_load.h. Argument checks live in TypeScript (harness/native.ts);
// here only the conversions, plus the AsyncWorker that keeps loads off the main thread.
#include <napi.h>

#include <bpf/libbpf.h>

#include "object_load.h"

namespace bpfverdict {
namespace {

std::vector<uint8_t> bytes_arg(const Napi::Value &v) {
  if (!v.IsTypedArray()) throw Napi::TypeError::New(v.Env(), "object bytes must be a Uint8Array");
  Napi::Uint8Array arr = v.As<Napi::Uint8Array>();
  // Copied: the worker thread must not read a buffer the GC may move or free.
  return std::vector<uint8_t>(arr.Data(), arr.Data() + arr.ByteLength());
}

Napi::Object program_info(Napi::Env env, const ProgramInfo &p) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("name", p.name);
  o.Set("section", p.section);
  o.Set("type", p.type);
  o.Set("insnCnt", p.insn_cnt);
  o.Set("autoload", p.autoload);
  return o;
}

// object__openPrograms(bytes, name) -> { err, libbpfLog, programs }
Napi::Value OpenPrograms(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  OpenOutcome out = object__open_programs(bytes_arg(info[0]), info[1].As<Napi::String>().Utf8Value());
  Napi::Object res = Napi::Object::New(env);
  res.Set("err", out.err);
  res.Set("libbpfLog", out.libbpf_log);
  Napi::Array progs = Napi::Array::New(env, out.programs.size());
  for (size_t i = 0; i < out.programs.size(); i++) progs.Set(i, program_info(env, out.programs[i]));
  res.Set("programs", progs);
  return res;
}

class LoadWorker : public Napi::AsyncWorker {
 public:
  LoadWorker(Napi::Env env, LoadRequest req)
      : Napi::AsyncWorker(env, "bpf_verdict_load"), req_(std::move(req)), deferred_(Napi::Promise::Deferred::New(env)) {}
  Napi::Promise Promise() { return deferred_.Promise(); }

  void Execute() override { out_ = object__load_programs(req_); }

  void OnOK() override {
    Napi::Env env = Env();
    Napi::Object res = Napi::Object::New(env);
    res.Set("openErr", out_.open_err);
    res.Set("loadErr", out_.load_err);
    res.Set("libbpfLog", out_.libbpf_log);
    Napi::Array unknown = Napi::Array::New(env, out_.unknown_programs.size());
    for (size_t i = 0; i < out_.unknown_programs.size(); i++) unknown.Set(i, out_.unknown_programs[i]);
    res.Set("unknownPrograms", unknown);
    Napi::Array progs = Napi::Array::New(env, out_.programs.size());
    for (size_t i = 0; i < out_.programs.size(); i++) {
      const ProgramLoad &pl = out_.programs[i];
      Napi::Object o = program_info(env, pl.info);
      o.Set("selected", pl.selected);
      o.Set("log", pl.log);
      progs.Set(i, o);
    }
    res.Set("programs", progs);
    deferred_.Resolve(res);
  }

  void OnError(const Napi::Error &e) override { deferred_.Reject(e.Value()); }

 private:
  LoadRequest req_;
  LoadOutcome out_;
  Napi::Promise::Deferred deferred_;
};

// object__loadPrograms(bytes, name, programs[], logLevel, logSize) -> Promise<LoadOutcome>
Napi::Value LoadPrograms(const Napi::CallbackInfo &info) {
  LoadRequest req;
  req.bytes = bytes_arg(info[0]);
  req.object_name = info[1].As<Napi::String>().Utf8Value();
  Napi::Array names = info[2].As<Napi::Array>();
  for (uint32_t i = 0; i < names.Length(); i++) req.programs.push_back(names.Get(i).As<Napi::String>().Utf8Value());
  req.log_level = info[3].As<Napi::Number>().Uint32Value();
  req.log_size = info[4].As<Napi::Number>().Uint32Value();
  auto *worker = new LoadWorker(info.Env(), std::move(req));
  Napi::Promise p = worker->Promise();
  worker->Queue();
  return p;
}

class VerifyWorker : public Napi::AsyncWorker {
 public:
  VerifyWorker(Napi::Env env, VerifyRequest req)
      : Napi::AsyncWorker(env, "bpf_verdict_verify"), req_(std::move(req)), deferred_(Napi::Promise::Deferred::New(env)) {}
  Napi::Promise Promise() { return deferred_.Promise(); }

  void Execute() override { out_ = object__verify_programs(req_); }

  void OnOK() override {
    Napi::Env env = Env();
    Napi::Object res = Napi::Object::New(env);
    res.Set("available", out_.available);
    res.Set("openErr", out_.open_err);
    res.Set("prepareErr", out_.prepare_err);
    res.Set("libbpfLog", out_.libbpf_log);
    Napi::Array unknown = Napi::Array::New(env, out_.unknown_programs.size());
    for (size_t i = 0; i < out_.unknown_programs.size(); i++) unknown.Set(i, out_.unknown_programs[i]);
    res.Set("unknownPrograms", unknown);
    Napi::Array progs = Napi::Array::New(env, out_.programs.size());
    for (size_t i = 0; i < out_.programs.size(); i++) {
      const ProgramVerify &pv = out_.programs[i];
      Napi::Object o = program_info(env, pv.info);
      o.Set("selected", pv.selected);
      o.Set("err", pv.err);
      o.Set("logLevel", pv.log_level);
      o.Set("log", pv.log);
      if (pv.global_subprogs >= 0) o.Set("globalSubprogs", pv.global_subprogs == 1);
      else o.Set("globalSubprogs", env.Null());
      progs.Set(i, o);
    }
    res.Set("programs", progs);
    deferred_.Resolve(res);
  }

  void OnError(const Napi::Error &e) override { deferred_.Reject(e.Value()); }

 private:
  VerifyRequest req_;
  VerifyOutcome out_;
  Napi::Promise::Deferred deferred_;
};

// object__verifyPrograms(bytes, name, programs[], quickLogLevel, logLevel, logSize, allPrograms) -> Promise<VerifyOutcome>
// (programs empty: every program with allPrograms, else libbpf's autoload set)
Napi::Value VerifyPrograms(const Napi::CallbackInfo &info) {
  VerifyRequest req;
  req.bytes = bytes_arg(info[0]);
  req.object_name = info[1].As<Napi::String>().Utf8Value();
  Napi::Array names = info[2].As<Napi::Array>();
  for (uint32_t i = 0; i < names.Length(); i++) req.programs.push_back(names.Get(i).As<Napi::String>().Utf8Value());
  req.quick_log_level = info[3].As<Napi::Number>().Uint32Value();
  req.log_level = info[4].As<Napi::Number>().Uint32Value();
  req.log_size = info[5].As<Napi::Number>().Uint32Value();
  req.all_programs = info.Length() > 6 && info[6].IsBoolean() && info[6].As<Napi::Boolean>().Value();
  auto *worker = new VerifyWorker(info.Env(), std::move(req));
  Napi::Promise p = worker->Promise();
  worker->Queue();
  return p;
}

}  // namespace

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("object__openPrograms", Napi::Function::New(env, OpenPrograms));
  exports.Set("object__loadPrograms", Napi::Function::New(env, LoadPrograms));
  exports.Set("object__verifyPrograms", Napi::Function::New(env, VerifyPrograms));
  exports.Set("libbpfVersion", Napi::String::New(env, libbpf_version_string()));
  // libbpf APIs newer than Debian 12's 1.1, compiled in only when the build found them in
  // the libbpf it links (vm/addon-build.ts defines BPF_VERDICT_HAVE_*).
  Napi::Array features = Napi::Array::New(env);
#ifdef BPF_VERDICT_HAVE_BPF_OBJECT__PREPARE
  features.Set(features.Length(), "bpf_object__prepare");
#endif
#ifdef BPF_VERDICT_HAVE_BPF_PROGRAM__CLONE
  features.Set(features.Length(), "bpf_program__clone");
#endif
  // object__verifyPrograms works: with the two APIs above, or by keeping each BPF_PROG_LOAD
  // request of a bpf_object__load (prog_load_capture.h).
#if (defined(BPF_VERDICT_HAVE_BPF_OBJECT__PREPARE) && defined(BPF_VERDICT_HAVE_BPF_PROGRAM__CLONE))
  features.Set(features.Length(), "verify_programs");
#elif defined(BPF_VERDICT_CAPTURE_PROG_LOAD)
  features.Set(features.Length(), "prog_load_capture");
  features.Set(features.Length(), "verify_programs");
#endif
  exports.Set("features", features);
  return exports;
}

}  // namespace bpfverdict

static Napi::Object InitModule(Napi::Env env, Napi::Object exports) { return bpfverdict::Init(env, exports); }

NODE_API_MODULE(bpf_verdict_native, InitModule)
