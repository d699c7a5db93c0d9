/**
 * One build per project at a time. Two runs in one project would remove each other's build
 * copies and write into one log, so a run takes `.dudforge/lock` first: created with O_EXCL,
 * holding the owner's pid, start time and host. A lock whose owner is gone (the pid no longer
 * exists, or now belongs to a process started at another time) is stale and taken over: a run
 * killed with SIGKILL never blocks the next one.
 */
import { closeSync, linkSync, mkdirSync, openSync, readFileSync, renameSync, rmdirSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import { isAlive, selfIdentity, type ProcessIdentity } from '../process-identity.js';

export interface LockOwner extends ProcessIdentity {
  /** When the owner took the lock (ISO time, for the message). */
  since: string;
}

export interface ProjectLock {
  file: string;
  /** Whether the lock was taken over from a run that is gone (its leftovers need cleaning). */
  tookOverStale: boolean;
  release(): void;
}

export function lockPath(workDir: string): string {
  return join(workDir, 'lock');
}

function readOwner(file: string): LockOwner | undefined {
  try {
    const o = JSON.parse(readFileSync(file, 'utf8')) as LockOwner;
    return typeof o.pid === 'number' && typeof o.start === 'string' ? o : undefined;
  } catch {
    return undefined;
  }
}

function sameOwner(a: LockOwner | undefined, b: LockOwner | undefined): boolean {
  return !!a && !!b && a.pid === b.pid && a.start === b.start && a.host === b.host;
}

/** One attempt: the lock, or its live owner. */
function tryLock(file: string): { lock?: ProjectLock; owner?: LockOwner } {
  const me: LockOwner = { ...selfIdentity(), since: new Date().toISOString() };
  let tookOverStale = false;
  for (let attempt = 0; attempt < 5; attempt++) {
    let fd: number;
    try {
      fd = openSync(file, 'wx', 0o644);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = readOwner(file);
      // A lock file still being written (empty for a moment) counts as held.
      if (!owner) return { owner: { pid: 0, start: '', host: '?', since: '?' } };
      if (isAlive(owner)) return { owner };
      // Stale. Move it aside under a name of our own: of two runs taking over at once only
      // one rename succeeds, and a lock created meanwhile by a third run is put back.
      const aside = `${file}.stale-${process.pid}`;
      try {
        renameSync(file, aside);
      } catch {
        continue;
      }
      if (!sameOwner(readOwner(aside), owner)) {
        try {
          linkSync(aside, file);
        } catch {
          /* someone holds the lock now; the next attempt sees them */
        }
      } else {
        tookOverStale = true;
      }
      rmSync(aside, { force: true });
      continue;
    }
    try {
      writeSync(fd, JSON.stringify(me) + '\n');
    } finally {
      closeSync(fd);
    }
    let released = false;
    return {
      lock: {
        file,
        tookOverStale,
        release() {
          if (released) return;
          released = true;
          if (sameOwner(readOwner(file), me)) rmSync(file, { force: true });
        },
      },
    };
  }
  return { owner: readOwner(file) ?? { pid: 0, start: '', host: '?', since: '?' } };
}

function describe(owner: LockOwner): string {
  return owner.pid ? `process ${owner.pid} on ${owner.host} (since ${owner.since})` : 'another dudforge run';
}

/**
 * Take the project's lock. Without `wait` a held lock is a UserError (exit 2) naming its
 * owner; with `wait` it polls until the owner is done, telling `onWait` once, and gives up
 * when `signal` aborts.
 */
export async function lockProject(
  workDir: string,
  opts: { wait?: boolean; signal?: AbortSignal; onWait?: (owner: string) => void } = {},
): Promise<ProjectLock> {
  // A run refused before it built anything (bad input) leaves no .dudforge/ it created.
  const created = mkdirSync(workDir, { recursive: true }) !== undefined;
  const file = lockPath(workDir);
  let told = false;
  for (;;) {
    const { lock, owner } = tryLock(file);
    if (lock) {
      if (!created) return lock;
      return {
        ...lock,
        release() {
          lock.release();
          try {
            rmdirSync(workDir);
          } catch {
            /* not empty: the run built something */
          }
        },
      };
    }
    if (!opts.wait) {
      throw new UserError(
        `this project is being built by ${describe(owner!)}: ${file} is held`,
        'wait for that build to finish, or run `dudforge build --wait` to start when it is done',
      );
    }
    if (!told) {
      opts.onWait?.(describe(owner!));
      told = true;
    }
    opts.signal?.throwIfAborted();
    await new Promise((r) => setTimeout(r, 200));
    opts.signal?.throwIfAborted();
  }
}
