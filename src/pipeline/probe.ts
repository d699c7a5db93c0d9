/**
 * The probe step: run the project's compatibility probes once per kernel (cached per kernel
 * identity and probe text) and turn the results into each kernel's dudforge-compat.h.
 */
import { join } from 'node:path';
import { projectPath } from '../answers/io.js';
import { formatProbeTable, runProbes } from '../probes/index.js';
import type { PipelineContext } from './context.js';

export interface ProbeStepResult {
  /** dudforge-compat.h per kernel release; empty when the project has no probe file. */
  headers: Map<string, string>;
  table?: string;
}

export async function runProbeStep(ctx: PipelineContext): Promise<ProbeStepResult> {
  const headers = new Map<string, string>();
  if (!ctx.answers.probes) return { headers }; // runPipeline skips the step; kept for direct callers
  for (const k of ctx.kernels) ctx.reporter.emit({ type: 'kernel-phase', release: k.release, phase: 'probe' });
  const run = await runProbes({
    probes: projectPath(ctx.projectDir, ctx.answers.probes),
    kernels: ctx.kernels.map((k) => ({ release: k.release, buildTree: k.tree.path, identity: k.tree.identity, llvm: k.tree.llvm })),
    cacheDir: join(ctx.workDir, 'probe-cache'),
    jobs: ctx.jobs,
    signal: ctx.signal,
    // runProbes reports a step of its own (for `dudforge probe`); here the pipeline's step is the one.
    onEvent: (e) => {
      if (e.type !== 'step-start' && e.type !== 'step-end') ctx.reporter.emit(e);
    },
  });
  for (const k of run.kernels) headers.set(k.release, k.header);
  return { headers, table: formatProbeTable(run) };
}
