/**
 * Telling a private key file apart from everything else in a tree, by content (names lie: a
 * kernel's signing_key.pem, a key.der, an id_rsa). A file "is" a private key when it holds a
 * private key and nothing but keys, certificates and openssl's attribute lines — so a C file
 * that quotes a key block for a self-test stays a source file (the artifact scan still finds
 * the key's bytes if they are the signing key's).
 */
import { createPrivateKey, type KeyObject } from 'node:crypto';

/** Files larger than this are never key files (a 16384-bit RSA PEM is about 13 KiB). */
const MAX_KEY_FILE = 256 * 1024;

const PRIVATE_PEM = /-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----/;
const ANY_PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g;
/** What `openssl pkcs12 -nodes` writes around its blocks: "Bag Attributes", "    localKeyID: …". */
const ATTRIBUTE_LINE = /^[ \t]*(Bag Attributes|Key Attributes|<No Attributes>|[A-Za-z][\w .-]*:.*)?[ \t]*$/;

/** OID 1.2.840.113549.1.5.13 (PBES2): the head of an encrypted PKCS#8 key in DER. */
const PBES2_OID = Buffer.from('06092a864886f70d01050d', 'hex');

export interface PrivateKeyFile {
  /** The key, when it opens without a passphrase (an encrypted key has only its file bytes). */
  key?: KeyObject;
  format: 'pem' | 'der';
}

/** Length of a DER SEQUENCE at the start of bytes, header included; undefined when it is none. */
function derSequenceLength(bytes: Buffer): number | undefined {
  if (bytes.length < 2 || bytes[0] !== 0x30) return undefined;
  const first = bytes[1];
  if (first < 0x80) return 2 + first;
  const n = first & 0x7f;
  if (n === 0 || n > 3 || bytes.length < 2 + n) return undefined;
  let len = 0;
  for (let i = 0; i < n; i++) len = len * 256 + bytes[2 + i];
  return 2 + n + len;
}

function openKey(bytes: Buffer, format: 'pem' | 'der'): KeyObject | undefined {
  const types = format === 'pem' ? ([undefined] as const) : (['pkcs8', 'pkcs1', 'sec1'] as const);
  for (const type of types) {
    try {
      return createPrivateKey(type ? { key: bytes, format, type } : { key: bytes, format });
    } catch {
      // encrypted, another encoding, or not a key
    }
  }
  return undefined;
}

/** The file's private key when the file is a private key file (PEM or DER), else undefined. */
export function privateKeyFile(bytes: Buffer): PrivateKeyFile | undefined {
  if (bytes.length === 0 || bytes.length > MAX_KEY_FILE) return undefined;
  const text = bytes.toString('latin1');
  if (PRIVATE_PEM.test(text)) {
    const rest = text.replace(ANY_PEM_BLOCK, '').split(/\r?\n/);
    if (!rest.every((line) => ATTRIBUTE_LINE.test(line))) return undefined;
    return { key: openKey(bytes, 'pem'), format: 'pem' };
  }
  if (derSequenceLength(bytes) !== bytes.length) return undefined;
  const key = openKey(bytes, 'der');
  if (key) return { key, format: 'der' };
  // An encrypted PKCS#8 key: SEQUENCE { SEQUENCE { PBES2 … }, OCTET STRING } with nothing after.
  return bytes.subarray(0, 32).includes(PBES2_OID) ? { format: 'der' } : undefined;
}
