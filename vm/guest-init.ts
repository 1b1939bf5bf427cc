// The guest's PID 1: a busybox shell script. It mounts what the agent needs, runs the
// agent, and powers off when the agent is done (or dies: the host sees the exit status
// on the console). Kept as data so its text is part of the image hash.
export const AGENT_DIR = '/bpf-verdict';

export const INIT_SCRIPT = `#!/bin/busybox sh
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t sysfs sysfs /sys
/bin/busybox mount -t devtmpfs devtmpfs /dev
/bin/busybox mount -t tmpfs tmpfs /tmp
export PATH=/bin:/usr/bin HOME=/tmp
# The agent channel's drivers when this kernel has them as modules (numbered: dependency order).
for m in ${AGENT_DIR}/modules/*.ko; do
  [ -e "$m" ] && { /bin/busybox insmod "$m" || echo "bpf-verdict: insmod $m failed"; }
done
# The guest clock here, for bench/boot.ts: kernel + initramfs before this line, node start-up after it.
echo "bpf-verdict: starting agent at uptime $(/bin/busybox cut -d' ' -f1 /proc/uptime)"
${'$'}{NODE:-/usr/bin/node} --max-old-space-size=1024 ${AGENT_DIR}/harness/agent.js
echo "bpf-verdict: agent exited with status $? (137 = its own SIGKILL after a clean shutdown)"
/bin/busybox sync
# -f: no init to signal; reboot(2) directly. Without ACPI the kernel halts instead, and the host kills QEMU.
/bin/busybox poweroff -f
`;
