/**
 * assertNoKeyLeak finds the private key in the forms a leak would take (copies, other
 * encodings, inside compressed archives, RPM payloads and an ISO) and does not flag the public
 * half (certificate, public key, modulus) that we do ship.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { createPrivateKey } from 'node:crypto';
import { execa } from 'execa';
import { assertNoKeyLeak, generateSigningKey, type GeneratedSigningKey } from '../../src/sign/index.js';
import { buildRpm, type RpmPackageSpec } from '../../src/rpm/index.js';
import { removeDir, tempDir } from './helpers.js';

function spec(name: string, data: Buffer, compression: 'gzip' | 'xz'): RpmPackageSpec {
  return {
    name, version: '1', release: '1', summary: 's', description: 'd', license: 'GPL-2.0-only',
    buildHost: 'dudforge.localdomain', buildTime: 1700000000, arch: 'x86_64', provides: [], requires: [],
    files: [{ path: `/etc/${name}.bin`, type: 'file', mode: 0o644, data }], compression,
  };
}

describe('assertNoKeyLeak', () => {
  let dir: string;
  let pair: GeneratedSigningKey;
  const scan = (...roots: string[]) => assertNoKeyLeak({ key: pair.key, roots });

  before(async () => {
    dir = tempDir('leak');
    [pair] = await Promise.all([
      generateSigningKey({ dir: join(dir, 'keys'), subject: { commonName: 'leak test' } }),
      generateSigningKey({ dir: join(dir, 'other'), subject: { commonName: 'other key' } }),
    ]);
  });
  after(() => removeDir(dir));

  test('the public half is not a leak: certificates, public key, modulus, another key', async () => {
    const pub = join(dir, 'public');
    mkdirSync(pub);
    copyFileSync(pair.certPem, join(pub, 'cert.pem'));
    copyFileSync(pair.certDer, join(pub, 'cert.der'));
    await execa('openssl', ['pkey', '-in', pair.key, '-pubout', '-out', join(pub, 'pub.pem')]);
    await execa('openssl', ['pkey', '-in', pair.key, '-pubout', '-outform', 'DER', '-out', join(pub, 'pub.der')]);
    writeFileSync(join(pub, 'modulus.txt'), (await execa('openssl', ['rsa', '-in', pair.key, '-noout', '-modulus'])).stdout);
    writeFileSync(join(pub, 'cert.der.gz'), gzipSync(readFileSync(pair.certDer)));
    assert.deepEqual(await scan(pub, join(dir, 'other')), []);
    // The key directory itself: the key file is where the user keeps it, not a leak.
    assert.deepEqual(await scan(join(dir, 'keys')), []);
  });

  test('copies in other encodings are found', async () => {
    const leaks = join(dir, 'encodings');
    mkdirSync(leaks);
    const files = {
      copy: join(leaks, 'copy.pem'),
      pkcs1: join(leaks, 'pkcs1.pem'),
      der: join(leaks, 'key.der'),
      hex: join(leaks, 'prime.txt'),
      embedded: join(leaks, 'log.txt'),
    };
    copyFileSync(pair.key, files.copy);
    await execa('openssl', ['rsa', '-traditional', '-in', pair.key, '-out', files.pkcs1]);
    await execa('openssl', ['pkcs8', '-topk8', '-nocrypt', '-in', pair.key, '-outform', 'DER', '-out', files.der]);
    // A debug dump of the first prime as plain hex.
    const jwk = createPrivateKey(readFileSync(pair.key)).export({ format: 'jwk' });
    writeFileSync(files.hex, `p = ${Buffer.from(jwk.p!, 'base64url').toString('hex')}\n`);
    writeFileSync(files.embedded, `build log\n${readFileSync(pair.key, 'utf8')}\nmore log\n`);
    assert.deepEqual((await scan(leaks)).sort(), Object.values(files).sort());
  });

  test('inside compressed archives: tar.gz, xz, zstd, and RPM payloads (gzip and xz) inside an ISO', async () => {
    const src = join(dir, 'src');
    mkdirSync(join(src, 'keys'), { recursive: true });
    copyFileSync(pair.key, join(src, 'keys', 'signing_key.pem'));
    writeFileSync(join(src, 'driver.c'), 'int x;\n');
    const out = join(dir, 'archives');
    mkdirSync(out);
    await execa('tar', ['-czf', join(out, 'sources.tar.gz'), '-C', src, '.']);
    writeFileSync(join(out, 'key.xz'), (await execa('xz', ['-c', join(src, 'keys', 'signing_key.pem')], { encoding: 'buffer', stripFinalNewline: false })).stdout);
    writeFileSync(join(out, 'key.zst'), (await execa('zstd', ['-q', '-c', join(src, 'keys', 'signing_key.pem')], { encoding: 'buffer', stripFinalNewline: false })).stdout);
    writeFileSync(join(out, 'driver.c.zst'), (await execa('zstd', ['-q', '-c', join(src, 'driver.c')], { encoding: 'buffer', stripFinalNewline: false })).stdout);
    assert.deepEqual((await scan(out)).sort(), [join(out, 'key.xz'), join(out, 'key.zst'), join(out, 'sources.tar.gz')]);

    const disk = join(dir, 'disk');
    mkdirSync(join(disk, 'rpms'), { recursive: true });
    const keyBytes = readFileSync(pair.key);
    writeFileSync(join(disk, 'rpms', 'leaky-gz.rpm'), await buildRpm(spec('leaky-gz', keyBytes, 'gzip')));
    writeFileSync(join(disk, 'rpms', 'leaky-xz.rpm'), await buildRpm(spec('leaky-xz', keyBytes, 'xz')));
    writeFileSync(join(disk, 'rpms', 'clean.rpm'), await buildRpm(spec('clean', readFileSync(pair.certDer), 'xz')));
    assert.deepEqual((await scan(join(disk, 'rpms'))).sort(), [join(disk, 'rpms', 'leaky-gz.rpm'), join(disk, 'rpms', 'leaky-xz.rpm')]);

    const isoDir = join(dir, 'iso');
    mkdirSync(isoDir);
    const isoOf = async (name: string, rpm: string) => {
      const staged = join(dir, `stage-${name}`);
      mkdirSync(staged);
      copyFileSync(join(disk, 'rpms', rpm), join(staged, rpm));
      await execa('xorriso', ['-as', 'mkisofs', '-quiet', '-V', 'OEMDRV', '-R', '-o', join(isoDir, name), staged]);
    };
    await isoOf('leaky.iso', 'leaky-xz.rpm');
    await isoOf('clean.iso', 'clean.rpm');
    assert.deepEqual(await scan(isoDir), [join(isoDir, 'leaky.iso')]);
  });

  test('a pkcs11: key has no bytes here to leak', async () => {
    assert.deepEqual(await assertNoKeyLeak({ key: 'pkcs11:object=k', roots: [join(dir, 'keys')] }), []);
  });
});
