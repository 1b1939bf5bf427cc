// The Linux 7.3 kernel the 7.x end-to-end tests boot, and the tree its libbpf and bpftool come from,
// in one place. With \`debian:7.3\` (Debian's linux-image of the 7.3 line), TOOLS_73 = 'auto' takes
// the tools from Debian's linux-source-7.3 (vm/tools.ts).
export const KERNEL_73 = 'file:/root/scratch/k73/usr/lib/modules/7.3.4+deb13-amd64/vmlinuz';
export const TOOLS_73 = '/root/scratch/trees/linux-source-7.3';
