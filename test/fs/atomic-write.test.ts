/** The one atomic-write helper: the target is replaced whole, and no temp file survives a failure. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { commitAtomically, TEMP_NAME, tempPathFor, writeFileAtomic, writeFileAtomicSync } from '../../src/fs/atomic-write.js';
import { removeDir, tempDir } from '../helpers/cli.js';

test('writes replace the target and leave nothing else', async () => {
  const dir = tempDir('atomic');
  try {
    const f = join(dir, 'a.json');
    writeFileSync(f, 'old');
    writeFileAtomicSync(f, 'new', 0o600);
    assert.equal(readFileSync(f, 'utf8'), 'new');
    assert.equal(statSync(f).mode & 0o777, 0o600);
    await writeFileAtomic(f, Buffer.from('newer'));
    assert.equal(readFileSync(f, 'utf8'), 'newer');
    await commitAtomically(f, async (tmp) => writeFileSync(tmp, 'streamed'));
    assert.equal(readFileSync(f, 'utf8'), 'streamed');
    assert.deepEqual(readdirSync(dir), ['a.json']);
    assert.match(tempPathFor(f).slice(dir.length + 1), TEMP_NAME);
  } finally {
    removeDir(dir);
  }
});

test('a failed write or rename removes the temporary file and keeps the old target', async () => {
  const dir = tempDir('atomic');
  try {
    // A directory where the file should go: the rename fails after the temp file was written.
    const target = join(dir, 'taken');
    mkdirSync(target);
    writeFileSync(join(target, 'x'), 'x');
    assert.throws(() => writeFileAtomicSync(target, 'data'));
    await assert.rejects(writeFileAtomic(target, 'data'));
    await assert.rejects(commitAtomically(target, async (tmp) => writeFileSync(tmp, 'data')));
    const f = join(dir, 'kept');
    writeFileSync(f, 'old');
    await assert.rejects(commitAtomically(f, async (tmp) => {
      writeFileSync(tmp, 'half');
      throw new Error('producer failed');
    }), /producer failed/);
    assert.equal(readFileSync(f, 'utf8'), 'old');
    assert.deepEqual(readdirSync(dir).sort(), ['kept', 'taken']);
  } finally {
    removeDir(dir);
  }
});
