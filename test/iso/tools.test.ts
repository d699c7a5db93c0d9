/**
 * Our image judged by the real tools: blkid, isoinfo, xorriso, bsdtar and 7z must all see the
 * staged driver-disk tree, byte for byte, with Rock Ridge names, modes and symlinks.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { execa } from 'execa';
import { writeIso } from '../../src/iso/index.js';
import { LONGEST_NAME_FOR_7Z, MANY_COUNT, MANY_DIR, PARENT_LINK, removeTree, stageDriverDiskTree, walkTree, type TreeItem } from './staged-tree.js';

let work: string;
let iso: string;
let staged: Map<string, TreeItem>;

function withoutModes(tree: Map<string, TreeItem>): Map<string, Omit<TreeItem, 'mode'>> {
  return new Map([...tree].map(([p, { mode: _mode, ...rest }]) => [p, rest]));
}

describe('ISO image checked by real tools', () => {
  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'dudforge-iso-tools-'));
    const tree = stageDriverDiskTree(join(work, 'staged'));
    staged = walkTree(tree.dir);
    iso = join(work, 'disk.iso');
    await writeIso(iso, tree.entries, { volumeId: 'OEMDRV', time: 1_700_000_000, applicationId: 'DUDFORGE' });
  });
  after(() => removeTree(work));

  test('blkid sees an iso9660 filesystem labelled OEMDRV', async () => {
    const { stdout } = await execa('blkid', ['-p', '-o', 'export', iso]);
    assert.match(stdout, /^TYPE=iso9660$/m);
    assert.match(stdout, /^LABEL=OEMDRV$/m);
  });

  test('isoinfo -d shows the volume id, the size and Rock Ridge', async () => {
    const { stdout } = await execa('isoinfo', ['-d', '-i', iso]);
    assert.match(stdout, /^Volume id: OEMDRV$/m);
    assert.match(stdout, /^Application id: DUDFORGE$/m);
    assert.match(stdout, /Rock Ridge signatures version 1 found/);
    const sectors = Number(/^Volume size is: (\d+)$/m.exec(stdout)?.[1]);
    const { size } = await import('node:fs').then((fs) => fs.statSync(iso));
    assert.equal(sectors * 2048, size);
  });

  test('isoinfo -R -l lists every Rock Ridge name; isoinfo -l shows level-1 names only', async () => {
    const rr = await execa('isoinfo', ['-R', '-l', '-i', iso]);
    assert.equal(rr.stderr, '');
    for (const path of staged.keys()) {
      const name = path.split('/').pop() as string;
      assert.ok(rr.stdout.includes(` ${name}`), `isoinfo -R -l misses ${path}`);
    }
    assert.match(rr.stdout, /lrwxrwxrwx .* current\.src\.rpm -> kmod-foo-1\.0-1\.el9_6\.src\.rpm/);
    const plain = await execa('isoinfo', ['-l', '-i', iso]);
    const names = [...plain.stdout.matchAll(/\]\s+(\S+)\s*$/gm)].map((m) => m[1]).filter((n) => n !== '.' && n !== '..');
    assert.ok(names.length >= staged.size, 'every entry has a record');
    for (const n of names) assert.match(n, /^([A-Z0-9_]{1,8}|[A-Z0-9_]{1,8}\.[A-Z0-9_]{0,3};1)$/, `not a level-1 name: ${n}`);
  });

  test('xorriso -find lsdl parses the tree without complaint', async () => {
    const { stdout, stderr } = await execa('xorriso', ['-indev', iso, '-find', '/', '-exec', 'lsdl', '--']);
    assert.doesNotMatch(stderr, /FAILURE|SORRY|WARNING/);
    for (const path of staged.keys()) assert.ok(stdout.includes(`'/${path}'`), `xorriso misses ${path}`);
  });

  test('xorriso extraction gives the staged tree, modes and symlinks included', async () => {
    const out = join(work, 'xorriso');
    const { stderr } = await execa('xorriso', ['-osirrox', 'on', '-indev', iso, '-extract', '/', out]);
    assert.doesNotMatch(stderr, /FAILURE|SORRY/);
    assert.deepEqual(walkTree(out), staged);
  });

  test('bsdtar extraction gives the staged tree, modes and symlinks included', async () => {
    const out = join(work, 'bsdtar');
    await execa('mkdir', [out]);
    await execa('bsdtar', ['-xf', iso, '-C', out]);
    assert.deepEqual(walkTree(out), staged);
  });

  test('7z extraction gives the staged names and contents', async () => {
    const out = join(work, '7z');
    // 7z refuses symlinks that climb out with "..": that one is checked by the other tools.
    const result = await execa('7z', ['x', iso, `-o${out}`], { reject: false });
    const expected = withoutModes(staged);
    const actual = withoutModes(walkTree(out));
    if (result.exitCode !== 0) assert.match(result.stdout + result.stderr, new RegExp(`Dangerous link path was ignored : ${PARENT_LINK}`));
    expected.delete(PARENT_LINK);
    actual.delete(PARENT_LINK);
    // Names whose NM spills into a continuation area come out as level-1 names in 7z
    // (genisoimage's and xorriso's images fare the same).
    for (const path of [...expected.keys()]) {
      if ((path.split('/').pop() as string).length > LONGEST_NAME_FOR_7Z) {
        const item = expected.get(path);
        expected.delete(path);
        const stand_in = [...actual].find(([p, v]) => !expected.has(p) && v.digest === item?.digest);
        assert.ok(stand_in, `7z lost ${path}`);
        actual.delete(stand_in[0]);
      }
    }
    assert.deepEqual(actual, expected);
  });

  test('the multi-sector directory holds all its files', async () => {
    const inMany = [...staged.keys()].filter((p) => p.startsWith(`${MANY_DIR}/`));
    assert.equal(inMany.length, MANY_COUNT);
    // What isoinfo reads from the image's own records of that directory, sector after sector.
    const { stdout, stderr } = await execa('isoinfo', ['-R', '-l', '-i', iso]);
    assert.equal(stderr, '');
    const section = stdout.split(/^Directory listing of /m).find((s) => s.startsWith(`/${MANY_DIR}/\n`));
    assert.ok(section, `isoinfo -R -l has no listing of /${MANY_DIR}/`);
    const listed = [...section.matchAll(/\]\s+(.+?)\s*$/gm)].map((m) => m[1]).filter((n) => n !== '.' && n !== '..');
    assert.equal(listed.length, MANY_COUNT);
    assert.deepEqual(listed.sort(), inMany.map((p) => p.slice(MANY_DIR.length + 1)).sort());
  });
});
