/**
 * RPM header signing with a throwaway GnuPG home: real gpg makes the keys and checks the
 * signatures; real rpmkeys checks a signed RPM built by our writer.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { exportGpgPublicKey, gpgHeaderSigner, readSignaturePacket } from '../../src/sign/index.js';
import { buildRpm, readRpm, RPMSIGTAG } from '../../src/rpm/index.js';
import { UserError } from '../../src/errors.js';
import { removeDir, tempDir } from './helpers.js';

describe('gpgHeaderSigner and exportGpgPublicKey', () => {
  let dir: string;
  let home: string;
  const gpg = (args: string[], opts: { input?: Buffer } = {}) =>
    execa('gpg', ['--homedir', home, '--batch', ...args], { reject: false, encoding: 'utf8', ...(opts.input ? { input: opts.input } : {}) });

  before(async () => {
    dir = tempDir('gpg');
    home = join(dir, 'gnupg');
    mkdirSync(home, { mode: 0o700 });
    // Empty passphrases, so nothing prompts; the signer itself never passes a passphrase.
    for (const [uid, algo] of [['RSA Signer <rsa@example.com>', 'rsa2048'], ['Ed Signer <ed@example.com>', 'ed25519']]) {
      const r = await gpg(['--pinentry-mode', 'loopback', '--passphrase', '', '--quick-gen-key', uid, algo, 'sign', 'never']);
      assert.equal(r.exitCode, 0, r.stderr);
    }
  });
  after(async () => {
    await execa('gpgconf', ['--homedir', home, '--kill', 'gpg-agent'], { reject: false });
    removeDir(dir);
  });

  test('signs bytes with RSA/SHA-256; gpg --verify accepts the detached packet and rejects other bytes', async () => {
    const sign = gpgHeaderSigner({ keyId: 'rsa@example.com', gnupgHome: home });
    const data = Buffer.from('an RPM header, or any bytes\n'.repeat(50));
    const packet = await sign(data);
    assert.deepEqual(readSignaturePacket(packet), { version: 4, pubkeyAlgo: 1, hashAlgo: 8 });
    writeFileSync(join(dir, 'data'), data);
    writeFileSync(join(dir, 'data.sig'), packet);
    const ok = await gpg(['--status-fd', '1', '--verify', join(dir, 'data.sig'), join(dir, 'data')]);
    assert.equal(ok.exitCode, 0, ok.stderr);
    assert.match(ok.stdout, /\[GNUPG:\] GOODSIG [0-9A-F]+ RSA Signer/);
    assert.match(ok.stdout, /\[GNUPG:\] VALIDSIG [0-9A-F]+ \S+ \d+ \d+ \d+ \d+ 1 8 /, 'pubkey algo 1 (RSA), hash 8 (SHA256)');
    writeFileSync(join(dir, 'data'), Buffer.concat([data, Buffer.from('x')]));
    const bad = await gpg(['--verify', join(dir, 'data.sig'), join(dir, 'data')]);
    assert.notEqual(bad.exitCode, 0);
    // The same signer function is reused for every package.
    assert.deepEqual(readSignaturePacket(await sign(Buffer.from('second header'))).pubkeyAlgo, 1);
  });

  test('a key that is not RSA is refused with a UserError', async () => {
    await assert.rejects(
      gpgHeaderSigner({ keyId: 'ed@example.com', gnupgHome: home })(Buffer.from('h')),
      (err: unknown) => err instanceof UserError && /need RSA/.test(err.message) && /EdDSA/.test(err.message),
    );
  });

  test('an unknown key is a UserError naming it', async () => {
    await assert.rejects(
      gpgHeaderSigner({ keyId: 'nobody@example.com', gnupgHome: home })(Buffer.from('h')),
      (err: unknown) => err instanceof UserError && err.message.includes('nobody@example.com'),
    );
    await assert.rejects(exportGpgPublicKey({ keyId: 'nobody@example.com', gnupgHome: home, out: join(dir, 'none.asc') }), UserError);
  });

  test('the exported public key is ASCII armored and imports into a fresh GnuPG home', async () => {
    const out = join(dir, 'RPM-GPG-KEY-test');
    await exportGpgPublicKey({ keyId: 'rsa@example.com', gnupgHome: home, out });
    const text = readFileSync(out, 'utf8');
    assert.match(text, /^-----BEGIN PGP PUBLIC KEY BLOCK-----/);
    assert.doesNotMatch(text, /PRIVATE/);
    const other = join(dir, 'other');
    mkdirSync(other, { mode: 0o700 });
    const imp = await execa('gpg', ['--homedir', other, '--batch', '--status-fd', '1', '--import', out], { reject: false });
    assert.equal(imp.exitCode, 0, imp.stderr);
    assert.match(imp.stdout, /IMPORT_OK/);
    await execa('gpgconf', ['--homedir', other, '--kill', 'gpg-agent'], { reject: false });
  });

  test('end to end: buildRpm with the signer; rpmkeys --checksig says the RSA header signature is OK', async () => {
    const rpm = await buildRpm(
      {
        name: 'kmod-dudsign',
        version: '1.0',
        release: '1',
        summary: 'signing test',
        description: 'A package signed by gpgHeaderSigner.',
        license: 'GPL-2.0-only',
        buildHost: 'dudforge.localdomain',
        buildTime: 1700000000,
        arch: 'x86_64',
        provides: [],
        requires: [],
        files: [{ path: '/etc/dudsign.conf', type: 'file', mode: 0o644, data: Buffer.from('options dudsign x=1\n') }],
        compression: 'gzip',
      },
      { signHeader: gpgHeaderSigner({ keyId: 'rsa@example.com', gnupgHome: home }) },
    );
    assert.ok(readRpm(rpm).signature.get(RPMSIGTAG.RSA), 'RSAHEADER (268) present');
    const file = join(dir, 'kmod-dudsign-1.0-1.x86_64.rpm');
    writeFileSync(file, rpm);
    const key = join(dir, 'RPM-GPG-KEY-e2e');
    await exportGpgPublicKey({ keyId: 'rsa@example.com', gnupgHome: home, out: key });
    const root = join(dir, 'rpmroot');
    mkdirSync(root);
    await execa('rpm', ['--root', root, '--initdb']);
    const before = await execa('rpmkeys', ['--root', root, '--checksig', '-v', file], { reject: false });
    assert.match(before.stdout, /RSA\/SHA256 Signature, key ID [0-9a-f]+: NOKEY/, 'without the key rpm cannot vouch for it');
    await execa('rpmkeys', ['--root', root, '--import', key]);
    const check = await execa('rpmkeys', ['--root', root, '--checksig', '-v', file], { reject: false });
    assert.equal(check.exitCode, 0, check.stdout + check.stderr);
    assert.match(check.stdout, /Header V4 RSA\/SHA256 Signature, key ID [0-9a-f]+: OK/);
  });
});
