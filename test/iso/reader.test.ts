/**
 * The reader against our images and against images the real tools make from the same staged
 * tree (genisoimage -R, xorriso -as mkisofs -R): names from Rock Ridge, contents, modes, links.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { execa } from 'execa';
import { UserError } from '../../src/errors.js';
import { buildIsoBuffer, readIso, writeIso, type IsoImage } from '../../src/iso/index.js';
import { removeTree, stageDriverDiskTree, walkTree, type StagedTree, type TreeItem } from './staged-tree.js';

let work: string;
let tree: StagedTree;
let staged: Map<string, TreeItem>;

function readBack(image: IsoImage): Map<string, TreeItem> {
  const out = new Map<string, TreeItem>();
  for (const e of image.entries) {
    const mode = (e.mode ?? 0) & 0o7777;
    if (e.type === 'dir') out.set(e.path, { type: 'dir', mode });
    else if (e.type === 'symlink') out.set(e.path, { type: 'symlink', mode, target: e.target });
    else out.set(e.path, { type: 'file', mode, digest: createHash('sha256').update(e.read()).digest('hex') });
  }
  return out;
}

describe('readIso', () => {
  before(() => {
    work = mkdtempSync(join(tmpdir(), 'dudforge-iso-reader-'));
    tree = stageDriverDiskTree(join(work, 'staged'));
    staged = walkTree(tree.dir);
  });
  after(() => removeTree(work));

  test('reads back our image from a file and from memory', async () => {
    const iso = join(work, 'ours.iso');
    await writeIso(iso, tree.entries, { volumeId: 'OEMDRV', time: 1_700_000_000, systemId: 'LINUX' });
    const image = readIso(iso);
    assert.equal(image.volumeId, 'OEMDRV');
    assert.equal(image.systemId, 'LINUX');
    assert.equal(image.hasRockRidge, true);
    assert.deepEqual(readBack(image), staged);
    const fromMemory = readIso(await buildIsoBuffer(tree.entries, { volumeId: 'OEMDRV', time: 1_700_000_000 }));
    assert.deepEqual(readBack(fromMemory), staged);
    const rhdd3 = image.entries.find((e) => e.path === 'rhdd3');
    assert.equal(rhdd3?.isoName, 'RHDD3.;1');
    assert.equal(rhdd3?.read().toString(), 'Driver Update Disk version 3');
  });

  test('reads an image written by genisoimage -R', async () => {
    const iso = join(work, 'genisoimage.iso');
    await execa('genisoimage', ['-quiet', '-R', '-V', 'OEMDRV', '-o', iso, tree.dir]);
    const image = readIso(iso);
    assert.equal(image.volumeId, 'OEMDRV');
    assert.equal(image.hasRockRidge, true);
    assert.deepEqual(readBack(image), staged);
  });

  test('reads an image written by xorriso -as mkisofs -R', async () => {
    const iso = join(work, 'xorriso.iso');
    await execa('xorriso', ['-as', 'mkisofs', '-R', '-V', 'OEMDRV', '-o', iso, tree.dir]);
    const image = readIso(iso);
    assert.equal(image.volumeId, 'OEMDRV');
    assert.equal(image.hasRockRidge, true);
    assert.deepEqual(readBack(image), staged);
  });

  test('follows directories genisoimage relocated (CL/RE) beyond eight levels', async () => {
    const deep = join(work, 'deep');
    const dirPath = join(deep, 'd1/d2/d3/d4/d5/d6/d7/d8/d9');
    mkdirSync(dirPath, { recursive: true });
    writeFileSync(join(dirPath, 'bottom.txt'), 'nine levels down\n');
    const iso = join(work, 'deep.iso');
    await execa('genisoimage', ['-quiet', '-R', '-V', 'OEMDRV', '-o', iso, deep]);
    const image = readIso(iso);
    const bottom = image.entries.find((e) => e.path === 'd1/d2/d3/d4/d5/d6/d7/d8/d9/bottom.txt');
    assert.equal(bottom?.read().toString(), 'nine levels down\n');
    assert.equal(image.entries.filter((e) => e.path.endsWith('/d9')).length, 1, 'relocated directory listed once');
  });

  test('falls back to level-1 names without Rock Ridge', async () => {
    const iso = join(work, 'plain.iso');
    await execa('genisoimage', ['-quiet', '-V', 'OEMDRV', '-o', iso, tree.dir]);
    const image = readIso(iso);
    assert.equal(image.hasRockRidge, false);
    const rhdd3 = image.entries.find((e) => e.path === 'RHDD3');
    assert.equal(rhdd3?.read().toString(), 'Driver Update Disk version 3');
    assert.ok(image.entries.some((e) => e.path === 'RPMS/X86_64/REPODATA' && e.type === 'dir'));
  });

  test('a file that is not an ISO is a UserError naming the file', () => {
    const notIso = join(work, 'notes.txt');
    writeFileSync(notIso, 'x'.repeat(40_000));
    assert.throws(() => readIso(notIso), (err: unknown) => err instanceof UserError && err.message.includes(notIso) && /not an ISO 9660/.test(err.message));
    const tiny = join(work, 'tiny.iso');
    writeFileSync(tiny, 'short');
    assert.throws(() => readIso(tiny), (err: unknown) => err instanceof UserError && err.message.includes(tiny));
    const missing = join(work, 'missing.iso');
    assert.throws(() => readIso(missing), (err: unknown) => err instanceof UserError && err.message.includes(missing));
  });

  test('a truncated image is a UserError, not a crash', async () => {
    const whole = await buildIsoBuffer(tree.entries, { volumeId: 'OEMDRV', time: 1_700_000_000 });
    const cut = join(work, 'cut.iso');
    writeFileSync(cut, whole.subarray(0, 20 * 2048));
    assert.throws(() => {
      const image = readIso(cut);
      for (const e of image.entries) e.read();
    }, (err: unknown) => err instanceof UserError && err.message.includes(cut));
  });
});
