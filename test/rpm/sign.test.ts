/**
 * The signHeader hook: a throwaway GnuPG key signs the main header, and rpmkeys checks the
 * resulting RSA/SHA256 header signature against the imported public key.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { buildRpm, readRpm, RPMSIGTAG, verifyRpmDigests } from '../../src/rpm/index.js';
import { run, runStatus, sampleSpec } from './fixtures.js';

describe('header signature via signHeader', () => {
  const work = mkdtempSync(join(tmpdir(), 'dudforge-sign-'));
  const gnupg = join(work, 'g');
  const env = { ...process.env, GNUPGHOME: gnupg };
  const gpg = (...args: string[]) => run('gpg', ['--batch', '--pinentry-mode', 'loopback', '--passphrase', '', ...args], { env });
  let file = '';
  let signed: Buffer;
  let headerSeen: Buffer | undefined;

  before(async () => {
    mkdirSync(gnupg, { mode: 0o700 });
    gpg('--quick-gen-key', 'Test <t@example.com>', 'rsa2048', 'sign', 'never');
    writeFileSync(join(work, 'key.asc'), gpg('--armor', '--export', 't@example.com'));
    signed = await buildRpm(sampleSpec({ name: 'kmod-signed' }), {
      signHeader: async (header) => {
        headerSeen = header;
        const h = join(work, 'header.bin');
        writeFileSync(h, header);
        gpg('--yes', '--detach-sign', '--digest-algo', 'SHA256', '-o', `${h}.sig`, h);
        return readFileSync(`${h}.sig`);
      },
    });
    file = join(work, 'kmod-signed.rpm');
    writeFileSync(file, signed);
  });
  after(() => {
    runStatus('gpgconf', ['--kill', 'gpg-agent'], { env });
    rmSync(work, { recursive: true, force: true });
  });

  test('the callback receives exactly the main header, and its packet is stored as RSAHEADER', () => {
    const rpm = readRpm(signed);
    assert.ok(headerSeen?.equals(rpm.headerBytes));
    const sig = rpm.signature.get(RPMSIGTAG.RSA);
    assert.equal(sig?.type, 7);
    assert.equal((sig?.value as Buffer)[0] & 0x80, 0x80, 'an OpenPGP packet');
  });

  test('rpmkeys --checksig reports the RSA/SHA256 header signature OK with the imported key', () => {
    const root = join(work, 'root');
    mkdirSync(root);
    run('rpm', ['--root', root, '--initdb']);
    run('rpmkeys', ['--root', root, '--import', join(work, 'key.asc')]);
    const r = runStatus('rpmkeys', ['--root', root, '--checksig', '-v', file]);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /Header V4 RSA\/SHA256 Signature, key ID [0-9a-f]+: OK/);
    assert.match(r.stdout, /Header SHA256 digest: OK/);
    assert.match(r.stdout, /Payload SHA256 digest: OK/);
  });

  test('without the key, rpm reports the signature key as missing (so the check above is real)', () => {
    const root = join(work, 'empty-root');
    mkdirSync(root);
    run('rpm', ['--root', root, '--initdb']);
    const r = runStatus('rpmkeys', ['--root', root, '--checksig', '-v', file]);
    assert.match(r.stdout, /Signature, key ID [0-9a-f]+: NOKEY/);
  });

  test('digests still verify natively', async () => {
    assert.deepEqual(await verifyRpmDigests(signed), []);
  });
});
