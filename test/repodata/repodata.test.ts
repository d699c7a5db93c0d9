/**
 * Our repodata against createrepo_c 0.17 on the same RPMs (the decompressed XML must be
 * identical), and against dnf reading it as a repository.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import { buildRpm, rpmFileName, RPMSENSE, type RpmPackageSpec } from '../../src/rpm/index.js';
import { buildRepodata, splitEVR, type RepodataFile } from '../../src/repodata/index.js';
import { run, runStatus, sampleSpec } from '../rpm/fixtures.js';

const TIMESTAMP = 1712345678;
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

function specs(): RpmPackageSpec[] {
  const base = sampleSpec();
  const many = Array.from({ length: 12 }, (_, i) => ({ time: 1700000000 - i * 86400, name: `Dev <d@example.com> - 0.${12 - i}`, text: `- change ${12 - i}` }));
  return [
    base,
    sampleSpec({
      name: 'kmod-other', epoch: 3, compression: 'xz', vendor: undefined, packager: undefined, url: undefined,
      summary: 'Ünïcode & <tags> "quoted"', description: 'Tabs\tand\r\nCRLF & stuff',
      // A file requirement the package satisfies itself (dropped when primary), one it doesn't.
      requires: [
        { name: '/usr/sbin/sample-tool', flags: 0 },
        { name: '/usr/share/doc/kmod-sample/README', flags: 0 },
        { name: 'kmod-other', flags: RPMSENSE.EQUAL, version: '3:1.2.3-4.el9' },
        { name: 'foo', flags: RPMSENSE.PREREQ },
        { name: 'bar', flags: RPMSENSE.GREATER, version: '1:2.0' },
      ],
      changelog: many,
    }),
    // Installable anywhere: no requires beyond rpmlib(), no scriptlets.
    sampleSpec({ name: 'kmod-third', release: '1', requires: [], scripts: undefined, changelog: [], conflicts: [], obsoletes: [],
      files: [{ path: '/usr/share/kmod-third/data.txt', type: 'file', mode: 0o644, data: Buffer.from('third\n') }] }),
  ];
}

describe('repodata', () => {
  const work = mkdtempSync(join(tmpdir(), 'dudforge-repo-'));
  const ours = join(work, 'ours');
  const theirs = join(work, 'theirs');
  let files: RepodataFile[] = [];
  let pkgs: { href: string; bytes: Buffer }[] = [];

  before(async () => {
    mkdirSync(ours);
    mkdirSync(theirs);
    pkgs = await Promise.all(specs().map(async (s) => ({ href: rpmFileName(s), bytes: await buildRpm(s) })));
    files = buildRepodata(pkgs, { timestamp: TIMESTAMP });
    mkdirSync(join(ours, 'repodata'));
    for (const p of pkgs) {
      writeFileSync(join(ours, p.href), p.bytes);
      copyFileSync(join(ours, p.href), join(theirs, p.href));
      // createrepo_c takes `time file` from the mtime.
      utimesSync(join(theirs, p.href), TIMESTAMP, TIMESTAMP);
    }
    for (const f of files) writeFileSync(join(ours, f.path), f.data);
    run('createrepo_c', ['--no-database', '--simple-md-filenames', '--revision', String(TIMESTAMP), theirs]);
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  function theirXml(type: string): string {
    return gunzipSync(readFileSync(join(theirs, 'repodata', `${type}.xml.gz`))).toString('utf8');
  }
  function ourXml(type: string): string {
    const f = files.find((x) => x.path.endsWith(`-${type}.xml.gz`));
    assert.ok(f, type);
    return gunzipSync(f.data).toString('utf8');
  }

  for (const type of ['primary', 'filelists', 'other']) {
    test(`${type}.xml is identical to createrepo_c's`, () => {
      assert.equal(ourXml(type), theirXml(type));
    });
  }

  test('the comparison covers the interesting cases', () => {
    const primary = ourXml('primary');
    assert.match(primary, /packages="3"/);
    assert.match(primary, /<rpm:entry name="foo" pre="1"\/>/);
    assert.match(primary, /<rpm:entry name="\/usr\/share\/doc\/kmod-sample\/README"\/>/);
    assert.doesNotMatch(primary, /rpmlib\(/);
    assert.doesNotMatch(primary, /<rpm:entry name="\/usr\/sbin\/sample-tool"/);
    assert.match(primary, /<file>\/etc\/depmod\.d\/sample\.conf<\/file>/);
    assert.doesNotMatch(primary, /sample\.ko<\/file>/);
    assert.match(ourXml('filelists'), /<file type="dir">\/lib\/modules\/[^<]+\/extra\/sample<\/file>/);
    assert.equal(ourXml('other').match(/<changelog /g)?.length, 3 + 10 + 0);
  });

  test('repomd.xml names each file with its checksums and sizes', () => {
    const repomd = files[0];
    assert.equal(repomd.path, 'repodata/repomd.xml');
    const xml = repomd.data.toString('utf8');
    const theirsMd = readFileSync(join(theirs, 'repodata', 'repomd.xml'), 'utf8');
    for (const type of ['primary', 'filelists', 'other']) {
      const f = files.find((x) => x.path.endsWith(`-${type}.xml.gz`))!;
      const open = gunzipSync(f.data);
      assert.equal(f.path, `repodata/${sha256(f.data)}-${type}.xml.gz`);
      const block = xml.match(new RegExp(`<data type="${type}">([\\s\\S]*?)</data>`))![1];
      assert.match(block, new RegExp(`<checksum type="sha256">${sha256(f.data)}</checksum>`));
      assert.match(block, new RegExp(`<open-checksum type="sha256">${sha256(open)}</open-checksum>`));
      assert.match(block, new RegExp(`<location href="${f.path}"/>`));
      assert.match(block, new RegExp(`<timestamp>${TIMESTAMP}</timestamp>`));
      assert.match(block, new RegExp(`<size>${f.data.length}</size>`));
      assert.match(block, new RegExp(`<open-size>${open.length}</open-size>`));
      // Same XML as createrepo_c, so the open-checksum must agree with its repomd too.
      assert.ok(theirsMd.includes(`<open-checksum type="sha256">${sha256(open)}</open-checksum>`), `${type} open-checksum`);
    }
    // The document shape matches createrepo_c's once checksums and sizes are masked.
    const mask = (s: string) => s.replace(/[0-9a-f]{64}/g, 'H').replace(/<(size|open-size|timestamp|revision)>\d+</g, '<$1>N<')
      .replace(/href="repodata\/(H-)?/g, 'href="repodata/');
    assert.equal(mask(xml), mask(theirsMd));
  });

  test('is deterministic', () => {
    const again = buildRepodata([...pkgs].reverse(), { timestamp: TIMESTAMP });
    assert.deepEqual(again.map((f) => f.path), files.map((f) => f.path));
    again.forEach((f, i) => assert.ok(f.data.equals(files[i].data), f.path));
  });

  test('EVR split follows createrepo_c (first dash after the epoch)', () => {
    assert.deepEqual(splitEVR('6.1.0-56-amd64'), { epoch: '0', ver: '6.1.0', rel: '56-amd64' });
    assert.deepEqual(splitEVR('3:1.2-4.el9'), { epoch: '3', ver: '1.2', rel: '4.el9' });
    assert.deepEqual(splitEVR('0x1234'), { epoch: '0', ver: '0x1234' });
    assert.deepEqual(splitEVR(''), {});
  });

  describe('dnf reads it', () => {
    const dnfIn = (repo: string, root: string, ...args: string[]) => runStatus('dnf', ['-q', `--installroot=${root}`, '--releasever=9',
      '--forcearch=x86_64', `--repofrompath=t,file://${repo}`, '--repo=t', '--setopt=reposdir=/dev/null', '--setopt=gpgcheck=0',
      `--setopt=cachedir=${join(root, 'cache')}`, '--setopt=keepcache=0', ...args]);
    const dnf = (...args: string[]) => dnfIn(ours, join(work, 'dnfroot'), ...args);

    test('repoquery --provides lists the package provides from our metadata', () => {
      const r = dnf('repoquery', '--provides', 'kmod-sample');
      assert.equal(r.status, 0, r.stderr);
      const lines = r.stdout.trim().split('\n');
      assert.ok(lines.includes('kmod-sample = 1.2.3-4.el9'), r.stdout);
      assert.ok(lines.some((l) => /^kernel-modules >= /.test(l)), r.stdout);
      assert.ok(lines.includes('kmod(sample.ko)'), r.stdout);
    });

    test('list --available shows every package with its EVR', () => {
      const r = dnf('list', '--available');
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /kmod-sample\.x86_64\s+1\.2\.3-4\.el9\s+t/);
      assert.match(r.stdout, /kmod-other\.x86_64\s+3:1\.2\.3-4\.el9\s+t/);
      assert.match(r.stdout, /kmod-third\.x86_64\s+1\.2\.3-1\s+t/);
    });

    test('dnf installs a package from it into a scratch root', () => {
      const r = dnf('install', '-y', '--nogpgcheck', 'kmod-third');
      assert.equal(r.status, 0, r.stdout + r.stderr);
      const root = join(work, 'dnfroot');
      assert.equal(readFileSync(join(root, 'usr/share/kmod-third/data.txt'), 'utf8'), 'third\n');
      assert.equal(run('rpm', ['--root', root, '-q', 'kmod-third']).trim(), 'kmod-third-1.2.3-1.x86_64');
    });

    test('and refuses the same package once it no longer matches the metadata (so the install above checked it)', async () => {
      const bad = join(work, 'bad');
      mkdirSync(join(bad, 'repodata'), { recursive: true });
      for (const f of files) writeFileSync(join(bad, f.path), f.data);
      const third = specs()[2];
      writeFileSync(join(bad, rpmFileName(third)), await buildRpm({ ...third, description: 'changed after the metadata was written' }));
      const r = dnfIn(bad, join(work, 'badroot'), 'install', '-y', '--nogpgcheck', 'kmod-third');
      assert.notEqual(r.status, 0);
      assert.match(r.stdout + r.stderr, /incorrect checksum/);
    });
  });
});
