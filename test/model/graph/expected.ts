// The focused graph programs (test/fixtures/graph/g_*.c) and what Debian 6.12.117 said about each
// (bpf-verdict load, 2026-11-25): verdict, classified rule, instruction, message. Shared by the model
// tests and the e2e test that re-asks the kernel.
export type Row = [file: string, program: string, verdict: 'accept' | 'reject', rule: string | null, insn: number | null, message: string | null];
