/**
 * The signature the kernel's sign-file appends to a module (include/linux/module_signature.h):
 *
 *   module bytes | PKCS#7 DER | struct module_signature (12 bytes) | "~Module signature appended~\n"
 *
 * struct module_signature = { u8 algo, hash, id_type, signer_len, key_id_len; u8 pad[3];
 * be32 sig_len }. With id_type 2 (PKCS#7) every field but id_type and sig_len is zero: who signed
 * and with which hash is inside the PKCS#7 blob.
 */
import { UserError } from '../errors.js';
import { colonHex, DerError } from './der.js';
import { readSignedData } from './pkcs7.js';
import { commonName, formatName } from './x501-name.js';

export const MODULE_SIG_MAGIC = Buffer.from('~Module signature appended~\n', 'latin1');
const STRUCT_SIZE = 12;
export const PKEY_ID_PKCS7 = 2;

export interface ModuleSignature {
  /** The issuer CN of the signing certificate, as `modinfo -F signer` prints it. */
  signer: string;
  /** Certificate serial as `modinfo -F sig_key` prints it (AB:CD:…; the key id for -k signers). */
  keySerial: string;
  /** The whole issuer name, one line (`CN=…, O=…`). */
  issuer: string;
  /** Digest algorithm as `modinfo -F sig_hashalgo` prints it (sha256, …). */
  hashAlgo: string;
  /** Length of the signed module bytes (everything before the signature). */
  contentLength: number;
  /** The DER PKCS#7/CMS SignedData blob (detached: the content is the module bytes). */
  cms: Buffer;
}

/** Compression formats a module may be stored in (.ko.gz, .ko.xz, .ko.zst). */
export function moduleCompression(buf: Buffer): 'gzip' | 'xz' | 'zstd' | undefined {
  if (buf.length >= 3 && buf[0] === 0x1f && buf[1] === 0x8b && buf[2] === 0x08) return 'gzip';
  if (buf.length >= 6 && buf.subarray(0, 6).equals(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]))) return 'xz';
  if (buf.length >= 4 && buf.readUInt32LE(0) === 0xfd2fb528) return 'zstd';
  return undefined;
}

/**
 * The appended signature of an (uncompressed) module, or undefined when it is unsigned.
 * A signature that is present but cannot be read is a UserError naming `name`.
 */
export function readModuleSignature(buf: Buffer, name = 'module'): ModuleSignature | undefined {
  const compression = moduleCompression(buf);
  if (compression) {
    throw new UserError(`${name} is ${compression}-compressed`, 'The signature is inside the compressed data; decompress the module first.');
  }
  if (buf.length < MODULE_SIG_MAGIC.length || !buf.subarray(buf.length - MODULE_SIG_MAGIC.length).equals(MODULE_SIG_MAGIC)) {
    return undefined;
  }
  const bad = (why: string): UserError =>
    new UserError(`${name}: the appended module signature is malformed: ${why}`, 'Re-sign the module with the kernel\'s scripts/sign-file.');
  const structEnd = buf.length - MODULE_SIG_MAGIC.length;
  if (structEnd < STRUCT_SIZE) throw bad('too short for struct module_signature');
  const struct = buf.subarray(structEnd - STRUCT_SIZE, structEnd);
  const idType = struct[2];
  const signerLen = struct[3];
  const keyIdLen = struct[4];
  const sigLen = struct.readUInt32BE(8);
  if (idType !== PKEY_ID_PKCS7) throw bad(`id_type ${idType} is not PKCS#7 (2); only PKCS#7 signatures are supported`);
  const sigStart = structEnd - STRUCT_SIZE - sigLen;
  const contentLength = sigStart - signerLen - keyIdLen;
  if (sigLen === 0 || contentLength < 0) throw bad(`sig_len ${sigLen} does not fit in ${buf.length} bytes`);
  const cms = buf.subarray(sigStart, sigStart + sigLen);
  let identity;
  try {
    identity = readSignedData(cms);
  } catch (err) {
    if (err instanceof DerError) throw bad(err.message);
    throw err;
  }
  if (identity.hasContent) throw bad('the PKCS#7 blob carries its own content; module signatures are detached');
  return {
    signer: identity.issuer ? commonName(identity.issuer) ?? '' : '',
    keySerial: colonHex(identity.serial ?? identity.subjectKeyId ?? Buffer.alloc(0)),
    issuer: identity.issuer ? formatName(identity.issuer) : '',
    hashAlgo: identity.hashAlgo,
    contentLength,
    cms,
  };
}
