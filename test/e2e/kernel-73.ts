// The Linux 7.3 kernel the 7.x end-to-end tests boot, and where its libbpf and bpftool come from,
// in one place: Debian's linux-image of the 7.3 line, with TOOLS_73 = 'auto' taking the tools from
// Debian's linux-source-7.3 (vm/tools.ts).
export const KERNEL_73 = 'debian:7.3';
export const TOOLS_73 = 'auto';
