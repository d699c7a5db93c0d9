import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync, spawn } from 'node:child_process';
import { killAllBuilds, runKbuild } from '../../src/kbuild/run.js';
import { scanKbuildDir } from '../../src/kbuild/makefile.js';
import { usableKernels } from './helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'dudforge-cancel-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const tree = usableKernels()[0];

/** A module of 40 files, each slow to optimize, so a build runs for minutes if not stopped. */
function slowModule(dir: string): string {
  mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  for (let f = 0; f < 40; f++) {
    const body: string[] = ['#include <linux/module.h>', '#include <linux/kernel.h>'];
    for (let fn = 0; fn < 6; fn++) {
      body.push(`noinline int slow_${f}_${fn}(int x)`, '{');
      for (let i = 0; i < 400; i++) body.push(`\tx = (x * ${i * 7 + 3}) ^ (x >> ${(i % 13) + 1}); if (x & ${1 << i % 20}) x += ${i};`);
      body.push('\treturn x;', '}', `EXPORT_SYMBOL_GPL(slow_${f}_${fn});`);
    }
    writeFileSync(join(dir, `slow${f}.c`), body.join('\n') + '\n');
    files.push(`slow${f}.o`);
  }
  writeFileSync(join(dir, 'init.c'), '#include <linux/module.h>\nMODULE_LICENSE("GPL");\n');
  writeFileSync(join(dir, 'Kbuild'), `obj-m += slowmod.o\nslowmod-y := init.o ${files.join(' ')}\n`);
  return dir;
}

/** make/cc1/gcc/as processes whose command line mentions `dir`. */
function survivors(dir: string): string[] {
  return execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' })
    .split('\n')
    .filter((l) => l.includes(dir) && /\b(make|cc1|gcc|as|ld)\b/.test(l) && !l.includes('ps -eo'));
}

function kos(dir: string): string[] {
  return readdirSync(dir).filter((n) => n.endsWith('.ko'));
}

test('abort after the first object: resolves within 2 s, nothing survives, no .ko', async () => {
  const dir = slowModule(join(tmp, 'abort'));
  const controller = new AbortController();
  let abortedAt = 0;
  let scheduled = false;
  let sawProcessesAtAbort: string[] = [];
  const result = await runKbuild({
    buildTree: tree.path,
    sourceDir: dir,
    release: tree.release!,
    jobs: 2,
    logFile: join(tmp, 'abort.log'),
    expectedObjects: scanKbuildDir(dir).expectedObjects,
    signal: controller.signal,
    onEvent: (e) => {
      if (e.type === 'object-compiled' && !scheduled) {
        scheduled = true;
        // Abort once a compiler runs (polling: on a loaded machine cc1 may take a while to
        // appear), so that there is a compiler to kill.
        const poll = () => {
          sawProcessesAtAbort = survivors(dir);
          if (!sawProcessesAtAbort.some((l) => /cc1/.test(l)) && Date.now() - firstObjectAt < 5000) return void setTimeout(poll, 100);
          abortedAt = Date.now();
          controller.abort();
        };
        const firstObjectAt = Date.now();
        setTimeout(poll, 100);
      }
    },
  });
  const took = Date.now() - abortedAt;
  assert.ok(abortedAt > 0, 'no object was ever started');
  assert.ok(sawProcessesAtAbort.some((l) => /cc1/.test(l)), `no compiler was running at abort: ${sawProcessesAtAbort}`);
  assert.equal(result.cancelled, true);
  assert.equal(result.ok, false);
  assert.ok(took < 2000, `took ${took} ms`);
  assert.deepEqual(survivors(dir), [], `still running ${took} ms after the abort`);
  assert.deepEqual(kos(dir), []);
});

test('killAllBuilds stops a running build', async () => {
  const dir = slowModule(join(tmp, 'killall'));
  let started = 0;
  const running = runKbuild({
    buildTree: tree.path,
    sourceDir: dir,
    release: tree.release!,
    jobs: 2,
    logFile: join(tmp, 'killall.log'),
    expectedObjects: 41,
    onEvent: (e) => {
      if (e.type === 'object-compiled' && !started) started = Date.now();
    },
  });
  let finished = false;
  void running.then(() => (finished = true));
  while (!started && !finished) await new Promise((r) => setTimeout(r, 50));
  assert.ok(started, 'the build ended before compiling anything');
  const t0 = Date.now();
  await killAllBuilds();
  const result = await running;
  assert.ok(Date.now() - t0 < 2000);
  assert.equal(result.cancelled, true);
  assert.deepEqual(survivors(dir), []);
});

test('a parent that exits mid-build takes its make group with it', async () => {
  const dir = slowModule(join(tmp, 'exit'));
  const runUrl = new URL('../../src/kbuild/run.js', import.meta.url).href;
  const script = join(tmp, 'parent.mjs');
  writeFileSync(
    script,
    `const { runKbuild } = await import(${JSON.stringify(runUrl)});
runKbuild({ buildTree: ${JSON.stringify(tree.path)}, sourceDir: ${JSON.stringify(dir)}, release: 'x', jobs: 2,
  logFile: ${JSON.stringify(join(tmp, 'exit.log'))}, expectedObjects: 41,
  onEvent: (e) => { if (e.type === 'object-compiled') setTimeout(() => process.exit(3), 300); } });
`,
  );
  const code = await new Promise<number | null>((resolve) => {
    const child = spawn(process.execPath, [...process.execArgv.filter((a) => !a.startsWith('--test')), script], { stdio: 'inherit' });
    child.on('exit', (c) => resolve(c));
  });
  assert.equal(code, 3);
  // SIGKILL is delivered at once, but the kernel reaps a moment later.
  const deadline = Date.now() + 1000;
  while (survivors(dir).length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(survivors(dir), []);
});
