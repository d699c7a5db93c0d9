/**
 * Batching (src/probes/batch.ts) never changes an answer: on every installed kernel the batched
 * engine gives what each probe gives compiled on its own, for the probes of run.test.ts, the
 * sample driver's probe file, and batches built to go wrong — a probe whose text would swallow
 * its neighbour's code, two headers that clash, a header that only works after another one.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { assetsDir, packageRoot } from '../../src/paths.js';
import { parseProbeFile, readProbeFile, runProbes, type Probe, type ProbeRun } from '../../src/probes/index.js';
import { balancedC, batchable, judgeBatch } from '../../src/probes/batch.js';
import { ClosureReader, exactPositions, parseOpened, parseTreeFlags } from '../../src/probes/closure.js';
import { collectProbeErrors } from '../../src/probes/diagnostics.js';
import { compileRound } from '../../src/probes/make.js';
import { answerEachAlone, type Answer } from '../../src/probes/rounds.js';
import type { PipelineEvent } from '../../src/events.js';
import { installedKernels } from './kernels.js';

/** The probe file of run.test.ts, read from its source so the two never drift apart. */
const RUN_PROBES = /const PROBES = `([\s\S]*?)`;/.exec(readFileSync(join(packageRoot, 'test', 'probes', 'run.test.ts'), 'utf8'))![1];

// A code probe whose body leaves a brace open, then probes that must keep their own answers.
const SWALLOW = `
code HAVE_UNCLOSED_BRACE
    include <linux/string.h>
    body if (1) {
symbol strscpy
    include <linux/string.h>
symbol no_such_symbol_anywhere_dudforge
    include <linux/string.h>
`;
// asm-generic's ffs() and x86's (through linux/bitops.h) are two definitions of one function:
// each header compiles alone, together they clash. spinlock_api_smp.h refuses to be included
// on its own (#error), but compiles after linux/spinlock.h.
const CLASH = `
header asm-generic/bitops/ffs.h
header linux/bitops.h
header linux/spinlock_api_smp.h
symbol spin_lock_init
    include <linux/spinlock.h>
`;

// Calls placed in a chain of round 1 (rounds.ts attachToChains): the chain's unit fails on the
// missing symbol, so the call that compiles must be confirmed by a later round, never answered
// yes by a unit that stopped before code generation; the call with a wrong argument count is
// decided no by its own error.
const ATTACH = `
symbol no_such_symbol_dudforge_attach
    include <linux/slab.h>
call kfree(NULL)
    include <linux/slab.h>
symbol kmalloc_array
    include <linux/slab.h>
symbol no_such_symbol_dudforge_attach2
    include <linux/string.h>
call kfree(NULL, NULL)
    include <linux/slab.h>
`;

const kernels = installedKernels();
const work = mkdtempSync(join(tmpdir(), 'dudforge-probe-batch-'));

/**
 * Batched answers and answers compiled each on its own, per kernel, for one probe set. The
 * batched run starts Kbuild's inner make directly (kbuild-replay.ts) from a recording made by a
 * first run; the probes compiled alone go through the normal `make -C <tree> M=…`.
 */
const replayed: string[] = [];
async function bothWays(probes: Probe[], name: string) {
  const cacheDir = join(work, name);
  for (const k of kernels) {
    mkdirSync(join(cacheDir, k.identity), { recursive: true });
    copyFileSync(join(work, 'primer', k.identity, 'kbuild-replay.json'), join(cacheDir, k.identity, 'kbuild-replay.json'));
  }
  const onEvent = (e: PipelineEvent) => {
    if (e.type === 'info' && /inner make started directly/.test(e.message)) replayed.push(`${name}: ${e.message}`);
  };
  const run = await runProbes({ probes, kernels, cacheDir, jobs: 2, onEvent });
  const alone = new Map<string, Map<string, Answer>>();
  for (const k of kernels) alone.set(k.release, await answerEachAlone(k, probes.filter((p) => p.kind !== 'export'), 2));
  return { run, alone };
}

function assertSame(label: string, run: ProbeRun, alone: Map<string, Map<string, Answer>>) {
  let compared = 0;
  for (const k of run.kernels) {
    for (const r of k.results) {
      const a = alone.get(k.release)!.get(r.define);
      if (!a) continue; // export probes compile nothing
      assert.equal(r.value, a.value, `${label}: ${r.define} on ${k.release}: batched ${r.value} (${r.message ?? ''}), alone ${a.value}`);
      compared++;
    }
  }
  assert.ok(compared > 0);
}

describe('batched probes answer as probes compiled alone', () => {
  const sets: Record<string, { run: ProbeRun; alone: Map<string, Map<string, Answer>> }> = {};
  before(async () => {
    // The primer records how each kernel's Kbuild starts its inner make.
    await runProbes({ probes: parseProbeFile('symbol strlen\n    include <linux/string.h>\n', 'primer.probes'), kernels, cacheDir: join(work, 'primer'), jobs: 2 });
    sets.run = await bothWays(parseProbeFile(RUN_PROBES, 'test.probes'), 'run');
    sets.sample = await bothWays(readProbeFile(join(assetsDir, 'sample-driver', 'dudforge.probes')), 'sample');
    sets.swallow = await bothWays(parseProbeFile(SWALLOW, 'swallow.probes'), 'swallow');
    sets.clash = await bothWays(parseProbeFile(CLASH, 'clash.probes'), 'clash');
    sets.attach = await bothWays(parseProbeFile(ATTACH, 'attach.probes'), 'attach');
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  test('there are kernels to test against', () => assert.ok(kernels.length > 0));
  test('the batched runs started Kbuild\'s inner make directly on every kernel', () => {
    for (const name of ['run', 'sample', 'swallow', 'clash']) {
      for (const k of kernels) assert.ok(replayed.some((m) => m.startsWith(`${name}: probes for ${k.release}, round 1`)), `${name} on ${k.release}: ${replayed.join('; ')}`);
    }
  });
  test('every probe of run.test.ts', () => assertSame('run', sets.run.run, sets.run.alone));
  test('every probe of the sample driver', () => assertSame('sample', sets.sample.run, sets.sample.alone));

  test('false and broken answers carry the first error the probe gives alone, at the same place', () => {
    let compared = 0;
    for (const [name, { run, alone }] of Object.entries(sets)) {
      const file = `${name === 'run' ? 'test' : name}.probes`;
      for (const k of run.kernels) {
        for (const r of k.results.filter((x) => x.value !== true && x.kind !== 'export')) {
          const a = alone.get(k.release)!.get(r.define)!;
          if (!a.errors?.length) continue;
          const e = a.errors[0];
          const where = e.headerLocation ? `: included ${e.headerLocation}: error: ` : `${e.column ? `:${e.column}` : ''}: error: `;
          const first = r.message!.split('\n')[0];
          assert.ok(first.startsWith(`${file}:`) || name === 'sample', first);
          assert.ok(first.endsWith(`${where}${e.message}`), `${r.define} on ${k.release}: batched "${first}", alone "${where}${e.message}"`);
          compared++;
        }
      }
    }
    assert.ok(compared > 0);
  });

  test('a probe whose text leaves a brace open does not take its neighbours\' answers', () => {
    assertSame('swallow', sets.swallow.run, sets.swallow.alone);
    for (const k of sets.swallow.run.kernels) {
      const v = (d: string) => k.results.find((r) => r.define === d)!.value;
      assert.equal(v('HAVE_UNCLOSED_BRACE'), 'broken');
      assert.equal(v('HAVE_STRSCPY'), true);
      assert.equal(v('HAVE_NO_SUCH_SYMBOL_ANYWHERE_DUDFORGE'), false);
    }
  });

  test('calls placed in a chain: confirmed by a later round when the unit failed elsewhere, no by their own error', () => {
    assertSame('attach', sets.attach.run, sets.attach.alone);
    for (const k of sets.attach.run.kernels) {
      const v = Object.fromEntries(k.results.map((r) => [r.define, r.value]));
      assert.equal(v.HAVE_1_ARG_KFREE, true, k.release);
      assert.equal(v.HAVE_2_ARG_KFREE, false, k.release);
      assert.equal(v.HAVE_NO_SUCH_SYMBOL_DUDFORGE_ATTACH, false, k.release);
      assert.ok(replayed.some((m) => m.startsWith(`attach: probes for ${k.release}, round 1: batches of`)), `a batch in round 1 on ${k.release}`);
      assert.ok(replayed.some((m) => m.startsWith(`attach: probes for ${k.release}, round 2`)), `a round 2 on ${k.release}: ${replayed.filter((m) => m.startsWith('attach')).join('; ')}`);
    }
  });

  test('clashing headers and a header that needs another one answer as they do alone', () => {
    assertSame('clash', sets.clash.run, sets.clash.alone);
    for (const k of sets.clash.run.kernels) {
      const v = (d: string) => k.results.find((r) => r.define === d)!.value;
      assert.equal(v('HAVE_ASM_GENERIC_BITOPS_FFS_H'), true);
      assert.equal(v('HAVE_LINUX_BITOPS_H'), true);
      assert.equal(v('HAVE_LINUX_SPINLOCK_API_SMP_H'), false);
      assert.equal(v('HAVE_SPIN_LOCK_INIT'), true);
    }
  });
});

describe('a batch forced to hold what the engine keeps apart', () => {
  // The engine never puts these together (batchable, chains); here they are compiled as one
  // unit anyway, to show the judge still decides nothing it cannot be sure of.
  const probes = parseProbeFile(`${SWALLOW}\n${CLASH}`, 'forced.probes');
  const by = (d: string) => probes.find((p) => p.define === d)!;
  const verdicts: { release: string; verdict: ReturnType<typeof judgeBatch>; exact: boolean[]; order: Probe[] }[] = [];

  before(async () => {
    for (const k of kernels) {
      const order = [by('HAVE_SPIN_LOCK_INIT'), by('HAVE_LINUX_SPINLOCK_API_SMP_H'), by('HAVE_LINUX_BITOPS_H'), by('HAVE_ASM_GENERIC_BITOPS_FFS_H'), by('HAVE_UNCLOSED_BRACE'), by('HAVE_STRSCPY'), by('HAVE_NO_SUCH_SYMBOL_ANYWHERE_DUDFORGE')];
      const round = { single: [], batches: [order], flags: true };
      const made = await compileRound(k, round, 2, undefined, () => {}, { compiled: 0, expected: 0 });
      const { byProbe, unattributed } = collectProbeErrors(made.stderr, new Set(order.map((p) => p.define)));
      const reader = new ClosureReader(parseTreeFlags(k.buildTree, made.cflags!));
      const seen = parseOpened(made.stderr, reader.flags.cwd);
      reader.addSeen(seen.edges);
      const exact = exactPositions(order, seen.byBatch.get(0), reader);
      verdicts.push({ release: k.release, exact, order, verdict: judgeBatch(order, { compiled: made.batchesCompiled.has(0), byProbe, stray: unattributed.length > 0 }, exact) });
    }
  });

  test('the engine keeps them apart: unbalanced text is never batched', () => {
    assert.equal(batchable(by('HAVE_UNCLOSED_BRACE')), false);
    assert.equal(batchable(by('HAVE_STRSCPY')), true);
    assert.equal(balancedC('if (1) {'), false);
    assert.equal(balancedC('x = f("{", \'(\') /* ( */;'), true);
  });

  test('the header that needs another one is not exact after it, and not answered yes', () => {
    for (const { release, exact, verdict, order } of verdicts) {
      assert.equal(exact[order.findIndex((p) => p.define === 'HAVE_LINUX_SPINLOCK_API_SMP_H')], false, release);
      assert.notEqual(verdict.answers.get('HAVE_LINUX_SPINLOCK_API_SMP_H')?.value, true, release);
    }
  });

  test('after a clash or an open brace, nothing later is decided', () => {
    for (const { release, verdict } of verdicts) {
      // Only the first probe, parsed before any error and seeing only its own headers.
      for (const [define, a] of verdict.answers) {
        assert.equal(define, 'HAVE_SPIN_LOCK_INIT', `${define} on ${release} was decided (${a.value}) by a unit with errors it cannot vouch for`);
        assert.equal(a.value, true);
      }
      for (const d of ['HAVE_STRSCPY', 'HAVE_NO_SUCH_SYMBOL_ANYWHERE_DUDFORGE', 'HAVE_ASM_GENERIC_BITOPS_FFS_H']) {
        assert.equal(verdict.answers.has(d), false, `${d} on ${release} was decided by the batch`);
      }
    }
  });
});
