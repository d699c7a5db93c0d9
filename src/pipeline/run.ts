/**
 * The pipeline: resolve → probe → build per kernel → sign → package → repodata → disk → verify,
 * then the staged output replaces out/ (output.ts). One engine for the wizard and for
 * `dudforge build`: it takes answers and a reporter, emits typed events, and returns what it
 * wrote. It knows nothing about terminals. One run per project at a time (lock.ts); every step
 * starts and ends with a look at the cancel signal.
 */
import { sha256File, sha256Hex } from './checksums.js';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { mkdirSync, statSync } from 'node:fs';
import type { Answers } from '../answers/schema.js';
import { UserError } from '../errors.js';
import type { PipelineEvent, Reporter } from '../events.js';
import type { PipelineContext } from './context.js';
import { resolveKernels } from './resolve.js';
import { excludeKernels, type ExcludedKernel } from './dkms.js';
import { resolveSources } from './sources.js';
import { buildKernels, type KernelBuildResult } from './build.js';
import { prepareSigning, type SigningSetup } from './signing.js';
import { prepareSecrets } from './secrets.js';
import { checkKeyPlacement } from '../answers/key-placement.js';
import { runProbeStep } from './probe.js';
import { recoverOutput, StagedOutput } from './output.js';
import { lockProject, type ProjectLock } from './lock.js';
import { CancelledError, stepper } from './steps.js';
import { packageStep, signStep } from './artifacts.js';
import { removeStaleProbeDirs } from '../probes/make.js';
import { diskRepodata, writeDisk } from '../disk/write.js';
import { verifyDisk, type VerifyReport } from '../verify/verify.js';
import { toolchainIdentity } from '../kbuild/toolchain.js';
import { preflight } from './preflight.js';
import { effectiveBuildTime, isoFileName, outputDirOf } from '../answers/facts.js';
import { forgetOutput, outputKey, recordOutput, reusableOutput } from './output-key.js';

export interface BuildResult {
  ok: boolean;
  /** 0 success, 1 some kernel failed (or verification failed), 2 bad input. */
  exitCode: 0 | 1 | 2;
  /** `sha256`: the file's sum, for the user to compare copies against (checksums.ts). */
  rpms: { path: string; bytes: number; release: string; sha256?: string }[];
  srpms: { path: string; bytes: number; sha256?: string }[];
  iso?: { path: string; bytes: number; sha256?: string };
  verify?: { ok: boolean; problems: string[]; report?: VerifyReport };
  failed: { release: string; firstError: string; logFile: string; knownChanges?: string[] }[];
  /** Kernels whose modules built (packaged or not): with `failed`, what the build step came to. */
  built?: string[];
  /** Kernels the driver's dkms.conf (BUILD_EXCLUSIVE_*) leaves out: not built, not failed. */
  excluded?: ExcludedKernel[];
  cancelled: boolean;
  signedModules: boolean;
  certDer?: string;
  probeTable?: string;
  kabi?: { release: string; symbolsNotOnList: string[] }[];
}

export interface RunPipelineOptions {
  answers: Answers;
  projectDir: string;
  reporter: Reporter;
  signal?: AbortSignal;
  jobs?: number;
  /** Overrides answers.output.dir (relative paths resolve against the current directory). */
  outDir?: string;
  allowPartial?: boolean;
  /** When another run holds the project's lock: wait for it (true) or fail with exit 2 (default). */
  waitForLock?: boolean;
  /** Build only these kernels of the answers (a shard of a build spread over machines). */
  kernels?: string[];
  /** Stop after the RPMs: no driver disk (`dudforge disk` assembles one from shards). */
  noDisk?: boolean;
}

/** The answers' kernels narrowed to `releases`; every release named must be one of them. */
export function selectKernels(answers: Answers, releases: string[] | undefined): Answers['kernels'] {
  if (!releases?.length) return answers.kernels;
  const known = new Set(answers.kernels.map((k) => k.release));
  const unknown = releases.filter((r) => !known.has(r));
  if (unknown.length) {
    throw new UserError(
      `--kernel ${unknown.join(', ')}: not among the project's kernels`,
      `the project builds for: ${answers.kernels.map((k) => k.release).join(', ')}`,
    );
  }
  return answers.kernels.filter((k) => releases.includes(k.release));
}

export { effectiveBuildTime } from '../answers/facts.js';

/**
 * Names an out/ written before `.dudforge-output.json` existed may hold and still be dudforge's
 * own (loose on purpose: package naming may change).
 */
function looksLikeArtifact(name: string): boolean {
  return /\.(rpm|iso)$/.test(name) || name.endsWith('-signing-cert.der') || name.startsWith('RPM-GPG-KEY-');
}

export async function runPipeline(opts: RunPipelineOptions): Promise<BuildResult> {
  const { answers, reporter } = opts;
  const projectDir = resolve(opts.projectDir);
  const signal = opts.signal ?? new AbortController().signal;
  const outDir = opts.outDir ? resolve(opts.outDir) : outputDirOf(answers, projectDir);
  const allowPartial = opts.allowPartial ?? answers.output.allowPartial ?? false;
  const workDir = join(projectDir, '.dudforge');
  const step = stepper(reporter, signal);
  const info = (message: string) => reporter.emit({ type: 'info', message });
  const result: BuildResult = { ok: false, exitCode: 1, rpms: [], srpms: [], failed: [], cancelled: false, signedModules: false };
  let lock: ProjectLock | undefined;
  let output: StagedOutput | undefined;

  try {
    // What the user can fix before anything is touched: writable project and output, firmware files.
    preflight(answers, projectDir, outDir);
    lock = await lockProject(workDir, { wait: opts.waitForLock, signal, onWait: (who) => info(`waiting for ${who} to finish building this project…`) });
    // Under the lock, nothing of a killed run's can still be in use: put out/ back if it was
    // killed mid-swap, and remove its staged output and probe directories.
    for (const note of [...recoverOutput(outDir), ...removeStaleProbeDirs()]) info(`left by a run that was killed: ${note.startsWith('restored') ? note : `removed ${note}`}`);

    // resolve: every filesystem fact checked before anything is built.
    const { kernels, sources, signing, secrets } = await step('resolve', async () => {
      const { kernels, excluded } = excludeKernels(answers, resolveKernels({ ...answers, kernels: selectKernels(answers, opts.kernels) }, projectDir));
      for (const x of excluded) info(`${x.release}: excluded by dkms.conf ${x.reason}; not built, not packaged`);
      if (excluded.length) result.excluded = excluded;
      const sources = await resolveSources(answers, projectDir, kernels.map((k) => k.tree.path), outDir);
      for (const note of sources.importNotes ?? []) info(note);
      checkKeyPlacement(answers, projectDir, outDir);
      const signing = await prepareSigning(answers, projectDir, reporter);
      const secrets = await prepareSecrets({ answers, sources, signing, outDir, reporter });
      output = new StagedOutput(outDir, looksLikeArtifact);
      // Every artifact is scanned for the build's private keys before it is staged.
      output.guard = secrets;
      return { kernels, sources, signing, secrets };
    });
    const staged = output!;
    const ctx: PipelineContext = {
      answers,
      projectDir,
      workDir,
      outDir,
      buildTime: effectiveBuildTime(answers),
      jobs: Math.max(1, opts.jobs ?? availableParallelism()),
      kernels,
      sources,
      reporter,
      signal,
      secrets,
    };
    mkdirSync(ctx.workDir, { recursive: true });

    const probe = await step('probe', () => runProbeStep(ctx), answers.probes ? undefined : { because: 'no probe file', value: { headers: new Map<string, string>() } });
    result.probeTable = probe.table;
    const toolchain = await toolchainIdentity();

    const built = await step('build', () => buildKernels(ctx, probe.headers, toolchain));
    const good = built.filter((b) => b.ok);
    result.built = good.map((b) => b.release);
    result.failed = built
      .filter((b) => !b.ok)
      .map((b) => ({ release: b.release, firstError: b.firstError ?? 'failed', logFile: b.logFile, ...(b.knownChanges ? { knownChanges: b.knownChanges } : {}) }));
    if (!good.length) {
      info(`no kernel built: ${outDir} is left as it was`);
      return result;
    }
    if (result.failed.length && !allowPartial) {
      info(`no driver disk written: ${result.failed.length} kernel(s) failed (use --allow-partial to write one anyway); ${outDir} is left as it was`);
      return result;
    }

    const isoName = isoFileName(answers);
    // Nothing that shapes out/ changed and out/ is as the last run left it: no repackaging.
    const key = result.failed.length ? undefined : outputKey(ctx, good, { noDisk: !!opts.noDisk, isoName, cacheDir: join(workDir, 'cache') });
    const reused = key ? reusableOutput(workDir, key, outDir) : undefined;
    if (reused) {
      const because = { because: `${outDir} already holds this build`, value: undefined };
      for (const name of ['sign', 'package', 'repodata', 'disk', 'verify'] as const) await step(name, () => undefined, because);
      if (signal.aborted) throw new CancelledError();
      for (const r of reused.rpms) reporter.emit({ type: 'artifact', kind: 'rpm', path: r.path, bytes: r.bytes });
      for (const r of reused.srpms) reporter.emit({ type: 'artifact', kind: 'srpm', path: r.path, bytes: r.bytes });
      if (reused.iso) reporter.emit({ type: 'artifact', kind: 'iso', path: reused.iso.path, bytes: reused.iso.bytes });
      Object.assign(result, { rpms: reused.rpms, srpms: reused.srpms, ...(reused.iso ? { iso: reused.iso, verify: { ok: true, problems: [] } } : {}), ...(reused.kabi ? { kabi: reused.kabi } : {}) });
      result.ok = true;
      result.exitCode = 0;
      return result;
    }
    forgetOutput(workDir);

    const strip = answers.packaging.strip;
    const certDer = await step('sign', () => signStep(ctx, good, signing, staged), signing || strip ? undefined : { because: 'signing not requested', value: undefined });
    result.signedModules = !!signing;
    const packaged = await step('package', () => packageStep(ctx, good, signing, probe.headers, staged));
    result.kabi = packaged.kmods.filter((p) => p.kabiNotOnList).map((p) => ({ release: p.release, symbolsNotOnList: p.kabiNotOnList ?? [] }));

    // A shard of a build spread over machines stops at the RPMs: `dudforge disk` joins the shards.
    let disk: { bytes: number } | undefined;
    if (opts.noDisk) {
      info('no driver disk written (--no-disk): assemble one with `dudforge disk OUT.iso DIR...`');
    } else {
      const repodata = await step('repodata', () => diskRepodata([...packaged.kmods, ...packaged.firmware], ctx.buildTime));
      const stagedIso = staged.stagedPath(isoName);
      disk = await step('disk', () => writeDisk({ isoPath: stagedIso, rpms: [...packaged.kmods, ...packaged.firmware], srpm: packaged.srpm, repodata, buildTime: ctx.buildTime, signal, beforeWrite: (entries) => staged.assertDiskPublishable(isoName, entries) }));

      const report = await step('verify', async () => verifyDisk(stagedIso, { kernels: good.map((g) => g.release), expectSigned: !!signing }));
      result.verify = { ok: report.ok, problems: report.problems, report };
      if (!report.ok) {
        for (const p of report.problems) reporter.emit({ type: 'warning', message: `verify: ${p}` });
        info(`the driver disk failed verification: ${outDir} is left as it was`);
        return result;
      }
    }

    // The last look at the signal: after the swap the build is done.
    if (signal.aborted) throw new CancelledError();
    staged.commit({ failedKernels: result.failed.map((f) => f.release) });
    if (result.failed.length) info(`partial build: ${outDir} has no modules for ${result.failed.map((f) => f.release).join(', ')} (see PARTIAL-BUILD.txt there)`);

    // Artifacts are announced where they now are.
    const announce = (kind: Extract<PipelineEvent, { type: 'artifact' }>['kind'], name: string, bytes: number) => {
      const path = staged.finalPath(name);
      reporter.emit({ type: 'artifact', kind, path, bytes });
      return path;
    };
    if (certDer) result.certDer = announce('cert', certDer.name, certDer.bytes);
    for (const p of packaged.kmods) result.rpms.push({ path: announce('rpm', p.fileName, p.bytes.length), bytes: p.bytes.length, release: p.release, sha256: sha256Hex(p.bytes) });
    if (packaged.firmware[0]) result.rpms.push({ path: announce('rpm', packaged.firmware[0].fileName, packaged.firmware[0].bytes.length), bytes: packaged.firmware[0].bytes.length, release: 'firmware', sha256: sha256Hex(packaged.firmware[0].bytes) });
    if (packaged.srpm) result.srpms.push({ path: announce('srpm', packaged.srpm.fileName, packaged.srpm.bytes.length), bytes: packaged.srpm.bytes.length, sha256: sha256Hex(packaged.srpm.bytes) });
    if (packaged.pubkey) announce('pubkey', packaged.pubkey, statSync(staged.finalPath(packaged.pubkey)).size);
    if (disk) {
      const path = announce('iso', isoName, disk.bytes);
      result.iso = { path, bytes: disk.bytes, sha256: sha256File(path) };
    }
    result.ok = result.failed.length === 0;
    result.exitCode = result.ok ? 0 : 1;
    if (key && result.ok && (opts.noDisk || result.verify?.ok)) {
      recordOutput(workDir, key, outDir, { rpms: result.rpms, srpms: result.srpms, ...(result.iso ? { iso: result.iso } : {}), ...(result.kabi?.length ? { kabi: result.kabi } : {}) });
    }
    return result;
  } catch (err) {
    if (err instanceof CancelledError || signal.aborted) {
      result.cancelled = true;
      result.exitCode = 1;
      return result;
    }
    throw err;
  } finally {
    output?.discard();
    lock?.release();
  }
}

export type { KernelBuildResult, SigningSetup };
