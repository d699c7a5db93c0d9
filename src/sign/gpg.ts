/**
 * RPM header signing with GnuPG (issue 5 §4). rpm keeps an RSA signature over the header in
 * signature tag 268 (RSAHEADER) as one binary OpenPGP signature packet (RFC 4880 §5.2), which is
 * exactly what `gpg --detach-sign` writes. Passphrases come from gpg-agent/pinentry; dudforge
 * never sees or stores them.
 */
import { execa } from 'execa';
import { UserError } from '../errors.js';
import { writeFileAtomic } from '../fs/atomic-write.js';

export interface GpgKeyOptions {
  /** Key id, fingerprint or user id, as `gpg -u` takes it. */
  keyId: string;
  /** GnuPG home (default: $GNUPGHOME or ~/.gnupg). */
  gnupgHome?: string;
}

const PUBKEY_ALGO_NAMES: Record<number, string> = { 1: 'RSA', 2: 'RSA', 3: 'RSA', 16: 'ElGamal', 17: 'DSA', 18: 'ECDH', 19: 'ECDSA', 22: 'EdDSA' };
const isRsa = (algo: number): boolean => algo === 1 || algo === 3;
const HASH_SHA256 = 8;

function gpgArgs(opts: GpgKeyOptions, args: string[]): string[] {
  return [...(opts.gnupgHome ? ['--homedir', opts.gnupgHome] : []), '--batch', ...args];
}

function lastLines(text: string, n = 3): string {
  return text.trim().split('\n').slice(-n).join('\n');
}

/**
 * Before asking for a passphrase: the secret key exists and can sign with RSA. gpg picks the
 * newest signing-capable (sub)key; the signature itself is checked again after signing.
 */
async function checkSecretKey(opts: GpgKeyOptions): Promise<void> {
  const run = await execa('gpg', gpgArgs(opts, ['--with-colons', '--list-secret-keys', '--', opts.keyId]), { reject: false, stdin: 'ignore', encoding: 'utf8' });
  if (run.failed) {
    if (run.code === 'ENOENT') throw new UserError('gpg is not installed', 'Install GnuPG (Debian: apt install gnupg; RHEL: dnf install gnupg2), or turn RPM signing off.');
    throw new UserError(
      `no GnuPG secret key "${opts.keyId}"${opts.gnupgHome ? ` in ${opts.gnupgHome}` : ''}`,
      'List your keys with gpg --list-secret-keys and name one with its key id or fingerprint.',
    );
  }
  const signers = run.stdout
    .split('\n')
    .map((line) => line.split(':'))
    .filter((f) => (f[0] === 'sec' || f[0] === 'ssb') && (f[11] ?? '').includes('s') && !'rei'.includes(f[1] || '-'));
  if (signers.length === 0) throw new UserError(`GnuPG key "${opts.keyId}" has no usable signing key (expired or revoked?)`, 'Pick another key or extend this one.');
  const algos = signers.map((f) => Number(f[3]));
  if (!algos.some(isRsa)) {
    const names = [...new Set(algos.map((a) => PUBKEY_ALGO_NAMES[a] ?? `algorithm ${a}`))].join(', ');
    throw new UserError(
      `GnuPG key "${opts.keyId}" signs with ${names}, but RPM header signatures (tag 268) need RSA`,
      'Create an RSA signing key: gpg --quick-generate-key "Name <mail>" rsa3072 sign',
    );
  }
}

/** Public-key and hash algorithm of a binary OpenPGP signature packet; throws on anything else. */
export function readSignaturePacket(packet: Buffer): { version: number; pubkeyAlgo: number; hashAlgo: number } {
  if (packet.length < 2 || !(packet[0] & 0x80)) throw new Error('not an OpenPGP packet');
  let tag: number;
  let bodyStart: number;
  let bodyLength: number;
  if (packet[0] & 0x40) {
    tag = packet[0] & 0x3f;
    const l0 = packet[1];
    if (l0 < 192) [bodyStart, bodyLength] = [2, l0];
    else if (l0 < 224) [bodyStart, bodyLength] = [3, ((l0 - 192) << 8) + packet[2] + 192];
    else if (l0 === 255) [bodyStart, bodyLength] = [6, packet.readUInt32BE(2)];
    else throw new Error('partial-length OpenPGP packets are not expected in a signature');
  } else {
    tag = (packet[0] >> 2) & 0x0f;
    const lengthType = packet[0] & 3;
    if (lengthType === 0) [bodyStart, bodyLength] = [2, packet[1]];
    else if (lengthType === 1) [bodyStart, bodyLength] = [3, packet.readUInt16BE(1)];
    else if (lengthType === 2) [bodyStart, bodyLength] = [5, packet.readUInt32BE(1)];
    else throw new Error('indeterminate-length OpenPGP packet');
  }
  if (tag !== 2) throw new Error(`OpenPGP packet tag ${tag} is not a signature (2)`);
  if (bodyStart + bodyLength !== packet.length) throw new Error('expected exactly one OpenPGP signature packet');
  const body = packet.subarray(bodyStart);
  const version = body[0];
  if (version === 4) return { version, pubkeyAlgo: body[2], hashAlgo: body[3] };
  if (version === 3) return { version, pubkeyAlgo: body[15], hashAlgo: body[16] };
  throw new Error(`OpenPGP signature version ${version} is not supported by rpm`);
}

/** A signHeader callback for buildRpm: the RSA/SHA-256 OpenPGP signature packet over `header`. */
export function gpgHeaderSigner(opts: GpgKeyOptions): (header: Buffer) => Promise<Buffer> {
  let checked: Promise<void> | undefined;
  return async (header: Buffer): Promise<Buffer> => {
    checked ??= checkSecretKey(opts);
    await checked;
    const run = await execa(
      'gpg',
      gpgArgs(opts, ['--no-armor', '--detach-sign', '--digest-algo', 'SHA256', '-u', opts.keyId, '--output', '-']),
      { input: header, encoding: 'buffer', stripFinalNewline: false, reject: false },
    );
    if (run.failed) {
      const why = lastLines(Buffer.from(run.stderr ?? '').toString('utf8') || run.message || '');
      throw new UserError(
        `gpg could not sign the RPM header with key "${opts.keyId}": ${why}`,
        'Check that gpg-agent can ask for the passphrase (a terminal or a pinentry), or unlock the key first, e.g. with: echo | gpg -u KEY --clearsign >/dev/null',
        1,
      );
    }
    const packet = Buffer.from(run.stdout);
    const { pubkeyAlgo, hashAlgo } = readSignaturePacket(packet);
    if (!isRsa(pubkeyAlgo)) {
      throw new UserError(
        `GnuPG key "${opts.keyId}" signed with ${PUBKEY_ALGO_NAMES[pubkeyAlgo] ?? `algorithm ${pubkeyAlgo}`}, but RPM header signatures (tag 268) need RSA`,
        'Name the RSA signing subkey explicitly with a trailing "!" (KEYID!), or create an RSA signing key.',
      );
    }
    if (hashAlgo !== HASH_SHA256) throw new Error(`gpg signed with hash algorithm ${hashAlgo}, not SHA-256 (8)`);
    return packet;
  };
}

/** The public key, ASCII armored, e.g. next to the disk so users can `rpmkeys --import` it. */
export async function exportGpgPublicKey(opts: GpgKeyOptions & { out: string }): Promise<void> {
  const run = await execa('gpg', gpgArgs(opts, ['--armor', '--export', '--', opts.keyId]), { reject: false, stdin: 'ignore', encoding: 'utf8' });
  if (run.failed && run.code === 'ENOENT') throw new UserError('gpg is not installed', 'Install GnuPG (Debian: apt install gnupg; RHEL: dnf install gnupg2).');
  if (run.failed || !run.stdout.includes('-----BEGIN PGP PUBLIC KEY BLOCK-----')) {
    throw new UserError(`GnuPG key "${opts.keyId}" could not be exported`, 'List your keys with gpg --list-keys and name one with its key id or fingerprint.');
  }
  await writeFileAtomic(opts.out, run.stdout.endsWith('\n') ? run.stdout : `${run.stdout}\n`);
}
