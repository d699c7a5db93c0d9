import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { execa } from 'execa';
import { readIso } from '../../src/iso/index.js';
import { assignIsoNames, compareIdentifiers, mangleName } from '../../src/iso/names.js';

test('level-1 mangling: upper case, d-characters, last dot is the extension, 8.3', () => {
  const file = (n: string): string => {
    const { base, ext } = mangleName(n, false);
    return `${base}.${ext}`;
  };
  assert.equal(file('rhdd3'), 'RHDD3.');
  assert.equal(file('kmod-foo-1.0-1.el9_6.x86_64.rpm'), 'KMOD_FOO.RPM');
  assert.equal(file('repomd.xml'), 'REPOMD.XML');
  assert.equal(file('abc.defgh'), 'ABC.DEF');
  assert.equal(file('.hidden'), '_HIDDEN.');
  assert.equal(file('sp ace;x.txt'), 'SP_ACE_X.TXT');
  assert.equal(mangleName('x86_64', true).base, 'X86_64');
  assert.equal(mangleName('src.d', true).base, 'SRC_D', 'directories have no extension');
  assert.equal(mangleName('repodata-long', true).base, 'REPODATA');
});

test('collisions in one directory get counters; the result ignores input order', () => {
  const names = ['kmod-foo-1.0-2.rpm', 'kmod-foo-1.0-1.rpm', 'kmod-foo-1.0-3.rpm', 'KMOD_000.rpm'];
  const a = assignIsoNames(names.map((name) => ({ name, isDir: false })));
  const b = assignIsoNames([...names].reverse().map((name) => ({ name, isDir: false })));
  assert.deepEqual([...a].sort(), [...b].sort());
  assert.equal(a.get('KMOD_000.rpm'), 'KMOD_000.RPM;1', 'a real name keeps its plain form over a counter');
  assert.equal(a.get('kmod-foo-1.0-1.rpm'), 'KMOD_FOO.RPM;1');
  assert.equal(new Set(a.values()).size, names.length);
  const many = assignIsoNames(Array.from({ length: 300 }, (_, i) => ({ name: `file-${i}.txt`, isDir: false })));
  assert.equal(new Set(many.values()).size, 300);
  for (const id of many.values()) assert.match(id, /^[A-Z0-9_]{1,8}\.[A-Z0-9_]{0,3};1$/);
});

test('directories that differ only in case get distinct identifiers', () => {
  const r = assignIsoNames([{ name: 'rpms', isDir: true }, { name: 'RPMS', isDir: true }]);
  assert.deepEqual(new Set(r.values()), new Set(['RPMS', 'RPMS000']));
});

test('record order follows ECMA-119 9.3 (name padded with spaces, then extension)', () => {
  const ids = ['A0.;1', 'A.;1', 'AB.C;1', 'A.B;1', 'RPMS', 'RHDD3.;1', 'SRC'];
  assert.deepEqual([...ids].sort(compareIdentifiers), ['A.;1', 'A.B;1', 'A0.;1', 'AB.C;1', 'RHDD3.;1', 'RPMS', 'SRC']);
});

test('names match what genisoimage (without -l) writes for the same directory', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dudforge-iso-names-'));
  try {
    const tree = join(dir, 'tree');
    mkdirSync(tree);
    const names = ['rhdd3', 'repomd.xml', 'kmod-a-1.0-1.el9.x86_64.rpm', 'kmod-a-1.0-2.el9.x86_64.rpm', 'abc.defgh', '.hidden', 'a+b', 'a;b', 'README'];
    for (const n of names) writeFileSync(join(tree, n), n);
    const iso = join(dir, 'g.iso');
    await execa('genisoimage', ['-quiet', '-R', '-o', iso, tree]);
    const theirs = new Set(readIso(iso).entries.map((e) => e.isoName));
    const ours = new Set(assignIsoNames(names.map((name) => ({ name, isDir: false }))).values());
    assert.deepEqual(ours, theirs);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
