/**
 * runProbes: answer every probe for every kernel. Cached answers are reused; the rest of one
 * kernel is compiled in batches and single modules, one make per round (rounds.ts); kernels
 * run side by side under the job budget.
 */
import { tmpdir } from 'node:os';
import { jobServer, type JobServer } from '../kbuild/jobserver.js';
import type { PipelineEvent } from '../events.js';
import { readCachedAnswer, writeCachedAnswer, type CachedAnswer } from './cache.js';
import { formatProbeError } from './diagnostics.js';
import { renderCompatHeader } from './header.js';
import { answerByCompiling } from './rounds.js';
import { readProbeFile, validateProbes } from './parse.js';
import { readExports } from './symvers.js';
import type { Probe, ProbeKernel, ProbeKernelRun, ProbeResult, ProbeRun, RunProbesOptions } from './types.js';

type Answer = Omit<CachedAnswer, 'generator' | 'define' | 'kind' | 'probe'>;

function resultOf(p: Probe, a: Answer, cached: boolean): ProbeResult {
  let message: string | undefined;
  if (a.errors?.length) message = a.errors.slice(0, 3).map((e) => formatProbeError(p, e)).join('\n');
  else if (a.reason) message = a.reason;
  return { name: p.kind === 'code' ? p.define : p.subject, define: p.define, kind: p.kind, value: a.value, ...(message ? { message } : {}), cached };
}

function answerExports(kernel: ProbeKernel, probes: Probe[]): Map<string, Answer> {
  const answers = new Map<string, Answer>();
  if (probes.length === 0) return answers;
  const exports = readExports(kernel.buildTree, new Set(probes.map((p) => p.subject)));
  for (const p of probes) {
    if (!exports) {
      answers.set(p.define, { value: 'broken', reason: `${kernel.buildTree}/Module.symvers is missing, so exports cannot be checked` });
      continue;
    }
    const e = exports.get(p.subject);
    answers.set(p.define, e ? { value: true } : { value: false, reason: `${p.subject} is not exported (not in Module.symvers)` });
  }
  return answers;
}

async function probeKernel(
  kernel: ProbeKernel,
  probes: Probe[],
  opts: RunProbesOptions,
  jobs: number,
  signal: AbortSignal,
  emit: (e: PipelineEvent) => void,
  jobserver: JobServer | undefined,
): Promise<ProbeKernelRun> {
  signal.throwIfAborted();
  const start = Date.now();
  const results = new Map<string, ProbeResult>();
  const toExport: Probe[] = [];
  const toCompile: Probe[] = [];
  for (const p of probes) {
    const cached = readCachedAnswer(opts.cacheDir, kernel.identity, p);
    if (cached) results.set(p.define, resultOf(p, cached, true));
    else (p.kind === 'export' ? toExport : toCompile).push(p);
  }
  emit({ type: 'kernel-phase', release: kernel.release, phase: toCompile.length || toExport.length ? 'probe' : 'cached' });
  const fresh = answerExports(kernel, toExport);
  if (toCompile.length > 0) {
    for (const [define, a] of await answerByCompiling(kernel, toCompile, jobs, signal, emit, await jobserver?.fd(), opts.cacheDir)) fresh.set(define, a);
  }
  for (const p of [...toExport, ...toCompile]) {
    const a = fresh.get(p.define)!;
    // An answer without a compiler message (make died, say) is not evidence: ask again next time.
    const evidence = p.kind === 'export' || a.value !== 'broken' || (a.errors?.length ?? 0) > 0;
    if (evidence) writeCachedAnswer(opts.cacheDir, kernel.identity, p, a);
    const r = resultOf(p, a, false);
    results.set(p.define, r);
    if (r.value === 'broken') emit({ type: 'compiler-error', release: kernel.release, message: `probe ${p.define} is broken: ${r.message ?? ''}` });
  }
  const ordered = probes.map((p) => results.get(p.define)!);
  emit({ type: 'info', message: `probes for ${kernel.release}: ${toCompile.length} compiled, ${probes.length - toCompile.length - toExport.length} cached, ${(Date.now() - start) / 1000}s` });
  return { release: kernel.release, results: ordered, header: renderCompatHeader(ordered), compiled: toCompile.length, makeInvoked: toCompile.length > 0 };
}

/**
 * Run `tasks` with at most `limit` at a time, keeping their order. The first failure aborts
 * `stop` (so the other kernels' makes are killed) and is thrown once every task has ended:
 * no make outlives the call. `workerDone` runs when a worker finds no task left.
 */
async function pooled<T>(tasks: (() => Promise<T>)[], limit: number, stop: AbortController, workerDone: () => void): Promise<T[]> {
  const out: T[] = new Array(tasks.length);
  let firstError: unknown;
  let next = 0;
  const worker = async () => {
    while (next < tasks.length && !stop.signal.aborted) {
      const i = next++;
      try {
        out[i] = await tasks[i]();
      } catch (err) {
        if (firstError === undefined) firstError = err;
        stop.abort(err);
      }
    }
    workerDone();
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  if (firstError !== undefined) throw firstError;
  if (stop.signal.aborted) throw stop.signal.reason;
  return out;
}

export async function runProbes(opts: RunProbesOptions): Promise<ProbeRun> {
  const start = Date.now();
  const emit = opts.onEvent ?? (() => {});
  const probes = typeof opts.probes === 'string' ? readProbeFile(opts.probes) : opts.probes;
  validateProbes(probes);
  const jobs = Math.max(1, Math.floor(opts.jobs) || 1);
  // One make per kernel: split the job budget among the kernels that run at the same time.
  const concurrent = Math.max(1, Math.min(jobs, opts.kernels.length));
  const perKernel = Math.max(1, Math.floor(jobs / concurrent));
  emit({ type: 'step-start', step: 'probe', detail: `${probes.length} probes × ${opts.kernels.length} kernels` });
  const stop = new AbortController();
  const onAbort = () => stop.abort(opts.signal?.reason);
  if (opts.signal?.aborted) onAbort();
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  // Every kernel's make joins one job server when more than one slot is shared: a slot freed
  // by a kernel that finished goes to those still compiling (the static split left it idle).
  const jobserver = jobs > 1 ? jobServer(tmpdir(), jobs - concurrent) : undefined;
  let kernels: ProbeKernelRun[];
  try {
    const tasks = opts.kernels.map((k) => () => probeKernel(k, probes, opts, perKernel, stop.signal, emit, jobserver));
    // A worker with no kernel left gives its own slot to the makes still running.
    kernels = await pooled(tasks, concurrent, stop, () => jobserver?.release(1));
  } catch (err) {
    emit({ type: 'step-end', step: 'probe', ok: false, detail: (err as Error)?.message });
    throw err;
  } finally {
    jobserver?.close();
    opts.signal?.removeEventListener('abort', onAbort);
  }
  const seconds = (Date.now() - start) / 1000;
  emit({ type: 'step-end', step: 'probe', ok: true, detail: `${seconds.toFixed(2)}s` });
  return { kernels, seconds };
}
