/**
 * A safety net for issue 5 §3 (the private key never leaves where the user keeps it): scan
 * trees for any distinctive chunk of the key. The needles are the secret parts only — the
 * private exponent and primes as raw bytes and hex, the key's DER, and the base64 lines of its
 * PEM forms that carry secret bytes. The modulus is left out on purpose: it is public, and sits
 * in every certificate we ship. Compressed streams (gzip, xz, zstd) found inside a file — RPM
 * payloads, a tarball in an SRPM, a .ko.xz — are unpacked and scanned too, a few levels deep; an
 * ISO 9660 image stores files uncompressed, so its raw bytes already hold the RPMs.
 */
import type { KeyObject } from 'node:crypto';
import { lstat, readdir, readFile, realpath } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { execa } from 'execa';
import { UserError } from '../errors.js';
import { loadPrivateKey, isPkcs11Uri } from './private-key.js';

const WINDOW = 24;
const MAX_DEPTH = 3;
const MAX_UNPACKED = 512 * 1024 * 1024;

function windows(bytes: Buffer): Buffer[] {
  if (bytes.length <= WINDOW) return bytes.length >= 16 ? [bytes] : [];
  const mid = Math.floor((bytes.length - WINDOW) / 2);
  return [bytes.subarray(0, WINDOW), bytes.subarray(mid, mid + WINDOW), bytes.subarray(bytes.length - WINDOW)];
}

/** base64 lines of a PEM text whose bytes lie at or past `secretFrom` in the decoded DER. */
function secretPemLines(pem: string, secretFrom: number): string[] {
  const lines = pem.split(/\r?\n/).filter((l) => l && !l.startsWith('-----') && !l.includes(':'));
  const out: string[] = [];
  let offset = 0;
  for (const line of lines) {
    if (offset >= secretFrom && line.length >= 32) out.push(line);
    offset += (line.length / 4) * 3;
  }
  return out;
}

/** The byte strings whose presence anywhere means the key leaked. */
export function keyNeedles(key: KeyObject | undefined, fileBytes?: Buffer): Buffer[] {
  let jwk: Record<string, unknown> = {};
  try {
    // An encrypted key file that cannot be opened has no KeyObject: its file bytes give the needles.
    if (key) jwk = key.export({ format: 'jwk' }) as Record<string, unknown>;
  } catch {
    // DSA and other types have no JWK form; their DER and PEM encodings still give needles.
  }
  // d, p and q for RSA; d for EC and EdDSA keys. The CRT values add nothing a leak would lack.
  const secrets = ['d', 'p', 'q']
    .map((name) => jwk[name])
    .filter((v): v is string => typeof v === 'string')
    .map((v) => Buffer.from(v, 'base64url'));
  const needles: Buffer[] = [];
  for (const secret of secrets) {
    for (const w of windows(secret)) needles.push(w, Buffer.from(w.toString('hex')), Buffer.from(w.toString('hex').toUpperCase()));
  }
  const firstSecret = secrets[0];
  const encodings: { pem: string; der: Buffer }[] = [];
  for (const type of ['pkcs8', 'pkcs1', 'sec1'] as const) {
    if (!key) break;
    try {
      encodings.push({
        pem: key.export({ format: 'pem', type }) as string,
        der: key.export({ format: 'der', type }),
      });
    } catch {
      // not every type fits every key (pkcs1 is RSA only, sec1 EC only)
    }
  }
  if (fileBytes) {
    // The key block only: a kernel-style signing_key.pem also holds the (public) certificate.
    const block = /-----BEGIN ([A-Z0-9 ]*PRIVATE KEY)-----[\s\S]*?-----END \1-----/.exec(fileBytes.toString('latin1'));
    if (block) {
      const body = block[0].split('\n').filter((l) => !l.startsWith('-----') && !l.includes(':')).join('');
      encodings.push({ pem: block[0], der: Buffer.from(body.replace(/\s+/g, ''), 'base64') });
    } else {
      encodings.push({ pem: '', der: fileBytes });
    }
  }
  for (const { pem, der } of encodings) {
    // An encrypted key file has no plain secret bytes; its ciphertext (past the common
    // algorithm header) is just as distinctive.
    const found = firstSecret ? der.indexOf(firstSecret.subarray(0, 8)) : -1;
    const secretFrom = found >= 0 ? found : Math.min(64, Math.floor(der.length / 2));
    const lines = secretPemLines(pem, secretFrom);
    for (const line of windows4(lines)) needles.push(Buffer.from(line));
    for (const w of windows(der.subarray(secretFrom))) needles.push(w);
  }
  // The same chunk reached through several encodings is scanned for once.
  const unique = new Map(needles.map((n) => [n.toString('hex'), n]));
  return [...unique.values()];
}

/** First, two middle and last entries: a copied key holds them all, and fewer needles scan faster. */
function windows4<T>(items: T[]): T[] {
  if (items.length <= 4) return items;
  const third = Math.floor(items.length / 3);
  return [items[0], items[third], items[2 * third], items[items.length - 1]];
}

export function containsAny(haystack: Buffer, needles: Buffer[]): boolean {
  return needles.some((n) => haystack.includes(n));
}

const GZIP = Buffer.from([0x1f, 0x8b, 0x08]);
const XZ = Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]);
const ZSTD = Buffer.from([0x28, 0xb5, 0x2f, 0xfd]);

async function unpack(bytes: Buffer, at: number, kind: 'gzip' | 'xz' | 'zstd'): Promise<Buffer | undefined> {
  const stream = bytes.subarray(at);
  try {
    if (kind === 'gzip') return gunzipSync(stream, { maxOutputLength: MAX_UNPACKED });
  } catch {
    return undefined;
  }
  const args = kind === 'xz' ? ['-dc', '--single-stream'] : ['-dc'];
  const run = await execa(kind, args, { input: stream, encoding: 'buffer', stripFinalNewline: false, reject: false, maxBuffer: MAX_UNPACKED });
  // A scan that silently skips what it cannot open would report "no leak" for the wrong reason.
  if (run.code === 'ENOENT') throw new UserError(`${kind} is not installed, so ${kind}-compressed data cannot be checked for the signing key`, `Install ${kind}.`);
  const out = Buffer.from(run.stdout ?? []);
  return out.length > 0 ? out : undefined;
}

/** Does `bytes`, or any compressed stream inside it (recursively), contain a needle? */
async function leaks(bytes: Buffer, needles: Buffer[], depth = 0): Promise<boolean> {
  if (containsAny(bytes, needles)) return true;
  if (depth >= MAX_DEPTH) return false;
  for (const [magic, kind] of [[GZIP, 'gzip'], [XZ, 'xz'], [ZSTD, 'zstd']] as const) {
    for (let at = bytes.indexOf(magic); at >= 0; at = bytes.indexOf(magic, at + 1)) {
      const inner = await unpack(bytes, at, kind);
      if (inner && (await leaks(inner, needles, depth + 1))) return true;
    }
  }
  return false;
}

async function* regularFiles(root: string): AsyncGenerator<string> {
  let st;
  try {
    st = await lstat(root);
  } catch {
    return;
  }
  if (st.isFile()) {
    yield root;
  } else if (st.isDirectory()) {
    for (const name of (await readdir(root)).sort()) yield* regularFiles(join(root, name));
  }
}

/**
 * Every file under `roots` (symlinks are not followed; the key file itself is skipped) that
 * contains a distinctive chunk of the private key `key`. An empty list means no leak found.
 * A pkcs11: key never exists as bytes here, so nothing can leak: [].
 */
export async function assertNoKeyLeak(opts: { key: string; roots: string[] }): Promise<string[]> {
  if (isPkcs11Uri(opts.key)) return [];
  const loaded = await loadPrivateKey(opts.key);
  const needles = keyNeedles(loaded.key, loaded.bytes);
  const keyReal = await realpath(opts.key);
  const offending: string[] = [];
  for (const root of opts.roots) {
    for await (const file of regularFiles(root)) {
      if ((await realpath(file)) === keyReal || offending.includes(file)) continue;
      if (await leaks(await readFile(file), needles)) offending.push(file);
    }
  }
  return offending;
}
