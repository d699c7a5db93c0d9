/**
 * Every `make` we start leads its own process group (spawned detached), so one signal to the
 * group reaches make, its sub-makes and every cc1/ld they started. Killing only make would
 * leave compilers running and holding the log pipes for seconds. Every group is also handed to
 * the reaper (reaper.ts), which kills it if dudforge dies without running any handler.
 */
import { forgetGroup, reapGroupOnExit } from './reaper.js';

export interface RunningBuild {
  /** The process group id (= make's pid). */
  pgid: number;
  /** Stop this build: TERM the group, KILL it later; resolves when the group is gone. */
  cancel(): Promise<void>;
}

const running = new Set<RunningBuild>();
let exitHookInstalled = false;

/** Send a signal to a whole process group; false when the group no longer exists. */
export function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

export function groupAlive(pgid: number): boolean {
  return signalGroup(pgid, 0);
}

/**
 * TERM the group, KILL whatever is left after `killAfterMs`, and resolve once no process of
 * the group remains (or `giveUpMs` passed: a process stuck in the kernel cannot be waited for).
 */
export async function terminateGroup(pgid: number, killAfterMs = 1500, giveUpMs = 1900): Promise<void> {
  const start = Date.now();
  signalGroup(pgid, 'SIGTERM');
  let killed = false;
  while (groupAlive(pgid) && Date.now() - start < giveUpMs) {
    if (!killed && Date.now() - start >= killAfterMs) {
      signalGroup(pgid, 'SIGKILL');
      killed = true;
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}

export function registerBuild(build: RunningBuild): () => void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    // Last resort when the parent exits without cancelling (an uncaught error, process.exit):
    // an 'exit' hook must be synchronous, so no grace period here.
    process.on('exit', () => {
      for (const b of running) signalGroup(b.pgid, 'SIGKILL');
    });
  }
  running.add(build);
  reapGroupOnExit(build.pgid);
  return () => {
    if (running.delete(build)) forgetGroup(build.pgid);
  };
}

/** Stop every build still running (for the CLI's SIGINT/SIGTERM handler); resolves within ~2 s. */
export async function killAllBuilds(): Promise<void> {
  await Promise.all([...running].map((b) => b.cancel()));
}

/** The process groups of builds still running (for diagnostics and tests). */
export function runningBuildGroups(): number[] {
  return [...running].map((b) => b.pgid);
}
