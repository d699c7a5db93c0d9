/**
 * A new module signing pair, made the way DKMS and the kernel's certs/Makefile make theirs:
 * `openssl req -new -x509 -nodes -newkey rsa:N` with a codeSigning extended key usage. The DER
 * copy of the certificate is what `mokutil --import` enrols for Secure Boot.
 *
 * The key is born in a private (0700) directory inside `dir`, in a file created 0600 and chmod-ed
 * again (so no umask can loosen it), then hard-linked into place: link() fails when the name
 * exists, so nothing the user already has is ever replaced, not even by a concurrent run.
 */
import { createPrivateKey } from 'node:crypto';
import { constants } from 'node:fs';
import { chmod, link, lstat, mkdir, mkdtemp, open, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { UserError } from '../errors.js';
import { parseCertificate } from './certificate.js';

export const KEY_FILE = 'signing_key.pem';
export const CERT_PEM_FILE = 'signing_cert.pem';
export const CERT_DER_FILE = 'signing_cert.der';

export interface SigningKeyOptions {
  /** Where the pair goes (created when missing). */
  dir: string;
  /** RSA modulus size. Default 2048 (what most kernels and shim expect). */
  bits?: 2048 | 4096;
  subject: { commonName: string; organization?: string };
  /** Validity in days. Default 36500, as DKMS: module signatures are not checked for expiry. */
  days?: number;
}

export interface GeneratedSigningKey {
  /** The private key (PEM, mode 0600). */
  key: string;
  certPem: string;
  /** DER certificate for `mokutil --import` and for shipping in the kmod. */
  certDer: string;
}

/** Escape a value for openssl's -subj syntax (/TYPE=value/…): `\` and `/` are special. */
function subjValue(value: string): string {
  return value.replace(/[\\/]/g, (c) => `\\${c}`);
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch {
    return false;
  }
}

export async function generateSigningKey(opts: SigningKeyOptions): Promise<GeneratedSigningKey> {
  const bits = opts.bits ?? 2048;
  const days = opts.days ?? 36500;
  const cn = opts.subject.commonName.trim();
  if (!cn) throw new UserError('the signing certificate needs a common name', 'Set the project vendor or name.');
  if (bits !== 2048 && bits !== 4096) throw new UserError(`RSA key size ${String(bits)} is not offered`, 'Use 2048 or 4096.');
  const out: GeneratedSigningKey = {
    key: join(opts.dir, KEY_FILE),
    certPem: join(opts.dir, CERT_PEM_FILE),
    certDer: join(opts.dir, CERT_DER_FILE),
  };
  const present: string[] = [];
  for (const path of Object.values(out)) if (await exists(path)) present.push(path);
  if (present.length > 0) {
    throw new UserError(
      `refusing to overwrite existing signing files: ${present.join(', ')}`,
      'Use the existing pair with --sign-key/--sign-cert, pick another directory, or move these files away first.',
    );
  }
  let work: string;
  try {
    await mkdir(opts.dir, { recursive: true, mode: 0o700 });
    work = await mkdtemp(join(opts.dir, '.keygen-'));
  } catch (err) {
    throw new UserError(
      `cannot write a signing key into ${opts.dir} (${(err as NodeJS.ErrnoException).code ?? String(err)})`,
      'Pick a directory you can write to with --sign-generate DIR.',
    );
  }
  try {
    await chmod(work, 0o700);
    const keyTmp = join(work, KEY_FILE);
    const handle = await open(keyTmp, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, 0o600);
    await handle.chmod(0o600);
    await handle.close();
    // A minimal config, so the system openssl.cnf cannot add its v3_ca extensions (CA:TRUE).
    const config = join(work, 'req.cnf');
    await writeFile(config, '[req]\ndistinguished_name = dn\n[dn]\n');
    const subj = `/CN=${subjValue(cn)}` + (opts.subject.organization?.trim() ? `/O=${subjValue(opts.subject.organization.trim())}` : '');
    const args = [
      'req', '-config', config, '-new', '-x509', '-nodes', '-utf8', '-sha256',
      '-newkey', `rsa:${bits}`, '-days', String(days), '-subj', subj,
      '-addext', 'basicConstraints=critical,CA:FALSE',
      '-addext', 'keyUsage=digitalSignature',
      '-addext', 'extendedKeyUsage=codeSigning',
      '-addext', 'subjectKeyIdentifier=hash',
      '-keyout', keyTmp, '-outform', 'PEM',
    ];
    const run = await execa('openssl', args, { reject: false, stdin: 'ignore', encoding: 'utf8' });
    if (run.failed) {
      const why = run.code === 'ENOENT' ? 'openssl is not installed' : (run.stderr || run.message || '').trim().split('\n').slice(-3).join('\n');
      throw new UserError(`could not generate a signing key in ${opts.dir}: ${why}`, 'Install openssl (Debian: apt install openssl; RHEL: dnf install openssl).', 1);
    }
    await chmod(keyTmp, 0o600);
    const cert = parseCertificate(Buffer.from(run.stdout), 'generated certificate');
    const pemTmp = join(work, CERT_PEM_FILE);
    const derTmp = join(work, CERT_DER_FILE);
    await writeFile(pemTmp, cert.x509.toString(), { mode: 0o644 });
    await writeFile(derTmp, cert.der, { mode: 0o644 });
    await chmod(pemTmp, 0o644);
    await chmod(derTmp, 0o644);
    // Sanity: the key on disk is the one in the certificate (guards against a misbehaving openssl).
    if (!cert.x509.checkPrivateKey(createPrivateKey(await readFile(keyTmp)))) {
      throw new Error('openssl produced a key that does not match its certificate');
    }
    const linked: string[] = [];
    try {
      for (const [tmp, final] of [[keyTmp, out.key], [pemTmp, out.certPem], [derTmp, out.certDer]] as const) {
        await placeNoClobber(tmp, final);
        linked.push(final);
      }
    } catch (err) {
      for (const path of linked) await rm(path, { force: true });
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
        throw new UserError(`refusing to overwrite existing signing files in ${opts.dir}`, 'Another run created them meanwhile; use that pair or pick another directory.');
      }
      throw err;
    }
    return out;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/**
 * Move `tmp` to `final` unless `final` exists. link() is atomic about that; on file systems
 * without hard links (vfat, some FUSE mounts) fall back to a check and a rename.
 */
async function placeNoClobber(tmp: string, final: string): Promise<void> {
  try {
    await link(tmp, final);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') throw err;
    if (await exists(final)) throw Object.assign(new Error(`${final} exists`), { code: 'EEXIST' });
    await rename(tmp, final);
  }
}
