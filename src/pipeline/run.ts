/**
 * The pipeline: resolve → probe → build per kernel → sign → package → repodata → disk → verify.
 * One engine for the wizard and for `dudforge build`: it takes answers and a reporter, emits
 * typed events, and returns what it wrote. It knows nothing about terminals.
 */
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { mkdirSync, statSync } from 'node:fs';
import { exportGpgPublicKey } from '../sign/index.js';
import type { Answers } from '../answers/schema.js';
import { projectPath } from '../answers/io.js';
import { UserError } from '../errors.js';
import type { PipelineEvent, Reporter, StepName } from './events.js';
import type { PipelineContext } from './context.js';
import { resolveKernels } from './resolve.js';
import { resolveSources } from './sources.js';
import { buildKernels, type KernelBuildResult } from './build.js';
import { prepareSigning, signBuiltModules, type SigningSetup } from './signing.js';
import { prepareSecrets } from './secrets.js';
import { checkKeyPlacement } from '../answers/key-placement.js';
import { runProbeStep } from './probe.js';
import { packageKernels, packageSources, type PackagedRpm } from './package.js';
import { OutputWriter } from './output.js';
import { writeDisk } from '../disk/write.js';
import { verifyDisk, type VerifyReport } from '../verify/verify.js';
import { toolchainIdentity } from '../kbuild/toolchain.js';

export interface BuildResult {
  ok: boolean;
  /** 0 success, 1 some kernel failed (or verification failed), 2 bad input. */
  exitCode: 0 | 1 | 2;
  rpms: { path: string; bytes: number; release: string }[];
  srpms: { path: string; bytes: number }[];
  iso?: { path: string; bytes: number };
  verify?: { ok: boolean; problems: string[]; report?: VerifyReport };
  failed: { release: string; firstError: string; logFile: string }[];
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
}

/** Build time: SOURCE_DATE_EPOCH wins, else the project's recorded time — never "now". */
export function effectiveBuildTime(answers: Answers, env = process.env): number {
  const sde = env.SOURCE_DATE_EPOCH;
  if (sde !== undefined && sde !== '') {
    if (!/^\d+$/.test(sde)) throw new UserError(`SOURCE_DATE_EPOCH="${sde}" is not a number of seconds`, 'unset it or set it to an integer');
    return Number(sde);
  }
  return answers.buildTime;
}

export async function runPipeline(opts: RunPipelineOptions): Promise<BuildResult> {
  const { answers, reporter } = opts;
  const projectDir = resolve(opts.projectDir);
  const signal = opts.signal ?? new AbortController().signal;
  const outDir = opts.outDir ? resolve(opts.outDir) : projectPath(projectDir, answers.output.dir);
  const allowPartial = opts.allowPartial ?? answers.output.allowPartial ?? false;
  const output = new OutputWriter(outDir);
  const step = stepper(reporter);
  const result: BuildResult = { ok: false, exitCode: 1, rpms: [], srpms: [], failed: [], cancelled: false, signedModules: false };

  try {
    // resolve: every filesystem fact checked before anything is built.
    const { kernels, sources, signing, secrets } = await step('resolve', async () => {
      const kernels = resolveKernels(answers, projectDir);
      const sources = await resolveSources(answers, projectDir, kernels.map((k) => k.tree.path));
      for (const note of sources.importNotes ?? []) reporter.emit({ type: 'info', message: note });
      checkKeyPlacement(answers, projectDir, outDir);
      const signing = await prepareSigning(answers, projectDir, reporter);
      const secrets = await prepareSecrets({ answers, sources, signing, outDir, reporter });
      return { kernels, sources, signing, secrets };
    });
    output.guard = secrets;
    const ctx: PipelineContext = {
      answers,
      projectDir,
      workDir: join(projectDir, '.dudforge'),
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

    const probe = await step('probe', () => runProbeStep(ctx), answers.probes ? undefined : 'no probe file');
    result.probeTable = probe.table;
    const toolchain = await toolchainIdentity();

    const built = await step('build', () => buildKernels(ctx, probe.headers, toolchain));
    checkCancelled(signal, result);
    const good = built.filter((b) => b.ok);
    result.failed = built
      .filter((b) => !b.ok)
      .map((b) => ({ release: b.release, firstError: b.firstError ?? 'failed', logFile: b.logFile }));

    if (good.length) {
      await step('sign', () => signBuiltModules(ctx, good, signing), signing ? undefined : 'signing not requested');
      result.signedModules = !!signing;
      if (signing) {
        // The public certificate, ready for `mokutil --import` (never the key).
        const path = output.write(`${answers.package.name}-signing-cert.der`, signing.certDerBytes);
        result.certDer = path;
        emitArtifact(reporter, 'cert', path, signing.certDerBytes.length);
      }
    }
    checkCancelled(signal, result);

    const packaged: PackagedRpm[] = await step('package', () => packageKernels(ctx, good, signing));
    const moduleFiles = [...new Set(good.flatMap((g) => g.modules.map((m) => `${m.name}.ko`)))].sort();
    const srpm = answers.packaging.srpm && good.length ? await packageSources(ctx, probe.headers, moduleFiles) : undefined;
    result.kabi = packaged.filter((p) => p.kabiNotOnList).map((p) => ({ release: p.release, symbolsNotOnList: p.kabiNotOnList ?? [] }));
    for (const p of packaged) {
      const path = output.write(p.fileName, p.bytes, p.packed);
      result.rpms.push({ path, bytes: p.bytes.length, release: p.release });
      emitArtifact(reporter, 'rpm', path, p.bytes.length);
    }
    if (srpm) {
      const path = output.write(srpm.fileName, srpm.bytes, srpm.packed);
      result.srpms.push({ path, bytes: srpm.bytes.length });
      emitArtifact(reporter, 'srpm', path, srpm.bytes.length);
    }
    if (answers.packaging.gpgKey && packaged.length) {
      const target = join(outDir, `RPM-GPG-KEY-${answers.package.name}`);
      const tmp = output.tempFor(target);
      await exportGpgPublicKey({ keyId: answers.packaging.gpgKey, out: tmp });
      output.commit(tmp, target);
      emitArtifact(reporter, 'pubkey', target, statSync(target).size);
    }
    checkCancelled(signal, result);

    if (result.failed.length && !allowPartial) {
      reporter.emit({ type: 'info', message: `no driver disk written: ${result.failed.length} kernel(s) failed (use --allow-partial to write one anyway)` });
      result.exitCode = 1;
      return result;
    }
    if (!packaged.length) {
      result.exitCode = 1;
      return result;
    }

    const isoName = answers.output.isoName ?? `dd-${answers.package.name}-${answers.package.version}-${answers.package.release}.iso`;
    const isoPath = join(outDir, isoName);
    const disk = await step('disk', () => writeDisk({ isoPath, rpms: packaged, srpm, buildTime: ctx.buildTime, signal, beforeWrite: (entries) => output.assertDiskPublishable(isoName, entries) }));
    result.iso = { path: isoPath, bytes: disk.bytes };
    emitArtifact(reporter, 'iso', isoPath, disk.bytes);

    const report = await step('verify', async () => verifyDisk(isoPath, { kernels: good.map((g) => g.release), expectSigned: !!signing }));
    result.verify = { ok: report.ok, problems: report.problems, report };
    if (!report.ok) {
      for (const p of report.problems) reporter.emit({ type: 'warning', message: `verify: ${p}` });
      result.exitCode = 1;
      return result;
    }
    result.ok = result.failed.length === 0;
    result.exitCode = result.ok ? 0 : 1;
    return result;
  } catch (err) {
    if (err instanceof CancelledError || signal.aborted) {
      result.cancelled = true;
      result.exitCode = 1;
      return result;
    }
    throw err;
  } finally {
    output.discardPending();
  }
}

class CancelledError extends Error {}

function checkCancelled(signal: AbortSignal, result: BuildResult): void {
  if (signal.aborted) {
    result.cancelled = true;
    throw new CancelledError('cancelled');
  }
}

function emitArtifact(reporter: Reporter, kind: Extract<PipelineEvent, { type: 'artifact' }>['kind'], path: string, bytes: number): void {
  reporter.emit({ type: 'artifact', kind, path, bytes });
}

/** Wrap each step in step-start/step-end events. A skipped step reports why. */
function stepper(reporter: Reporter) {
  return async function step<T>(name: StepName, fn: () => Promise<T> | T, skippedBecause?: string): Promise<T> {
    reporter.emit({ type: 'step-start', step: name, detail: skippedBecause ? `skipped: ${skippedBecause}` : undefined });
    try {
      const value = await fn();
      reporter.emit({ type: 'step-end', step: name, ok: true });
      return value;
    } catch (err) {
      reporter.emit({ type: 'step-end', step: name, ok: false, detail: (err as Error).message.split('\n')[0] });
      throw err;
    }
  };
}

export type { KernelBuildResult, SigningSetup };
