// libbpf's messages, captured per call. libbpf_set_print is process-global, so the
// callback appends to a thread_local sink: each AsyncWorker runs one load on one
// thread-pool thread, so concurrent loads never mix their messages.
#pragma once
#include <string>

namespace bpfverdict {

// Install the callback once (idempotent). Messages outside a capture are dropped:
// the CLI must never have libbpf write to the user's terminal.
void install_print_capture();

// RAII: while alive, libbpf messages from this thread are appended to `sink`.
class PrintCapture {
 public:
  explicit PrintCapture(std::string *sink);
  ~PrintCapture();
  PrintCapture(const PrintCapture &) = delete;
  PrintCapture &operator=(const PrintCapture &) = delete;

 private:
  std::string *prev_;
};

}  // namespace bpfverdict
