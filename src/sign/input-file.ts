import { readFile, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { UserError } from '../errors.js';

/** What a signing input is, for messages: "signing key", "certificate". */
export type InputRole = 'signing key' | 'certificate';

/**
 * Read a key or certificate the user named, turning every way it can be missing into a
 * UserError that names the file and what to do. Returns the bytes and the file's stat.
 */
export async function readInputFile(path: string, role: InputRole): Promise<{ bytes: Buffer; stats: Stats }> {
  const hint = role === 'signing key'
    ? 'Name an existing private key with --sign-key FILE, or generate a new pair with --sign-generate DIR.'
    : 'Name the X.509 certificate of the signing key with --sign-cert FILE (PEM or DER).';
  let stats: Stats;
  try {
    stats = await stat(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new UserError(`${role} ${path} does not exist`, hint);
    throw new UserError(`${role} ${path} cannot be read (${code ?? String(err)})`, hint);
  }
  if (stats.isDirectory()) throw new UserError(`${role} ${path} is a directory, not a file`, hint);
  if (!stats.isFile()) throw new UserError(`${role} ${path} is not a regular file`, hint);
  try {
    return { bytes: await readFile(path), stats };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'EACCES' ? 'permission denied' : code ?? String(err);
    throw new UserError(`${role} ${path} cannot be read (${why})`, `Check the file's permissions for the user running dudforge. ${hint}`);
  }
}

/** Does the buffer look like PEM text (a -----BEGIN line)? */
export function looksLikePem(bytes: Buffer): boolean {
  return bytes.subarray(0, 64 * 1024).toString('latin1').includes('-----BEGIN ');
}
