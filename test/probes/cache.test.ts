/**
 * The cache: a second run compiles nothing (no make at all), moving probes around in the file
 * changes nothing, and editing one probe recompiles only that probe — on every kernel.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { PipelineEvent } from '../../src/events.js';
import { runProbes, type ProbeRun } from '../../src/probes/index.js';
import { installedKernels } from './kernels.js';

const FIRST = `symbol strlcpy
    include <linux/string.h>
call class_create("dudforge")
    include <linux/device.h>
member struct i2c_driver probe_new
    include <linux/i2c.h>
export class_create
`;
// The same probes in another order, with comments: same questions, same cache entries.
const MOVED = `# moved around
export class_create

member struct i2c_driver probe_new
    include <linux/i2c.h>
symbol strlcpy
    include <linux/string.h>
call class_create("dudforge")
    include <linux/device.h>
`;
// One probe edited (its argument text), the others untouched.
const EDITED = FIRST.replace('class_create("dudforge")', 'class_create("dudforge-edited")');

describe('probe cache', () => {
  const kernels = installedKernels();
  const dir = mkdtempSync(join(tmpdir(), 'dudforge-probe-cache-'));
  const cacheDir = join(dir, 'cache');
  const probeFile = join(dir, 'dudforge.probes');
  const runs: { run: ProbeRun; events: PipelineEvent[]; cacheFiles: number[] }[] = [];

  const runWith = async (text: string) => {
    writeFileSync(probeFile, text);
    const events: PipelineEvent[] = [];
    const run = await runProbes({ probes: probeFile, kernels, cacheDir, jobs: 2, onEvent: (e) => events.push(e) });
    const cacheFiles = kernels.map((k) => readdirSync(join(cacheDir, k.identity)).filter((f) => /^[0-9a-f]{64}\.json$/.test(f)).length);
    runs.push({ run, events, cacheFiles });
  };

  before(async () => {
    await runWith(FIRST);
    await runWith(FIRST);
    await runWith(MOVED);
    await runWith(EDITED);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const compiledObjects = (events: PipelineEvent[]) => events.filter((e) => e.type === 'object-compiled').length;
  const answers = (run: ProbeRun) => run.kernels.map((k) => Object.fromEntries(k.results.map((r) => [r.define, r.value])));

  test('the first run compiles every compile probe once per kernel and stores one file per probe', () => {
    const { run, events } = runs[0];
    assert.ok(kernels.length > 0);
    for (const k of run.kernels) {
      assert.equal(k.compiled, 3);
      assert.equal(k.makeInvoked, true);
      assert.ok(k.results.every((r) => !r.cached));
    }
    // Batched (src/probes/batch.ts): the objects are batches and single probes, not one per probe.
    for (const k of kernels) assert.ok(events.some((e) => e.type === 'object-compiled' && e.release === k.release && e.stage === 'probe'), `objects compiled for ${k.release}`);
    assert.deepEqual(runs[0].cacheFiles, kernels.map(() => 4));
  });

  test('a second run compiles nothing and starts no make', () => {
    const { run, events } = runs[1];
    assert.equal(run.kernels.length, kernels.length);
    for (const k of run.kernels) {
      assert.equal(k.compiled, 0);
      assert.equal(k.makeInvoked, false);
      assert.ok(k.results.every((r) => r.cached));
    }
    assert.equal(compiledObjects(events), 0);
    assert.ok(events.every((e) => e.type !== 'kernel-phase' || e.phase === 'cached'));
    assert.deepEqual(answers(run), answers(runs[0].run));
    assert.deepEqual(run.kernels.map((k) => k.header), runs[0].run.kernels.map((k) => k.header));
  });

  test('moving probes around and adding comments hits the cache', () => {
    const { run, events } = runs[2];
    for (const k of run.kernels) assert.equal(k.makeInvoked, false);
    assert.equal(compiledObjects(events), 0);
    assert.deepEqual(run.kernels.map((k) => k.header), runs[0].run.kernels.map((k) => k.header));
  });

  test('editing one probe recompiles only that probe', () => {
    const { run, events } = runs[3];
    for (const k of run.kernels) {
      assert.equal(k.compiled, 1);
      const fresh = k.results.filter((r) => !r.cached).map((r) => r.define);
      assert.deepEqual(fresh, ['HAVE_1_ARG_CLASS_CREATE']);
      // A kernel probed before: its make starts Kbuild's inner make directly (kbuild-replay.ts).
      assert.ok(events.some((e) => e.type === 'info' && e.message.startsWith(`probes for ${k.release}, round 1`) && /inner make started directly/.test(e.message)), k.release);
    }
    const objects = events.flatMap((e) => (e.type === 'object-compiled' ? [e.object] : []));
    assert.equal(objects.length, kernels.length);
    assert.ok(objects.every((o) => o.endsWith('have_1_arg_class_create.o')));
    assert.deepEqual(answers(run), answers(runs[0].run), 'same answers: only the string changed');
    assert.deepEqual(runs[3].cacheFiles, kernels.map(() => 5), 'the edited probe is a new entry');
  });
});
