/**
 * The boot test's initramfs: a newc cpio (the format the kernel unpacks into its rootfs,
 * written by the RPM payload's cpio writer) holding a static busybox, /init, the console
 * device node and the kernel's own modules it needs, decompressed. Left uncompressed: QEMU
 * hands it to the kernel in memory, and a few MiB of gunzip under TCG would only cost time.
 */
import { dirname } from 'node:path';
import { writeCpio, type CpioInput } from '../rpm/cpio.js';

export interface InitramfsInput {
  busybox: Buffer;
  init: string;
  /** Extra files by absolute path (modules under /lib/modules/<release>/…). */
  files: { path: string; data: Buffer; mode?: number }[];
}

const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
const S_IFCHR = 0o020000;

export function buildInitramfs(input: InitramfsInput): Buffer {
  const entries: CpioInput[] = [];
  const dirs = new Set<string>();
  let ino = 1;
  const base = { uid: 0, gid: 0, mtime: 0, devMajor: 0, devMinor: 0, rdevMajor: 0, rdevMinor: 0 };
  const addDir = (path: string): void => {
    if (path === '/' || dirs.has(path)) return;
    addDir(dirname(path));
    dirs.add(path);
    entries.push({ ...base, name: path.slice(1), ino: ino++, mode: S_IFDIR | 0o755, nlink: 2, data: Buffer.alloc(0) });
  };
  const addFile = (path: string, data: Buffer, mode: number): void => {
    addDir(dirname(path));
    entries.push({ ...base, name: path.slice(1), ino: ino++, mode: S_IFREG | mode, nlink: 1, data });
  };
  for (const d of ['/bin', '/dev', '/proc', '/sys', '/mnt', '/tmp', '/lib/modules']) addDir(d);
  // The kernel opens /dev/console for init's stdin/out/err before devtmpfs is mounted.
  entries.push({ ...base, name: 'dev/console', ino: ino++, mode: S_IFCHR | 0o600, nlink: 1, rdevMajor: 5, rdevMinor: 1, data: Buffer.alloc(0) });
  addFile('/bin/busybox', input.busybox, 0o755);
  addFile('/init', Buffer.from(input.init), 0o755);
  for (const f of input.files) addFile(f.path, f.data, f.mode ?? 0o644);
  return writeCpio(entries);
}

