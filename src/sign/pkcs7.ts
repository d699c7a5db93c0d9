/**
 * The parts of a PKCS#7 / CMS SignedData (RFC 5652) that tell who signed a module and how:
 * the first SignerInfo's issuer + serial number (or subject key identifier) and digest algorithm.
 * The kernel's sign-file writes one signer, no certificates and no signed attributes.
 */
import {
  children,
  decodeOid,
  DerError,
  expectUniversal,
  integerMagnitude,
  isContext,
  isUniversal,
  readNode,
  UNIVERSAL,
  type DerNode,
} from './der.js';
import { readName, type NameAttribute } from './x501-name.js';

const OID_SIGNED_DATA = '1.2.840.113549.1.7.2';

/** Digest algorithm OIDs to the names kmod's modinfo prints as sig_hashalgo. */
const DIGEST_NAMES: Record<string, string> = {
  '1.2.840.113549.2.4': 'md4',
  '1.2.840.113549.2.5': 'md5',
  '1.3.14.3.2.26': 'sha1',
  '1.3.36.3.2.1': 'rmd160',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
  '2.16.840.1.101.3.4.2.4': 'sha224',
  '2.16.840.1.101.3.4.2.8': 'sha3-256',
  '2.16.840.1.101.3.4.2.9': 'sha3-384',
  '2.16.840.1.101.3.4.2.10': 'sha3-512',
  '1.2.156.10197.1.401': 'sm3',
};

export interface SignerIdentity {
  /** Issuer name of the signer's certificate (when the signer is named by issuer + serial). */
  issuer?: NameAttribute[];
  /** The certificate serial number's magnitude bytes. */
  serial?: Buffer;
  /** The signer's subjectKeyIdentifier (sign-file -k). */
  subjectKeyId?: Buffer;
  /** Digest name (sha256, …) or the dotted OID when unknown. */
  hashAlgo: string;
  /** The content is inside the blob (not detached, as it is for modules). */
  hasContent: boolean;
}

export function digestName(oid: string): string {
  return DIGEST_NAMES[oid] ?? oid;
}

/** Read the first signer of a DER (or BER) ContentInfo holding SignedData. Throws DerError. */
export function readSignedData(der: Buffer): SignerIdentity {
  const contentInfo = expectUniversal(readNode(der), UNIVERSAL.SEQUENCE, 'ContentInfo');
  const [contentType, explicit] = children(contentInfo);
  const oid = decodeOid(expectUniversal(contentType, UNIVERSAL.OID, 'contentType'));
  if (oid !== OID_SIGNED_DATA) throw new DerError(`content type ${oid} is not signedData`, contentType.offset);
  if (!explicit || !isContext(explicit, 0)) throw new DerError('missing [0] content of ContentInfo', contentInfo.offset);
  const [signedData] = children(explicit);
  const fields = children(expectUniversal(signedData, UNIVERSAL.SEQUENCE, 'SignedData'));
  // version, digestAlgorithms, encapContentInfo, [0] certificates, [1] crls, signerInfos
  const encap = children(expectUniversal(fields[2], UNIVERSAL.SEQUENCE, 'encapContentInfo'));
  const signerInfos = fields[fields.length - 1];
  expectUniversal(signerInfos, UNIVERSAL.SET, 'signerInfos');
  const [first] = children(signerInfos);
  const info = children(expectUniversal(first, UNIVERSAL.SEQUENCE, 'SignerInfo'));
  // SignerInfo: version, sid, digestAlgorithm, [0] signedAttrs, signatureAlgorithm, signature, …
  const sid = info[1];
  if (!sid) throw new DerError('SignerInfo without signer identifier', first.offset);
  const result: SignerIdentity = { hashAlgo: readDigestAlgorithm(info[2]), hasContent: encap.length > 1 };
  if (isUniversal(sid, UNIVERSAL.SEQUENCE)) {
    const [issuer, serial] = children(sid);
    result.issuer = readName(issuer);
    result.serial = integerMagnitude(expectUniversal(serial, UNIVERSAL.INTEGER, 'serialNumber'));
  } else if (isContext(sid, 0)) {
    result.subjectKeyId = Buffer.from(sid.content);
  } else {
    throw new DerError('unknown signer identifier form', sid.offset);
  }
  return result;
}

function readDigestAlgorithm(node: DerNode | undefined): string {
  const [algorithm] = children(expectUniversal(node, UNIVERSAL.SEQUENCE, 'digestAlgorithm'));
  return digestName(decodeOid(expectUniversal(algorithm, UNIVERSAL.OID, 'digest algorithm')));
}
