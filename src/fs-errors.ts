/**
 * File system errors that come from the user's machine, not from a bug: a directory we may not
 * write, a read-only mount, a full disk or quota, a name the file system cannot hold. Each one
 * becomes a UserError (exit 2) that names the path and says what to do. Callers that know the
 * path and size of what they were writing pass them; the command line's last resort passes only
 * the error, and only errors that carry their path are mapped there. ENOENT and EEXIST are left
 * out: with a path they mean a race or a bug more often than bad input.
 */
import { statfsSync } from 'node:fs';
import { dirname } from 'node:path';
import { UserError } from './errors.js';

const ENVIRONMENT_CODES = new Set(['EACCES', 'EPERM', 'EROFS', 'ENOSPC', 'EDQUOT', 'ENAMETOOLONG', 'EISDIR', 'ENOTDIR']);

interface FsError {
  code: string;
  path?: string;
  dest?: string;
  syscall?: string;
}

function asFsError(err: unknown): FsError | undefined {
  const e = err as Partial<FsError> | null;
  return e && typeof e === 'object' && typeof e.code === 'string' ? (e as FsError) : undefined;
}

/** Bytes free for an unprivileged user on the file system holding `path` (or its nearest parent). */
export function freeBytes(path: string): number | undefined {
  for (let p = path; ; p = dirname(p)) {
    try {
      const s = statfsSync(p);
      return s.bavail * s.bsize;
    } catch {
      if (dirname(p) === p) return undefined;
    }
  }
}

function mib(n: number): string {
  return `${(n / 1048576).toFixed(1)} MiB`;
}

/** Is this a full disk or an exhausted quota (or inode table)? */
export function isNoSpace(err: unknown): boolean {
  const code = asFsError(err)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT';
}

/**
 * The UserError for a file system error at `path`, or undefined when the error is not one the
 * user's environment explains. `bytes`: how much was being written, for a full disk's message.
 */
export function fsUserError(err: unknown, path?: string, bytes?: number): UserError | undefined {
  const e = asFsError(err);
  if (!e || !ENVIRONMENT_CODES.has(e.code)) return undefined;
  const where = path ?? e.path;
  if (!where) return undefined;
  switch (e.code) {
    case 'EACCES':
    case 'EPERM':
      return new UserError(`permission denied: ${where}`, 'run dudforge as a user who may write there, or choose another directory (--out DIR, or another project directory)');
    case 'EROFS':
      return new UserError(`${where} is on a read-only file system`, 'choose a directory on a writable file system (--out DIR, or another project directory)');
    case 'ENOSPC':
    case 'EDQUOT': {
      const free = freeBytes(where);
      const need = bytes !== undefined ? `writing ${mib(bytes)}` : 'writing';
      const what = e.code === 'EDQUOT' ? 'disk quota exceeded' : 'no space left on the device (or no free inodes)';
      return new UserError(
        `${what} while ${need} to ${where}${free !== undefined ? ` (${mib(free)} free there)` : ''}`,
        'free some space there, or point --out (and the project) at a file system with room; nothing half-written was kept',
      );
    }
    case 'ENAMETOOLONG':
      return new UserError(`the path ${where} is too long: a name over 255 bytes or a path over 4096`, 'shorten the names that make up this path (package name, version, vendor, directories)');
    case 'EISDIR':
      return new UserError(`${where} is a directory where a file is needed`, 'give the path of a file');
    case 'ENOTDIR':
      return new UserError(`a part of ${where} is not a directory (a file stands where a directory is needed)`, 'give a directory path, or move the file out of the way');
    default:
      return undefined;
  }
}

/** The command line's last resort: only errors that carry their own path and a clear cause. */
export function environmentError(err: unknown): UserError | undefined {
  return fsUserError(err);
}
