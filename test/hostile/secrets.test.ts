/**
 * Issue 12 §1: no private key ever reaches what dudforge publishes. A key pair kept inside the
 * driver sources (plus a DER copy and an unrelated key) is left out of the source RPM; the key
 * bytes (PEM body and DER) are in no file under out/, inside no RPM payload (rpm2cpio | cpio),
 * inside no SRPM tarball (tar) and inside no file of the disk (bsdtar). A key that does reach an
 * artifact (through firmware or a package field) fails the build, naming both; generating keys
 * into the sources or the output directory is refused. One real module build, shared (later
 * builds of the same project hit the build cache).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { installedKernels, removeDir, runCli, shOk, tempDir, type CliResult } from '../helpers/cli.js';
import { packageRoot } from '../../src/paths.js';
import { needs } from '../helpers/needs.js';

const kernels = installedKernels();
let work: string;
let project: string;
let driver: string;
let build: CliResult;

interface KeyForms {
  file: string;
  /** base64 lines of the PEM body that carry secret bytes (second half of the body). */
  pemLines: string[];
  /** 48-byte chunks of the key's DER from its secret part (past the public modulus). */
  derChunks: Buffer[];
}

function keyForms(file: string): KeyForms {
  const body = readFileSync(file, 'utf8').split('\n').filter((l) => l && !l.startsWith('-----'));
  const der = derOf(file);
  const half = Math.floor(der.length / 2);
  return {
    file,
    pemLines: body.slice(Math.floor(body.length / 2)),
    derChunks: [der.subarray(half, half + 48), der.subarray(der.length - 48)],
  };
}

function derOf(file: string): Buffer {
  const out = join(work, `der-${Math.random().toString(36).slice(2)}`);
  shOk('openssl', ['pkey', '-in', file, '-outform', 'DER', '-out', out]);
  return readFileSync(out);
}

function* filesUnder(dir: string): Generator<string> {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* filesUnder(p);
    else if (e.isFile()) yield p;
  }
}

/**
 * Every file under dir, with RPMs unpacked by rpm2cpio | cpio, tarballs by tar and ISO images by
 * bsdtar, recursively: the list of every byte string a user of the artifacts can get at.
 */
function everythingUnder(dir: string, into: string): string[] {
  const seen: string[] = [];
  let n = 0;
  mkdirSync(into, { recursive: true });
  const visit = (d: string) => {
    for (const f of filesUnder(d)) {
      seen.push(f);
      const unpackTo = join(into, `u${n++}`);
      if (f.endsWith('.rpm')) {
        mkdirSync(unpackTo);
        shOk('sh', ['-c', `rpm2cpio "$1" | cpio -idm --quiet`, 'sh', f], { cwd: unpackTo });
        visit(unpackTo);
      } else if (f.endsWith('.tar.gz')) {
        mkdirSync(unpackTo);
        shOk('tar', ['-xzf', f, '-C', unpackTo]);
        visit(unpackTo);
      } else if (f.endsWith('.iso')) {
        mkdirSync(unpackTo);
        shOk('bsdtar', ['-xf', f, '-C', unpackTo]);
        visit(unpackTo);
      } else if (f.endsWith('.gz')) {
        writeFileSync(join(into, `u${n++}`), shOk('sh', ['-c', 'gzip -dc "$1"', 'sh', f]));
      }
    }
  };
  visit(dir);
  return seen;
}

function leaksIn(file: string, key: KeyForms): string[] {
  const bytes = readFileSync(file);
  const text = bytes.toString('latin1');
  return [
    ...key.pemLines.filter((l) => text.includes(l)).map(() => 'PEM body'),
    ...key.derChunks.filter((c) => bytes.includes(c)).map(() => 'DER'),
  ];
}

/** Read, edit and write the project's dudforge.json. */
function editAnswers(edit: (doc: Record<string, any>) => void): void {
  const file = join(project, 'dudforge.json');
  const doc = JSON.parse(readFileSync(file, 'utf8'));
  edit(doc);
  writeFileSync(file, JSON.stringify(doc, null, 2));
}

describe('private keys never reach an artifact', { skip: needs(kernels.length > 0, 'no kernel build tree installed') }, () => {
  let signingKey: KeyForms;
  let otherKey: KeyForms;

  before(() => {
    work = tempDir('secrets');
    project = join(work, 'project');
    driver = join(work, 'driver');
    cpSync(join(packageRoot, 'assets', 'sample-driver'), driver, { recursive: true });
    // The careless layout of the issue: the pair beside the driver, a DER copy, a stray key.
    shOk('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '3650', '-subj', '/CN=secrets test',
      '-keyout', join(driver, 'key.pem'), '-out', join(driver, 'cert.pem')]);
    chmodSync(join(driver, 'key.pem'), 0o600);
    mkdirSync(join(driver, 'keys'));
    shOk('openssl', ['pkey', '-in', join(driver, 'key.pem'), '-outform', 'DER', '-out', join(driver, 'keys', 'key.der')]);
    shOk('openssl', ['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', join(driver, 'stray.pem')]);
    chmodSync(join(driver, 'stray.pem'), 0o644);
    signingKey = keyForms(join(driver, 'key.pem'));
    otherKey = keyForms(join(driver, 'stray.pem'));
    const created = runCli(['new', project, '--yes', '--source', `dir:${driver}`, '--probes', join(driver, 'dudforge.probes'),
      '--vendor', 'Secrets Test', '--sign-key', join(driver, 'key.pem'), '--sign-cert', join(driver, 'cert.pem'), '--ship-cert',
      '--build-time', '1700000000']);
    assert.equal(created.status, 0, created.stderr);
    build = runCli(['build', project, '--plain']);
  });
  after(() => removeDir(work));

  test('a key pair inside the sources: the build succeeds, says what it left out and warns about the readable key', () => {
    assert.equal(build.status, 0, build.stdout + build.stderr);
    assert.match(build.stderr, /left out of the source package \(never published\): .*cert\.pem \(signing key pair\)/);
    assert.match(build.stderr, /key\.pem \(signing key pair\)/);
    assert.match(build.stderr, /keys\/key\.der \(private key\)/);
    assert.match(build.stderr, /stray\.pem \(private key\)/);
    assert.match(build.stderr, /private key .*stray\.pem is readable by group and others: run chmod 600/);
    assert.doesNotMatch(build.stderr, /private key .*\/key\.pem is readable/);
  });

  test('the SRPM tarball packs the driver sources and no key or certificate', () => {
    const srpm = readdirSync(join(project, 'out')).find((f) => f.endsWith('.src.rpm'))!;
    const dir = join(work, 'srpm');
    mkdirSync(dir);
    shOk('sh', ['-c', `rpm2cpio "$1" | cpio -idm --quiet`, 'sh', join(project, 'out', srpm)], { cwd: dir });
    const tarball = readdirSync(dir).find((f) => f.endsWith('.tar.gz'))!;
    const listed = shOk('tar', ['-tzf', join(dir, tarball)]).split('\n').filter(Boolean).map((p) => p.replace(/^[^/]+\//, ''));
    for (const f of ['main.c', 'chrdev.c', 'dudforge_dummy.h', 'Kbuild', 'Makefile']) assert.ok(listed.includes(f), `${f} is packed: ${listed.join(' ')}`);
    for (const f of ['key.pem', 'cert.pem', 'keys/key.der', 'stray.pem']) assert.ok(!listed.includes(f), `${f} is not packed`);
  });

  test('0 bytes of either key in any file under out/, inside RPM payloads, the SRPM tarball or the disk', () => {
    const files = everythingUnder(join(project, 'out'), join(work, 'unpacked'));
    assert.ok(files.some((f) => f.endsWith('.ko')), 'RPM payloads were unpacked');
    assert.ok(files.some((f) => f.endsWith('main.c')), 'the SRPM tarball was unpacked');
    assert.ok(files.some((f) => /\/rpms\/x86_64\/.*\.rpm$/.test(f)), 'the disk was unpacked');
    const found = files.flatMap((f) => [signingKey, otherKey].flatMap((k) => leaksIn(f, k).map((how) => `${f}: ${how} of ${k.file}`)));
    assert.deepEqual(found, []);
    // The checker itself finds the key where it is.
    assert.deepEqual(leaksIn(join(driver, 'keys', 'key.der'), signingKey), ['DER', 'DER']);
    assert.ok(leaksIn(join(driver, 'key.pem'), signingKey).length >= 2);
  });

  test('a key inside a firmware file (compressed in the kmod payload) fails the build naming the key and the RPM', () => {
    const fw = join(work, 'dummy-fw.bin');
    writeFileSync(fw, Buffer.concat([Buffer.from('FWHDR\0'), readFileSync(join(driver, 'key.pem')), Buffer.alloc(64, 0xff)]));
    editAnswers((doc) => {
      doc.firmware = [fw];
    });
    const out = join(work, 'out-firmware');
    const r = runCli(['build', project, '--plain', '--out', out]);
    editAnswers((doc) => {
      delete doc.firmware;
    });
    assert.equal(r.status, 2, r.stdout + r.stderr);
    assert.match(r.stderr, new RegExp(`the private key ${join(driver, 'key.pem')} would be published: its secret bytes are in kmod-dudforge-dummy-[^ ]+\\.rpm \\(in /lib/firmware/dummy-fw\\.bin, packed into it\\)`));
    assert.deepEqual(existsSync(out) ? readdirSync(out).filter((f) => f.endsWith('.rpm') || f.endsWith('.iso')) : [], []);

    // A firmware file that is a private key cannot be left out (firmware ships as it is): refused at resolve.
    editAnswers((doc) => {
      doc.firmware = [join(driver, 'keys', 'key.der')];
    });
    const r2 = runCli(['build', project, '--plain', '--out', out]);
    editAnswers((doc) => {
      delete doc.firmware;
    });
    assert.equal(r2.status, 2, r2.stdout + r2.stderr);
    assert.match(r2.stderr, /firmware .*keys\/key\.der is a private key: it would be shipped in every kmod RPM/);
  });

  test('the stray key pasted into the description fails the build before any RPM is written', () => {
    const pem = readFileSync(join(driver, 'stray.pem'), 'utf8');
    editAnswers((doc) => {
      doc.package.description = `A dummy driver.\n${pem}`;
    });
    const out = join(work, 'out-description');
    const r = runCli(['build', project, '--plain', '--out', out]);
    editAnswers((doc) => {
      doc.package.description = 'A dummy driver.';
    });
    assert.equal(r.status, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /the private key .*stray\.pem would be published: its secret bytes are in kmod-dudforge-dummy-.*\.rpm, so .* was not written/);
    assert.deepEqual(existsSync(out) ? readdirSync(out).filter((f) => f.endsWith('.rpm') || f.endsWith('.iso')) : [], []);
  });

  test('--sign-generate into the sources or the output directory is refused at new --yes', () => {
    for (const [dir, where] of [[join(driver, 'keys-new'), 'the driver sources'], [join(work, 'p-gen', 'out', 'keys'), 'the output directory']] as const) {
      const p = join(work, 'p-gen');
      const r = runCli(['new', p, '--yes', '--force', '--source', `dir:${driver}`, '--probes', join(driver, 'dudforge.probes'), '--sign-generate', dir]);
      assert.equal(r.status, 2, r.stdout + r.stderr);
      assert.match(r.stderr, new RegExp(`signing\\.dir ${dir} \\(--sign-generate\\) is inside ${where}`));
      assert.match(r.stderr, /--sign-generate \/\S+/, 'the hint names a place for the keys');
      assert.equal(existsSync(join(p, 'dudforge.json')), false);
      assert.equal(existsSync(dir), false);
    }
  });

  test('signing.mode generate into the sources in dudforge.json is refused at build, before a key is made', () => {
    const keysDir = join(driver, 'generated');
    const saved = readFileSync(join(project, 'dudforge.json'));
    editAnswers((doc) => {
      doc.signing = { mode: 'generate', dir: keysDir };
    });
    const out = join(work, 'out-generate');
    const r = runCli(['build', project, '--plain', '--out', out]);
    writeFileSync(join(project, 'dudforge.json'), saved);
    assert.equal(r.status, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /signing\.dir .*generated \(--sign-generate\) is inside the driver sources/);
    assert.equal(existsSync(keysDir), false);
    assert.equal(existsSync(out) && readdirSync(out).length > 0, false);
    // The key pair the first build used is still where it was, and still private.
    assert.equal(statSync(join(driver, 'key.pem')).mode & 0o777, 0o600);
  });
});
