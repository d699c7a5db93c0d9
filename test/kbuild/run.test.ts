import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { runKbuild, type RunKbuildResult } from '../../src/kbuild/run.js';
import { scanKbuildDir, type KbuildScan } from '../../src/kbuild/makefile.js';
import type { PipelineEvent } from '../../src/events.js';
import type { KernelTree } from '../../src/kernel/tree.js';
import { compatDefines, sampleDriverCopy, usableKernels } from './helpers.js';

interface Built {
  tree: KernelTree;
  dir: string;
  scan: KbuildScan;
  result: RunKbuildResult;
  events: PipelineEvent[];
}

const tmp = mkdtempSync(join(tmpdir(), 'dudforge-kbuild-'));
const builds: Built[] = [];

before(async () => {
  for (const tree of usableKernels()) {
    const dir = sampleDriverCopy(tree, join(tmp, tree.release!));
    const scan = scanKbuildDir(dir);
    const events: PipelineEvent[] = [];
    const result = await runKbuild({
      buildTree: tree.path,
      sourceDir: dir,
      release: tree.release!,
      jobs: 2,
      logFile: join(tmp, 'logs', `${tree.release}.log`),
      expectedObjects: scan.expectedObjects,
      onEvent: (e) => events.push(e),
    });
    builds.push({ tree, dir, scan, result, events });
  }
});
after(() => rmSync(tmp, { recursive: true, force: true }));

test('the sample driver is one module of two objects', () => {
  const scan = builds[0].scan;
  assert.deepEqual(scan.modules.map((m) => [m.name, m.objects]), [['dudforge_dummy', ['main.o', 'chrdev.o']]]);
  assert.equal(scan.expectedObjects, 2);
});

test('the probes the sample uses differ between the installed kernels (when there are two)', () => {
  for (const b of builds) {
    const d = compatDefines(b.tree);
    assert.equal(d.filter((x) => /ARG_CLASS_CREATE/.test(x)).length, 1, `${b.tree.release}: ${d}`);
  }
  if (builds.length >= 2) {
    const sets = new Set(builds.map((b) => compatDefines(b.tree).join(',')));
    assert.ok(sets.size >= 2, 'every installed kernel gives the same compat header');
  }
});

describe('the sample built against every usable kernel', () => {
  test('builds succeed with one .ko each', () => {
    for (const b of builds) {
      assert.equal(b.result.ok, true, `${b.tree.release}: ${b.result.firstError}\n${readFileSync(b.result.logFile, 'utf8')}`);
      assert.equal(b.result.cancelled, false);
      assert.deepEqual(b.result.modules, [join(b.dir, 'dudforge_dummy.ko')]);
      assert.equal(b.result.errors, 0);
      assert.equal(b.result.firstError, undefined);
      assert.ok(b.result.seconds > 0);
    }
  });

  test('progress: objects compiled equals objects expected, phases in order', () => {
    for (const b of builds) {
      const compiled = b.events.filter((e) => e.type === 'object-compiled');
      assert.equal(compiled.length, b.scan.expectedObjects);
      // -j2 may start them in either order; the count runs 1, 2 regardless.
      assert.deepEqual(compiled.map((e) => e.type === 'object-compiled' && [e.compiled, e.expected]), [[1, 2], [2, 2]]);
      assert.deepEqual(compiled.map((e) => e.type === 'object-compiled' && e.object).sort(), ['chrdev.o', 'main.o']);
      const phases = b.events.flatMap((e) => (e.type === 'kernel-phase' ? [e.phase] : []));
      assert.deepEqual(phases.slice(0, 3), ['compile', 'link', 'modpost']);
      assert.equal(phases.at(-1), 'link');
      assert.ok(b.events.every((e) => !('release' in e) || e.release === b.tree.release));
      assert.ok(b.events.some((e) => e.type === 'kernel-log' && /LD \[M\].*dudforge_dummy\.ko/.test(e.line)));
    }
  });

  test('vermagic (modinfo) equals the kernel release', () => {
    for (const b of builds) {
      const vermagic = execFileSync('modinfo', ['-F', 'vermagic', b.result.modules[0]], { encoding: 'utf8' });
      assert.equal(vermagic.split(' ')[0], b.tree.release);
    }
  });

  test('module parameters and metadata show in modinfo', () => {
    for (const b of builds) {
      const params = execFileSync('modinfo', ['-p', b.result.modules[0]], { encoding: 'utf8' });
      assert.match(params, /^greeting:.*\(charp\)$/m);
      assert.match(params, /^repeat:.*\(int\)$/m);
      assert.equal(execFileSync('modinfo', ['-F', 'version', b.result.modules[0]], { encoding: 'utf8' }).trim(), '1.0.0');
      assert.equal(execFileSync('modinfo', ['-F', 'license', b.result.modules[0]], { encoding: 'utf8' }).trim(), 'GPL');
    }
  });

  test('the log file holds the command and the whole output', () => {
    for (const b of builds) {
      assert.equal(b.result.logFile, join(tmp, 'logs', `${b.tree.release}.log`));
      const log = readFileSync(b.result.logFile, 'utf8');
      assert.match(log, new RegExp(`^\\$ make -C ${b.tree.path.replace(/[.+]/g, '\\$&')} M=${b.dir.replace(/[.+]/g, '\\$&')} -j2 modules\\n`));
      assert.match(log, /CC \[M\]\s+\S+\/main\.o/);
      assert.match(log, /\*\*\* build succeeded\n$/);
      assert.ok(existsSync(join(b.dir, 'main.o')));
    }
  });
});
