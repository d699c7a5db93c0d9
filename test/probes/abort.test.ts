/**
 * Cancelling a probe run kills every make it started, with their compilers (whole process
 * groups), and the run rejects instead of returning half the answers.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { runningBuildGroups } from '../../src/kbuild/process-group.js';
import { runProbes, type Probe } from '../../src/probes/index.js';
import { installedKernels } from './kernels.js';

describe('aborting runProbes', () => {
  const cacheDir = mkdtempSync(join(tmpdir(), 'dudforge-probe-abort-'));
  after(() => rmSync(cacheDir, { recursive: true, force: true }));

  test('kills the make process groups and rejects', async () => {
    const kernels = installedKernels();
    assert.ok(kernels.length > 0);
    // Enough heavy probes that make is surely still running when we abort.
    const probes: Probe[] = Array.from({ length: 12 }, (_, i) => ({
      kind: 'code',
      define: `HAVE_ABORT_${i}`,
      subject: `HAVE_ABORT_${i}`,
      includes: ['linux/netdevice.h'],
      globals: [],
      body: [`(void)${i};`],
    }));
    const controller = new AbortController();
    const seen = new Set<number>();
    const running = runProbes({ probes, kernels, cacheDir, jobs: 2, signal: controller.signal });
    const deadline = Date.now() + 20_000;
    while (seen.size === 0 && Date.now() < deadline) {
      runningBuildGroups().forEach((g) => seen.add(g));
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.ok(seen.size > 0, 'a make was started');
    const abortedAt = Date.now();
    controller.abort(new Error('stop probing'));
    await assert.rejects(running, /stop probing/);
    // Killed processes may take a moment to be reaped on a loaded machine: the promise is that
    // every group is gone within 2 s of the abort.
    const groupAlive = (pgid: number) => {
      try {
        process.kill(-pgid, 0);
        return true;
      } catch {
        return false;
      }
    };
    while ([...seen].some(groupAlive) && Date.now() - abortedAt < 2_000) await new Promise((r) => setTimeout(r, 50));
    for (const pgid of seen) {
      assert.throws(() => process.kill(-pgid, 0), /ESRCH/, `process group ${pgid} is gone`);
    }
    assert.deepEqual(runningBuildGroups(), []);
  });
});
