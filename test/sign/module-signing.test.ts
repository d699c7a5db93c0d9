/**
 * Real modules, built once per kernel tree here with the real Kbuild, signed with each kernel's
 * own scripts/sign-file, and checked with modinfo and openssl.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, readdirSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import {
  assertNoKeyLeak,
  certificateInfo,
  generateSigningKey,
  readModuleSignature,
  signModule,
  verifyModuleSignature,
  MODULE_SIG_MAGIC,
  type CertificateInfo,
  type GeneratedSigningKey,
} from '../../src/sign/index.js';
import { UserError } from '../../src/errors.js';
import { buildHelloModule, removeDir, signingKernels, tempDir } from './helpers.js';

interface Built {
  release: string;
  signFile: string;
  hashAlgo: string;
  unsigned: string;
  signedA: string;
  signedB: string;
}

async function modinfo(field: string, module: string): Promise<string> {
  return (await execa('modinfo', ['-F', field, module])).stdout.trim();
}

async function opensslCmsVerify(content: string, sig: string, cert: string): Promise<boolean> {
  const run = await execa('openssl', ['cms', '-verify', '-binary', '-inform', 'DER', '-in', sig, '-content', content, '-certfile', cert, '-noverify', '-out', '/dev/null'], { reject: false });
  return !run.failed;
}

function countMagic(buf: Buffer): number {
  let n = 0;
  for (let at = buf.indexOf(MODULE_SIG_MAGIC); at >= 0; at = buf.indexOf(MODULE_SIG_MAGIC, at + 1)) n++;
  return n;
}

describe('module signing with each kernel\'s scripts/sign-file', () => {
  let dir: string;
  let a: GeneratedSigningKey;
  let b: GeneratedSigningKey;
  let certA: CertificateInfo;
  const built: Built[] = [];

  before(async () => {
    dir = tempDir('modules');
    [a, b] = await Promise.all([
      generateSigningKey({ dir: join(dir, 'keys-a'), subject: { commonName: 'dudforge test signer A', organization: 'Acme' } }),
      generateSigningKey({ dir: join(dir, 'keys-b'), subject: { commonName: 'dudforge test signer B' } }),
    ]);
    certA = await certificateInfo(a.certPem);
    const kernels = signingKernels();
    assert.ok(kernels.length > 0, 'no kernel build tree with scripts/sign-file found under /lib/modules/*/build');
    for (const tree of kernels) {
      const ko = await buildHelloModule(tree, join(dir, 'build', tree.release));
      const out = join(dir, 'out', tree.release);
      mkdirSync(out, { recursive: true });
      const unsigned = join(out, 'dudsign.unsigned.ko');
      copyFileSync(ko, unsigned);
      const hashAlgo = tree.sigHashAlgo ?? 'sha256';
      const signedA = join(out, 'dudsign.ko');
      const signedB = join(out, 'dudsign-b.ko');
      await signModule({ signFile: tree.signFile, hashAlgo, key: a.key, cert: a.certPem, module: ko, dest: signedA, kernelRelease: tree.release });
      await signModule({ signFile: tree.signFile, hashAlgo, key: b.key, cert: b.certDer, module: ko, dest: signedB, kernelRelease: tree.release });
      built.push({ release: tree.release, signFile: tree.signFile, hashAlgo, unsigned, signedA, signedB });
    }
  });
  after(() => removeDir(dir));

  test('the appended signature parses and agrees with modinfo and the certificate', async () => {
    for (const m of built) {
      const bytes = readFileSync(m.signedA);
      const sig = readModuleSignature(bytes, m.signedA);
      assert.ok(sig, `${m.release}: signature found`);
      assert.equal(sig.signer, await modinfo('signer', m.signedA), m.release);
      assert.equal(sig.keySerial, await modinfo('sig_key', m.signedA), m.release);
      assert.equal(sig.hashAlgo, await modinfo('sig_hashalgo', m.signedA), m.release);
      assert.equal(sig.signer, 'dudforge test signer A');
      assert.equal(sig.signer, certA.issuerCommonName);
      assert.equal(sig.keySerial, certA.serialHex);
      assert.equal(sig.hashAlgo, m.hashAlgo);
      assert.equal(sig.issuer, 'CN=dudforge test signer A, O=Acme');
      // The signed bytes are exactly the unsigned module.
      const unsigned = readFileSync(m.unsigned);
      assert.equal(sig.contentLength, unsigned.length);
      assert.ok(bytes.subarray(0, sig.contentLength).equals(unsigned));
      // The B signature names B, not A.
      const sigB = readModuleSignature(readFileSync(m.signedB));
      assert.equal(sigB?.signer, 'dudforge test signer B');
      assert.notEqual(sigB?.keySerial, sig.keySerial);
      assert.equal(sigB?.keySerial, await modinfo('sig_key', m.signedB));
    }
  });

  test('an unsigned module has no signature', async () => {
    for (const m of built) {
      assert.equal(readModuleSignature(readFileSync(m.unsigned)), undefined);
      assert.equal(await modinfo('signer', m.unsigned), '');
      const v = await verifyModuleSignature({ module: m.unsigned, cert: a.certPem });
      assert.equal(v.ok, false);
      assert.match(v.message, /not signed/);
    }
  });

  test('openssl cms -verify accepts the signature with the certificate, and rejects another key\'s', async () => {
    for (const m of built) {
      const bytes = readFileSync(m.signedA);
      const sig = readModuleSignature(bytes)!;
      const content = join(dir, `${m.release}.content`);
      const p7 = join(dir, `${m.release}.p7s`);
      writeFileSync(content, bytes.subarray(0, sig.contentLength));
      writeFileSync(p7, sig.cms);
      assert.equal(await opensslCmsVerify(content, p7, a.certPem), true, `${m.release}: openssl verifies A with cert A`);
      assert.equal(await opensslCmsVerify(content, p7, b.certPem), false, `${m.release}: not with cert B`);
      assert.equal((await verifyModuleSignature({ module: m.signedA, cert: a.certDer })).ok, true);
      const other = await verifyModuleSignature({ module: m.signedB, cert: a.certPem });
      assert.equal(other.ok, false, `${m.release}: a module signed with key B fails against cert A`);
      assert.match(other.message, /dudforge test signer B/);
      // One flipped byte in the module body breaks the signature.
      const tampered = Buffer.from(bytes);
      tampered[64] ^= 0xff;
      const t = await verifyModuleSignature({ module: tampered, cert: a.certPem });
      assert.equal(t.ok, false, `${m.release}: tampered module fails`);
    }
  });

  test('a compressed signed module (.ko.xz) verifies after decompression', async () => {
    const m = built[0];
    const xz = join(dir, 'dudsign.ko.xz');
    writeFileSync(xz, (await execa('xz', ['-c', '--check=crc32', m.signedA], { encoding: 'buffer', stripFinalNewline: false })).stdout);
    assert.equal((await verifyModuleSignature({ module: xz, cert: a.certPem })).ok, true);
    assert.throws(() => readModuleSignature(readFileSync(xz)), UserError);
  });

  test('re-signing replaces the signature instead of stacking a second one', async () => {
    const m = built[0];
    const copy = join(dir, 'resign.ko');
    copyFileSync(m.signedB, copy);
    await signModule({ signFile: m.signFile, hashAlgo: m.hashAlgo, key: a.key, cert: a.certPem, module: copy });
    const bytes = readFileSync(copy);
    assert.equal(countMagic(bytes), 1);
    assert.ok(bytes.equals(readFileSync(m.signedA)), 'same bytes as signing the unsigned module with A');
    assert.equal(await modinfo('signer', copy), 'dudforge test signer A');
  });

  test('a DER key works (sign-file reads PEM only; the key goes through a pipe, not a file)', async () => {
    const m = built[0];
    mkdirSync(join(dir, 'keys-der'));
    const der = join(dir, 'keys-der', 'key.der');
    await execa('openssl', ['pkcs8', '-topk8', '-nocrypt', '-in', a.key, '-outform', 'DER', '-out', der]);
    chmodSync(der, 0o600);
    const dest = join(dir, 'der-signed.ko');
    await signModule({ signFile: m.signFile, hashAlgo: m.hashAlgo, key: der, cert: a.certDer, module: m.unsigned, dest });
    // RSA PKCS#1 v1.5 signatures are deterministic: the same key gives the same bytes.
    assert.ok(readFileSync(dest).equals(readFileSync(m.signedA)));
  });

  test('errors name the module and the kernel, and nothing is signed', async () => {
    const m = built[0];
    const work = join(dir, 'errors');
    mkdirSync(work);
    const module = join(work, 'dudsign.ko');
    copyFileSync(m.unsigned, module);
    const before = readFileSync(module);
    const check = async (opts: Parameters<typeof signModule>[0], pattern: RegExp) => {
      await assert.rejects(signModule(opts), (err: unknown) => err instanceof UserError && pattern.test(err.message) && !!err.hint);
      assert.ok(readFileSync(module).equals(before), 'module unchanged');
      assert.deepEqual(readdirSync(work), ['dudsign.ko'], 'no output or temporary files');
    };
    const base = { signFile: m.signFile, hashAlgo: m.hashAlgo, key: a.key, cert: a.certPem, module, kernelRelease: m.release };
    await check({ ...base, cert: b.certPem }, /does not match/);
    await check({ ...base, key: join(work, 'missing.pem') }, /does not exist/);
    await check({ ...base, cert: a.key }, /not an X\.509 certificate/);
    await check({ ...base, signFile: join(work, 'no-sign-file') }, new RegExp(`${module.replace(/[.+]/g, '\\$&')}.*${m.release.replace(/[.+]/g, '\\$&')}`));
    await check({ ...base, dest: join(work, 'out.ko'), hashAlgo: 'nosuchhash' }, new RegExp(`sign-file could not sign module .*${m.release.replace(/[.+]/g, '\\$&')}`));
    // A pkcs11: URI goes to sign-file untouched; without a PKCS#11 engine/provider here, sign-file
    // itself fails trying to load it, and the error says so.
    await assert.rejects(
      signModule({ ...base, key: 'pkcs11:token=dudforge;object=signing' }),
      (err: unknown) => err instanceof UserError && /sign-file could not sign/.test(err.message) && /pkcs11/i.test(err.message) && /pkcs11/.test(err.hint ?? ''),
    );
    assert.deepEqual(readdirSync(work), ['dudsign.ko']);
  });

  test('no byte of the private key in the build and output trees; a planted copy is found', async () => {
    const roots = [join(dir, 'build'), join(dir, 'out'), join(dir, 'keys-a')];
    assert.deepEqual(await assertNoKeyLeak({ key: a.key, roots }), [], 'only the key file itself holds the key');
    // The same with plain grep, independent of our scanner: no line of the key's PEM body
    // appears anywhere but in the key file.
    const patterns = join(dir, 'key-lines.txt');
    writeFileSync(patterns, readFileSync(a.key, 'utf8').split('\n').filter((l) => l.length === 64).join('\n') + '\n');
    const grep = await execa('grep', ['-rlF', '-f', patterns, ...roots], { reject: false });
    assert.deepEqual(grep.stdout.split('\n').filter(Boolean), [a.key]);
    // The scan can fail: a copy of the key in the build tree is reported.
    const planted = join(dir, 'build', built[0].release, 'oops.pem');
    copyFileSync(a.key, planted);
    assert.deepEqual(await assertNoKeyLeak({ key: a.key, roots }), [planted]);
    const grepAgain = await execa('grep', ['-rlF', '-f', patterns, ...roots], { reject: false });
    assert.deepEqual(grepAgain.stdout.split('\n').filter(Boolean).sort(), [a.key, planted].sort());
    // …and so is the DER form of the same key (made by the DER-key test above).
    assert.deepEqual(await assertNoKeyLeak({ key: a.key, roots: [join(dir, 'keys-der')] }), [join(dir, 'keys-der', 'key.der')]);
    // Key B's files do not hold key A.
    assert.deepEqual(await assertNoKeyLeak({ key: a.key, roots: [join(dir, 'keys-b')] }), []);
  });
});
