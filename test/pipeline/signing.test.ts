/**
 * Signing through the whole pipeline: a key pair generated on the first build signs every module
 * of every kernel with that kernel's sign-file; the modules inside the RPMs verify against the
 * certificate; the private key appears nowhere in the project, build or output trees.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { installedKernels, removeDir, runCli, shOk, tempDir, type CliResult } from '../helpers/cli.js';
import { packageRoot } from '../../src/paths.js';
import { assertNoKeyLeak, verifyModuleSignature, readModuleSignature, certificateInfo } from '../../src/sign/index.js';
import { needs } from '../helpers/needs.js';

const kernels = installedKernels();
let work: string;
let project: string;
let keys: string;
let build: CliResult;

/** openssl's SHA-256 fingerprint of a certificate file. */
function fingerprint(file: string, form: 'DER' | 'PEM'): string {
  return shOk('openssl', ['x509', '-inform', form, '-in', file, '-noout', '-fingerprint', '-sha256']).trim();
}

describe('signed builds', { skip: needs(kernels.length > 0, 'no kernel build tree installed') }, () => {
  before(() => {
    work = tempDir('signing');
    project = join(work, 'project');
    keys = join(work, 'keys');
    mkdirSync(project);
    cpSync(join(packageRoot, 'assets', 'sample-driver'), join(project, 'driver'), { recursive: true });
    const created = runCli([
      'new', project, '--yes', '--source', `dir:${join(project, 'driver')}`, '--probes', join(project, 'driver', 'dudforge.probes'),
      '--vendor', 'Signing Test Ltd', '--sign-generate', keys, '--ship-cert', '--build-time', '1700000000',
    ]);
    assert.equal(created.status, 0, created.stderr);
    build = runCli(['build', project, '--plain']);
  });
  after(() => removeDir(work));

  test('the build succeeds, generates a 0600 key and reports each module signer', () => {
    assert.equal(build.status, 0, build.stdout + build.stderr);
    assert.equal(statSync(join(keys, 'signing_key.pem')).mode & 0o777, 0o600);
    assert.match(build.stdout, /Module signatures:/);
    assert.match(build.stdout, /signer "Signing Test Ltd/);
    assert.match(build.stdout, /mokutil --import .*signing-cert\.der/);
    const der = readdirSync(join(project, 'out')).find((f) => f.endsWith('-signing-cert.der'));
    assert.ok(der, 'the DER certificate is written next to the disk');
    // openssl reads it as DER, and it is the project's certificate.
    assert.equal(fingerprint(join(project, 'out', der), 'DER'), fingerprint(join(keys, 'signing_cert.pem'), 'PEM'));
  });

  test('every module in every RPM is signed with the project key and verifies with openssl cms', async () => {
    const out = join(project, 'out');
    const cert = join(keys, 'signing_cert.pem');
    const info = await certificateInfo(cert);
    const rpms = readdirSync(out).filter((f) => f.endsWith('.x86_64.rpm'));
    assert.equal(rpms.length, kernels.length);
    for (const f of rpms) {
      // Unpacked by rpm's own rpm2cpio and cpio, judged by modinfo and openssl cms.
      const dir = join(work, `unpacked-${f}`);
      mkdirSync(dir);
      shOk('sh', ['-c', `rpm2cpio '${join(out, f)}' | cpio -idm --quiet`], { cwd: dir });
      const koFile = shOk('find', [dir, '-name', '*.ko']).trim();
      const ko = readFileSync(koFile);
      const sig = readModuleSignature(ko)!;
      assert.ok(sig, `${f}: module is signed`);
      assert.equal(sig.keySerial, info.serialHex);
      assert.equal(sig.hashAlgo, 'sha256');
      const v = await verifyModuleSignature({ module: koFile, cert });
      assert.equal(v.ok, true, v.message);
      assert.equal(shOk('modinfo', ['-F', 'sig_key', koFile]).trim(), info.serialHex);
      assert.equal(shOk('modinfo', ['-F', 'sig_hashalgo', koFile]).trim(), 'sha256');
      assert.match(shOk('rpm', ['-qlp', join(out, f)]), /^\/etc\/pki\/.*\.der$/m, 'the certificate is shipped on request');
      const shipped = shOk('find', [join(dir, 'etc', 'pki'), '-name', '*.der']).trim();
      assert.equal(fingerprint(shipped, 'DER'), fingerprint(cert, 'PEM'), `${f}: the shipped certificate is the project's`);
    }
  });

  test('no byte of the private key is in the project, build or output trees (RPM payloads and ISO included)', async () => {
    const leaks = await assertNoKeyLeak({ key: join(keys, 'signing_key.pem'), roots: [project] });
    assert.deepEqual(leaks, []);
    assert.doesNotMatch(readFileSync(join(project, 'dudforge.json'), 'utf8'), /BEGIN .*PRIVATE KEY/);
  });

  test('RPMs signed with a GnuPG key pass rpmkeys --checksig once the exported key is imported', () => {
    const gnupg = join(work, 'gnupg');
    mkdirSync(gnupg, { mode: 0o700 });
    const env = { GNUPGHOME: gnupg };
    shOk('gpg', ['--batch', '--passphrase', '', '--quick-gen-key', 'Dud Test <dud@example.org>', 'rsa2048', 'sign', 'never'], { env: { ...process.env, ...env } });
    const p4 = join(work, 'p4');
    const created = runCli(['new', p4, '--yes', '--source', `dir:${join(project, 'driver')}`, '--probes', join(project, 'driver', 'dudforge.probes'),
      '--gpg-key', 'dud@example.org', '--build-time', '1700000000'], { env });
    assert.equal(created.status, 0, created.stderr);
    const b = runCli(['build', p4, '--plain'], { env });
    assert.equal(b.status, 0, b.stdout + b.stderr);
    const out = join(p4, 'out');
    const pub = join(out, 'RPM-GPG-KEY-dudforge-dummy');
    assert.match(readFileSync(pub, 'utf8'), /BEGIN PGP PUBLIC KEY BLOCK/);
    const root = join(work, 'rpmroot');
    shOk('rpm', ['--root', root, '--initdb']);
    shOk('rpmkeys', ['--root', root, '--import', pub]);
    for (const f of readdirSync(out).filter((n) => n.endsWith('.rpm'))) {
      const check = shOk('rpmkeys', ['--root', root, '--checksig', '-v', join(out, f)]);
      assert.match(check, /Header V4 RSA\/SHA256 Signature, key ID [0-9a-f]+: OK/, `${f}: ${check}`);
    }
  });

  test('a key that does not match its certificate stops the build before anything is built', () => {
    const other = join(work, 'other-keys');
    const gen = runCli(['new', join(work, 'p2'), '--yes', '--source', `dir:${join(project, 'driver')}`, '--probes', join(project, 'driver', 'dudforge.probes'), '--sign-generate', other, '--build-time', '1700000000']);
    assert.equal(gen.status, 0, gen.stderr);
    // Make a second pair, then cross them.
    const b2 = runCli(['build', join(work, 'p2'), '--plain']);
    assert.equal(b2.status, 0, b2.stderr);
    const p3 = join(work, 'p3');
    const r = runCli(['new', p3, '--yes', '--source', `dir:${join(project, 'driver')}`, '--probes', join(project, 'driver', 'dudforge.probes'),
      '--sign-key', join(keys, 'signing_key.pem'), '--sign-cert', join(other, 'signing_cert.pem'), '--build-time', '1700000000']);
    assert.equal(r.status, 0, r.stderr);
    const b3 = runCli(['build', p3, '--plain']);
    assert.equal(b3.status, 2, b3.stdout + b3.stderr);
    assert.match(b3.stderr, /does not match|not match/i);
    assert.deepEqual(readdirSync(p3).filter((f) => f === 'out'), []);
  });
});
