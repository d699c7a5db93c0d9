/**
 * The writer's promises: byte-determinism, a correct volume size, sector-aligned file data,
 * records that never cross a sector, matching L and M path tables, multi-sector directories,
 * atomic output, and UserErrors for bad input.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { execa } from 'execa';
import { UserError } from '../../src/errors.js';
import { decodePathTable } from '../../src/iso/path-table.js';
import { buildIsoBuffer, readIso, writeIso, type IsoEntry } from '../../src/iso/index.js';
import { MANY_COUNT, MANY_DIR, removeTree, stageDriverDiskTree, type StagedTree } from './staged-tree.js';

const SECTOR = 2048;
const opts = { volumeId: 'OEMDRV', time: 1_700_000_000, applicationId: 'DUDFORGE' };
let work: string;
let tree: StagedTree;
let image: Buffer;

/** Deterministic shuffle, so a failure can be reproduced. */
function shuffled<T>(items: T[], seed: number): T[] {
  const out = [...items];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

describe('writeIso / buildIsoBuffer', () => {
  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'dudforge-iso-writer-'));
    tree = stageDriverDiskTree(join(work, 'staged'));
    image = await buildIsoBuffer(tree.entries, opts);
  });
  after(() => removeTree(work));

  test('same entries in another order and other mtimes give identical bytes', async () => {
    for (const e of tree.entries) {
      if (e.source && !Buffer.isBuffer(e.source)) utimesSync(e.source.file, new Date(0), new Date(Date.now()));
    }
    const reordered = await buildIsoBuffer(shuffled(tree.entries, 7), opts);
    assert.ok(reordered.equals(image));
    const file = join(work, 'disk.iso');
    const { bytes } = await writeIso(file, shuffled(tree.entries, 99).reverse(), opts);
    assert.equal(bytes, image.length);
    assert.ok(readFileSync(file).equals(image), 'streamed file equals the in-memory image');
    assert.deepEqual(readdirSync(work).filter((n) => n.includes('.tmp-')), [], 'no temp file left');
  });

  test('another time gives other bytes (dates are really written)', async () => {
    const later = await buildIsoBuffer(tree.entries, { ...opts, time: opts.time + 3600 });
    assert.equal(later.length, image.length);
    assert.ok(!later.equals(image));
  });

  test('volume space size, both-endian copies, and the terminator', () => {
    const pvd = image.subarray(16 * SECTOR, 17 * SECTOR);
    assert.equal(pvd.toString('latin1', 0, 6), '\x01CD001');
    assert.equal(pvd.toString('latin1', 40, 72), 'OEMDRV'.padEnd(32, ' '));
    assert.equal(pvd.readUInt32LE(80) * SECTOR, image.length);
    assert.equal(pvd.readUInt32BE(84), pvd.readUInt32LE(80));
    assert.equal(pvd.readUInt16LE(128), SECTOR);
    assert.equal(pvd.readUInt16BE(130), SECTOR);
    assert.equal(pvd[881], 1);
    assert.equal(image.toString('latin1', 17 * SECTOR, 17 * SECTOR + 6), '\xffCD001');
    assert.ok(image.subarray(0, 16 * SECTOR).every((b) => b === 0), 'system area is empty');
  });

  test('L and M path tables list the same directories; every directory record stays inside a sector', () => {
    const pvd = image.subarray(16 * SECTOR, 17 * SECTOR);
    const size = pvd.readUInt32LE(132);
    const l = decodePathTable(image.subarray(pvd.readUInt32LE(140) * SECTOR).subarray(0, size), 'L');
    const m = decodePathTable(image.subarray(pvd.readUInt32BE(148) * SECTOR).subarray(0, size), 'M');
    assert.deepEqual(m, l);
    const dirCount = readIso(image).entries.filter((e) => e.type === 'dir').length + 1;
    assert.equal(l.length, dirCount);
    for (const dir of l) {
      const sectorCount = image.readUInt32LE(dir.lba * SECTOR + 10) / SECTOR; // "." record's extent size
      for (let s = 0; s < sectorCount; s++) {
        const sector = image.subarray((dir.lba + s) * SECTOR, (dir.lba + s + 1) * SECTOR);
        let at = 0;
        while (at < SECTOR && sector[at] !== 0) {
          assert.ok(at + sector[at] <= SECTOR, 'record crosses a sector boundary');
          assert.equal(sector[at] % 2, 0, 'record length is even');
          assert.equal(sector.readUInt32LE(at + 2), sector.readUInt32BE(at + 6), 'extent both-endian');
          assert.equal(sector.readUInt32LE(at + 10), sector.readUInt32BE(at + 14), 'size both-endian');
          at += sector[at];
        }
        assert.ok(sector.subarray(at).every((b) => b === 0), 'sector tail is zero');
      }
    }
  });

  test('a directory of 200 files spans several sectors and reads back whole', () => {
    const read = readIso(image);
    const many = read.entries.find((e) => e.path === MANY_DIR);
    assert.ok(many && many.size > SECTOR, `${MANY_DIR} should need several sectors, has ${many?.size}`);
    const files = read.entries.filter((e) => e.path.startsWith(`${MANY_DIR}/`));
    assert.equal(files.length, MANY_COUNT);
    assert.equal(new Set(files.map((f) => f.isoName)).size, MANY_COUNT, 'level-1 names unique');
    for (const f of files) assert.equal(f.read().toString(), `file ${Number(f.path.slice(-8, -4))}\n`);
  });

  test('file data starts on sector boundaries and sizes 0, 2048 and 2049 are right', () => {
    const read = readIso(image);
    const files = read.entries.filter((e) => e.type === 'file' && e.size > 0).sort((a, b) => a.lba - b.lba);
    for (let i = 1; i < files.length; i++) {
      assert.ok(files[i].lba >= files[i - 1].lba + Math.ceil(files[i - 1].size / SECTOR), 'extents do not overlap');
    }
    const size = (p: string): number | undefined => read.entries.find((e) => e.path === p)?.size;
    assert.equal(size('extra/empty'), 0);
    assert.equal(size('extra/one-sector.bin'), 2048);
    assert.equal(size('extra/one-sector-and-a-byte.bin'), 2049);
    const last = files[files.length - 1];
    assert.equal((last.lba + Math.ceil(last.size / SECTOR)) * SECTOR, image.length, 'image ends after the last file');
  });

  test('invalid volume IDs and entries are UserErrors', async () => {
    const file: IsoEntry = { path: 'rhdd3', type: 'file', source: Buffer.from('x') };
    for (const volumeId of ['oemdrv', 'OEM-DRV', '', 'A'.repeat(33)]) {
      await assert.rejects(buildIsoBuffer([file], { ...opts, volumeId }), UserError, volumeId);
    }
    await assert.rejects(buildIsoBuffer([file, file], opts), /listed twice/);
    await assert.rejects(buildIsoBuffer([{ path: '/abs', type: 'dir' }], opts), /absolute/);
    await assert.rejects(buildIsoBuffer([{ path: 'a/../b', type: 'dir' }], opts), /'\.\.'/);
    await assert.rejects(buildIsoBuffer([file, { path: 'rhdd3/x', type: 'dir' }], opts), UserError);
    await assert.rejects(buildIsoBuffer([{ path: 'a/b/c/d/e/f/g/h', type: 'dir' }], opts), /deeper/);
    await assert.rejects(buildIsoBuffer([{ path: 'x', type: 'file', source: { file: join(work, 'nope') } }], opts), (e: unknown) => e instanceof UserError && e.message.includes(join(work, 'nope')));
    await assert.rejects(buildIsoBuffer([{ path: 'l', type: 'symlink' }], opts), /no target/);
    await assert.rejects(buildIsoBuffer([file], { ...opts, applicationId: 'lower case' }), UserError);
    const nowhere = join(work, 'no-such-dir', 'disk.iso');
    await assert.rejects(writeIso(nowhere, [file], opts), (e: unknown) => e instanceof UserError && e.message.includes(nowhere));
  });

  test('a symlink target too long for one continuation area is chained over several (bsdtar agrees)', async () => {
    // About 3.8 kB: over one 2048-byte area, under Linux's 4095-byte symlink limit.
    const target = Array.from({ length: 36 }, (_, i) => `component-${i}-${'x'.repeat(90)}`).join('/');
    const file = join(work, 'long-link.iso');
    await writeIso(file, [{ path: 'deep/link', type: 'symlink', target }], opts);
    const link = readIso(file).entries.find((e) => e.path === 'deep/link');
    assert.equal(link?.type, 'symlink');
    assert.equal(link?.target, target);
    const out = join(work, 'long-link');
    mkdirSync(out);
    await execa('bsdtar', ['-xf', file, '-C', out]);
    assert.equal(readlinkSync(join(out, 'deep/link')), target);
  });

  test('explicit directory modes and file modes reach Rock Ridge', async () => {
    const buf = await buildIsoBuffer(
      [
        { path: 'bin', type: 'dir', mode: 0o755 },
        { path: 'bin/run', type: 'file', source: Buffer.from('#!/bin/sh\n'), mode: 0o755 },
        { path: 'data', type: 'file', source: Buffer.from('d') },
      ],
      opts,
    );
    const modes = Object.fromEntries(readIso(buf).entries.map((e) => [e.path, (e.mode ?? 0).toString(8)]));
    assert.deepEqual(modes, { bin: '40755', 'bin/run': '100755', data: '100444' });
    // libarchive reads the PX entries of the same image, written to a file; it lists the root
    // too, which keeps the default directory mode.
    const file = join(work, 'modes.iso');
    writeFileSync(file, buf);
    const { stdout } = await execa('bsdtar', ['-tvf', file]);
    const listed = Object.fromEntries(stdout.trim().split('\n').map((l) => {
      const fields = l.trim().split(/\s+/);
      return [fields[fields.length - 1].replace(/\/$/, ''), fields[0]];
    }));
    assert.deepEqual(listed, { '.': 'dr-xr-xr-x', bin: 'drwxr-xr-x', 'bin/run': '-rwxr-xr-x', data: '-r--r--r--' });
  });
});
