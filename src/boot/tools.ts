/**
 * The host tools a boot test needs, each missing one a UserError naming its Debian package:
 * qemu-system-x86_64 (qemu-system-x86) or qemu-system-aarch64 (qemu-system-arm), and a
 * statically linked busybox of the guest's architecture (busybox-static; the dynamically linked
 * one of the `busybox` package cannot run in an initramfs without its libc). The aarch64 one is
 * fetched (foreign-busybox.ts), never installed on this host.
 */
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { UserError } from '../errors.js';
import { ARCH, type BootArch } from './arch.js';

export function findOnPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const p = join(dir, name);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      /* next */
    }
  }
  return undefined;
}

export function findQemu(arch: BootArch = 'x86_64'): string {
  const { qemu: name, qemuPackage } = ARCH[arch];
  const qemu = findOnPath(name);
  if (!qemu) throw new UserError(`${name} is not installed (needed to boot ${arch} kernels)`, `apt-get install ${qemuPackage}`);
  return qemu;
}

/** ELF e_machine of a 64-bit little-endian ELF file, undefined for anything else. */
export function elfMachine(buf: Buffer): number | undefined {
  if (buf.length < 64 || buf.readUInt32BE(0) !== 0x7f454c46 || buf[4] !== 2 || buf[5] !== 1) return undefined;
  return buf.readUInt16LE(0x12);
}

/** True when an ELF executable has no PT_INTERP program header (no dynamic loader needed). */
export function isStaticElf(buf: Buffer): boolean {
  if (buf.length < 64 || buf.readUInt32BE(0) !== 0x7f454c46 || buf[4] !== 2 || buf[5] !== 1) return false;
  const phoff = Number(buf.readBigUInt64LE(0x20));
  const phentsize = buf.readUInt16LE(0x36);
  const phnum = buf.readUInt16LE(0x38);
  for (let i = 0; i < phnum; i++) {
    const at = phoff + i * phentsize;
    if (at + 4 > buf.length) return false;
    if (buf.readUInt32LE(at) === 3 /* PT_INTERP */) return false;
  }
  return true;
}

/** The static x86-64 busybox: `--busybox PATH`, else /bin/busybox as busybox-static installs it. */
export function readStaticBusybox(path = '/bin/busybox', arch: BootArch = 'x86_64'): Buffer {
  const hint = arch === 'x86_64' ? 'apt-get install busybox-static (it replaces the dynamically linked busybox)' : `give the bin/busybox of busybox-static:${ARCH[arch].debian}`;
  if (!existsSync(path)) throw new UserError(`${path} does not exist: the boot test needs a static busybox`, hint);
  const buf = readFileSync(path);
  if (!isStaticElf(buf) || elfMachine(buf) !== ARCH[arch].elfMachine) {
    throw new UserError(`${path} is not a statically linked ${arch} busybox`, hint);
  }
  return buf;
}
