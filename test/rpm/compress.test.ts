/**
 * The parallel gzip writer: one ordinary gzip member whatever the block count, the same bytes
 * as zlib for a single block, the same bytes whatever the thread pool size, and readable by the
 * real gzip, python's gzip module and zlib's raw inflate (one deflate stream, no second member).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { constants, gunzipSync, gzipSync, inflateRawSync } from 'node:zlib';
import { GZIP_BLOCK, GZIP_PAYLOAD_LEVEL, gzipParallel } from '../../src/rpm/compress.js';
import { bigModuleBytes } from './fixtures.js';

const work = mkdtempSync(join(tmpdir(), 'dudforge-gz-'));
after(() => rmSync(work, { recursive: true, force: true }));
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('gzipParallel', () => {
  const input = bigModuleBytes(3 * GZIP_BLOCK + 777);

  test('round-trips at every length around block edges, including empty', async () => {
    const block = 4096;
    for (const n of [0, 1, block - 1, block, block + 1, 2 * block, 5 * block + 3]) {
      const data = input.subarray(0, n);
      const gz = await gzipParallel(data, GZIP_PAYLOAD_LEVEL, block);
      assert.ok(gunzipSync(gz).equals(data), `length ${n}`);
    }
  });

  test('one block is byte for byte what zlib gzipSync writes, at levels 1, 5 and 9', async () => {
    const small = input.subarray(0, 100_000);
    for (const level of [1, GZIP_PAYLOAD_LEVEL, 9]) {
      const ours = await gzipParallel(small, level);
      const zlib = gzipSync(small, { level, memLevel: 9, strategy: constants.Z_DEFAULT_STRATEGY });
      assert.ok(ours.equals(zlib), `level ${level}`);
    }
  });

  test('several blocks make ONE gzip member holding one deflate stream', async () => {
    const gz = await gzipParallel(input);
    assert.equal(gz.readUInt16BE(0), 0x1f8b);
    // Inflating the body as a single raw deflate stream gives the whole input: the pieces
    // joined are one stream, and nothing follows it but the 8-byte trailer.
    const body = gz.subarray(10, gz.length - 8);
    assert.ok(inflateRawSync(body).equals(input));
    assert.equal(gz.readUInt32LE(gz.length - 4), input.length);
    // The dictionary carries the window across blocks: within 0.5% of one sequential deflate.
    const sequential = gzipSync(input, { level: GZIP_PAYLOAD_LEVEL, memLevel: 9 }).length;
    assert.ok(gz.length <= sequential * 1.005, `${gz.length} vs ${sequential}`);
  });

  test('the real gzip -t and python gzip read it, and gzip -l reports the true size', async () => {
    const file = join(work, 'payload.gz');
    writeFileSync(file, await gzipParallel(input));
    execFileSync('gzip', ['-t', file]);
    const listed = execFileSync('gzip', ['-l', file], { encoding: 'utf8' }).trim().split('\n')[1].trim().split(/\s+/);
    assert.equal(Number(listed[1]), input.length);
    const py = execFileSync('python3', ['-c', 'import gzip,hashlib,sys; print(hashlib.sha256(gzip.open(sys.argv[1]).read()).hexdigest())', file], { encoding: 'utf8' });
    assert.equal(py.trim(), sha(input));
  });

  test('the bytes do not depend on the thread pool size', async () => {
    const here = sha(await gzipParallel(input));
    const script = `import('${new URL('../../src/rpm/compress.js', import.meta.url).href}').then(async ({ gzipParallel }) => {
      const { bigModuleBytes } = await import('${new URL('./fixtures.js', import.meta.url).href}');
      const { createHash } = await import('node:crypto');
      const gz = await gzipParallel(bigModuleBytes(${input.length}));
      process.stdout.write(createHash('sha256').update(gz).digest('hex'));
    })`;
    for (const threads of ['1', '3']) {
      const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, UV_THREADPOOL_SIZE: threads }, encoding: 'utf8' });
      assert.equal(out, here, `UV_THREADPOOL_SIZE=${threads}`);
    }
  });
});
