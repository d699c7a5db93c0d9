/**
 * Kbuild replay: starting the probe objects' own make directly.
 *
 * `make -C <tree> M=<dir> <objects>` spends about half a second in the kernel's top Makefile
 * (the arch flags, some thirty `cc-option` compiler runs) before it starts the make that builds
 * anything: `make -f $(srctree)/scripts/Makefile.build obj=<dir> …`, with every flag it worked
 * out exported in the environment. For a probe round that is more than a batch's compile.
 *
 * So the first round for a kernel also builds `dudforge-env.i`, whose recipe runs inside that
 * inner make and writes down what it was given: its environment, directory, makefile, goals and
 * command-line variables. Later rounds, and later runs, start the inner make the same way
 * themselves. The command lines it runs are the same bytes (checked by test/probes/replay).
 *
 * A recording is used only while everything it depends on is unchanged: it is kept under the
 * kernel's identity (which changes with the tree), and it names the compiler (path, size, mtime,
 * version), make's version and a hash of the inherited environment (so KCFLAGS, PATH, ARCH and
 * the like count). Anything else, or a recording that cannot be read, means the normal make.
 * No environment value is stored that came unchanged from the user's own environment.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { writeFileAtomicSync } from '../fs/atomic-write.js';
import { join } from 'node:path';
import { kernelCompilerIdentity, makeVersion } from '../kbuild/toolchain.js';
import type { ProbeKernel } from './types.js';

export const ENV_TARGET = 'dudforge-env.i';
const REPLAY_FILE = 'kbuild-replay.json';
const FORMAT = 1;
/** A stand-in for the round's directory inside stored values. */
const DIR_MARK = '@DUDFORGE_PROBE_DIR@';

/** make's own bookkeeping, and variables that differ between shells without meaning anything to Kbuild. */
const VOLATILE = /^(DUDFORGE_REAP_TOKEN|MAKEFLAGS|GNUMAKEFLAGS|MAKELEVEL|MFLAGS|MAKEOVERRIDES|PWD|OLDPWD|_|SHLVL|NODE_.*|npm_.*|TERM|COLORTERM|COLUMNS|LINES|TMUX.*|SSH_.*|DISPLAY|WINDOWID|XDG_.*)$/;

export interface KbuildReplay {
  format: number;
  /** The inner make's working directory (the kernel's object tree). */
  cwd: string;
  /** Its makefile (scripts/Makefile.build), as it was named to make. */
  makefile: string;
  /** Single-letter flags the top Makefile set (-r, -R). */
  flags: string[];
  /** Command-line variables (obj=, M=, need-builtin=, LLVM= …), the directory marked. */
  vars: string[];
  /** What goes before an object's name in a goal (the directory, marked). */
  goalPrefix: string;
  /** The variables Kbuild exported: those not inherited unchanged (the directory marked). */
  env: Record<string, string>;
  /** What the recording depends on. */
  inherited: string;
  compiler: string;
  make: string;
}

/** Kbuild lines of a round that records: the recipe runs in the inner make (make 4.0+ for $(file)). */
export function recordingKbuild(): string[] {
  return [
    `$(obj)/${ENV_TARGET}: FORCE`,
    '\t$(file >$@.cwd,$(CURDIR))$(file >$@.mk,$(firstword $(MAKEFILE_LIST)))$(file >$@.goals,$(MAKECMDGOALS))$(file >$@.flags,$(MAKEFLAGS))',
    '\t$(Q)env -0 > $@',
  ];
}

function hashInherited(env: NodeJS.ProcessEnv): string {
  const rows = Object.entries(env)
    .filter(([k, v]) => v !== undefined && !VOLATILE.test(k))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`);
  return createHash('sha256').update(rows.join('\0')).digest('hex');
}

async function dependencies(env: Record<string, string | undefined>, cc: string | undefined): Promise<{ inherited: string; compiler: string; make: string }> {
  const v = await makeVersion();
  return { inherited: hashInherited(env), compiler: await kernelCompilerIdentity(cc), make: v ? `${v.major}.${v.minor}` : 'unknown' };
}

const mark = (s: string, dir: string) => s.split(dir).join(DIR_MARK);
const unmark = (s: string, dir: string) => s.split(DIR_MARK).join(dir);

/**
 * Read what the recipe wrote in `dir` after a round's make; `spawnEnv` is the environment that
 * make was started with. Undefined when anything is missing or unexpected.
 */
export async function readRecording(dir: string, spawnEnv: Record<string, string | undefined>): Promise<KbuildReplay | undefined> {
  const file = join(dir, ENV_TARGET);
  const parts = ['cwd', 'mk', 'goals', 'flags'].map((s) => `${file}.${s}`);
  if (!existsSync(file) || !parts.every((p) => existsSync(p))) return undefined;
  const [cwd, makefile, goals, makeflags] = parts.map((p) => readFileSync(p, 'utf8').replace(/\n$/, ''));
  const goal = goals.split(' ').find((g) => g.endsWith(ENV_TARGET));
  const sep = makeflags.indexOf(' -- ');
  if (!cwd || !makefile || !goal || sep < 0) return undefined;
  const vars = makeflags.slice(sep + 4).split(' ').filter(Boolean);
  // Escaped spaces or quotes in a variable: not worth parsing; use the normal make.
  if (vars.some((v) => /[\\'"]/.test(v) || !v.includes('='))) return undefined;
  const letters = /^[A-Za-z]+$/.test(makeflags.split(' ')[0]) ? makeflags.split(' ')[0] : '';
  const flags = ['r', 'R'].filter((f) => letters.includes(f)).map((f) => `-${f}`);
  const env: Record<string, string> = {};
  for (const row of readFileSync(file, 'utf8').split('\0')) {
    const eq = row.indexOf('=');
    if (eq <= 0) continue;
    const [k, v] = [row.slice(0, eq), row.slice(eq + 1)];
    if (VOLATILE.test(k) || spawnEnv[k] === v) continue;
    env[k] = mark(v, dir);
  }
  if (!env.srctree && !env.KBUILD_SRC) return undefined;
  return {
    format: FORMAT,
    cwd,
    makefile,
    flags,
    vars: vars.map((v) => mark(v, dir)),
    goalPrefix: mark(goal.slice(0, -ENV_TARGET.length), dir),
    env,
    ...(await dependencies(spawnEnv, env.CC ?? spawnEnv.CC)),
  };
}

function storePath(cacheDir: string, kernel: ProbeKernel): string {
  return join(cacheDir, kernel.identity, REPLAY_FILE);
}

export function saveReplay(cacheDir: string, kernel: ProbeKernel, replay: KbuildReplay): void {
  const target = storePath(cacheDir, kernel);
  mkdirSync(join(cacheDir, kernel.identity), { recursive: true });
  // A temporary name of this process's own, so two runs probing one kernel never mix their files.
  writeFileAtomicSync(target, JSON.stringify(replay, null, 1) + '\n');
}

/** The kernel's recording, when it still holds for this environment, compiler and make. */
export async function loadReplay(cacheDir: string, kernel: ProbeKernel, spawnEnv: Record<string, string | undefined>): Promise<KbuildReplay | undefined> {
  let r: KbuildReplay;
  try {
    r = JSON.parse(readFileSync(storePath(cacheDir, kernel), 'utf8')) as KbuildReplay;
  } catch {
    return undefined;
  }
  if (r.format !== FORMAT || !existsSync(r.cwd)) return undefined;
  const now = await dependencies(spawnEnv, r.env.CC ?? spawnEnv.CC);
  if (now.inherited !== r.inherited || now.compiler !== r.compiler || now.make !== r.make) return undefined;
  return r;
}

/** How to start the inner make for `goals` (object names) in `dir`. */
export function replayInvocation(r: KbuildReplay, dir: string, goals: string[]): { cwd: string; args: string[]; env: Record<string, string> } {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(r.env)) env[k] = unmark(v, dir);
  return {
    cwd: r.cwd,
    args: [...r.flags, '--no-print-directory', '-f', r.makefile, ...r.vars.map((v) => unmark(v, dir)), ...goals.map((g) => unmark(r.goalPrefix, dir) + g)],
    env,
  };
}
