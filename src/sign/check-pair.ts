/**
 * Checking a signing key and certificate before anything is built (issue 5 §1): both readable,
 * the certificate X.509, the key the one the certificate was made from. A key readable by
 * group or others is a warning, not an error: it is the user's file and their choice.
 */
import { UserError } from '../errors.js';
import { loadCertificate, type CertificateInfo } from './certificate.js';
import { isPkcs11Uri, loadPrivateKey } from './private-key.js';

export interface SigningPairInfo extends CertificateInfo {
  /** Where the key is: a file path or a pkcs11: URI (then only the certificate was checked). */
  key: string;
  keyFormat: 'pem' | 'der' | 'pkcs11';
  /** Things the user should fix but that do not stop the build. */
  warnings: string[];
}

export async function checkSigningPair(opts: { key: string; cert: string }): Promise<SigningPairInfo> {
  const cert = await loadCertificate(opts.cert);
  const warnings: string[] = [];
  if (isPkcs11Uri(opts.key)) {
    return { ...cert.info, key: opts.key, keyFormat: 'pkcs11', warnings };
  }
  const key = await loadPrivateKey(opts.key);
  if (!cert.x509.checkPrivateKey(key.key)) {
    throw new UserError(
      `signing key ${opts.key} does not match certificate ${opts.cert}`,
      `The certificate (${cert.info.subject}, serial ${cert.info.serialHex}) was made from another key. ` +
        'Name the key it was made from, or generate a new pair with --sign-generate DIR.',
    );
  }
  const readers = [key.mode & 0o040 ? 'group' : '', key.mode & 0o004 ? 'others' : ''].filter(Boolean);
  if (readers.length > 0) {
    const mode = key.mode.toString(8).padStart(4, '0');
    warnings.push(`signing key ${opts.key} is readable by ${readers.join(' and ')} (mode ${mode}): run chmod 600 ${opts.key}`);
  }
  if (cert.info.notAfter.getTime() < Date.now()) {
    // The kernel does not check dates on module signatures, but a MOK tool or a policy may.
    warnings.push(`certificate ${opts.cert} expired on ${cert.info.notAfter.toISOString().slice(0, 10)}`);
  }
  return { ...cert.info, key: opts.key, keyFormat: key.format, warnings };
}
