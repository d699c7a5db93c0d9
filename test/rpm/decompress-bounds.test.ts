/**
 * Reading a payload back is bounded: by the size the signature header declares and by a hard
 * limit, for gzip (in process) and for xz (the xz binary, stopped once it has written too much),
 * with a PayloadTooLargeError saying which bound; a payload within both bounds reads whole.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { decompressPayload, PayloadTooLargeError } from '../../src/rpm/compress.js';
import { gzipBomb } from '../verify/disk-fixture.js';
import { needs } from '../helpers/needs.js';

const MiB = 1024 * 1024;
const zeros = Buffer.alloc(8 * MiB);
const hasXz = (() => {
  try {
    execFileSync('xz', ['--version']);
    return true;
  } catch {
    return false;
  }
})();

test('gzip: the declared size and the hard limit each stop inflation; exact sizes read whole', async () => {
  const gz = gzipSync(zeros);
  assert.equal((await decompressPayload(gz, 'gzip', zeros.length)).length, zeros.length);
  await assert.rejects(decompressPayload(gz, 'gzip', MiB), (e: Error) => e instanceof PayloadTooLargeError && /past 1048576 bytes, the size its signature header declares/.test(e.message));
  await assert.rejects(decompressPayload(gz, 'gzip', undefined, 2 * MiB), (e: Error) => e instanceof PayloadTooLargeError && /past 2097152 bytes, more than a payload may have/.test(e.message));
  // Above 64 MiB of allowance the size is counted first: a 256 MiB bomb against a 128 MiB limit.
  await assert.rejects(decompressPayload(gzipBomb(256 * MiB), 'gzip', 2 ** 31, 128 * MiB), PayloadTooLargeError);
});

test('xz: the filter is stopped at the bound', { skip: needs(hasXz, 'xz') }, async () => {
  const xz = execFileSync('xz', ['-c', '-0'], { input: zeros, maxBuffer: 64 * MiB });
  assert.equal((await decompressPayload(xz, 'xz', zeros.length)).length, zeros.length);
  await assert.rejects(decompressPayload(xz, 'xz', MiB), PayloadTooLargeError);
  await assert.rejects(decompressPayload(xz, 'xz', undefined, MiB), PayloadTooLargeError);
});
