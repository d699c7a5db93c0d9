/**
 * The shared GNU make job server (src/kbuild/jobserver.ts), with the real make: a make given the
 * pipe as fd 3 runs as many recipes at once as it holds slots (its own plus the tokens in the
 * pipe), and gives every token back when it ends.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, readSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { execa } from 'execa';
import { JOBSERVER_MAKEFLAGS, jobServer } from '../../src/kbuild/jobserver.js';

const work = mkdtempSync(join(tmpdir(), 'dudforge-jobserver-'));
after(() => rmSync(work, { recursive: true, force: true }));

/** Four recipes that each note which recipes were running beside them; returns the most seen at once. */
async function widestOverlap(tokens: number, releasedBeforeOpen = 0): Promise<number> {
  const dir = mkdtempSync(join(work, 'run-'));
  writeFileSync(
    join(dir, 'Makefile'),
    ['all: a b c d', 'a b c d:', '\t@touch running.$@; sleep 0.4; ls running.* | wc -l > seen.$@; rm running.$@', ''].join('\n'),
  );
  const server = jobServer(dir, tokens - releasedBeforeOpen);
  server.release(releasedBeforeOpen);
  const fd = await server.fd();
  assert.ok(fd !== undefined, 'GNU make 4.2+ is installed here');
  try {
    const r = await execa('make', ['-C', dir], {
      env: { MAKEFLAGS: JOBSERVER_MAKEFLAGS },
      reject: false,
      ...({ stdio: ['ignore', 'pipe', 'pipe', fd] } as unknown as { stdin: 'ignore' }),
    });
    assert.equal(r.exitCode, 0, String(r.stderr));
    // Every token is back in the pipe. A marker after them keeps the read from blocking.
    writeSync(fd, '!');
    const back = Buffer.alloc(tokens + 8);
    const got = back.subarray(0, readSync(fd, back, 0, back.length, null)).toString();
    assert.equal(got, '+'.repeat(tokens) + '!', 'tokens returned');
  } finally {
    server.close();
  }
  const seen = readdirSync(dir).filter((f) => f.startsWith('seen.'));
  assert.equal(seen.length, 4);
  return Math.max(...seen.map((f) => Number(readFileSync(join(dir, f), 'utf8').trim())));
}

describe('make job server', () => {
  test('no token: the make runs one recipe at a time (its own slot)', async () => {
    assert.equal(await widestOverlap(0), 1);
  });

  test('two tokens: up to three recipes at once, and both tokens come back', async () => {
    const widest = await widestOverlap(2);
    assert.ok(widest >= 2 && widest <= 3, `widest ${widest}`);
  });

  test('a slot given back before the pipe exists is in it once it opens', async () => {
    const widest = await widestOverlap(1, 1);
    assert.equal(widest, 2);
  });
});
