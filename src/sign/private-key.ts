/**
 * Reading the user's private key, in memory only: it is never copied to another file (issue 5:
 * the key stays where the user keeps it). Error messages name the file, never its contents.
 */
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { UserError } from '../errors.js';
import { looksLikePem, readInputFile } from './input-file.js';

export function isPkcs11Uri(key: string): boolean {
  return key.startsWith('pkcs11:');
}

export interface LoadedPrivateKey {
  key: KeyObject;
  format: 'pem' | 'der';
  /** The file's permission bits (e.g. 0o600). */
  mode: number;
  /** The raw file bytes (callers must not write them anywhere). */
  bytes: Buffer;
}

/**
 * sign-file reads its passphrase from KBUILD_SIGN_PIN; using the same variable means a key that
 * signs with sign-file also opens here.
 */
function passphrase(): string | undefined {
  return process.env.KBUILD_SIGN_PIN;
}

function tryCreate(bytes: Buffer, pem: boolean): KeyObject {
  if (pem) return createPrivateKey({ key: bytes, format: 'pem', passphrase: passphrase() });
  let firstError: unknown;
  for (const type of ['pkcs8', 'pkcs1', 'sec1'] as const) {
    try {
      return createPrivateKey({ key: bytes, format: 'der', type, passphrase: passphrase() });
    } catch (err) {
      firstError ??= err;
    }
  }
  throw firstError;
}

export async function loadPrivateKey(path: string): Promise<LoadedPrivateKey> {
  const { bytes, stats } = await readInputFile(path, 'signing key');
  const format = looksLikePem(bytes) ? 'pem' : 'der';
  const head = bytes.subarray(0, 64 * 1024).toString('latin1');
  const encrypted = head.includes('-----BEGIN ENCRYPTED PRIVATE KEY-----') || head.includes('Proc-Type: 4,ENCRYPTED');
  try {
    return { key: tryCreate(bytes, format === 'pem'), format, mode: stats.mode & 0o777, bytes };
  } catch {
    if (encrypted) {
      throw new UserError(
        `signing key ${path} is encrypted and could not be opened${passphrase() === undefined ? '' : ' with the passphrase in KBUILD_SIGN_PIN'}`,
        'Set KBUILD_SIGN_PIN to its passphrase (the kernel\'s sign-file reads the same variable), or use an unencrypted key.',
      );
    }
    const text = bytes.subarray(0, 4096).toString('latin1');
    const isCert = text.includes('-----BEGIN CERTIFICATE-----');
    throw new UserError(
      `signing key ${path} is not a private key (PEM or DER)`,
      isCert
        ? 'It holds a certificate: were the key and the certificate swapped? Pass the key with --sign-key and the certificate with --sign-cert.'
        : 'Name the private key the certificate was made from (openssl pkey -in FILE -noout must read it), or generate a new pair with --sign-generate DIR.',
    );
  }
}

/** The key as PKCS#8 PEM text, for tools (sign-file) that read PEM only. Memory only. */
export function privateKeyPem(key: KeyObject): string {
  return key.export({ format: 'pem', type: 'pkcs8' }) as string;
}
