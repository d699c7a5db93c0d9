/**
 * A GNU make job server shared by several makes (one per kernel): a named pipe holding one
 * token per job slot beyond the one each running make owns. A static split (-j1 per kernel on
 * 2 CPUs) leaves a CPU idle as soon as one kernel finishes; with a shared server the others
 * take its slot. make 4.2+ only (`--jobserver-auth=R,W`); otherwise undefined and callers
 * fall back to the static split.
 */
import { closeSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { makeVersion } from './toolchain.js';

export interface JobServer {
  /** The pipe, read-write; handed to make as fd 3. */
  fd: number;
  /** Put `tokens` more slots in the pipe (a make that finished gives back its own). */
  release(tokens: number): void;
  close(): void;
}

/** The job server fd, as make expects it: fd 3 in the child, announced in MAKEFLAGS. */
export const JOBSERVER_MAKEFLAGS = ' -j --jobserver-auth=3,3';

/** Open a job server with `initialTokens` free slots; the FIFO lives briefly in `dir`. */
export async function openJobServer(dir: string, initialTokens: number): Promise<JobServer | undefined> {
  try {
    const v = await makeVersion();
    if (!v || v.major < 4 || (v.major === 4 && v.minor < 2)) return undefined;
    const fifo = join(dir, `jobserver-${process.pid}-${Math.random().toString(36).slice(2, 8)}`);
    rmSync(fifo, { force: true });
    await execa('mkfifo', ['-m', '0600', fifo]);
    // Read-write, so opening never blocks and the pipe never sees end-of-file.
    const fd = openSync(fifo, 'r+');
    rmSync(fifo, { force: true }); // the open descriptor keeps the pipe alive
    const release = (tokens: number) => {
      if (tokens > 0) writeSync(fd, '+'.repeat(tokens));
    };
    release(initialTokens);
    return { fd, release, close: () => closeSync(fd) };
  } catch {
    return undefined;
  }
}
