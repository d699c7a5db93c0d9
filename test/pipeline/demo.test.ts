/**
 * The demo end to end, for every installed kernel: the real Kbuild builds the sample driver,
 * and every artifact is checked with the real tools (rpm, rpm2cpio, cpio, modinfo, blkid,
 * isoinfo, xorriso, bsdtar, 7z, createrepo_c, dnf). One demo build is shared by all tests here.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { installedKernels, removeDir, runCli, sh, shOk, tempDir, type CliResult } from '../helpers/cli.js';
import { diskEntries } from '../../src/disk/write.js';
import { needs } from '../helpers/needs.js';

const kernels = installedKernels();
let work: string;
let out: string;
let demo: CliResult;
let rpms: string[];
let iso: string;

function walk(dir: string): Map<string, Buffer | 'dir'> {
  const files = new Map<string, Buffer | 'dir'>();
  const rec = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const full = join(d, name);
      const rel = relative(dir, full);
      if (statSync(full).isDirectory()) {
        files.set(rel, 'dir');
        rec(full);
      } else files.set(rel, readFileSync(full));
    }
  };
  rec(dir);
  return files;
}

function assertSameTree(actualDir: string, expected: Map<string, Buffer | 'dir'>, tool: string): void {
  const actual = walk(actualDir);
  assert.deepEqual([...actual.keys()].sort(), [...expected.keys()].sort(), `${tool}: same paths`);
  for (const [path, content] of expected) {
    if (content === 'dir') continue;
    assert.ok(Buffer.compare(actual.get(path) as Buffer, content) === 0, `${tool}: ${path} has the same bytes`);
  }
}

describe('dudforge demo', { skip: needs(kernels.length > 0, 'no kernel build tree installed (run .ci/run --install-only)') }, () => {
  before(() => {
    work = tempDir('demo');
    demo = runCli(['demo', '--out', join(work, 'project'), '--plain']);
    out = join(work, 'project', 'out');
    rpms = existsSync(out) ? readdirSync(out).filter((f) => f.endsWith('.rpm') && !f.endsWith('.src.rpm')).map((f) => join(out, f)) : [];
    iso = join(out, readdirSync(out).find((f) => f.endsWith('.iso')) ?? 'missing.iso');
  });
  after(() => removeDir(work));

  test('exits 0 and writes one kmod RPM per kernel, a source RPM and an ISO', () => {
    assert.equal(demo.status, 0, `demo failed:\n${demo.stdout}\n${demo.stderr}`);
    assert.equal(rpms.length, kernels.length);
    assert.ok(existsSync(iso), 'the ISO exists');
    assert.equal(readdirSync(out).filter((f) => f.endsWith('.src.rpm')).length, 1);
    assert.match(demo.stderr, /\[\s*\d+\.\ds\] .*compiled \d+\/\d+/, 'plain progress lines are timestamped on stderr');
    assert.deepEqual(readdirSync(out).filter((f) => f.includes('.tmp-')), [], 'no temp file left');
  });

  test('every RPM passes rpm -Kv and carries the kernel-modules Provides and its .ko', () => {
    for (const k of kernels) {
      const rpm = rpms.find((r) => shOk('rpm', ['-qp', '--provides', r]).includes(`kernel-modules = ${k.release}`));
      assert.ok(rpm, `an RPM provides kernel-modules = ${k.release}`);
      const check = sh('rpm', ['-Kv', rpm]);
      assert.equal(check.status, 0, check.stdout + check.stderr);
      assert.doesNotMatch(check.stdout, /BAD|NOT OK/);
      assert.match(check.stdout, /Header SHA256 digest: OK/);
      assert.match(check.stdout, /Payload SHA256 digest: OK/);
      assert.equal(shOk('rpm', ['-qp', '--qf', '%{NAME}', rpm]), `kmod-dudforge-dummy-${k.release}`, 'one package per kernel, named after it');
      assert.ok(shOk('rpm', ['-qp', '--requires', rpm]).split('\n').includes(`kernel-uname-r = ${k.release}`));
      const provides = shOk('rpm', ['-qp', '--provides', rpm]);
      assert.match(provides, /^kmod-dudforge-dummy = \S+$/m);
      assert.match(provides, /^kmod\(dudforge_dummy\.ko\)$/m);
      const list = shOk('rpm', ['-qlp', rpm]);
      assert.ok(list.includes(`/lib/modules/${k.release}/extra/dudforge-dummy/dudforge_dummy.ko`), list);
    }
  });

  test('the .ko inside each RPM has its kernel release as vermagic, and installs cleanly into a scratch root', () => {
    for (const k of kernels) {
      const rpm = rpms.find((r) => shOk('rpm', ['-qp', '--provides', r]).includes(`kernel-modules = ${k.release}`))!;
      const dir = join(work, `x-${k.release}`);
      mkdirSync(dir, { recursive: true });
      shOk('sh', ['-c', `rpm2cpio '${rpm}' | cpio -idm --quiet`], { cwd: dir });
      const ko = join(dir, 'lib/modules', k.release, 'extra/dudforge-dummy/dudforge_dummy.ko');
      assert.equal(shOk('modinfo', ['-F', 'vermagic', ko]).trim().split(/\s+/)[0], k.release);
      assert.match(shOk('modinfo', ['-p', ko]), /\w+:/, 'the module parameter is visible');
      const root = join(work, `root-${k.release}`);
      shOk('rpm', ['--root', root, '--initdb']);
      shOk('rpm', ['--root', root, '-ivh', '--nodeps', '--noscripts', rpm]);
      const name = shOk('rpm', ['-qp', '--qf', '%{NAME}', rpm]);
      const v = sh('rpm', ['--root', root, '-V', '--nodeps', name]);
      assert.equal(v.status, 0, `rpm -V: ${v.stdout}${v.stderr}`);
      assert.equal(v.stdout.trim(), '');
    }
  });

  test('the ISO is labelled OEMDRV, has Rock Ridge, and extracts byte for byte with xorriso, bsdtar and 7z', () => {
    const blkid = shOk('blkid', ['-p', '-o', 'export', iso]);
    assert.match(blkid, /^LABEL=OEMDRV$/m);
    assert.match(blkid, /^TYPE=iso9660$/m);
    assert.match(shOk('isoinfo', ['-d', '-i', iso]), /Rock Ridge signatures version 1 found/);

    // The staged tree: what the disk should hold, from the same RPMs.
    const srpm = readdirSync(out).find((f) => f.endsWith('.src.rpm'))!;
    const answers = JSON.parse(readFileSync(join(work, 'project', 'dudforge.json'), 'utf8'));
    const entries = diskEntries({
      rpms: rpms.map((r) => ({ fileName: r.split('/').pop()!, arch: 'x86_64', bytes: readFileSync(r) })),
      srpm: { fileName: srpm, bytes: readFileSync(join(out, srpm)) },
      buildTime: answers.buildTime,
    });
    const expected = new Map<string, Buffer | 'dir'>();
    for (const e of entries) {
      const parts = e.path.split('/');
      for (let i = 1; i < parts.length; i++) expected.set(parts.slice(0, i).join('/'), 'dir');
      expected.set(e.path, e.source as Buffer);
    }
    const x = join(work, 'xorriso');
    shOk('xorriso', ['-osirrox', 'on', '-indev', iso, '-extract', '/', x]);
    assertSameTree(x, expected, 'xorriso');
    const b = join(work, 'bsdtar');
    mkdirSync(b);
    shOk('bsdtar', ['-xf', iso, '-C', b]);
    assertSameTree(b, expected, 'bsdtar');
    const z = join(work, '7z');
    shOk('7z', ['x', '-y', `-o${z}`, iso]);
    assertSameTree(z, expected, '7z');
    assert.equal(readFileSync(join(x, 'rhdd3'), 'latin1'), 'Driver Update Disk version 3');
  });

  test('the repodata equals what createrepo_c writes, and dnf lists the packages from it', () => {
    const x = join(work, 'xorriso', 'rpms', 'x86_64');
    const ref = join(work, 'createrepo');
    mkdirSync(ref);
    for (const r of rpms) cpSync(r, join(ref, r.split('/').pop()!));
    shOk('createrepo_c', ['--quiet', ref]);
    const xml = (dir: string, type: string) => {
      const repomd = readFileSync(join(dir, 'repodata', 'repomd.xml'), 'utf8');
      const href = new RegExp(`<data type="${type}">[\\s\\S]*?<location href="([^"]+)"`).exec(repomd)![1];
      return normalizeXml(gunzipSync(readFileSync(join(dir, href))).toString('utf8'));
    };
    for (const type of ['primary', 'filelists', 'other']) assert.equal(xml(x, type), xml(ref, type), `${type}.xml matches createrepo_c`);
    const root = join(work, 'dnfroot');
    const q = sh('dnf', [
      `--installroot=${root}`, '--releasever=9', '--forcearch=x86_64', `--repofrompath=dud,file://${x}`, '--repo=dud',
      '--setopt=reposdir=/dev/null', '--setopt=gpgcheck=0', `--setopt=cachedir=${join(work, 'dnfcache')}`, '-q',
      'repoquery', '--provides', 'kmod-dudforge-dummy-*',
    ]);
    assert.equal(q.status, 0, q.stderr);
    for (const k of kernels) assert.ok(q.stdout.includes(`kernel-modules = ${k.release}`), q.stdout);
  });

  test('dudforge verify accepts the disk for every kernel', () => {
    const v = runCli(['verify', iso]);
    assert.equal(v.status, 0, v.stdout + v.stderr);
    for (const k of kernels) {
      const release = k.release.replace(/[.+]/g, '\\$&');
      assert.match(v.stdout, new RegExp(`kernel ${release}: accepts rpms/x86_64/kmod-dudforge-dummy-${release}-`));
      assert.match(v.stdout, new RegExp(`kernel ${release}: then installs kmod-dudforge-dummy-${release} from rpms/x86_64/kmod-dudforge-dummy-${release}-`));
    }
  });

  test('the answers file replays to the same bytes with dudforge build', () => {
    const replayOut = join(work, 'replay');
    const r = runCli(['build', join(work, 'project'), '--out', replayOut, '--plain']);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    for (const f of readdirSync(out).filter((n) => n.endsWith('.rpm') || n.endsWith('.iso'))) {
      assert.ok(readFileSync(join(replayOut, f)).equals(readFileSync(join(out, f))), `${f} is byte-identical`);
    }
  });
});

/** Timestamps aside (createrepo_c stamps file mtimes), the XML must be the same. */
function normalizeXml(xml: string): string {
  return xml
    .replace(/<time file="\d+" build="\d+"\/>/g, '<time/>')
    .replace(/>\s+</g, '><')
    .trim();
}
