/**
 * The build step: every kernel gets its own copy of the sources and its own `make`, run
 * concurrently under one job budget. A kernel that fails does not stop the others.
 * Compiled modules are cached by everything that can change them.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, copyFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { kbuildArgs, runKbuild } from '../kbuild/run.js';
import { builtModulesOf, dkmsScript, needsDkmsScript } from './dkms.js';
import { jobServer, type JobServer } from '../kbuild/jobserver.js';
import { copySourceFiles } from './sources.js';
import { BuildCache, buildCacheKey } from '../cache/build-cache.js';
import { treeStamp } from '../cache/tree-stamp.js';
import { toUserPaths } from '../kbuild/user-paths.js';
import { kernelCompilerIdentity } from '../kbuild/toolchain.js';
import type { PipelineContext, ResolvedKernel } from './context.js';
import { describeApiChange, errorLines, matchApiChanges } from '../kbuild/api-changes.js';

export interface BuiltModule {
  /** Module name without .ko. */
  name: string;
  /** The built (and later stripped/signed) module file. */
  file: string;
}

export interface KernelBuildResult {
  release: string;
  ok: boolean;
  /** The Module.symvers the build wrote (symbols the modules export), when there is one. */
  exportsFile?: string;
  cancelled?: boolean;
  cached: boolean;
  /** The build-cache key its modules are stored under (output-key.ts keys out/ by it). */
  cacheKey?: string;
  modules: BuiltModule[];
  firstError?: string;
  /** Known kernel API changes the compiler errors point at (kbuild/api-changes.ts), one line each. */
  knownChanges?: string[];
  logFile: string;
}

/**
 * Split the job budget: with more kernels than jobs, run `jobs` kernels at a time with -j1 each;
 * otherwise every kernel runs at once and the jobs are shared out (the first ones get the rest).
 */
export function shareJobs(jobs: number, kernels: number): { concurrent: number; perKernel: number[] } {
  const concurrent = Math.max(1, Math.min(jobs, kernels));
  const perKernel = Array.from({ length: kernels }, (_, i) => {
    if (kernels >= jobs) return 1;
    return Math.floor(jobs / kernels) + (i < jobs % kernels ? 1 : 0);
  });
  return { concurrent, perKernel };
}

export function kernelWorkDir(ctx: PipelineContext, release: string): string {
  return join(ctx.workDir, 'build', release);
}

/**
 * Whether make and Kbuild take a path literally in M=, -I and -ffile-prefix-map: a space splits
 * it, and $, #, :, %, = and quotes are make syntax.
 */
export function makeSafePath(p: string): boolean {
  return /^[A-Za-z0-9_.+@~/-]+$/.test(p);
}

/**
 * Where a kernel's source copy is compiled: in its work dir when make can name that path, else in
 * a fresh directory under the system's temporary directory, removed when the build ends.
 */
function compileDir(dir: string, release: string): { path: string; scratch: boolean } {
  if (makeSafePath(dir)) return { path: dir, scratch: false };
  const base = makeSafePath(tmpdir()) ? tmpdir() : '/tmp';
  return { path: mkdtempSync(join(base, `dudforge-build-${release.replace(/[^A-Za-z0-9_.+-]/g, '_')}-`)), scratch: true };
}

export function logFileFor(ctx: PipelineContext, release: string): string {
  return join(ctx.workDir, 'logs', `${release}.log`);
}

async function buildOne(
  ctx: PipelineContext,
  kernel: ResolvedKernel,
  jobs: number,
  compatHeader: string | undefined,
  toolchain: string,
  jobserver: JobServer | undefined,
): Promise<KernelBuildResult> {
  const { release, tree } = kernel;
  const started = Date.now();
  const dir = kernelWorkDir(ctx, release);
  const modulesDir = join(dir, 'modules');
  const logFile = logFileFor(ctx, release);
  mkdirSync(join(ctx.workDir, 'logs'), { recursive: true });
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(modulesDir, { recursive: true });

  // A dkms.conf's own steps (patches, PRE_BUILD, MAKE, POST_BUILD) replace Kbuild's plain make.
  // dkms.conf sits in the (first) driver directory; its commands run there, as DKMS runs them.
  const dkms = ctx.answers.dkms;
  const dkmsFor = (srcCopy: string) =>
    needsDkmsScript(dkms, release)
      ? dkmsScript({
          dkms: dkms!,
          kernel,
          srcCopy,
          moduleDir: join(srcCopy, ctx.sources.driverDirs[0] ?? ''),
          workDir: dir,
          // No -j in the script (the cache key must not depend on it): MAKEFLAGS carries the jobs.
          defaultMake: kbuildArgs({ buildTree: tree.path, sourceDir: srcCopy, jobs, makeArgs: ctx.sources.makeArgs, jobserverFd: -1, llvm: tree.llvm }),
          packageName: ctx.answers.package.name,
          packageVersion: ctx.answers.package.version,
        })
      : undefined;
  // The key names the script as it reads in the work dir, wherever the copy is compiled.
  const keyScript = dkmsFor(join(dir, 'src'));
  const key = buildCacheKey({
    sources: ctx.sources.contentHash,
    makeArgs: [
      ...ctx.sources.makeArgs,
      ...(keyScript ? [`dkms:${keyScript.script}`] : []),
      // The cached set is the chosen modules only.
      ...(ctx.answers.modules?.length || dkms?.modules?.length ? [`modules:${JSON.stringify([ctx.answers.modules ?? [], dkms?.modules ?? []])}`] : []),
    ],
    wrapper: ctx.sources.wrapperKbuild ?? '',
    compatHeader: compatHeader ?? '',
    kernelIdentity: tree.identity,
    treePath: tree.path,
    treeStamp: treeStamp(tree.path),
    toolchain,
    // A foreign tree is built by the cross compiler, not by the one its config names.
    kernelCompiler: await kernelCompilerIdentity(tree.cross?.compiler ?? tree.compiler),
    includeDirs: ctx.sources.includeDirs,
  });
  const cache = new BuildCache(join(ctx.workDir, 'cache'));
  const hit = cache.lookup(release, key);
  if (hit) {
    for (const f of hit) copyFileSync(f, join(modulesDir, basename(f)));
    const modules = hit.filter((f) => f.endsWith('.ko')).map((f) => ({ name: basename(f, '.ko'), file: join(modulesDir, basename(f)) }));
    const exportsFile = hit.some((f) => basename(f) === 'Module.symvers') ? join(modulesDir, 'Module.symvers') : undefined;
    writeFileSync(logFile, `cached build (key ${key}); nothing compiled\n`);
    ctx.reporter.emit({ type: 'kernel-phase', release, phase: 'cached' });
    ctx.reporter.emit({ type: 'kernel-done', release, modules: modules.map((m) => m.name), seconds: (Date.now() - started) / 1000, cached: true });
    return { release, ok: true, cached: true, cacheKey: key, modules, logFile, exportsFile };
  }

  const compiled = compileDir(dir, release);
  const srcCopy = join(compiled.path, 'src');
  const moduleDir = join(srcCopy, ctx.sources.driverDirs[0] ?? '');
  const dkmsRun = dkmsFor(srcCopy);
  const toUser = (message: string) => toUserPaths(message, srcCopy, ctx.sources.rootDir);
  try {
    copySourceFiles(ctx.sources.rootDir, ctx.sources.files, srcCopy);
    if (ctx.sources.wrapperKbuild) writeFileSync(join(srcCopy, 'Kbuild'), ctx.sources.wrapperKbuild);
    const cflags = [
      // Reproducible objects: no build directory in debug info or __FILE__.
      `-ffile-prefix-map=${srcCopy}/=`,
      ...ctx.sources.includeDirs.map((d) => `-I${join(srcCopy, d)}`),
    ];
    if (compatHeader !== undefined) {
      const compatDir = join(compiled.path, 'compat');
      mkdirSync(compatDir, { recursive: true });
      writeFileSync(join(compatDir, 'dudforge-compat.h'), compatHeader);
      cflags.unshift(`-I${compatDir}`);
    }

    const result = await runKbuild({
      buildTree: tree.path,
      sourceDir: srcCopy,
      release,
      jobs,
      // inspectTree already read the tree's .config: no second read to learn whether it is clang-built.
      llvm: tree.llvm,
      makeArgs: ctx.sources.makeArgs,
      ...(dkmsRun ? { shellScript: dkmsRun.script } : {}),
      env: {
        // For a driver's own make command: what DKMS sets, the kernel's compiler choice, a job
        // count when there is no shared job server, and the CONFIG_ choices our make line carries.
        ...(dkmsRun
          ? {
              ...Object.fromEntries(Object.entries(dkmsRun.vars).filter(([, v]) => v !== undefined)),
              ...(tree.llvm ? { LLVM: '1' } : {}),
              // Replaced by the job server's MAKEFLAGS when there is one.
              MAKEFLAGS: `-j${Math.max(1, jobs)}`,
              ...Object.fromEntries(ctx.sources.makeArgs.map((a) => a.split(/=(.*)/s).slice(0, 2))),
            }
          : {}),
        KCFLAGS: cflags.join(' '),
        // Kbuild's switch for reproducible output: with it set, pahole encodes module BTF
        // single-threaded (or with reproducible_build), so the .BTF section has a fixed order.
        KBUILD_BUILD_TIMESTAMP: new Date(ctx.buildTime * 1000).toUTCString(),
      },
      logFile,
      expectedObjects: ctx.sources.expectedObjects,
      jobserverFd: await jobserver?.fd(),
      signal: ctx.signal,
      // Messages name the user's files, not this copy of them.
      onEvent: (e) => ctx.reporter.emit(e.type === 'compiler-error' || e.type === 'warning' ? { ...e, message: toUser(e.message) } : e),
    });
    const seconds = (Date.now() - started) / 1000;
    if (!result.ok) {
      const firstError = result.cancelled ? 'cancelled' : result.firstError ? toUser(result.firstError) : 'make failed (see the log)';
      ctx.reporter.emit({ type: 'kernel-phase', release, phase: result.cancelled ? 'cancelled' : 'failed' });
      ctx.reporter.emit({ type: 'kernel-failed', release, firstError, logFile, seconds });
      const knownChanges = result.cancelled ? [] : knownChangesIn(logFile);
      for (const message of knownChanges) ctx.reporter.emit({ type: 'warning', release, message });
      return { release, ok: false, cancelled: result.cancelled, cached: false, modules: [], firstError, logFile, ...(knownChanges.length ? { knownChanges } : {}) };
    }
    const chosen = builtModulesOf(dkms, result.modules, moduleDir);
    // --module: only the chosen modules are packaged (Kbuild builds the directory as a whole).
    const wanted = ctx.answers.modules?.map((m) => m.replace(/-/g, '_'));
    if (wanted?.length) {
      chosen.modules = chosen.modules.filter((ko) => wanted.includes(basename(ko, '.ko').replace(/-/g, '_')));
      if (!chosen.modules.length && !chosen.missing.length) chosen.missing.push(...wanted.map((w) => `${w}.ko`));
    }
    if (chosen.missing.length) {
      const firstError = `the build did not make ${chosen.missing.join(', ')} (${wanted?.length ? "chosen with --module; is it disabled by this kernel's config?" : 'named by dkms.conf BUILT_MODULE_NAME/BUILT_MODULE_LOCATION'})`;
      ctx.reporter.emit({ type: 'kernel-phase', release, phase: 'failed' });
      ctx.reporter.emit({ type: 'kernel-failed', release, firstError, logFile, seconds });
      return { release, ok: false, cached: false, modules: [], firstError, logFile };
    }
    const modules = chosen.modules
      .slice()
      .sort()
      .map((ko) => {
        const target = join(modulesDir, basename(ko));
        copyFileSync(ko, target);
        return { name: basename(ko, '.ko'), file: target };
      });
    // Symbols the modules export to each other: they must not become Requires.
    let exportsFile: string | undefined;
    if (existsSync(join(srcCopy, 'Module.symvers'))) {
      exportsFile = join(modulesDir, 'Module.symvers');
      copyFileSync(join(srcCopy, 'Module.symvers'), exportsFile);
    }
    cache.store(release, key, [...modules.map((m) => m.file), ...(exportsFile ? [exportsFile] : [])]);
    ctx.reporter.emit({ type: 'kernel-done', release, modules: modules.map((m) => m.name), seconds });
    return { release, ok: true, cached: false, cacheKey: key, modules, logFile, exportsFile };
  } finally {
    if (compiled.scratch) rmSync(compiled.path, { recursive: true, force: true });
  }
}

/** Build every kernel; results come back in the order of ctx.kernels. */
export async function buildKernels(ctx: PipelineContext, compatHeaders: Map<string, string>, toolchain: string): Promise<KernelBuildResult[]> {
  const { concurrent, perKernel } = shareJobs(ctx.jobs, ctx.kernels.length);
  const jobserver = concurrent > 1 || ctx.jobs > 1 ? jobServer(ctx.workDir, ctx.jobs - concurrent) : undefined;
  for (const k of ctx.kernels) {
    ctx.reporter.emit({ type: 'kernel-queued', release: k.release, objectsExpected: ctx.sources.expectedObjects });
  }
  const results: KernelBuildResult[] = new Array(ctx.kernels.length);
  let next = 0;
  const worker = async () => {
    while (next < ctx.kernels.length) {
      const i = next++;
      const kernel = ctx.kernels[i];
      if (ctx.signal.aborted) {
        results[i] = { release: kernel.release, ok: false, cancelled: true, cached: false, modules: [], firstError: 'cancelled', logFile: logFileFor(ctx, kernel.release) };
        continue;
      }
      results[i] = await buildOne(ctx, kernel, perKernel[i], compatHeaders.get(kernel.release), toolchain, jobserver);
    }
    // This worker's own slot (every make holds one implicitly) goes to the kernels still compiling.
    jobserver?.release(1);
  };
  try {
    await Promise.all(Array.from({ length: concurrent }, worker));
  } finally {
    jobserver?.close();
  }
  return results;
}

/** The known kernel API changes a failed build's log points at, described for the user. */
function knownChangesIn(logFile: string): string[] {
  let log = '';
  try {
    log = readFileSync(logFile, 'utf8');
  } catch {
    return [];
  }
  return matchApiChanges(errorLines(log)).map(describeApiChange);
}
