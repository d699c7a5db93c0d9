/**
 * Nothing dudforge starts may outlive it, even when it is killed with SIGKILL and none of its
 * own handlers run. A make leads its own process group (so one signal reaches every sub-make
 * and cc1), which also means the kernel does not stop it when dudforge dies: cc1 is not even
 * dudforge's child, so PR_SET_PDEATHSIG on make would not reach it.
 *
 * The reaper is a tiny shell started once, in a session of its own, that ignores the usual
 * signals and reads a pipe from dudforge: `g+<pgid>` / `g-<pgid>` as process groups start and
 * end, `d+<dir>` for temporary directories. The pipe closes when dudforge exits for whatever
 * reason (the kernel closes its descriptors); the reaper then SIGKILLs every group still
 * listed, removes the directories, and exits. The descriptor is close-on-exec, so no make
 * inherits it and keeps the pipe open.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';

/** The variable every make dudforge starts carries (kbuild/run.ts makeEnv), with this run's token. */
export const REAP_TOKEN_VAR = 'DUDFORGE_REAP_TOKEN';
const token = `${process.pid}.${randomBytes(8).toString('hex')}`;

export function reapToken(): string {
  return token;
}

const SCRIPT = `
token=$1
trap '' INT TERM HUP QUIT PIPE
groups=' '
dirs=''
while IFS= read -r line; do
  case $line in
    g+*) groups="$groups\${line#g+} " ;;
    g-*) id=\${line#g-}
         case $groups in *" $id "*) groups="\${groups%%" $id "*} \${groups#*" $id "}" ;; esac ;;
    d+*) dirs="$dirs\${line#d+}
" ;;
  esac
done
for g in $groups; do kill -KILL "-$g" 2>/dev/null; done
# A make spawned in the instant dudforge died was never listed: it and its children carry the token.
for f in $(grep -l -s -z -x "${REAP_TOKEN_VAR}=$token" /proc/[0-9]*/environ); do
  p=\${f#/proc/}; kill -KILL "-\${p%/environ}" "\${p%/environ}" 2>/dev/null
done
printf '%s' "$dirs" | while IFS= read -r d; do [ -n "$d" ] && rm -rf -- "$d"; done
`;

let reaper: ChildProcess | undefined;
let unavailable = false;

/**
 * Start the reaper now, before a step that makes processes and directories: it is then running
 * and reading when the first of them is handed to it.
 */
export function startReaper(): void {
  if (unavailable || reaper) return;
  spawnReaper();
}

function send(line: string): void {
  if (unavailable || line.includes('\n')) return;
  if (!reaper) spawnReaper();
  if (!unavailable) reaper?.stdin?.write(`${line}\n`);
}

function spawnReaper(): void {
  try {
    // The reaper's own environment lacks the token, so its scan never matches itself.
    const env = { ...process.env };
    delete env[REAP_TOKEN_VAR];
    reaper = spawn('/bin/sh', ['-c', SCRIPT, 'dudforge-reaper', token], { detached: true, stdio: ['pipe', 'ignore', 'ignore'], env });
  } catch {
    unavailable = true;
    return;
  }
  reaper.on('error', () => {
    unavailable = true;
  });
  reaper.stdin?.on('error', () => {
    unavailable = true;
  });
  // Neither the reaper nor its pipe may keep dudforge's event loop alive.
  reaper.unref();
  (reaper.stdin as unknown as { unref?: () => void } | null)?.unref?.();
}

/** Kill this process group if dudforge dies before `forgetGroup`. */
export function reapGroupOnExit(pgid: number): void {
  send(`g+${pgid}`);
}

export function forgetGroup(pgid: number): void {
  send(`g-${pgid}`);
}

/** Remove this directory (recursively) when dudforge exits, however it exits. */
export function removeDirOnExit(dir: string): void {
  send(`d+${dir}`);
}

/** The reaper's pid (tests), once one was started. */
export function reaperPid(): number | undefined {
  return reaper?.pid;
}

/**
 * A new private directory named `prefix` + random letters, handed to the reaper before it is
 * made (mkdtemp would make it first, and a SIGKILL in between would leave it behind). The prefix
 * names the owner (pid and start time), so a name that exists already can only be this run's own.
 */
export function makeGuardedDir(prefix: string): string {
  for (;;) {
    const dir = `${prefix}${randomBytes(6).toString('base64url')}`;
    removeDirOnExit(dir);
    try {
      mkdirSync(dir, { mode: 0o700 });
      return dir;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
}
