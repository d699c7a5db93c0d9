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
  /**
   * The pipe for make's fd 3, opened on the first call (a run where every kernel is cached never
   * creates it); undefined when make is older than 4.2 or the pipe cannot be made.
   */
  fd(): Promise<number | undefined>;
  /** Give `tokens` more slots (a make that finished gives back its own); kept until the pipe opens. */
  release(tokens: number): void;
  close(): void;
}

/** The job server fd, as make expects it: fd 3 in the child, announced in MAKEFLAGS. */
export const JOBSERVER_MAKEFLAGS = ' -j --jobserver-auth=3,3';

/**
 * What a make needs to join the job server `fd`: MAKEFLAGS naming it and the pipe as its fd 3
 * (execa's types do not list integers for fd 3+). Without one, stdin is closed as usual.
 */
export function joinJobServer(fd: number | undefined): { env: Record<string, string>; stdio: { stdin: 'ignore' } } {
  if (fd === undefined) return { env: {}, stdio: { stdin: 'ignore' } };
  return { env: { MAKEFLAGS: JOBSERVER_MAKEFLAGS }, stdio: { stdio: ['ignore', 'pipe', 'pipe', fd] } as unknown as { stdin: 'ignore' } };
}

/** A job server with `freeSlots` slots beyond the makes' own; its FIFO lives briefly in `dir`. */
export function jobServer(dir: string, freeSlots: number): JobServer {
  let pending = Math.max(0, freeSlots);
  let opened: Promise<number | undefined> | undefined;
  let fd: number | undefined;
  let closed = false;
  const put = (n: number) => {
    if (n > 0) writeSync(fd!, '+'.repeat(n));
  };
  return {
    fd() {
      opened ??= openPipe(dir).then((f) => {
        if (f === undefined || closed) {
          if (f !== undefined) closeSync(f);
          return undefined;
        }
        fd = f;
        put(pending);
        pending = 0;
        return f;
      });
      return opened;
    },
    release(tokens) {
      if (closed) return;
      if (fd === undefined) pending += tokens;
      else put(tokens);
    },
    close() {
      closed = true;
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
    },
  };
}

async function openPipe(dir: string): Promise<number | undefined> {
  try {
    const v = await makeVersion();
    if (!v || v.major < 4 || (v.major === 4 && v.minor < 2)) return undefined;
    const fifo = join(dir, `jobserver-${process.pid}-${Math.random().toString(36).slice(2, 8)}`);
    rmSync(fifo, { force: true });
    await execa('mkfifo', ['-m', '0600', fifo]);
    // Read-write, so opening never blocks and the pipe never sees end-of-file.
    const fd = openSync(fifo, 'r+');
    rmSync(fifo, { force: true }); // the open descriptor keeps the pipe alive
    return fd;
  } catch {
    return undefined;
  }
}
