#include "print_capture.h"

#include <bpf/libbpf.h>

#include <cstdarg>
#include <cstdio>
#include <mutex>

namespace bpfverdict {

static thread_local std::string *tls_sink = nullptr;

static int print_fn(enum libbpf_print_level level, const char *fmt, va_list args) {
  // DEBUG is libbpf's step-by-step trace (thousands of lines per object): keep WARN and INFO.
  if (level == LIBBPF_DEBUG || tls_sink == nullptr) return 0;
  char buf[4096];
  va_list copy;
  va_copy(copy, args);
  int n = vsnprintf(buf, sizeof(buf), fmt, copy);
  va_end(copy);
  if (n < 0) return 0;
  if (static_cast<size_t>(n) < sizeof(buf)) {
    tls_sink->append(buf, n);
  } else {
    std::string big(static_cast<size_t>(n) + 1, '\0');
    vsnprintf(big.data(), big.size(), fmt, args);
    big.resize(n);
    tls_sink->append(big);
  }
  return n;
}

void install_print_capture() {
  static std::once_flag once;
  std::call_once(once, [] { libbpf_set_print(print_fn); });
}

PrintCapture::PrintCapture(std::string *sink) : prev_(tls_sink) { tls_sink = sink; }
PrintCapture::~PrintCapture() { tls_sink = prev_; }

}  // namespace bpfverdict
