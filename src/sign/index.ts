/** Module signing (Secure Boot) and RPM header signing: the public face of src/sign/. */
export { generateSigningKey, KEY_FILE, CERT_PEM_FILE, CERT_DER_FILE } from './keygen.js';
export type { SigningKeyOptions, GeneratedSigningKey } from './keygen.js';
export { checkSigningPair } from './check-pair.js';
export type { SigningPairInfo } from './check-pair.js';
export { certificateInfo, certificateDer } from './certificate.js';
export type { CertificateInfo } from './certificate.js';
export { signModule } from './sign-module.js';
export type { SignModuleOptions } from './sign-module.js';
export { readModuleSignature, moduleCompression, MODULE_SIG_MAGIC } from './module-signature.js';
export type { ModuleSignature } from './module-signature.js';
export { verifyModuleSignature, readModuleBytes } from './verify-module.js';
export type { ModuleVerification } from './verify-module.js';
export { isPkcs11Uri } from './private-key.js';
export { gpgHeaderSigner, exportGpgPublicKey, readSignaturePacket } from './gpg.js';
export type { GpgKeyOptions } from './gpg.js';
export { assertNoKeyLeak, keyNeedles } from './key-leak.js';
