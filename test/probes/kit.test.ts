/**
 * The probe kit a source RPM carries (src/probes/kit.ts): its answer.sh, run by the real sh and
 * make against each installed kernel, writes a dudforge-compat.h with exactly the #defines the
 * engine writes for that kernel (every kind, true, false and broken probes included), and stops
 * with a message when make compiles nothing.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { assetsDir, packageRoot } from '../../src/paths.js';
import { parseProbeFile, readProbeFile, runProbes, type ProbeRun } from '../../src/probes/index.js';
import { probeKitFiles } from '../../src/probes/kit.js';
import { installedKernels } from './kernels.js';

/** The probe file of run.test.ts (every kind, a broken probe too), read from its source. */
const RUN_PROBES = /const PROBES = `([\s\S]*?)`;/.exec(readFileSync(join(packageRoot, 'test', 'probes', 'run.test.ts'), 'utf8'))![1];

const kernels = installedKernels();
const work = mkdtempSync(join(tmpdir(), 'dudforge-kit-'));
after(() => rmSync(work, { recursive: true, force: true }));

function writeKit(dir: string, probes: ReturnType<typeof parseProbeFile>): string {
  mkdirSync(dir, { recursive: true });
  for (const f of probeKitFiles(probes)) {
    writeFileSync(join(dir, f.path), f.data);
    chmodSync(join(dir, f.path), f.mode);
  }
  return join(dir, 'answer.sh');
}

const defines = (header: string) => header.split('\n').filter((l) => l.startsWith('#define HAVE_'));

describe('probe kit', () => {
  const probes = [...parseProbeFile(RUN_PROBES, 'run.probes'), ...readProbeFile(join(assetsDir, 'sample-driver', 'dudforge.probes'))]
    .filter((p, i, all) => all.findIndex((q) => q.define === p.define) === i);
  let engine: ProbeRun;
  const kit = new Map<string, string>();
  before(async () => {
    engine = await runProbes({ probes, kernels, cacheDir: join(work, 'cache'), jobs: 2 });
    for (const k of kernels) {
      const script = writeKit(join(work, `kit-${k.release}`), probes);
      const out = join(work, `compat-${k.release}.h`);
      execFileSync('sh', [script, k.buildTree, out, '-j2', ...(k.llvm ? ['LLVM=1'] : [])], { stdio: 'pipe' });
      kit.set(k.release, readFileSync(out, 'utf8'));
    }
  });

  test('there are kernels to test against', () => assert.ok(kernels.length > 0));

  test('answer.sh writes the #defines the engine writes, on every installed kernel', () => {
    for (const k of engine.kernels) {
      const mine = kit.get(k.release)!;
      assert.deepEqual(defines(mine), defines(k.header), k.release);
      assert.ok(defines(mine).length > 0 && defines(mine).length < probes.length, `${k.release}: some probes true, some not`);
      assert.match(mine, /^#ifndef DUDFORGE_COMPAT_H$/m);
      assert.match(mine, /\/\* HAVE_BROKEN_SYNTAX is not set: it did not compile/);
    }
  });

  test('a tree make cannot build in stops answer.sh with a message, instead of a header of nothing', () => {
    const tree = join(work, 'not-a-tree');
    mkdirSync(tree);
    writeFileSync(join(tree, 'Makefile'), 'all:\n\t@echo this is no kernel tree\n');
    const script = writeKit(join(work, 'kit-bad'), probes);
    const r = spawnSync('sh', [script, tree, join(work, 'bad.h')], { encoding: 'utf8' });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /make compiled no probe for .*not-a-tree/);
    assert.match(r.stderr, /No rule to make target/, 'the tail of the make output follows');
  });
});
