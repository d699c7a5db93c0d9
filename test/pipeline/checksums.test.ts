/** The sums Done shows agree with sha256sum, for bytes in memory and for a file read in chunks. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sha256File, sha256Hex } from '../../src/pipeline/checksums.js';
import { tempDir } from '../wizard/helpers.js';

test('sha256 of bytes and of a file larger than one read agree with sha256sum', () => {
  const dir = tempDir('dudforge-sums-');
  try {
    const file = join(dir, 'big.bin');
    const bytes = Buffer.alloc(3 * (1 << 20) + 12345);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 31) & 0xff;
    writeFileSync(file, bytes);
    const expected = execFileSync('sha256sum', [file], { encoding: 'utf8' }).split(' ')[0];
    assert.equal(sha256File(file), expected);
    assert.equal(sha256Hex(bytes), expected);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
