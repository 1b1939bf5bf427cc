// Linux errno numbers the loader and verifier return, by name (asm-generic/errno*.h).
// src/shared/ is the neutral bottom layer: host (src/, vm/) and guest (harness/) import it, it imports
// nothing of theirs (why it sits under src/: test/layers.test.ts).
const NAMES: Record<number, string> = {
  1: 'EPERM', 2: 'ENOENT', 3: 'ESRCH', 4: 'EINTR', 5: 'EIO', 7: 'E2BIG', 8: 'ENOEXEC', 9: 'EBADF',
  11: 'EAGAIN', 12: 'ENOMEM', 13: 'EACCES', 14: 'EFAULT', 16: 'EBUSY', 17: 'EEXIST', 19: 'ENODEV',
  22: 'EINVAL', 24: 'EMFILE', 28: 'ENOSPC', 34: 'ERANGE', 38: 'ENOSYS', 52: 'EBADE', 61: 'ENODATA',
  71: 'EPROTO', 75: 'EOVERFLOW', 95: 'EOPNOTSUPP', 524: 'ENOTSUPP',
  4001: 'LIBBPF_ERRNO__LIBELF', 4002: 'LIBBPF_ERRNO__FORMAT', 4003: 'LIBBPF_ERRNO__KVERSION',
  4004: 'LIBBPF_ERRNO__ENDIAN', 4005: 'LIBBPF_ERRNO__INTERNAL', 4006: 'LIBBPF_ERRNO__RELOC',
  4007: 'LIBBPF_ERRNO__LOAD', 4008: 'LIBBPF_ERRNO__VERIFY', 4009: 'LIBBPF_ERRNO__PROG2BIG',
  4010: 'LIBBPF_ERRNO__KVER', 4011: 'LIBBPF_ERRNO__PROGTYPE', 4012: 'LIBBPF_ERRNO__WRNGPID',
  4013: 'LIBBPF_ERRNO__INVSEQ', 4014: 'LIBBPF_ERRNO__NLPARSE',
};

/** "EACCES" for 13; the number itself when unnamed; "" for 0. */
export function errnoName(errno: number): string {
  if (errno === 0) return '';
  return NAMES[errno] ?? String(errno);
}
