/**
 * Read a tarball in one pass: decompress it once (the decompressor chosen by the file's magic
 * bytes), parse the tar stream here (512-byte ustar/GNU headers, GNU `L`/`K` long names, pax
 * `x` records) and list every member, while the regular files and directories the caller wants
 * are written into a private scratch directory. A kernel tarball is ~1.3 GB of tar: listing it
 * and then extracting from it (GNU tar, once per request) decompressed it several times.
 *
 * The wanted files are kept in memory (a driver directory and a few headers: a few MB); past
 * KEEP_IN_MEMORY bytes they are written to a private scratch directory instead. Writing
 * thousands of small files while the decompressor waits on a full pipe cost more than the parse.
 *
 * Nothing written here is the import yet: the scratch directory only ever receives regular files
 * under safe names (no `..`, not absolute, never a symlink, so no write can run through a link).
 * Members are vetted (tar-members.ts vetTarMembers) before anything is copied into the staged tree.
 *
 * xz runs with `-T0`: Debian's kernel tarballs are written in blocks that decompress in parallel.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { TarMember } from './tar-members.js';

export interface TarScan {
  members: TarMember[];
  /** Normalized member names (`./` and trailing `/` stripped) of the wanted files and directories kept. */
  cached: Set<string>;
  /** False when some wanted member could not be kept (a name clash): the caller falls back to tar. */
  complete: boolean;
  /** Write a kept file (a normalized name in `cached`) to `to`, with the executable bit it had. */
  copyKept(name: string, to: string): void;
}

/** Wanted file bytes kept in memory before the rest goes to the scratch directory. */
export const KEEP_IN_MEMORY = 128 * 1024 * 1024;

/** Extra arguments for the decompressor: xz decompresses a multi-block file on every core. */
export function decompressorArgs(tool: string): string[] {
  return tool === 'xz' ? ['-T0'] : [];
}

/** A member name without leading `./` and trailing `/`. */
export function normalName(name: string): string {
  if (!name.startsWith('./') && !name.endsWith('/')) return name;
  return name.replace(/^(\.\/)+/, '').replace(/\/+$/, '');
}

/** The decompressor for a file's first bytes; undefined for an uncompressed tar. */
export function decompressorFor(head: Buffer): string | undefined {
  if (head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.subarray(0, 6).equals(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]))) return 'xz';
  if (head.subarray(0, 3).toString('latin1') === 'BZh') return 'bzip2';
  if (head.subarray(0, 4).equals(Buffer.from([0x28, 0xb5, 0x2f, 0xfd]))) return 'zstd';
  return undefined;
}

const KINDS: Record<string, [TarMember['type'], string]> = {
  '0': ['file', 'a regular file'],
  '\0': ['file', 'a regular file'],
  '7': ['file', 'a regular file'],
  '1': ['hardlink', 'a hard link'],
  '2': ['symlink', 'a symlink'],
  '3': ['other', 'a character device'],
  '4': ['other', 'a block device'],
  '5': ['dir', 'a directory'],
  '6': ['other', 'a FIFO'],
  V: ['other', 'a volume label'],
  M: ['other', 'a multi-volume continuation'],
};

function cString(b: Buffer, from: number, len: number): string {
  const field = b.subarray(from, from + len);
  const nul = field.indexOf(0);
  return field.subarray(0, nul < 0 ? field.length : nul).toString('utf8');
}

function numberField(b: Buffer, from: number, len: number): number {
  if (b[from] & 0x80) {
    // GNU base-256: big-endian, the top bit of the first byte marks it.
    let n = b[from] & 0x7f;
    for (let i = from + 1; i < from + len; i++) n = n * 256 + b[i];
    return n;
  }
  const text = cString(b, from, len).trim();
  return text === '' ? 0 : parseInt(text, 8);
}

function checksumOk(h: Buffer): boolean {
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 0x20 : h[i];
  return sum === numberField(h, 148, 8);
}

/** pax extended header records: `LEN key=value\n`. */
function paxRecords(data: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let at = 0;
  while (at < data.length) {
    const space = data.indexOf(0x20, at);
    if (space < 0) break;
    const len = parseInt(data.subarray(at, space).toString('latin1'), 10);
    if (!(len > 0)) break;
    const rec = data.subarray(space + 1, at + len - 1).toString('utf8');
    const eq = rec.indexOf('=');
    if (eq > 0) out[rec.slice(0, eq)] = rec.slice(eq + 1);
    at += len;
  }
  return out;
}

function safeName(name: string): boolean {
  const n = normalName(name);
  return n !== '' && !path.posix.isAbsolute(name) && !n.split('/').some((p) => p === '..' || p === '');
}

/**
 * Scan `file` once. `want(normalized name, is a directory)` says which files and directories are kept.
 * Throws an Error with the reader's complaint when the file is not a tar archive.
 */
export async function scanTarball(file: string, want: (name: string, isDir: boolean) => boolean, scratch: string, memoryBudget = KEEP_IN_MEMORY): Promise<TarScan> {
  const head = Buffer.alloc(6);
  const fd0 = fs.openSync(file, 'r');
  try {
    fs.readSync(fd0, head, 0, 6, 0);
  } finally {
    fs.closeSync(fd0);
  }
  const tool = decompressorFor(head);
  const members: TarMember[] = [];
  const cached = new Set<string>();
  const made = new Set<string>();
  // A kept file: its bytes (in memory) or its scratch path, and its executable bit.
  const kept = new Map<string, { data?: Buffer; file?: string; exec: boolean }>();
  const aboveKept = new Set<string>();
  let inMemory = 0;
  let complete = true;

  const header = Buffer.alloc(512);
  let fill = 0;
  let remaining = 0; // bytes of the current entry's data, padding included
  let content = 0; // bytes of the current entry's data still to write or collect
  let out: number | undefined; // scratch file being written
  let into: Buffer | undefined; // or the memory it is read into
  let at = 0;
  let collect: Buffer[] | undefined; // meta record (L, K, x) being read
  let meta: 'L' | 'K' | 'x' | undefined;
  let longName: string | undefined;
  let longLink: string | undefined;
  let pax: Record<string, string> = {};
  let ended = false;
  let count = 0;

  const mkdirs = (dir: string) => {
    if (made.has(dir)) return;
    fs.mkdirSync(dir, { recursive: true });
    made.add(dir);
  };
  const finishEntry = () => {
    if (out !== undefined) fs.closeSync(out);
    out = undefined;
    into = undefined;
    if (collect && meta) {
      const data = Buffer.concat(collect);
      if (meta === 'L') longName = cString(data, 0, data.length);
      else if (meta === 'K') longLink = cString(data, 0, data.length);
      else pax = { ...pax, ...paxRecords(data) };
    }
    collect = undefined;
    meta = undefined;
  };
  const onHeader = () => {
    if (header.every((b) => b === 0)) {
      ended = true;
      return;
    }
    if (!checksumOk(header)) throw new Error(count === 0 ? 'this does not look like a tar archive' : `a damaged tar header after member ${count}`);
    count++;
    const type = String.fromCharCode(header[156]);
    let size = numberField(header, 124, 12);
    const magic = header.subarray(257, 263).toString('latin1');
    const prefix = magic === 'ustar\0' ? cString(header, 345, 155) : '';
    if (type === 'L' || type === 'K' || type === 'x' || type === 'g') {
      meta = type === 'g' ? undefined : type;
      collect = type === 'g' ? undefined : [];
      remaining = Math.ceil(size / 512) * 512;
      content = size;
      return;
    }
    if (pax.size !== undefined) size = Number(pax.size);
    const name = pax.path ?? longName ?? (prefix ? `${prefix}/${cString(header, 0, 100)}` : cString(header, 0, 100));
    const link = pax.linkpath ?? longLink ?? cString(header, 157, 100);
    longName = longLink = undefined;
    pax = {};
    const [kindType, kind] = KINDS[type] ?? ['other', `an entry of type ${type}`];
    members.push({ name, type: kindType, kind, ...(kindType === 'symlink' || kindType === 'hardlink' ? { link } : {}) });
    // Only files and directories carry data; a link, device or FIFO never does.
    remaining = kindType === 'file' || kindType === 'other' ? Math.ceil(size / 512) * 512 : 0;
    content = kindType === 'file' || kindType === 'other' ? size : 0;
    const n = normalName(name);
    if ((kindType !== 'file' && kindType !== 'dir') || !want(n, kindType === 'dir') || !safeName(name)) return;
    if (kindType === 'dir') {
      // A file of the same name kept earlier: the pass cannot tell which one tar would keep.
      if (kept.has(n)) complete = false;
      cached.add(n);
      return;
    }
    const exec = (numberField(header, 100, 8) & 0o111) !== 0;
    // The same name twice, a file where a directory was or under a kept file: tar's own rules
    // (the last member wins) decide, in the caller's fallback.
    if (cached.has(n) || aboveKept.has(n) || [...parents(n)].some((p) => kept.has(p))) {
      complete = false;
      return;
    }
    for (const p of parents(n)) aboveKept.add(p);
    if (inMemory + size <= memoryBudget) {
      into = Buffer.allocUnsafe(size);
      at = 0;
      inMemory += size;
      kept.set(n, { data: into, exec });
    } else {
      const file = path.join(scratch, n);
      try {
        mkdirs(path.dirname(file));
        out = fs.openSync(file, 'w', 0o600);
      } catch {
        complete = false;
        return;
      }
      kept.set(n, { file, exec });
    }
    cached.add(n);
  };
  const feed = (chunk: Buffer) => {
    let i = 0;
    while (i < chunk.length && !ended) {
      if (remaining === 0) {
        const take = Math.min(512 - fill, chunk.length - i);
        chunk.copy(header, fill, i, i + take);
        fill += take;
        i += take;
        if (fill === 512) {
          fill = 0;
          onHeader();
          if (remaining === 0) finishEntry();
        }
        continue;
      }
      const n = Math.min(remaining, chunk.length - i);
      const useful = Math.min(n, content);
      if (useful > 0) {
        const part = chunk.subarray(i, i + useful);
        if (into !== undefined) {
          part.copy(into, at);
          at += part.length;
        } else if (out !== undefined) fs.writeSync(out, part);
        else if (collect) collect.push(Buffer.from(part));
      }
      content -= useful;
      remaining -= n;
      i += n;
      if (remaining === 0) finishEntry();
    }
  };

  const child = tool
    ? spawn(tool, ['-dc', ...decompressorArgs(tool), '--', file], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C' } })
    : undefined;
  const stream = child ? child.stdout! : fs.createReadStream(file, { highWaterMark: 1 << 20 });
  let stderr = '';
  child?.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = child ? new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? 1))) : Promise.resolve(0);
  try {
    for await (const chunk of stream) {
      // After the end-of-archive block the rest is read and dropped, so that the decompressor
      // still exits normally.
      if (!ended) feed(chunk as Buffer);
    }
  } catch (err) {
    child?.kill();
    await exited;
    throw err;
  } finally {
    if (out !== undefined) fs.closeSync(out);
  }
  const code = await exited;
  if (code !== 0) throw new Error(`${tool} -dc failed: ${stderr.trim().split('\n')[0] || `exit ${code}`}`);
  if (!ended && (remaining > 0 || fill > 0)) throw new Error(count === 0 ? 'this does not look like a tar archive' : 'the archive ends in the middle of a member');
  const copyKept = (name: string, to: string) => {
    const k = kept.get(name);
    if (!k) throw new Error(`${name} was not kept by the tarball scan`);
    const mode = k.exec ? 0o755 : 0o644;
    if (k.data) fs.writeFileSync(to, k.data, { mode });
    else {
      fs.copyFileSync(k.file!, to);
      fs.chmodSync(to, mode);
    }
  };
  return { members, cached, complete, copyKept };
}

/** The directories above a normalized name: `a/b/c` → `a`, `a/b`. */
function* parents(name: string): Iterable<string> {
  for (let i = name.indexOf('/'); i > 0; i = name.indexOf('/', i + 1)) yield name.slice(0, i);
}
