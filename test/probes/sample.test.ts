/**
 * End to end: the sample driver's own probe file, run on every installed kernel, gives a
 * dudforge-compat.h with which the driver builds (plain Kbuild) — and the answers differ
 * between 6.1 and 6.12, so the demo really exercises the mechanism.
 */
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { execa } from 'execa';
import { assetsDir } from '../../src/paths.js';
import { runProbes, type ProbeRun } from '../../src/probes/index.js';
import { expected, installedKernels } from './kernels.js';

const SAMPLE = join(assetsDir, 'sample-driver');

const KNOWN: Record<string, Record<string, boolean>> = {
  HAVE_1_ARG_CLASS_CREATE: { '6.1': false, '6.12': true },
  HAVE_2_ARG_CLASS_CREATE: { '6.1': true, '6.12': false },
  HAVE_STRLCPY: { '6.1': true, '6.12': false },
  HAVE_PLATFORM_DRIVER_REMOVE_VOID: { '6.1': false, '6.12': true },
};

describe('the sample driver with its probe file', () => {
  const kernels = installedKernels();
  const work = mkdtempSync(join(tmpdir(), 'dudforge-probe-sample-'));
  let run: ProbeRun;
  const builds = new Map<string, { exitCode?: number; output: string; ko: boolean }>();

  before(async () => {
    run = await runProbes({ probes: join(SAMPLE, 'dudforge.probes'), kernels, cacheDir: join(work, 'cache'), jobs: 2 });
    await Promise.all(
      run.kernels.map(async (k) => {
        const kernel = kernels.find((x) => x.release === k.release)!;
        const dir = join(work, k.release);
        cpSync(SAMPLE, dir, { recursive: true });
        writeFileSync(join(dir, 'dudforge-compat.h'), k.header);
        const r = await execa('make', ['-C', kernel.buildTree, `M=${dir}`, '-j1', 'modules'], { reject: false, all: true, env: { LC_ALL: 'C' } });
        builds.set(k.release, { exitCode: r.exitCode, output: String(r.all ?? ''), ko: existsSync(join(dir, 'dudforge_dummy.ko')) });
      }),
    );
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  test('answers the known questions per kernel series, and no probe is broken', () => {
    let checked = 0;
    for (const k of run.kernels) {
      const series = kernels.find((x) => x.release === k.release)!.series;
      assert.ok(k.results.every((r) => r.value !== 'broken'), `${k.release}: ${k.results.map((r) => r.message).join('\n')}`);
      for (const [define, answers] of Object.entries(KNOWN)) {
        const want = expected(answers, series);
        if (want === undefined) continue;
        assert.equal(k.results.find((r) => r.define === define)?.value, want, `${define} on ${k.release}`);
        checked++;
      }
    }
    assert.ok(checked > 0);
  });

  test('the driver builds on every kernel with that kernel\'s dudforge-compat.h', () => {
    for (const k of run.kernels) {
      const b = builds.get(k.release)!;
      assert.equal(b.exitCode, 0, `${k.release}:\n${b.output.slice(-3000)}`);
      assert.ok(b.ko);
      assert.doesNotMatch(b.output, /warning: .*(strlcpy|class_create)/);
    }
  });
});
