/**
 * What a build that did not fully succeed comes to, derived once from its BuildResult: the
 * title ("Build failed: 1 of 2 kernels", "Packaging failed"), each failed kernel with its first
 * compiler error, the known kernel API changes it hit and its full log, and whether a disk with
 * the kernels that built can still be written (`--allow-partial`). The CLI's summary and the
 * wizard's failure screen both read it, so the two faces say the same. Pure: no I/O.
 */
import type { StepName } from '../events.js';
import type { BuildResult } from './run.js';

export interface KernelFailure {
  release: string;
  /** The first compiler error, already pointing at the user's file. */
  firstError: string;
  /** Known kernel API changes the errors match, each a sentence naming the probe that handles it. */
  knownChanges: string[];
  /** The full build log of this kernel (.dudforge/logs/<release>.log). */
  logFile: string;
}

export interface FailureReport {
  title: string;
  failed: KernelFailure[];
  /** Kernels that built (their modules are in the build cache, so a retry does not compile them). */
  built: string[];
  /** Kernels this run was asked to build (excluded ones not counted). */
  total: number;
  /** A step after the build that failed (its name), when that is what went wrong. */
  step?: StepName;
  /** What that step reported (verification problems, the error). */
  problems: string[];
  /** No disk was written, but some kernels built: `--allow-partial` writes one with them. */
  canWritePartial: boolean;
  /** A disk was written without the failed kernels (the output directory holds PARTIAL-BUILD.txt). */
  partialDisk?: string;
}

/** A BuildResult as the wizard holds it: with the error and the step it happened in, when a step threw. */
export type BuildOutcomeLike = BuildResult & { error?: string; failedStep?: StepName };

const STEP_TITLES: Record<StepName, string> = {
  resolve: 'Resolving the inputs',
  probe: 'Probing the kernels',
  build: 'The build',
  sign: 'Signing',
  package: 'Packaging',
  repodata: 'The repository metadata',
  disk: 'Writing the disk',
  verify: 'Verification',
};

/** The steps after the kernels built: a failure there is shown as a failed build, not sent back to Review. */
export const STEPS_AFTER_BUILD: readonly StepName[] = ['sign', 'package', 'repodata', 'disk', 'verify'];

export function failedAfterBuild(r: { failedStep?: StepName }): boolean {
  return r.failedStep !== undefined && STEPS_AFTER_BUILD.includes(r.failedStep);
}

function kernels(n: number): string {
  return n === 1 ? 'kernel' : 'kernels';
}

/** Releases that built: recorded by the pipeline, else read off the RPMs (an older result). */
function builtReleases(r: BuildResult): string[] {
  if (r.built) return r.built;
  return [...new Set(r.rpms.map((p) => p.release))];
}

/** The report for a result that is not a success, or undefined for a success or a cancelled run. */
export function failureReport(r: BuildOutcomeLike): FailureReport | undefined {
  if (r.ok || r.cancelled) return undefined;
  const failed = r.failed.map((f) => ({ release: f.release, firstError: f.firstError, knownChanges: f.knownChanges ?? [], logFile: f.logFile }));
  const built = builtReleases(r).filter((b) => !failed.some((f) => f.release === b));
  const total = built.length + failed.length;
  const base = { failed, built, total, problems: [] as string[], canWritePartial: false };
  if (r.failedStep && failedAfterBuild(r)) {
    return { ...base, title: `${STEP_TITLES[r.failedStep]} failed`, step: r.failedStep, problems: r.error ? [r.error] : [] };
  }
  if (r.verify && !r.verify.ok) return { ...base, title: 'Verification failed', step: 'verify', problems: r.verify.problems };
  if (failed.length && r.iso) {
    return { ...base, title: `Partial disk: ${failed.length} of ${total} ${kernels(total)} failed`, partialDisk: r.iso.path };
  }
  if (failed.length) {
    return { ...base, title: `Build failed: ${failed.length} of ${total} ${kernels(total)}`, canWritePartial: built.length > 0 };
  }
  return { ...base, title: 'Build failed', problems: r.error ? [r.error] : [] };
}
