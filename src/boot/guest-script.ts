/**
 * The guest's /init: a busybox shell script doing what the installer does at boot with a
 * driver disk (find LABEL=OEMDRV, take the RPMs meant for `uname -r`, unpack them, depmod,
 * modprobe), then printing what the host needs to judge the result and powering off.
 *
 * Every line meant for the host starts with a marker carrying a per-run nonce, so kernel
 * messages interleaved on the serial console, or a module printing look-alike text, cannot be
 * mistaken for a result. The host parses them in console.ts.
 */

export interface GuestPlan {
  /** The kernel release this boot is meant for; the guest checks `uname -r` against it. */
  release: string;
  /** Storage modules to insmod before looking for the disk (file paths in the initramfs), in order. */
  storageModules: string[];
  /** RPM paths on the disk (rpms/x86_64/…) chosen on the host by their kernel-modules Provides. */
  rpms: string[];
  /** Module names to modprobe once the RPMs are unpacked. */
  modules: string[];
  /** Seconds to wait for LABEL=OEMDRV to appear. */
  diskWaitSeconds: number;
  nonce: string;
}

/** Shell words with no quoting needs (paths and names we generate or validated). */
function word(s: string): string {
  if (!/^[A-Za-z0-9._+~\/-]+$/.test(s)) throw new Error(`unsafe word for the guest script: ${JSON.stringify(s)}`);
  return s;
}

export function guestInit(plan: GuestPlan): string {
  const m = `@@DUD-${plan.nonce}`;
  return `#!/bin/busybox sh
/bin/busybox mkdir -p /proc /sys /dev /mnt /tmp
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
say() { echo "${m} $*"; }
# The pause lets the console drain: poweroff's own kernel message would cut into the last lines.
finish() { say done; sync; usleep 500000; poweroff -f; sleep 5; }
say start
say uname "$(uname -r)"
if [ "$(uname -r)" != ${word(plan.release)} ]; then say fail "booted kernel $(uname -r), but the plan is for ${word(plan.release)}"; finish; fi
for ko in ${plan.storageModules.map(word).join(' ')}; do
  out=$(insmod "$ko" 2>&1) || say storage-fail "$ko: $out"
done
i=0
dev=
while [ $i -lt ${plan.diskWaitSeconds * 10} ]; do
  dev=$(findfs LABEL=OEMDRV 2>/dev/null) && break
  i=$((i + 1)); usleep 100000
done
if [ -z "$dev" ]; then say fail "no device labelled OEMDRV after ${plan.diskWaitSeconds} s"; finish; fi
say disk "$dev" "$(( i / 10 )).$(( i % 10 )) s"
if ! out=$(mount -t iso9660 -o ro "$dev" /mnt 2>&1); then say fail "mount $dev: $out"; finish; fi
dmesg -c >/dev/null
cd /
for rpm in ${plan.rpms.map(word).join(' ')}; do
  if [ ! -f "/mnt/$rpm" ]; then say fail "the disk has no $rpm"; finish; fi
  if out=$( (rpm2cpio "/mnt/$rpm" | cpio -idm) 2>&1 ); then say unpacked "$rpm"; else say fail "unpacking $rpm: $out"; finish; fi
done
out=$(depmod -a 2>&1) || say fail "depmod: $out"
for mod in ${plan.modules.map(word).join(' ')}; do
  if out=$(modprobe "$mod" 2>&1); then say modprobe-ok "$mod"; else say modprobe-fail "$mod" "$(echo $out)"; fi
done
say begin proc-modules
cat /proc/modules
say end proc-modules
say tainted "$(cat /proc/sys/kernel/tainted)"
say begin dmesg
dmesg
say end dmesg
finish
`;
}
