import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync, writeFileSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { generateSigningKey, certificateInfo, checkSigningPair } from '../../src/sign/index.js';
import { UserError } from '../../src/errors.js';
import { removeDir, tempDir } from './helpers.js';

describe('generateSigningKey', () => {
  let dir: string;
  before(() => {
    dir = tempDir('keygen');
  });
  after(() => removeDir(dir));

  test('makes a codeSigning certificate that openssl reads, a DER copy, and a 0600 key', async () => {
    const out = await generateSigningKey({ dir: join(dir, 'a'), subject: { commonName: 'Acme kmod signing', organization: 'Acme/Labs' } });
    const text = (await execa('openssl', ['x509', '-in', out.certPem, '-noout', '-text'])).stdout;
    assert.match(text, /Extended Key Usage:\s*\n\s*Code Signing/);
    assert.match(text, /Basic Constraints: critical\s*\n\s*CA:FALSE/);
    assert.match(text, /Subject Key Identifier/);
    assert.match(text, /Subject: CN ?= ?Acme kmod signing, O ?= ?Acme\/Labs/);
    assert.match(text, /Public-Key: \(2048 bit\)/);
    // The DER copy is the same certificate (what mokutil --import takes).
    const fromDer = (await execa('openssl', ['x509', '-inform', 'DER', '-in', out.certDer, '-noout', '-fingerprint', '-sha256'])).stdout;
    const fromPem = (await execa('openssl', ['x509', '-in', out.certPem, '-noout', '-fingerprint', '-sha256'])).stdout;
    assert.equal(fromDer, fromPem);
    assert.equal(statSync(out.key).mode & 0o777, 0o600);
    // openssl agrees the key is the certificate's key.
    const keyMod = (await execa('openssl', ['rsa', '-in', out.key, '-noout', '-modulus'])).stdout;
    const certMod = (await execa('openssl', ['x509', '-in', out.certPem, '-noout', '-modulus'])).stdout;
    assert.equal(keyMod, certMod);
    // Our reading of the certificate matches openssl's.
    const info = await certificateInfo(out.certDer);
    assert.equal(info.hasCodeSigningEku, true);
    assert.equal(info.subjectCommonName, 'Acme kmod signing');
    assert.equal(info.issuerCommonName, 'Acme kmod signing');
    const serial = (await execa('openssl', ['x509', '-in', out.certPem, '-noout', '-serial'])).stdout.replace(/^serial=/, '');
    assert.equal(info.serialHex.replace(/:/g, ''), serial.replace(/^(00)+/, ''));
    assert.equal(`sha256 Fingerprint=${info.sha256Fingerprint}`, fromPem.replace(/^SHA256/i, 'sha256'));
    const notAfter = (await execa('openssl', ['x509', '-in', out.certPem, '-noout', '-enddate'])).stdout.replace('notAfter=', '');
    assert.equal(info.notAfter.getTime(), new Date(notAfter).getTime());
    // No temporary files are left behind.
    assert.deepEqual(readdirSync(join(dir, 'a')).sort(), ['signing_cert.der', 'signing_cert.pem', 'signing_key.pem']);
    const pair = await checkSigningPair({ key: out.key, cert: out.certDer });
    assert.deepEqual(pair.warnings, []);
  });

  for (const mask of [0o022, 0o000]) {
    test(`the key is 0600 whatever the umask (${mask.toString(8).padStart(3, '0')})`, async () => {
      const old = process.umask(mask);
      try {
        const out = await generateSigningKey({ dir: join(dir, `umask-${mask}`), subject: { commonName: 'umask test' }, days: 30 });
        assert.equal(statSync(out.key).mode & 0o777, 0o600);
        assert.equal(statSync(out.certDer).mode & 0o777, 0o644);
      } finally {
        process.umask(old);
      }
    });
  }

  test('4096-bit keys on request', async () => {
    const out = await generateSigningKey({ dir: join(dir, 'big'), bits: 4096, subject: { commonName: 'big' } });
    assert.equal((await certificateInfo(out.certPem)).keyBits, 4096);
    const text = (await execa('openssl', ['x509', '-in', out.certPem, '-noout', '-text'])).stdout;
    assert.match(text, /Public-Key: \(4096 bit\)/);
    // The private key is the certificate's: its modulus is as long.
    const key = (await execa('openssl', ['rsa', '-in', out.key, '-noout', '-text'])).stdout;
    assert.match(key, /Private-Key: \(4096 bit, 2 primes\)/);
  });

  test('refuses to overwrite any existing file, naming it, and leaves it untouched', async () => {
    const target = join(dir, 'existing');
    mkdirSync(target);
    writeFileSync(join(target, 'signing_cert.der'), 'precious');
    await assert.rejects(
      generateSigningKey({ dir: target, subject: { commonName: 'x' } }),
      (err: unknown) => err instanceof UserError && err.message.includes(join(target, 'signing_cert.der')) && !!err.hint,
    );
    assert.equal(readFileSync(join(target, 'signing_cert.der'), 'utf8'), 'precious');
    assert.equal(existsSync(join(target, 'signing_key.pem')), false);
    assert.deepEqual(readdirSync(target), ['signing_cert.der']);
  });

  test('a target that is a file, not a directory, is a UserError naming it', async () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');
    await assert.rejects(
      generateSigningKey({ dir: join(file, 'keys'), subject: { commonName: 'x' } }),
      (err: unknown) => err instanceof UserError && err.message.includes(join(file, 'keys')),
    );
  });

  test('an empty common name is a UserError', async () => {
    await assert.rejects(generateSigningKey({ dir: join(dir, 'nocn'), subject: { commonName: '  ' } }), UserError);
  });
});
