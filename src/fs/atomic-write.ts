/**
 * The one way dudforge replaces a file: write a temporary file in the same directory (so the
 * rename cannot cross filesystems), fsync it, rename it over the target, and remove the
 * temporary file on any failure. A reader sees the old file or the new one, never half of one;
 * a crash leaves at worst a hidden `.<name>.tmp-<pid>-<random>` beside the target.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Temporary names look like this (for code that cleans up after a killed run). */
export const TEMP_NAME = /^\..+\.tmp-\d+-[0-9a-f]{8}$/;

/** A fresh temporary name beside `path`: hidden, unique to this process and call. */
export function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
}

/** Write `data` to `path` atomically; `mode` is set exactly (umask-proof). */
export function writeFileAtomicSync(path: string, data: Buffer | string, mode = 0o644): void {
  const tmp = tempPathFor(path);
  try {
    const fd = openSync(tmp, 'wx', mode);
    try {
      const bytes = typeof data === 'string' ? Buffer.from(data) : data;
      for (let off = 0; off < bytes.length; ) off += writeSync(fd, bytes, off, bytes.length - off);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

/** The asynchronous twin of writeFileAtomicSync. */
export async function writeFileAtomic(path: string, data: Buffer | string, mode = 0o644): Promise<void> {
  await commitAtomically(path, async (tmp) => {
    const fh = await open(tmp, 'wx', mode);
    try {
      await fh.writeFile(data);
      await fh.chmod(mode);
    } finally {
      await fh.close();
    }
  });
}

/**
 * For files produced by someone else (a stream, a tool writing to a path): `produce` writes the
 * temporary path it is given; on success it is fsynced and renamed to `path`, on any failure
 * (or when `produce` wrote nothing) it is removed and the error passes through.
 */
export async function commitAtomically<T>(path: string, produce: (tmp: string) => Promise<T>): Promise<T> {
  const tmp = tempPathFor(path);
  try {
    const value = await produce(tmp);
    const fh = await open(tmp, 'r+');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
    return value;
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}
