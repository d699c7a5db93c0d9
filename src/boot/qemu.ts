/**
 * One QEMU boot: the kernel image, the initramfs, the disk attached the way a user attaches it,
 * the serial console on stdout. QEMU leads its own process group (spawned detached, like every
 * make), so a timeout, Ctrl-C or an exiting parent stops it and anything it started.
 */
import { spawn } from 'node:child_process';
import { registerBuild, terminateGroup, groupAlive } from '../kbuild/process-group.js';
import type { AttachMode } from './kernel-modules.js';

export interface BootOptions {
  qemu: string;
  vmlinuz: string;
  initramfs: string;
  disk: string;
  attach: AttachMode;
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

/** The drive options: an IDE CD-ROM on the default pc machine, or a virtio block device. */
export function driveArgs(disk: string, attach: AttachMode): string[] {
  // QEMU reads commas in option values as separators unless doubled.
  const file = disk.replace(/,/g, ',,');
  return attach === 'cdrom'
    ? ['-drive', `file=${file},media=cdrom,readonly=on`]
    : ['-drive', `file=${file},format=raw,if=virtio,readonly=on`];
}

export function qemuArgs(o: BootOptions): string[] {
  return [
    '-accel', o.kvm ? 'kvm' : 'tcg',
    '-m', String(o.memoryMiB),
    '-smp', String(o.cpus),
    '-nographic', '-no-reboot', '-nodefaults', '-serial', 'stdio', '-vga', 'none',
    '-kernel', o.vmlinuz,
    '-initrd', o.initramfs,
    // panic=-1: a kernel panic reboots at once, and -no-reboot turns that into an exit.
    '-append', 'console=ttyS0 panic=-1 quiet',
    ...driveArgs(o.disk, o.attach),
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
