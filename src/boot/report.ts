/** The boot test's report for a terminal: one block per kernel. */
import { taintLetters } from './console.js';
import type { BootTestReport } from './run.js';

export function formatBootReport(r: BootTestReport): string {
  // aarch64's virt board has no IDE: its CD-ROM is a SCSI CD on virtio-scsi.
  const how = r.attach === 'cdrom' ? 'a CD-ROM (IDE on x86_64, virtio-scsi on aarch64)' : 'a virtio disk';
  const lines = [`boot-test ${r.iso}: disk attached as ${how}, ${r.accel.toUpperCase()}`];
  if (r.diskProblems.length) lines.push(`  note: dudforge verify finds ${r.diskProblems.length} problem(s) with this disk (run it for details)`);
  for (const k of r.kernels) {
    const names = k.modules.map((m) => m.name).join(', ') || 'no module';
    lines.push('', `${k.ok ? '✔' : '✖'} ${k.release} (${k.arch}, ${k.accel.toUpperCase()}): ${k.ok ? `loaded ${names}` : `NOT loaded (${names})`} in ${k.seconds.toFixed(1)} s${k.origin ? ` [kernel image: ${k.origin}]` : ''}`);
    if (k.failure) lines.push(`    ${k.failure}`);
    if (k.disk) lines.push(`    disk found on ${k.disk.device} after ${k.disk.waited}`);
    for (const m of k.modules) {
      lines.push(`    ${m.name} (${m.rpm}): ${m.loaded ? `in /proc/modules${m.flags ? ` (${m.flags})` : ''}` : 'not in /proc/modules'}`);
      if (m.error) lines.push(`      modprobe: ${m.error}`);
      lines.push(`      vermagic: ${m.vermagic ?? '?'}`, `      signer:   ${m.signer ? `"${m.signer}"` : 'none (unsigned)'}`);
    }
    if (k.tainted !== undefined) lines.push(`    kernel taint: ${k.tainted}${k.tainted ? ` (${taintLetters(k.tainted)})` : ''}`);
    if (k.dmesg.length) lines.push('    dmesg:', ...k.dmesg.map((l) => `      ${l}`));
    if (k.consoleTail?.length) lines.push('    last console lines:', ...k.consoleTail.map((l) => `      ${l}`));
  }
  const failed = r.kernels.filter((k) => !k.ok).length;
  lines.push('', failed ? `${failed} of ${r.kernels.length} kernel(s) did not load the driver` : `every kernel (${r.kernels.length}) loaded the driver from the disk`);
  return `${lines.join('\n')}\n`;
}
