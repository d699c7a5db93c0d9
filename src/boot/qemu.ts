/**
 * One QEMU boot: the kernel image, the initramfs, the disk attached the way a user attaches it,
 * the serial console on stdout. QEMU leads its own process group (spawned detached, like every
 * make), so a timeout, Ctrl-C or an exiting parent stops it and anything it started.
 */
import { spawn } from 'node:child_process';
import { registerBuild, terminateGroup, groupAlive } from '../kbuild/process-group.js';
import type { AttachMode } from './kernel-modules.js';
import { ARCH, type BootArch } from './arch.js';

export interface BootOptions {
  qemu: string;
  vmlinuz: string;
  initramfs: string;
  disk: string;
  attach: AttachMode;
  arch: BootArch;
  /** KVM only when asked: on some hosts /dev/kvm exists but QEMU fails inside it. */
  kvm: boolean;
  memoryMiB: number;
  cpus: number;
  timeoutMs: number;
  signal?: AbortSignal;
}

export interface BootResult {
  console: string;
  exitCode: number | null;
  timedOut: boolean;
  cancelled: boolean;
  ms: number;
  /** QEMU's own complaints (stderr), e.g. a bad drive option. */
  stderr: string;
}

/**
 * The drive options. x86_64 (`pc`): an IDE CD-ROM, or a virtio block device. aarch64 (`virt`,
 * which has no IDE): a SCSI CD behind virtio-scsi-pci, or a virtio-blk-pci device.
 */
export function driveArgs(disk: string, attach: AttachMode, arch: BootArch = 'x86_64'): string[] {
  // QEMU reads commas in option values as separators unless doubled.
  const file = disk.replace(/,/g, ',,');
  if (arch === 'aarch64') {
    return attach === 'cdrom'
      ? ['-drive', `file=${file},format=raw,if=none,id=dud,media=cdrom,readonly=on`, '-device', 'virtio-scsi-pci,id=scsi0', '-device', 'scsi-cd,bus=scsi0.0,drive=dud']
      : ['-drive', `file=${file},format=raw,if=none,id=dud,readonly=on`, '-device', 'virtio-blk-pci,drive=dud'];
  }
  return attach === 'cdrom'
    ? ['-drive', `file=${file},media=cdrom,readonly=on`]
    : ['-drive', `file=${file},format=raw,if=virtio,readonly=on`];
}

export function qemuArgs(o: BootOptions): string[] {
  return [
    ...ARCH[o.arch].machine,
    '-accel', o.kvm ? 'kvm' : 'tcg',
    '-m', String(o.memoryMiB),
    '-smp', String(o.cpus),
    '-nographic', '-no-reboot', '-nodefaults', '-serial', 'stdio',
    '-kernel', o.vmlinuz,
    '-initrd', o.initramfs,
    // panic=-1: a kernel panic reboots at once, and -no-reboot turns that into an exit.
    '-append', `console=${ARCH[o.arch].console} panic=-1 quiet`,
    ...driveArgs(o.disk, o.attach, o.arch),
  ];
}

export function bootQemu(o: BootOptions): Promise<BootResult> {
  const start = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(o.qemu, qemuArgs(o), { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    let cancelled = false;
    const pgid = child.pid;
    const stop = (): void => {
      if (pgid !== undefined && groupAlive(pgid)) void terminateGroup(pgid, 1000, 3000);
    };
    const unregister = pgid !== undefined ? registerBuild({ pgid, cancel: () => terminateGroup(pgid) }) : () => undefined;
    const timer = setTimeout(() => {
      timedOut = true;
      stop();
    }, o.timeoutMs);
    const onAbort = (): void => {
      cancelled = true;
      stop();
    };
    o.signal?.addEventListener('abort', onAbort, { once: true });
    if (o.signal?.aborted) onAbort();
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', (e) => {
      clearTimeout(timer);
      unregister();
      reject(new Error(`${o.qemu} could not start: ${e.message}`));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      o.signal?.removeEventListener('abort', onAbort);
      unregister();
      // QEMU may have left helpers in its group; make sure nothing outlives the boot.
      stop();
      resolve({
        console: Buffer.concat(out).toString('utf8'),
        exitCode: code,
        timedOut,
        cancelled,
        ms: Date.now() - start,
        stderr: Buffer.concat(err).toString('utf8'),
      });
    });
  });
}
