import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runKbuild, type RunKbuildResult } from '../../src/kbuild/run.js';
import type { PipelineEvent } from '../../src/events.js';
import { UserError } from '../../src/errors.js';
import { sampleDriverCopy, usableKernels } from './helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'dudforge-kbuild-fail-'));
const tree = usableKernels()[0];
let dir: string;
let result: RunKbuildResult;
const events: PipelineEvent[] = [];

before(async () => {
  dir = sampleDriverCopy(tree, join(tmp, 'src'));
  // An undeclared identifier in one file, and an unused variable (a warning) before it.
  appendFileSync(join(dir, 'chrdev.c'), '\nint dudforge_broken(void)\n{\n\tint unused_here;\n\treturn not_declared_anywhere + 1;\n}\n');
  result = await runKbuild({
    buildTree: tree.path,
    sourceDir: dir,
    release: tree.release!,
    jobs: 2,
    logFile: join(tmp, 'build.log'),
    expectedObjects: 2,
    onEvent: (e) => events.push(e),
  });
});
after(() => rmSync(tmp, { recursive: true, force: true }));

test('a compile error gives ok:false with the first error line', () => {
  assert.equal(result.ok, false);
  assert.equal(result.cancelled, false);
  assert.deepEqual(result.modules, []);
  assert.match(result.firstError!, new RegExp(`^${join(dir, 'chrdev.c').replace(/[.+]/g, '\\$&')}:\\d+:\\d+: error: .*not_declared_anywhere`));
  assert.ok(result.errors >= 1);
  assert.ok(!existsSync(join(dir, 'dudforge_dummy.ko')));
});

test('the error is an event and the log file has the compiler output', () => {
  const errs = events.filter((e) => e.type === 'compiler-error');
  assert.ok(errs.length >= 1);
  assert.equal(errs[0].type === 'compiler-error' && errs[0].message, result.firstError);
  const log = readFileSync(result.logFile, 'utf8');
  assert.ok(log.includes(result.firstError!));
  assert.match(log, /make(\[\d+\])?: \*\*\* .*Error \d/);
  assert.match(log, /\*\*\* build failed: /);
});

test('a driver dir whose Makefile builds nothing is not ok', async () => {
  const empty = join(tmp, 'empty');
  sampleDriverCopy(tree, empty);
  appendFileSync(join(empty, 'Kbuild'), 'obj-m :=\n');
  const r = await runKbuild({
    buildTree: tree.path,
    sourceDir: empty,
    release: tree.release!,
    jobs: 1,
    logFile: join(tmp, 'empty.log'),
    expectedObjects: 0,
    onEvent: () => {},
  });
  assert.equal(r.ok, false);
  assert.ok(r.firstError && r.firstError.length > 0);
});

test('without make on PATH: a UserError saying what to install', async () => {
  await assert.rejects(
    runKbuild({
      buildTree: tree.path,
      sourceDir: dir,
      release: tree.release!,
      jobs: 1,
      logFile: join(tmp, 'nomake.log'),
      expectedObjects: 2,
      env: { PATH: join(tmp, 'no-such-bin') },
      onEvent: () => {},
    }),
    (e: unknown) => e instanceof UserError && /make was not found/.test(e.message) && /build-essential/.test(e.hint ?? ''),
  );
});

test('an already aborted signal starts nothing', async () => {
  const events: unknown[] = [];
  const r = await runKbuild({
    buildTree: tree.path,
    sourceDir: dir,
    release: tree.release!,
    jobs: 1,
    logFile: join(tmp, 'pre-aborted.log'),
    expectedObjects: 2,
    signal: AbortSignal.abort(),
    onEvent: (e) => events.push(e),
  });
  assert.equal(r.cancelled, true);
  assert.equal(r.ok, false);
  assert.deepEqual(events, []);
});
