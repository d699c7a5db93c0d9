import { REAP_TOKEN_VAR, reapToken } from './reaper.js';
import { joinJobServer } from './jobserver.js';
import { createWriteStream, existsSync, mkdirSync, openSync, readdirSync, rmSync } from 'node:fs';
import { dirname, isAbsolute, join, relative } from 'node:path';
import { createInterface } from 'node:readline';
import { execa } from 'execa';
import { crossMakeVars } from '../kernel/cross.js';
import { UserError } from '../errors.js';
import type { KernelPhase, PipelineEvent } from '../events.js';
import { isEnabled, readKernelConfig } from '../kernel/config.js';
import { parseKbuildLine } from './progress.js';
import { registerBuild, terminateGroup, type RunningBuild } from './process-group.js';

export { killAllBuilds } from './process-group.js';

export interface RunKbuildOptions {
  /** The kernel build tree (`make -C`). */
  buildTree: string;
  /** This kernel's own copy of the driver sources (`M=`): objects of one kernel never meet another's. */
  sourceDir: string;
  /** The kernel release, for events. */
  release: string;
  jobs: number;
  /** Extra make arguments, e.g. ['CONFIG_FOO=m']. */
  makeArgs?: string[];
  /** Extra environment (the rest is inherited, minus make's own job-server variables). */
  env?: Record<string, string>;
  /** Full output of make goes here (created or truncated). */
  logFile: string;
  /** From scanKbuildDir: compile steps to expect, for the progress bar. */
  expectedObjects: number;
  /**
   * A shared GNU make job server (a pipe open read-write on this fd): make joins it as a child
   * (no -j of its own), so kernels built side by side share one job budget and a slot freed by
   * a finished kernel goes to the ones still compiling. Needs GNU make 4.2 or later.
   */
  jobserverFd?: number;
  /**
   * A shell script run instead of Kbuild's make (a dkms.conf's PRE_BUILD, MAKE and POST_BUILD),
   * in sourceDir, with the same process group, job server, environment and progress parsing.
   */
  shellScript?: string;
  /** Pass LLVM=1; default: read CONFIG_CC_IS_CLANG from the tree's .config. */
  llvm?: boolean;
  signal?: AbortSignal;
  onEvent: (e: PipelineEvent) => void;
}

export interface RunKbuildResult {
  ok: boolean;
  cancelled: boolean;
  /** Absolute paths of the `.ko` files built under sourceDir (empty unless ok). */
  modules: string[];
  /** The first compiler (or modpost, or make) error line, when the build failed. */
  firstError?: string;
  warnings: number;
  errors: number;
  logFile: string;
  seconds: number;
}

/** The make command line for one kernel (exported for logs and the `--dry-run` kind of output). */
export function kbuildArgs(opts: Pick<RunKbuildOptions, 'buildTree' | 'sourceDir' | 'jobs' | 'makeArgs' | 'jobserverFd'> & { llvm: boolean }): string[] {
  return [
    '-C',
    opts.buildTree,
    `M=${opts.sourceDir}`,
    // With a shared job server, an explicit -j would make this make a server of its own.
    ...(opts.jobserverFd === undefined ? [`-j${Math.max(1, Math.floor(opts.jobs))}`] : []),
    ...(opts.llvm ? ['LLVM=1'] : []),
    // A tree of another architecture: ARCH and CROSS_COMPILE (kernel/cross.ts).
    ...crossMakeVars(opts.buildTree),
    ...(opts.makeArgs ?? []),
    'modules',
  ];
}

/**
 * The environment of every make dudforge starts (builds and probes): English messages (we
 * parse "error:"), Kbuild's quiet output, and no job server or flags inherited from a make that
 * may have started dudforge.
 */
export function makeEnv(extra: Record<string, string> | undefined): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !['MAKEFLAGS', 'MFLAGS', 'MAKELEVEL', 'MAKEOVERRIDES', 'KBUILD_VERBOSE', 'V'].includes(k)) env[k] = v;
  }
  // The reaper's token: if dudforge dies while a make is being spawned (before its group is
  // handed over), the reaper still finds that make and its children by it (reaper.ts).
  return { ...env, LC_ALL: 'C', LANG: 'C', ...extra, [REAP_TOKEN_VAR]: reapToken() };
}

function findModules(dir: string): string[] {
  const found: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory() && !e.name.startsWith('.')) walk(p);
      else if (e.isFile() && e.name.endsWith('.ko')) found.push(p);
    }
  };
  walk(dir);
  return found.sort();
}

function treeUsesClang(buildTree: string): boolean {
  try {
    return isEnabled(readKernelConfig(join(buildTree, '.config')), 'CC_IS_CLANG');
  } catch {
    return false;
  }
}

/**
 * Build a driver's modules for one kernel with the kernel's own Kbuild. Progress, warnings
 * and errors arrive as events while make runs; the whole output goes to `logFile`.
 * A failed compile resolves with ok: false (it is the driver's problem, not an exception);
 * an abort resolves within 2 s with cancelled: true and no `.ko` left in sourceDir.
 * The caller emits kernel-done/kernel-failed: it knows what comes after the build.
 */
export async function runKbuild(opts: RunKbuildOptions): Promise<RunKbuildResult> {
  const started = Date.now();
  const seconds = () => (Date.now() - started) / 1000;
  const { release, onEvent } = opts;
  if (!existsSync(opts.sourceDir)) {
    throw new UserError(`the sources to build for ${release} are missing: ${opts.sourceDir}`, 'this is a dudforge bug if it happens during a pipeline run; please report it');
  }
  mkdirSync(dirname(opts.logFile), { recursive: true });
  // Opened synchronously so that an unwritable log fails here, not as a stream 'error' event later.
  const log = createWriteStream('', { fd: openSync(opts.logFile, 'w') });
  const args = kbuildArgs({ ...opts, llvm: opts.llvm ?? treeUsesClang(opts.buildTree) });
  log.write(opts.shellScript ? `$ sh -c <<'EOF'\n${opts.shellScript}EOF\n` : `$ make ${args.join(' ')}\n`);

  if (opts.signal?.aborted) {
    await new Promise<void>((r) => log.end(r));
    return { ok: false, cancelled: true, modules: [], warnings: 0, errors: 0, logFile: opts.logFile, seconds: seconds() };
  }

  let phase: KernelPhase | undefined;
  const setPhase = (p: KernelPhase) => {
    if (p !== phase) onEvent({ type: 'kernel-phase', release, phase: (phase = p) });
  };
  setPhase('compile');

  const compiled = new Set<string>();
  let warnings = 0;
  let errors = 0;
  let firstError: string | undefined;
  let firstMakeError: string | undefined;
  let sawModpost = false;

  const onLine = (line: string) => {
    log.write(line + '\n');
    onEvent({ type: 'kernel-log', release, line });
    const e = parseKbuildLine(line);
    switch (e.kind) {
      case 'compile': {
        // Kbuild prints absolute paths for M= builds up to 6.12; newer ones print them relative
        // to the module directory already.
        const object = isAbsolute(e.object) ? relative(opts.sourceDir, e.object) : e.object;
        if (!compiled.has(object)) {
          compiled.add(object);
          onEvent({ type: 'object-compiled', release, object, compiled: compiled.size, expected: opts.expectedObjects });
        }
        break;
      }
      case 'link':
        setPhase('link');
        break;
      case 'modpost':
        sawModpost = true;
        setPhase('modpost');
        break;
      case 'compile-aux':
        if (sawModpost) setPhase('link'); // the final link of the .ko starts with its .mod.o
        break;
      case 'warning':
        warnings++;
        onEvent({ type: 'warning', release, message: e.text });
        break;
      case 'error':
        errors++;
        firstError ??= e.text;
        onEvent({ type: 'compiler-error', release, message: e.text });
        break;
      case 'make-error':
        firstMakeError ??= e.text;
        break;
    }
  };

  const joined = joinJobServer(opts.jobserverFd);
  const child = execa(opts.shellScript ? 'sh' : 'make', opts.shellScript ? ['-c', opts.shellScript] : args, {
    cwd: opts.sourceDir,
    env: makeEnv({ ...opts.env, ...joined.env }),
    extendEnv: false,
    detached: true, // make leads its own process group: one signal reaches every cc1
    ...joined.stdio,
    buffer: false,
    reject: false,
  });
  const pgid = child.pid;
  let cancelled = false;
  let finished = false;
  let cancelling: Promise<void> | undefined;
  let markCancelled!: () => void;
  const cancelledDone = new Promise<undefined>((resolve) => (markCancelled = () => resolve(undefined)));
  const build: RunningBuild = {
    pgid: pgid ?? -1,
    cancel() {
      if (finished) return Promise.resolve(); // the pgid may already belong to someone else
      cancelled = true;
      cancelling ??= (pgid ? terminateGroup(pgid) : Promise.resolve()).then(markCancelled);
      return cancelling;
    },
  };
  const unregister = pgid ? registerBuild(build) : () => {};
  const onAbort = () => void build.cancel();
  opts.signal?.addEventListener('abort', onAbort, { once: true });

  const readers = [child.stdout, child.stderr].map(
    (stream) =>
      new Promise<void>((resolve) => {
        if (!stream) return resolve();
        const rl = createInterface({ input: stream, crlfDelay: Infinity });
        rl.on('line', onLine);
        rl.on('close', resolve);
      }),
  );

  // After a cancel, compilers killed by the group signal may keep the pipes open a moment; we
  // wait for the group to be gone, not for the pipes.
  const result = await Promise.race([Promise.all([child, ...readers]).then(([r]) => r), cancelledDone]);
  if (cancelling) await cancelling;
  finished = true;
  opts.signal?.removeEventListener('abort', onAbort);
  unregister();
  child.stdout?.destroy();
  child.stderr?.destroy();

  if (result && !cancelled && (result as { code?: string }).code === 'ENOENT') {
    await new Promise<void>((r) => log.end(r));
    throw new UserError('make was not found', 'install make and a C compiler (Debian/Ubuntu: apt-get install build-essential; RHEL/Fedora: dnf install make gcc)');
  }

  if (cancelled) {
    // A .ko may be half-written if the link was interrupted: none may look finished.
    for (const ko of findModules(opts.sourceDir)) rmSync(ko, { force: true });
    log.write('*** build cancelled\n');
    await new Promise<void>((r) => log.end(r));
    return { ok: false, cancelled: true, modules: [], firstError, warnings, errors, logFile: opts.logFile, seconds: seconds() };
  }

  const exitCode = result?.exitCode;
  let ok = exitCode === 0;
  const modules = ok ? findModules(opts.sourceDir) : [];
  if (ok && modules.length === 0) {
    ok = false;
    firstError = 'make succeeded but built no .ko: the Makefile names no module (obj-m) for this configuration';
  }
  if (!ok && !firstError) {
    firstError = firstMakeError ?? `make exited with ${exitCode ?? (result as { signal?: string })?.signal ?? 'an unknown status'}`;
  }
  log.write(ok ? '*** build succeeded\n' : `*** build failed: ${firstError}\n`);
  await new Promise<void>((r) => log.end(r));
  return { ok, cancelled: false, modules, firstError: ok ? undefined : firstError, warnings, errors, logFile: opts.logFile, seconds: seconds() };
}
