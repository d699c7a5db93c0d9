import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, lstatSync, readlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { CPIO_TRAILER, parseCpio, writeCpio, type CpioInput } from '../../src/rpm/index.js';
import { run } from './fixtures.js';

function entry(name: string, mode: number, data: Buffer, ino: number): CpioInput {
  return { name, ino, mode, uid: 0, gid: 0, nlink: 1, mtime: 1700000000 + ino, devMajor: 0, devMinor: 1, rdevMajor: 0, rdevMinor: 0, data };
}

describe('cpio newc', () => {
  const entries = [
    entry('./d', 0o40755, Buffer.alloc(0), 1),
    entry('./d/a', 0o100644, Buffer.from('x'), 2),
    entry('./d/bb', 0o100600, Buffer.from('hello world!'), 3),
    entry('./d/link', 0o120777, Buffer.from('a'), 4),
  ];
  const archive = writeCpio(entries);

  test('each header is 110 bytes of 070701 + hex fields; header+name and data are padded to 4', () => {
    assert.equal(archive.toString('ascii', 0, 6), '070701');
    const namesize = parseInt(archive.toString('ascii', 6 + 11 * 8, 6 + 12 * 8), 16);
    assert.equal(namesize, './d'.length + 1);
    // Entry 1: 110 + 4 = 114 → padded to 116; no data.
    assert.equal(archive.toString('ascii', 116, 122), '070701');
    // Entry 2 ('./d/a', 1 data byte): 110 + 6 = 116, data 1 → 4.
    assert.equal(archive.toString('ascii', 116 + 116 + 4, 116 + 116 + 4 + 6), '070701');
    assert.equal(archive.length % 4, 0);
  });

  test('the archive ends with the trailer entry', () => {
    assert.ok(archive.includes(Buffer.from(CPIO_TRAILER + '\0')));
    const tail = archive.toString('ascii', archive.length - 124);
    assert.match(tail, /^070701/);
  });

  test('parses back to the same entries', () => {
    const parsed = parseCpio(archive);
    assert.equal(parsed.length, entries.length);
    parsed.forEach((p, i) => {
      const { path, ...rest } = p;
      assert.deepEqual(rest, entries[i]);
      assert.equal(path, entries[i].name.slice(1));
    });
  });

  test('GNU cpio lists and extracts it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dudforge-cpio-'));
    try {
      const listing = run('cpio', ['-it', '--quiet'], { input: archive }).trim().split('\n');
      assert.deepEqual(listing, entries.map((e) => e.name));
      run('cpio', ['-idm', '--quiet'], { cwd: dir, input: archive });
      assert.equal(readFileSync(join(dir, 'd/bb'), 'utf8'), 'hello world!');
      assert.equal(lstatSync(join(dir, 'd/bb')).mode & 0o777, 0o600);
      assert.equal(readlinkSync(join(dir, 'd/link')), 'a');
      assert.equal(lstatSync(join(dir, 'd/a')).mtimeMs / 1000, 1700000002);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('rejects a truncated archive', () => {
    assert.throws(() => parseCpio(archive.subarray(0, 200)), /truncated|bad/);
  });
});
