/**
 * Fuzzing the readers behind `dudforge verify`: thousands of mutated copies (bit flips,
 * truncations, length and count fields overwritten with huge or near values, random bytes) of a
 * real small driver disk and of a real kmod RPM, built from text by the project's own writers,
 * go through verifyDisk, readIso, readRpm, checkRpm and readRpmPayload in a child process
 * (fuzz-worker.ts). No reader may throw anything but its documented error (UserError, or a plain
 * Error naming the broken part for the RPM readers), no input may take more than SLOW_INPUT_MS,
 * and the child's peak memory must stay under 256 MiB. Compression bombs (a payload or a module
 * inflating to 1 GiB) must end as verify problems within the same memory.
 * `npm run fuzz` runs the same loop for longer with a seed of one's choosing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { packageRoot } from '../../src/paths.js';
import type { FuzzResult } from './fuzz-worker.js';

const WORKER = join(packageRoot, 'dist', 'test', 'verify', 'fuzz-worker.js');
const MAX_RSS_KIB = 256 * 1024;

function worker(args: string[], timeoutMs: number): FuzzResult {
  const r = spawnSync(process.execPath, [WORKER, ...args], { encoding: 'utf8', timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 });
  assert.equal(r.signal, null, `the fuzz worker ${args.join(' ')} was stopped after ${timeoutMs} ms: a reader hangs\n${r.stderr}`);
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as FuzzResult;
}

test('2000 mutated disks and RPMs: only documented errors, no hang, under 256 MiB', () => {
  const result = worker(['fuzz', '20261205', '2000'], 120_000);
  assert.equal(result.iterations, 2000);
  assert.deepEqual(result.failures, [], JSON.stringify(result.failures.slice(0, 5), null, 2));
  // The mutations reach the readers: some inputs are refused, some read with problems.
  for (const outcome of ['disk: problems', 'disk: thrown', 'rpm: unreadable', 'rpm: problems']) {
    assert.ok((result.outcomes[outcome] ?? 0) > 0, `no input ended as "${outcome}": ${JSON.stringify(result.outcomes)}`);
  }
  assert.ok(result.maxRssKiB < MAX_RSS_KIB, `peak RSS ${result.maxRssKiB} KiB`);
  process.stdout.write(`# fuzz: ${JSON.stringify({ outcomes: result.outcomes, slowestMs: result.slowestMs, maxRssMiB: Math.round(result.maxRssKiB / 1024) })}\n`);
});

for (const [mode, expected] of [
  ['bomb', /payload does not decompress: it inflates past \d+ bytes, the size its signature header declares/],
  ['bomb-forged', /payload does not decompress: it inflates past 536870912 bytes/],
  ['module-bomb', /dudforge_dummy\.ko\.gz cannot be decompressed \(it inflates past 536870912 bytes/],
] as const) {
  test(`${mode}: 1 GiB of inflated data is a verify problem, not 1 GiB of memory`, () => {
    const result = worker([mode], 120_000);
    assert.deepEqual(result.failures, []);
    assert.ok(result.notes.some((p) => expected.test(p)), result.notes.join('\n'));
    assert.ok(result.inputBytes < 2 * 1024 * 1024, `the disk is ${result.inputBytes} bytes`);
    assert.ok(result.maxRssKiB < MAX_RSS_KIB, `peak RSS ${result.maxRssKiB} KiB`);
    process.stdout.write(`# ${mode}: ${result.inputBytes} byte disk, ${result.slowestMs} ms, peak RSS ${Math.round(result.maxRssKiB / 1024)} MiB\n`);
  });
}
