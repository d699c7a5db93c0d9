/**
 * `npm run fuzz [SEED] [ITERATIONS]` (not part of npm test): the verify readers' fuzzing loop
 * of test/verify/fuzz.test.ts, longer and with a chosen seed (default: the time), in chunks of
 * 5000 inputs per child process so each chunk's peak memory is measured on its own.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { packageRoot } from '../../src/paths.js';
import type { FuzzResult } from '../verify/fuzz-worker.js';

const seed = Number(process.argv[2] ?? Date.now() % 2 ** 31);
const total = Number(process.argv[3] ?? 50_000);
const CHUNK = 5000;
const worker = join(packageRoot, 'dist', 'test', 'verify', 'fuzz-worker.js');
let failures = 0;
let peak = 0;
for (let done = 0, chunk = 0; done < total; done += CHUNK, chunk++) {
  const n = Math.min(CHUNK, total - done);
  const r = spawnSync(process.execPath, [worker, 'fuzz', String(seed + chunk), String(n)], { encoding: 'utf8', timeout: 30 * 60_000, maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) {
    process.stdout.write(`seed ${seed + chunk}: worker ${r.signal ? `stopped by ${r.signal} (a hang?)` : `exited ${r.status}`}\n${r.stderr}\n`);
    failures++;
    continue;
  }
  const result = JSON.parse(r.stdout) as FuzzResult;
  failures += result.failures.length;
  peak = Math.max(peak, result.maxRssKiB);
  process.stdout.write(`seed ${result.seed}: ${result.iterations} inputs, ${result.failures.length} failures, slowest ${result.slowestMs} ms, peak RSS ${Math.round(result.maxRssKiB / 1024)} MiB\n`);
  for (const f of result.failures.slice(0, 10)) process.stdout.write(`  ${f.target} after ${f.mutation}: ${f.error}\n`);
}
process.stdout.write(`${total} inputs from seed ${seed}: ${failures} failures, peak RSS ${Math.round(peak / 1024)} MiB\n`);
process.exitCode = failures ? 1 : 0;
