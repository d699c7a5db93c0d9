/**
 * The file table of a package: sorting, the DIRNAMES/BASENAMES/DIRINDEXES split, modes with
 * their type bits, digests, inode numbers, and the matching cpio entries.
 */
import { createHash } from 'node:crypto';
import type { CpioInput } from './cpio.js';
import type { RpmFileEntry, RpmHeaderFile } from './types.js';

export const S_IFDIR = 0o040000;
export const S_IFREG = 0o100000;
export const S_IFLNK = 0o120000;
const RPMFILE_GHOST = 1 << 6;

/** One row of the header's parallel file arrays. */
export interface FileRow extends RpmHeaderFile {
  dirname: string;
  basename: string;
  content: Buffer;
}

function typeBits(type: RpmFileEntry['type']): number {
  return type === 'dir' ? S_IFDIR : type === 'symlink' ? S_IFLNK : S_IFREG;
}

function validate(f: RpmFileEntry, isSource: boolean): void {
  if (!isSource && !f.path.startsWith('/')) throw new Error(`RPM file path must be absolute: ${f.path}`);
  if (isSource && f.path.includes('/')) throw new Error(`source RPM file names are flat: ${f.path}`);
  if (f.path.endsWith('/') || f.path.includes('//')) throw new Error(`bad RPM file path: ${f.path}`);
  if (f.type === 'symlink' && !f.target) throw new Error(`symlink without target: ${f.path}`);
  if ((f.mode & ~0o7777) !== 0) throw new Error(`file mode must be permission bits only: ${f.path} ${f.mode.toString(8)}`);
}

/**
 * Rows sorted by path (byte order, as rpmbuild sorts its file list), with inodes 1..n in that
 * order. Source packages keep flat names and an empty dirname. Digests are left empty for
 * fillDigests, so the payload can be on its way to the compressor while they are computed.
 */
export function fileRows(files: RpmFileEntry[], buildTime: number, isSource: boolean): FileRow[] {
  const seen = new Set<string>();
  const sorted = [...files].sort((a, b) => Buffer.compare(Buffer.from(a.path), Buffer.from(b.path)));
  return sorted.map((f, i) => {
    validate(f, isSource);
    if (seen.has(f.path)) throw new Error(`duplicate RPM file path: ${f.path}`);
    seen.add(f.path);
    const slash = f.path.lastIndexOf('/');
    const content = f.type === 'file' ? (f.data ?? Buffer.alloc(0))
      : f.type === 'symlink' ? Buffer.from(f.target!, 'utf8') : Buffer.alloc(0);
    return {
      path: f.path,
      dirname: slash < 0 ? '' : f.path.slice(0, slash + 1),
      basename: f.path.slice(slash + 1),
      mode: typeBits(f.type) | f.mode,
      // rpm records the symlink target length as the size of a link, 0 for a directory.
      size: f.type === 'dir' ? 0 : content.length,
      mtime: f.mtime ?? buildTime,
      digest: '',
      linkTo: f.type === 'symlink' ? f.target! : '',
      flags: f.flags ?? 0,
      user: f.user ?? 'root',
      group: f.group ?? 'root',
      inode: i + 1,
      content,
    };
  });
}

/** Each regular file's SHA-256 (FILEDIGESTALGO 8), in place. */
export function fillDigests(rows: FileRow[]): void {
  for (const r of rows) if ((r.mode & 0o170000) === S_IFREG) r.digest = createHash('sha256').update(r.content).digest('hex');
}

/** DIRNAMES in order of first use, and each file's index into them (rpm's compressFilelist). */
export function splitDirnames(rows: FileRow[]): { dirnames: string[]; dirindexes: number[] } {
  const dirnames: string[] = [];
  const where = new Map<string, number>();
  const dirindexes = rows.map((r) => {
    let idx = where.get(r.dirname);
    if (idx === undefined) {
      idx = dirnames.length;
      dirnames.push(r.dirname);
      where.set(r.dirname, idx);
    }
    return idx;
  });
  return { dirnames, dirindexes };
}

/**
 * The payload entries. Binary packages name files `./abs/path`; source packages flat names.
 * %ghost files are listed in the header only, never carried in the payload.
 */
export function cpioEntries(rows: FileRow[], isSource: boolean): CpioInput[] {
  return rows.filter((r) => (r.flags & RPMFILE_GHOST) === 0).map((r) => ({
    name: isSource ? r.path : '.' + r.path,
    ino: r.inode,
    mode: r.mode,
    uid: 0,
    gid: 0,
    nlink: 1, // rpmbuild writes 1 for directories too (no hard links in a payload)
    mtime: r.mtime,
    devMajor: 0,
    devMinor: 0,
    rdevMajor: 0,
    rdevMinor: 0,
    data: (r.mode & 0o170000) === S_IFDIR ? Buffer.alloc(0) : r.content,
  }));
}

/** Installed size as rpmbuild counts it: regular file sizes plus symlink target lengths. */
export function installedSize(rows: FileRow[]): number {
  return rows.reduce((sum, r) => sum + r.size, 0);
}
