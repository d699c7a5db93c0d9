/**
 * Offline check of a module signature against a certificate, as docs/installer.md ("Module signing") describes: split the
 * module at the magic, and let `openssl cms -verify` check the PKCS#7 blob over the bytes before
 * it. `-noverify` skips only the certificate chain (a self-signed MOK has none); the signature
 * itself is checked.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { decompressPayload, MAX_PAYLOAD_BYTES } from '../rpm/compress.js';
import { loadCertificate } from './certificate.js';
import { moduleCompression, readModuleSignature } from './module-signature.js';

export interface ModuleVerification {
  ok: boolean;
  /** openssl's verdict, or why the check could not run (unsigned, other signer…). */
  message: string;
}

/** The module's bytes, decompressed when it is a .ko.gz/.ko.xz/.ko.zst. */
export async function readModuleBytes(module: string | Buffer): Promise<Buffer> {
  const raw = typeof module === 'string' ? await readFile(module) : module;
  const compression = moduleCompression(raw);
  if (!compression) return raw;
  // Bounded like an RPM payload: modules are read from disks that may be hostile (verify).
  return decompressPayload(raw, compression, undefined, MAX_PAYLOAD_BYTES);
}

export async function verifyModuleSignature(opts: { module: string | Buffer; cert: string }): Promise<ModuleVerification> {
  const name = typeof opts.module === 'string' ? opts.module : 'module';
  const bytes = await readModuleBytes(opts.module);
  const signature = readModuleSignature(bytes, name);
  if (!signature) return { ok: false, message: `${name} is not signed` };
  const cert = await loadCertificate(opts.cert);
  const dir = await mkdtemp(join(tmpdir(), 'dudforge-verify-'));
  try {
    const content = join(dir, 'content');
    const sig = join(dir, 'sig.p7s');
    const certPem = join(dir, 'cert.pem');
    await writeFile(content, bytes.subarray(0, signature.contentLength));
    await writeFile(sig, signature.cms);
    // -certfile wants PEM on some OpenSSL versions; the certificate may be DER.
    await writeFile(certPem, cert.x509.toString());
    const run = await execa(
      'openssl',
      ['cms', '-verify', '-binary', '-inform', 'DER', '-in', sig, '-content', content, '-certfile', certPem, '-noverify', '-out', '/dev/null'],
      { reject: false, stdin: 'ignore', encoding: 'utf8' },
    );
    const said = (run.stderr || run.stdout || run.message || "").trim().split('\n').slice(0, 3).join('; ');
    if (!run.failed) return { ok: true, message: `${name}: ${said || 'Verification successful'} (signer ${signature.signer}, serial ${signature.keySerial}, ${signature.hashAlgo})` };
    const other =
      signature.keySerial !== cert.info.serialHex
        ? ` — signed by "${signature.signer}" serial ${signature.keySerial}, not by ${opts.cert} (serial ${cert.info.serialHex})`
        : '';
    return { ok: false, message: `${name}: signature does not verify against ${opts.cert}${other}: ${said}` };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
