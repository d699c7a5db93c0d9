/**
 * Reading the X.509 certificate of a module signing key: what the summary shows and what
 * modinfo will print for modules signed with it (signer = issuer CN, sig_key = serial).
 */
import { X509Certificate } from 'node:crypto';
import { UserError } from '../errors.js';
import { children, colonHex, expectUniversal, integerMagnitude, isContext, readNode, UNIVERSAL } from './der.js';
import { looksLikePem, readInputFile } from './input-file.js';
import { commonName, formatName, readName } from './x501-name.js';

const OID_EKU_CODE_SIGNING = '1.3.6.1.5.5.7.3.3';

export interface CertificateInfo {
  /** The file it was read from. */
  path: string;
  format: 'pem' | 'der';
  /** One line, `CN=…, O=…`. */
  subject: string;
  subjectCommonName?: string;
  issuer: string;
  /** What `modinfo -F signer` shows for modules signed with this certificate's key. */
  issuerCommonName?: string;
  /** Serial number as `modinfo -F sig_key` prints it: AB:CD:… */
  serialHex: string;
  /** SHA-256 over the DER certificate, AB:CD:… (as `openssl x509 -fingerprint -sha256`). */
  sha256Fingerprint: string;
  notBefore: Date;
  notAfter: Date;
  /** extendedKeyUsage lists codeSigning (1.3.6.1.5.5.7.3.3). */
  hasCodeSigningEku: boolean;
  /** rsa, ec, ed25519, … */
  keyType: string;
  keyBits?: number;
}

export interface LoadedCertificate {
  info: CertificateInfo;
  x509: X509Certificate;
  /** The certificate in DER: what `mokutil --import` takes and what a kmod may ship. */
  der: Buffer;
}

/** Parse certificate bytes (PEM or DER); a UserError naming `path` when they are not X.509. */
export function parseCertificate(bytes: Buffer, path: string): LoadedCertificate {
  const format = looksLikePem(bytes) ? 'pem' : 'der';
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(bytes);
  } catch {
    const text = bytes.subarray(0, 4096).toString('latin1');
    const swapped = /-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(text) && !text.includes('CERTIFICATE');
    throw new UserError(
      `certificate ${path} is not an X.509 certificate (PEM or DER)`,
      swapped
        ? 'It holds a private key: were the key and the certificate swapped? Pass the key with --sign-key and the certificate with --sign-cert.'
        : 'Name the X.509 certificate of the signing key (openssl x509 -in FILE -noout -text must read it).',
    );
  }
  const der = x509.raw;
  // Issuer and serial from the DER itself, with the same reader that reads module signatures,
  // so the two compare byte for byte.
  const tbs = children(expectUniversal(children(readNode(der))[0], UNIVERSAL.SEQUENCE, 'tbsCertificate'));
  const fields = isContext(tbs[0], 0) ? tbs.slice(1) : tbs;
  const serial = integerMagnitude(expectUniversal(fields[0], UNIVERSAL.INTEGER, 'serialNumber'));
  const issuer = readName(fields[2]);
  const subject = readName(fields[4]);
  const key = x509.publicKey;
  const details = key.asymmetricKeyDetails;
  return {
    x509,
    der,
    info: {
      path,
      format,
      subject: formatName(subject),
      subjectCommonName: commonName(subject),
      issuer: formatName(issuer),
      issuerCommonName: commonName(issuer),
      serialHex: colonHex(serial),
      sha256Fingerprint: x509.fingerprint256,
      notBefore: new Date(x509.validFrom),
      notAfter: new Date(x509.validTo),
      hasCodeSigningEku: (x509.keyUsage ?? []).includes(OID_EKU_CODE_SIGNING),
      keyType: key.asymmetricKeyType ?? 'unknown',
      keyBits: details?.modulusLength,
    },
  };
}

/** Read a certificate file (PEM or DER). */
export async function loadCertificate(path: string): Promise<LoadedCertificate> {
  const { bytes } = await readInputFile(path, 'certificate');
  return parseCertificate(bytes, path);
}

/** What the summary and `dudforge verify` show about a certificate file. */
export async function certificateInfo(cert: string): Promise<CertificateInfo> {
  return (await loadCertificate(cert)).info;
}

/** The certificate as DER bytes, e.g. to ship in a kmod as /etc/pki/<vendor>/<name>.der. */
export async function certificateDer(cert: string): Promise<Buffer> {
  return (await loadCertificate(cert)).der;
}
