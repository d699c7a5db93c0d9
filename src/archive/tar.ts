/**
 * A deterministic tar writer (POSIX ustar, with pax extended headers only where ustar cannot
 * hold a name). Used for the source tarball inside the SRPM, so two builds of the same sources
 * give the same bytes: entries sorted by path, owner root:root (0/0), one fixed mtime, no
 * atime/ctime, no device numbers, and the gzip header carries no time or name.
 */
import { gzipSync } from 'node:zlib';

export interface TarEntry {
  /** Relative path inside the archive, '/'-separated, without a leading '/' or './'. */
  path: string;
  type: 'file' | 'dir';
  /** Permission bits (e.g. 0o644); only the low 12 bits are kept. */
  mode: number;
  /** File contents (files only). */
  data?: Buffer;
}

export interface TarOptions {
  /** Seconds since the epoch stamped on every entry. */
  mtime: number;
}

const BLOCK = 512;
/** GNU tar's default record size (blocking factor 20); bsdtar and GNU tar both accept it. */
const RECORD = BLOCK * 20;

/** Write `value` as zero-padded octal filling `width - 1` digits plus a NUL. */
function octal(buf: Buffer, offset: number, width: number, value: number): void {
  const digits = value.toString(8).padStart(width - 1, '0');
  if (digits.length > width - 1) throw new Error(`tar: value ${value} does not fit a ${width}-byte field`);
  buf.write(digits, offset, 'ascii');
  buf[offset + width - 1] = 0;
}

function putString(buf: Buffer, offset: number, width: number, value: string): void {
  const bytes = Buffer.from(value, 'utf8');
  if (bytes.length > width) throw new Error(`tar: "${value}" does not fit a ${width}-byte field`);
  bytes.copy(buf, offset);
}

/**
 * Split a name into ustar's prefix (≤155 bytes) and name (≤100 bytes) at a '/'.
 * Returns undefined when no split fits (then a pax header carries the path).
 */
export function splitUstarName(name: string): { prefix: string; name: string } | undefined {
  const bytes = Buffer.byteLength(name);
  if (bytes <= 100) return { prefix: '', name };
  // Any '/' whose left part fits 155 bytes and right part fits 100 bytes works; take the
  // rightmost, as GNU tar does, so the prefix is as long as allowed.
  for (let i = name.length - 1; i > 0; i--) {
    if (name[i] !== '/') continue;
    const prefix = name.slice(0, i);
    const rest = name.slice(i + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(rest) <= 100 && rest.length > 0) {
      return { prefix, name: rest };
    }
  }
  return undefined;
}

interface HeaderFields {
  name: string;
  prefix: string;
  mode: number;
  size: number;
  mtime: number;
  typeflag: string;
}

function header(f: HeaderFields): Buffer {
  const h = Buffer.alloc(BLOCK, 0);
  putString(h, 0, 100, f.name);
  octal(h, 100, 8, f.mode & 0o7777);
  octal(h, 108, 8, 0); // uid
  octal(h, 116, 8, 0); // gid
  octal(h, 124, 12, f.size);
  octal(h, 136, 12, f.mtime);
  h.fill(0x20, 148, 156); // checksum is computed with its own field as spaces
  h.write(f.typeflag, 156, 'ascii');
  h.write('ustar\0', 257, 'ascii');
  h.write('00', 263, 'ascii');
  putString(h, 265, 32, 'root');
  putString(h, 297, 32, 'root');
  octal(h, 329, 8, 0); // devmajor
  octal(h, 337, 8, 0); // devminor
  putString(h, 345, 155, f.prefix);
  let sum = 0;
  for (const byte of h) sum += byte;
  // Six octal digits, NUL, space: the form GNU tar writes.
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'ascii');
  return h;
}

function padToBlock(data: Buffer): Buffer[] {
  const rest = data.length % BLOCK;
  return rest === 0 ? [data] : [data, Buffer.alloc(BLOCK - rest, 0)];
}

/** One pax record: "<len> <key>=<value>\n" where <len> counts the whole record, itself included. */
export function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  const bodyLen = Buffer.byteLength(body);
  let len = bodyLen + 1;
  while (String(len).length + bodyLen !== len) len = String(len).length + bodyLen;
  return `${len}${body}`;
}

function normalisePath(p: string, type: TarEntry['type']): string {
  const clean = p.replace(/^(\.\/)+/, '').replace(/\/+$/, '');
  if (clean === '' || clean.startsWith('/') || clean.split('/').some((c) => c === '' || c === '.' || c === '..')) {
    throw new Error(`tar: invalid entry path "${p}"`);
  }
  return type === 'dir' ? `${clean}/` : clean;
}

/** Build an uncompressed tar archive. */
export function writeTarRaw(entries: TarEntry[], opts: TarOptions): Buffer {
  const normalised = entries.map((e) => ({ ...e, path: normalisePath(e.path, e.type) }));
  // Byte order of the UTF-8 paths (not locale order), so every machine sorts alike.
  normalised.sort((a, b) => Buffer.compare(Buffer.from(a.path), Buffer.from(b.path)));
  for (let i = 1; i < normalised.length; i++) {
    if (normalised[i].path === normalised[i - 1].path) throw new Error(`tar: duplicate entry "${normalised[i].path}"`);
  }
  const mtime = Math.floor(opts.mtime);
  const parts: Buffer[] = [];
  for (const entry of normalised) {
    const data = entry.type === 'file' ? entry.data ?? Buffer.alloc(0) : Buffer.alloc(0);
    let split = splitUstarName(entry.path);
    if (!split) {
      const pax = Buffer.from(paxRecord('path', entry.path), 'utf8');
      // The pax header's own name is informational; keep it short and stable.
      const base = entry.path.replace(/\/$/, '').split('/').pop() ?? 'entry';
      const paxName = `PaxHeaders/${Buffer.from(base).subarray(0, 80).toString('utf8').replace(/\uFFFD/g, '')}`;
      parts.push(header({ name: paxName, prefix: '', mode: 0o644, size: pax.length, mtime, typeflag: 'x' }));
      parts.push(...padToBlock(pax));
      // ustar readers that ignore pax still get a truncated but valid name.
      split = { prefix: '', name: Buffer.from(entry.path).subarray(0, 100).toString('utf8').replace(/\uFFFD/g, '') };
    }
    parts.push(
      header({
        name: split.name,
        prefix: split.prefix,
        mode: entry.mode,
        size: data.length,
        mtime,
        typeflag: entry.type === 'dir' ? '5' : '0',
      }),
    );
    if (data.length > 0) parts.push(...padToBlock(data));
  }
  parts.push(Buffer.alloc(BLOCK * 2, 0));
  const raw = Buffer.concat(parts);
  const rest = raw.length % RECORD;
  return rest === 0 ? raw : Buffer.concat([raw, Buffer.alloc(RECORD - rest, 0)]);
}

/**
 * Build a gzip-compressed tar archive. Node's gzip header has MTIME 0 and no file name, so the
 * bytes depend only on the entries and `opts.mtime`.
 */
export function writeTar(entries: TarEntry[], opts: TarOptions): Buffer {
  return gzipSync(writeTarRaw(entries, opts), { level: 9 });
}
