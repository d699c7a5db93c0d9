/**
 * The host tools a boot test needs, each missing one a UserError naming its Debian package:
 * qemu-system-x86_64 (qemu-system-x86) and a statically linked busybox (busybox-static; the
 * dynamically linked one of the `busybox` package cannot run in an initramfs without its libc).
 */
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { UserError } from '../errors.js';

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

export function findQemu(): string {
  const qemu = findOnPath('qemu-system-x86_64');
  if (!qemu) throw new UserError('qemu-system-x86_64 is not installed', 'apt-get install qemu-system-x86');
  return qemu;
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
export function readStaticBusybox(path = '/bin/busybox'): Buffer {
  if (!existsSync(path)) throw new UserError(`${path} does not exist: the boot test needs a static busybox`, 'apt-get install busybox-static');
  const buf = readFileSync(path);
  if (!isStaticElf(buf)) {
    throw new UserError(`${path} is not a statically linked x86-64 busybox`, 'apt-get install busybox-static (it replaces the dynamically linked busybox)');
  }
  return buf;
}
