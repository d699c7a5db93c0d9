/**
 * The DER reader and the PKCS#7 signer reader against structures openssl makes from text, and
 * against openssl asn1parse's own walk of the same bytes.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { children, decodeOid, decodeString, integerMagnitude, readNode, DerError, type DerNode } from '../../src/sign/der.js';
import { readSignedData } from '../../src/sign/pkcs7.js';
import { readModuleSignature, MODULE_SIG_MAGIC } from '../../src/sign/module-signature.js';
import { certificateInfo, generateSigningKey, type GeneratedSigningKey } from '../../src/sign/index.js';
import { colonHex } from '../../src/sign/der.js';
import { UserError } from '../../src/errors.js';
import { removeDir, tempDir } from './helpers.js';

/** Every value as openssl asn1parse lists it: offset, depth, header length, length, constructed. */
function walk(buf: Buffer, node: DerNode = readNode(buf), depth = 0, out: string[] = []): string[] {
  out.push(`${node.offset} d=${depth} hl=${node.contentOffset - node.offset} l=${node.content.length} ${node.constructed ? 'cons' : 'prim'}`);
  if (node.constructed) for (const child of children(node)) walk(buf, child, depth + 1, out);
  return out;
}

async function asn1parse(file: string): Promise<string[]> {
  const { stdout } = await execa('openssl', ['asn1parse', '-inform', 'DER', '-in', file]);
  return stdout.split('\n').map((line) => {
    const m = /^\s*(\d+):d=(\d+)\s+hl=(\d+)\s+l=\s*(\d+)\s+(cons|prim)/.exec(line);
    assert.ok(m, `unexpected asn1parse line: ${line}`);
    return `${m[1]} d=${m[2]} hl=${m[3]} l=${m[4]} ${m[5]}`;
  });
}

let genCount = 0;
/** DER bytes that openssl itself encodes from a -genstr description. */
async function genstr(dir: string, spec: string): Promise<Buffer> {
  const out = join(dir, `gen-${genCount++}.der`);
  await execa('openssl', ['asn1parse', '-genstr', spec, '-noout', '-out', out]);
  return readFileSync(out);
}

describe('DER reader', () => {
  let dir: string;
  let pair: GeneratedSigningKey;
  let content: string;
  const cms = async (name: string, extra: string[]): Promise<Buffer> => {
    const out = join(dir, name);
    await execa('openssl', ['cms', '-sign', '-binary', '-outform', 'DER', '-in', content, '-signer', pair.certPem, '-inkey', pair.key, '-out', out, ...extra]);
    return readFileSync(out);
  };

  before(async () => {
    dir = tempDir('der');
    pair = await generateSigningKey({ dir: join(dir, 'keys'), subject: { commonName: 'DER Reader Test', organization: 'Example' } });
    content = join(dir, 'content.bin');
    writeFileSync(content, 'some module bytes\n');
  });
  after(() => removeDir(dir));

  test('walks a certificate and a CMS blob exactly as openssl asn1parse does', async () => {
    const sig = join(dir, 'walk.p7s');
    writeFileSync(sig, await cms('walk.p7s', ['-noattr', '-nocerts', '-md', 'sha256']));
    for (const file of [pair.certDer, sig]) {
      assert.deepEqual(walk(readFileSync(file)), await asn1parse(file), file);
    }
  });

  test('decodes OIDs, INTEGER magnitudes and strings that openssl encoded', async () => {
    assert.equal(decodeOid(readNode(await genstr(dir, 'OID:2.999.1234567'))), '2.999.1234567');
    assert.equal(decodeOid(readNode(await genstr(dir, 'OID:sha256'))), '2.16.840.1.101.3.4.2.1');
    assert.equal(decodeOid(readNode(await genstr(dir, 'OID:1.2.840.113549.1.9.1'))), '1.2.840.113549.1.9.1');
    // 0x80 needs a sign-padding zero in DER; the magnitude (what modinfo prints) drops it.
    assert.equal(colonHex(integerMagnitude(readNode(await genstr(dir, 'INTEGER:0x80')))), '80');
    assert.equal(colonHex(integerMagnitude(readNode(await genstr(dir, 'INTEGER:0x0102FF')))), '01:02:FF');
    assert.equal(decodeString(readNode(await genstr(dir, 'FORMAT:UTF8,BMPSTRING:héllo'))), 'héllo');
    assert.equal(decodeString(readNode(await genstr(dir, 'FORMAT:UTF8,UTF8String:grüß'))), 'grüß');
  });

  test('reads the signer of sign-file-style blobs: issuer + serial, or subject key id; the digest', async () => {
    const info = await certificateInfo(pair.certPem);
    for (const md of ['sha256', 'sha384', 'sha512']) {
      const signer = readSignedData(await cms(`${md}.p7s`, ['-noattr', '-nocerts', '-md', md]));
      assert.equal(signer.hashAlgo, md);
      assert.equal(colonHex(signer.serial!), info.serialHex);
      assert.deepEqual(signer.issuer?.map((a) => `${a.short}=${a.value}`), ['CN=DER Reader Test', 'O=Example']);
      assert.equal(signer.hasContent, false);
    }
    // sign-file -k names the signer by subjectKeyIdentifier instead.
    const byKeyId = readSignedData(await cms('keyid.p7s', ['-noattr', '-nocerts', '-keyid']));
    const ski = (await execa('openssl', ['x509', '-in', pair.certPem, '-noout', '-ext', 'subjectKeyIdentifier'])).stdout.split('\n')[1].trim();
    assert.equal(colonHex(byKeyId.subjectKeyId!), ski);
  });

  test('reads BER with indefinite lengths (openssl cms -stream), content attached', async () => {
    const ber = await cms('stream.p7s', ['-stream']);
    assert.equal(ber[1], 0x80, 'indefinite length at the top');
    const signer = readSignedData(ber);
    assert.equal(signer.hashAlgo, 'sha256');
    assert.equal(signer.hasContent, true);
    assert.equal(signer.issuer?.[0].value, 'DER Reader Test');
  });

  test('truncated or malformed input is a DerError, never a crash or a wrong answer', async () => {
    const blob = await cms('trunc.p7s', ['-noattr', '-nocerts']);
    for (const cut of [1, 10, blob.length - 1]) assert.throws(() => readSignedData(blob.subarray(0, cut)), DerError);
    assert.throws(() => readSignedData(readFileSync(pair.certDer)), DerError, 'a certificate is not SignedData');
  });

  test('readModuleSignature: unsigned, malformed and non-PKCS#7 trailers', async () => {
    const body = Buffer.from('\x7fELF not really a module but bytes');
    assert.equal(readModuleSignature(body), undefined);
    const blob = await cms('mod.p7s', ['-noattr', '-nocerts']);
    const struct = (idType: number, sigLen: number) => {
      const s = Buffer.alloc(12);
      s[2] = idType;
      s.writeUInt32BE(sigLen, 8);
      return s;
    };
    const good = readModuleSignature(Buffer.concat([body, blob, struct(2, blob.length), MODULE_SIG_MAGIC]));
    assert.equal(good?.contentLength, body.length);
    assert.equal(good?.signer, 'DER Reader Test');
    assert.throws(() => readModuleSignature(Buffer.concat([body, blob, struct(1, blob.length), MODULE_SIG_MAGIC]), 'x.ko'), (e: unknown) => e instanceof UserError && /x\.ko.*id_type 1/.test(e.message));
    assert.throws(() => readModuleSignature(Buffer.concat([body, struct(2, 10_000), MODULE_SIG_MAGIC]), 'y.ko'), (e: unknown) => e instanceof UserError && /y\.ko.*sig_len/.test(e.message));
    const garbage = Buffer.alloc(blob.length, 0x30);
    assert.throws(() => readModuleSignature(Buffer.concat([body, garbage, struct(2, garbage.length), MODULE_SIG_MAGIC]), 'z.ko'), UserError);
  });
});
