import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { checkSigningPair, generateSigningKey, type GeneratedSigningKey } from '../../src/sign/index.js';
import { UserError } from '../../src/errors.js';
import { removeDir, tempDir } from './helpers.js';

/** Rejects with a UserError whose message contains every `parts` and that has a hint. */
async function rejectsNaming(p: Promise<unknown>, ...parts: (string | RegExp)[]): Promise<UserError> {
  let caught: unknown;
  await assert.rejects(p, (err: unknown) => {
    caught = err;
    return true;
  });
  assert.ok(caught instanceof UserError, `expected a UserError, got ${String(caught)}`);
  for (const part of parts) {
    if (typeof part === 'string') assert.ok(caught.message.includes(part), `"${caught.message}" should name ${part}`);
    else assert.match(caught.message, part);
  }
  assert.ok(caught.hint && caught.hint.length > 10, 'a UserError says what to do next');
  return caught;
}

describe('checkSigningPair', () => {
  let dir: string;
  let a: GeneratedSigningKey;
  let b: GeneratedSigningKey;
  before(async () => {
    dir = tempDir('pair');
    [a, b] = await Promise.all([
      generateSigningKey({ dir: join(dir, 'a'), subject: { commonName: 'pair A' } }),
      generateSigningKey({ dir: join(dir, 'b'), subject: { commonName: 'pair B' } }),
    ]);
  });
  after(() => removeDir(dir));

  test('a matching pair, PEM or DER, gives the certificate facts and no warnings', async () => {
    const info = await checkSigningPair({ key: a.key, cert: a.certPem });
    assert.equal(info.subjectCommonName, 'pair A');
    assert.equal(info.keyFormat, 'pem');
    assert.deepEqual(info.warnings, []);
    // DER key in both encodings openssl writes (PKCS#8 and traditional PKCS#1).
    for (const [name, args] of [['key.p8.der', ['pkcs8', '-topk8', '-nocrypt']], ['key.p1.der', ['rsa', '-traditional']]] as const) {
      const der = join(dir, name);
      await execa('openssl', [...args, '-in', a.key, '-outform', 'DER', '-out', der]);
      chmodSync(der, 0o600);
      const derInfo = await checkSigningPair({ key: der, cert: a.certDer });
      assert.equal(derInfo.keyFormat, 'der');
      assert.equal(derInfo.serialHex, info.serialHex);
    }
  });

  test('a kernel-style signing_key.pem holding key and certificate serves as both', async () => {
    const both = join(dir, 'combined.pem');
    writeFileSync(both, readFileSync(a.key, 'utf8') + readFileSync(a.certPem, 'utf8'), { mode: 0o600 });
    const info = await checkSigningPair({ key: both, cert: both });
    assert.equal(info.subjectCommonName, 'pair A');
  });

  test('a key that is not the certificate\'s: UserError naming both files', async () => {
    await rejectsNaming(checkSigningPair({ key: a.key, cert: b.certPem }), a.key, b.certPem, /does not match/);
  });

  test('missing key or certificate: UserError naming the file', async () => {
    await rejectsNaming(checkSigningPair({ key: join(dir, 'nope.pem'), cert: a.certPem }), join(dir, 'nope.pem'), /does not exist/);
    await rejectsNaming(checkSigningPair({ key: a.key, cert: join(dir, 'nope.crt') }), join(dir, 'nope.crt'), /does not exist/);
  });

  // chmod 000 does not make a file unreadable for root (CAP_DAC_OVERRIDE), and these tests may
  // run as root; a directory in place of the key, and a file of garbage, are unreadable as a key
  // for everybody. The chmod case runs only when we are not root.
  test('a key that is a directory or garbage: UserError naming it', async () => {
    const keyDir = join(dir, 'key-is-a-dir');
    mkdirSync(keyDir);
    await rejectsNaming(checkSigningPair({ key: keyDir, cert: a.certPem }), keyDir, /directory/);
    const garbage = join(dir, 'garbage.pem');
    writeFileSync(garbage, 'this is not a key\n', { mode: 0o600 });
    await rejectsNaming(checkSigningPair({ key: garbage, cert: a.certPem }), garbage, /not a private key/);
    // The certificate where the key belongs: the hint says they look swapped.
    const swapped = await rejectsNaming(checkSigningPair({ key: a.certPem, cert: a.certPem }), a.certPem, /not a private key/);
    assert.match(swapped.hint ?? '', /swapped/);
  });

  test('an unreadable key (chmod 000) when not running as root', { skip: process.getuid?.() === 0 ? 'root reads mode-000 files' : false }, async () => {
    const locked = join(dir, 'locked.pem');
    writeFileSync(locked, readFileSync(a.key));
    chmodSync(locked, 0o000);
    await rejectsNaming(checkSigningPair({ key: locked, cert: a.certPem }), locked, /cannot be read/);
  });

  test('a certificate that is not X.509: UserError naming it', async () => {
    const text = join(dir, 'cert.txt');
    writeFileSync(text, '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n');
    await rejectsNaming(checkSigningPair({ key: a.key, cert: text }), text, /not an X.509 certificate/);
    const swapped = await rejectsNaming(checkSigningPair({ key: a.key, cert: a.key }), a.key, /not an X.509 certificate/);
    assert.match(swapped.hint ?? '', /swapped/);
    const certDir = join(dir, 'cert-dir');
    mkdirSync(certDir);
    await rejectsNaming(checkSigningPair({ key: a.key, cert: certDir }), certDir, /directory/);
  });

  test('a key readable by group or others gives a warning naming it', async () => {
    const loose = join(dir, 'loose.pem');
    writeFileSync(loose, readFileSync(a.key));
    chmodSync(loose, 0o644);
    const info = await checkSigningPair({ key: loose, cert: a.certPem });
    assert.equal(info.warnings.length, 1);
    assert.match(info.warnings[0], /readable by group and others \(mode 0644\)/);
    assert.ok(info.warnings[0].includes(loose));
    chmodSync(loose, 0o640);
    assert.match((await checkSigningPair({ key: loose, cert: a.certPem })).warnings[0], /readable by group \(mode 0640\)/);
    chmodSync(loose, 0o600);
    assert.deepEqual((await checkSigningPair({ key: loose, cert: a.certPem })).warnings, []);
  });

  test('an encrypted key opens with KBUILD_SIGN_PIN (as sign-file does), else a UserError', async () => {
    const enc = join(dir, 'enc.pem');
    await execa('openssl', ['pkey', '-in', a.key, '-aes256', '-passout', 'pass:s3cret', '-out', enc]);
    chmodSync(enc, 0o600);
    const saved = process.env.KBUILD_SIGN_PIN;
    try {
      delete process.env.KBUILD_SIGN_PIN;
      const err = await rejectsNaming(checkSigningPair({ key: enc, cert: a.certPem }), enc, /encrypted/);
      assert.match(err.hint ?? '', /KBUILD_SIGN_PIN/);
      process.env.KBUILD_SIGN_PIN = 's3cret';
      assert.equal((await checkSigningPair({ key: enc, cert: a.certPem })).subjectCommonName, 'pair A');
    } finally {
      if (saved === undefined) delete process.env.KBUILD_SIGN_PIN;
      else process.env.KBUILD_SIGN_PIN = saved;
    }
  });

  test('a pkcs11: URI is passed through; only the certificate is checked', async () => {
    const uri = 'pkcs11:token=kmod;object=signing;type=private';
    const info = await checkSigningPair({ key: uri, cert: a.certDer });
    assert.equal(info.keyFormat, 'pkcs11');
    assert.equal(info.key, uri);
    await rejectsNaming(checkSigningPair({ key: uri, cert: join(dir, 'missing.der') }), join(dir, 'missing.der'));
  });
});
