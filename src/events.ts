/**
 * Typed events the pipeline emits (and kbuild, the probes and the import, which the pipeline
 * runs). A leaf module: it imports nothing, so any layer may report through it. The engine
 * knows nothing about terminals: the Ink board and the plain-line reporter are two
 * implementations of `Reporter`.
 */

export type StepName =
  | 'resolve'
  | 'probe'
  | 'build'
  | 'sign'
  | 'package'
  | 'repodata'
  | 'disk'
  | 'verify';

/** The phase a kernel's build is in, as shown on the board ('done' is the board's own: kernel-done says it). */
export type KernelPhase = 'queued' | 'probe' | 'compile' | 'link' | 'modpost' | 'sign' | 'package' | 'done' | 'failed' | 'cancelled' | 'cached';

export type PipelineEvent =
  | { type: 'step-start'; step: StepName; detail?: string }
  | { type: 'step-end'; step: StepName; ok: boolean; detail?: string }
  | { type: 'kernel-queued'; release: string; objectsExpected: number }
  | { type: 'kernel-phase'; release: string; phase: KernelPhase }
  /**
   * One object compiled (`CC [M]` line). `expected` is 0 when the total is unknown. Probe
   * objects say `stage: 'probe'`: their count is the probe step's, apart from the build's.
   */
  | { type: 'object-compiled'; release: string; object: string; compiled: number; expected: number; stage?: 'probe' }
  | { type: 'kernel-log'; release: string; line: string }
  | { type: 'warning'; release?: string; message: string }
  | { type: 'compiler-error'; release: string; message: string }
  | { type: 'kernel-done'; release: string; modules: string[]; seconds: number; cached?: boolean }
  | { type: 'kernel-failed'; release: string; firstError: string; logFile: string; seconds: number }
  | { type: 'artifact'; kind: 'rpm' | 'srpm' | 'iso' | 'cert' | 'pubkey'; path: string; bytes: number }
  | { type: 'info'; message: string };

export interface Reporter {
  emit(event: PipelineEvent): void;
}

/** A reporter that drops every event (for library use and tests that do not care). */
export const silentReporter: Reporter = { emit() {} };
