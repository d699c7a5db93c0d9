/**
 * Answering the uncached probes of one kernel by compiling, in at most three makes:
 *
 *  1. the probes that parsing alone decides (batch.ts parsedOnly), in chains of nested header
 *     closures — one batch per chain, so each probe sees exactly its own headers, as far as the
 *     tree's include path lets us guess before make ran (closure.ts guessTreeFlags; gcc -H
 *     checks it afterwards) — with at most one call or code probe placed in each chain where
 *     the nesting allows (attachToChains: a clean unit answers it yes, its own error no), and
 *     every other probe alone, in its own module;
 *  2. what the batches could not decide: probes without an error (or with errors that stay
 *     in their construct but came where more than their own headers were seen) in exact
 *     batches planned with the flags make really used and the inclusions gcc was seen to make;
 *     probes whose errors may come from a neighbour alone;
 *  3. whatever is still open, each alone.
 *
 * A probe compiled alone is decided exactly as before batching existed.
 */
import { UserError } from '../errors.js';
import type { PipelineEvent } from '../events.js';
import { batchable, hasFileScopeText, judgeBatch, orderBatch, parsedOnly } from './batch.js';
import { ClosureReader, exactPositions, guessTreeFlags, parseOpened, parseTreeFlags, planChains } from './closure.js';
import { classifyFailure, collectProbeErrors, type ProbeError } from './diagnostics.js';
import { loadReplay, saveReplay, type KbuildReplay } from './kbuild-replay.js';
import { compileRound, probeMakeEnv, type ProbeRound, type ProbeRoundResult } from './make.js';
import { probeHeaders } from './source.js';
import type { Probe, ProbeKernel } from './types.js';

export interface Answer {
  value: boolean | 'broken';
  errors?: ProbeError[];
  reason?: string;
}

interface RoundContext {
  kernel: ProbeKernel;
  defines: Set<string>;
  jobs: number;
  jobserverFd: number | undefined;
  /** The best closure reader so far: it weighs the objects of a round (make.ts costliestFirst). */
  reader: ClosureReader | undefined;
  /** How to start Kbuild's inner make directly, once known (kbuild-replay.ts). */
  replay: KbuildReplay | undefined;
  signal: AbortSignal | undefined;
  emit: (e: PipelineEvent) => void;
  progress: { compiled: number; expected: number };
}

/** A unit's cost, roughly: the headers its largest closure opens. */
function heaviest(reader: ClosureReader): (probes: Probe[]) => number {
  return (probes) => Math.max(0, ...probes.map((p) => reader.probeClosure(p).size));
}

async function run(ctx: RoundContext, round: ProbeRound, n: number) {
  const sizes = round.batches.map((b) => b.length).join('+');
  ctx.emit({ type: 'info', message: `probes for ${ctx.kernel.release}, round ${n}: ${round.batches.length ? `batches of ${sizes}, ` : ''}${round.single.length} alone${ctx.replay ? ' (Kbuild\'s inner make started directly)' : ''}` });
  const made = await compileRound(ctx.kernel, { ...round, replay: ctx.replay, weigh: ctx.reader ? heaviest(ctx.reader) : undefined }, ctx.jobs, ctx.signal, ctx.emit, ctx.progress, ctx.jobserverFd);
  return { made, ...collectProbeErrors(made.stderr, ctx.defines) };
}

/** The answers of the probes compiled each on its own (as the engine always decided them). */
function decideSingles(single: Probe[], made: ProbeRoundResult, byProbe: Map<string, ProbeError[]>, unattributed: string[], answers: Map<string, Answer>): void {
  for (const p of single) {
    if (made.compiled.has(p.define)) {
      answers.set(p.define, { value: true });
      continue;
    }
    const errors = byProbe.get(p.define) ?? [];
    if (errors.length === 0) {
      answers.set(p.define, { value: 'broken', reason: `no .o and no compiler message for this probe; make said: ${unattributed[0] ?? made.stderr.split('\n').find(Boolean) ?? 'nothing'}` });
    } else {
      answers.set(p.define, { value: classifyFailure(p, errors), errors: errors.slice(0, 3) });
    }
  }
}

/** Nothing compiled and no probe got a compiler message: make itself failed (no compiler, a broken build tree), which says nothing about the probes. */
function assertMakeWorked(kernel: ProbeKernel, made: ProbeRoundResult, byProbe: Map<string, ProbeError[]>, unattributed: string[]): void {
  if (made.objects > 0 || byProbe.size > 0) return;
  const excerpt = (unattributed.length ? unattributed : made.stderr.split('\n').filter(Boolean)).slice(0, 8).join('\n');
  throw new UserError(
    `probing kernel ${kernel.release}: make in ${kernel.buildTree} compiled nothing (exit ${made.exitCode})`,
    `make said:\n${excerpt || '(no output)'}\nCheck that the build tree is complete and its compiler is installed.`,
    1,
  );
}

/** Exact batches for `probes`: chains of two or more; the rest (and file-scope text) alone. */
function exactBatches(probes: Probe[], reader: ClosureReader | undefined): { batches: Probe[][]; single: Probe[] } {
  if (!reader) return { batches: [], single: probes };
  const batches: Probe[][] = [];
  const single = probes.filter(hasFileScopeText);
  for (const chain of planChains(probes.filter((p) => !hasFileScopeText(p)), reader)) {
    if (chain.length >= 2) batches.push(chain);
    else single.push(...chain);
  }
  return { batches, single };
}

/** What each batch of a round says, and the probes it leaves open. */
function judgeRound(
  round: ProbeRound,
  r: Awaited<ReturnType<typeof run>>,
  reader: ClosureReader | undefined,
  answers: Map<string, Answer>,
): { confirm: Probe[]; verify: Probe[]; alone: Probe[] } {
  const open = { confirm: [] as Probe[], verify: [] as Probe[], alone: [] as Probe[] };
  const seen = reader ? parseOpened(r.made.stderr, reader.flags.cwd) : undefined;
  if (seen) reader!.addSeen(seen.edges);
  const opened = seen?.byBatch;
  round.batches.forEach((batch, i) => {
    const exact = exactPositions(batch, opened?.get(i), reader);
    const v = judgeBatch(batch, { compiled: r.made.batchesCompiled.has(i), byProbe: r.byProbe, stray: r.unattributed.length > 0 }, exact);
    v.answers.forEach((a, d) => answers.set(d, a));
    open.confirm.push(...v.confirm);
    open.verify.push(...v.verify);
    open.alone.push(...v.alone);
  });
  return open;
}

/**
 * Round 1 also gives a call or code probe a place in a chain where the nesting allows it (its
 * closure contains those before it and lies within those after it; with file-scope text, only
 * last), at most one per chain. A unit that compiles clean then answers it without a module of
 * its own; its own isolated errors still decide it (no or broken); and when the unit failed
 * elsewhere it goes to round 2 like every probe left without an answer.
 */
export function attachToChains(chains: Probe[][], candidates: Probe[], reader: ClosureReader): void {
  const taken = new Set<Probe[]>();
  const within = (a: Set<string>, b: Set<string>) => [...a].every((f) => b.has(f));
  for (const q of candidates) {
    const own = reader.probeClosure(q);
    const fits = (chain: Probe[], i: number) =>
      (i === 0 || within(reader.probeClosure(chain[i - 1]), own)) && (i === chain.length || within(own, reader.probeClosure(chain[i])));
    let placed = false;
    // The end of a chain first: nothing in the unit comes after a probe that may fail.
    for (const chain of chains) {
      if (taken.has(chain) || chain.some(hasFileScopeText)) continue;
      if (fits(chain, chain.length)) {
        chain.push(q);
        placed = true;
      } else if (!hasFileScopeText(q)) {
        for (let i = chain.length - 1; i >= 0 && !placed; i--) {
          if (fits(chain, i)) {
            chain.splice(i, 0, q);
            placed = true;
          }
        }
      }
      if (placed) {
        taken.add(chain);
        break;
      }
    }
  }
}

/**
 * The reader of a tree's headers before make ran, kept for the life of the process per tree
 * identity (which changes whenever the tree does): reading ~1000 headers costs a few hundred
 * milliseconds, spent again only for a tree not seen yet.
 */
const guessedReaders = new Map<string, ClosureReader | undefined>();
function guessedReader(kernel: ProbeKernel): ClosureReader | undefined {
  const key = `${kernel.identity}\0${kernel.buildTree}`;
  if (!guessedReaders.has(key)) {
    const flags = guessTreeFlags(kernel.buildTree);
    guessedReaders.set(key, flags ? new ClosureReader(flags) : undefined);
  }
  return guessedReaders.get(key);
}

export async function answerByCompiling(
  kernel: ProbeKernel,
  probes: Probe[],
  jobs: number,
  signal: AbortSignal | undefined,
  emit: (e: PipelineEvent) => void,
  jobserverFd?: number,
  /** Where the kernel's Kbuild recording is kept (the probe cache); none: always the normal make. */
  replayStore?: string,
): Promise<Map<string, Answer>> {
  const answers = new Map<string, Answer>();
  const replay = replayStore ? await loadReplay(replayStore, kernel, probeMakeEnv()) : undefined;
  const ctx: RoundContext = { kernel, defines: new Set(probes.map((p) => p.define)), jobs, jobserverFd, replay, reader: undefined, signal, emit, progress: { compiled: 0, expected: 0 } };
  // Round 1: the probes that parsing alone decides, in chains of nested closures (as far as
  // the tree's layout lets us guess them before make ran; -H checks it afterwards) so each one
  // is decided even where its batch had errors; one call or code probe per chain where it
  // nests (yes only from a clean unit), the rest on their own.
  const guessed = guessedReader(kernel);
  ctx.reader = guessed;
  const parsed = probes.filter((p) => batchable(p) && parsedOnly(p));
  const chains = guessed ? planChains(parsed, guessed) : [orderBatch(parsed, (p) => probeHeaders(p).length).order];
  if (guessed) attachToChains(chains, probes.filter((p) => batchable(p) && !parsedOnly(p)), guessed);
  const batches = chains.filter((c) => c.length >= 2);
  const batched = new Set(batches.flat());
  const first: ProbeRound = { single: probes.filter((p) => !batched.has(p)), batches, flags: batches.length > 0, record: replayStore !== undefined && !replay };

  // Round 1.
  const r1 = await run(ctx, first, 1);
  assertMakeWorked(kernel, r1.made, r1.byProbe, r1.unattributed);
  if (r1.made.recording && replayStore) {
    saveReplay(replayStore, kernel, r1.made.recording);
    ctx.replay = r1.made.recording;
  }
  decideSingles(first.single, r1.made, r1.byProbe, r1.unattributed, answers);
  if (!batches.length) return answers;
  const reader = r1.made.cflags ? new ClosureReader(parseTreeFlags(kernel.buildTree, r1.made.cflags)) : undefined;
  ctx.reader = reader ?? guessed;
  const v1 = judgeRound(first, r1, reader, answers);
  emit({ type: 'info', message: `probes for ${kernel.release}, round 1 batches: ${answers.size - first.single.length} decided, ${v1.confirm.length} to confirm, ${v1.verify.length} to verify, ${v1.alone.length} alone` });

  // Round 2: exact batches for what had no error or only isolated ones; the rest alone.
  const confirm = exactBatches(v1.confirm, reader);
  const verify = exactBatches(v1.verify, reader);
  const second: ProbeRound = { single: [...v1.alone, ...confirm.single, ...verify.single], batches: [...confirm.batches, ...verify.batches] };
  if (second.single.length + second.batches.length === 0) return answers;
  const r2 = await run(ctx, second, 2);
  decideSingles(second.single, r2.made, r2.byProbe, r2.unattributed, answers);
  const v2 = judgeRound(second, r2, reader, answers);
  const open = [...v2.confirm, ...v2.verify, ...v2.alone];

  // Round 3: each on its own.
  if (open.length === 0) return answers;
  const third: ProbeRound = { single: open, batches: [] };
  const r3 = await run(ctx, third, 3);
  decideSingles(third.single, r3.made, r3.byProbe, r3.unattributed, answers);
  return answers;
}

/** Every probe in a module of its own, in one make: the answers batching must agree with. */
export async function answerEachAlone(kernel: ProbeKernel, probes: Probe[], jobs: number, signal?: AbortSignal): Promise<Map<string, Answer>> {
  const answers = new Map<string, Answer>();
  const ctx: RoundContext = { kernel, defines: new Set(probes.map((p) => p.define)), jobs, jobserverFd: undefined, replay: undefined, reader: undefined, signal, emit: () => {}, progress: { compiled: 0, expected: 0 } };
  const r = await run(ctx, { single: probes, batches: [] }, 1);
  assertMakeWorked(kernel, r.made, r.byProbe, r.unattributed);
  decideSingles(probes, r.made, r.byProbe, r.unattributed, answers);
  return answers;
}
