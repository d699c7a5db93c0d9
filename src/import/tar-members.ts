/**
 * The members of a tar archive (a tarball, or the stream `git archive` writes) and the check
 * that runs before any of them is extracted: only regular files, directories, symlinks that stay
 * in the tree and hard links to files extracted with them. A device node, a FIFO or a socket is
 * refused by name; so is a path with `..` or one that runs through a symlink member. Modes are
 * not judged here: the extracted tree gets plain modes (tree-guard.ts settleModes).
 */
import path from 'node:path';
import { execa } from 'execa';
import { UserError } from '../errors.js';

export interface TarMember {
  /** As stored, `./` and a trailing `/` included. */
  name: string;
  type: 'file' | 'dir' | 'symlink' | 'hardlink' | 'other';
  /** In words, for `other`: "a character device", "a FIFO"… */
  kind: string;
  /** Symlink target, or the member a hard link names. */
  link?: string;
}

// GNU tar's long listing starts with the type letter of ls -l (plus its own: h, V, M, …).
const TYPES: Record<string, [TarMember['type'], string]> = {
  '-': ['file', 'a regular file'],
  d: ['dir', 'a directory'],
  l: ['symlink', 'a symlink'],
  h: ['hardlink', 'a hard link'],
  c: ['other', 'a character device'],
  b: ['other', 'a block device'],
  p: ['other', 'a FIFO'],
  s: ['other', 'a socket'],
  V: ['other', 'a volume label'],
  M: ['other', 'a multi-volume continuation'],
};

/** Decode one `--quoting-style=c` string starting at `text[at]` (the opening quote). */
function cString(text: string, at: number): { value: string; end: number } | undefined {
  if (text[at] !== '"') return undefined;
  const bytes: number[] = [];
  const simple: Record<string, number> = { a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11 };
  let i = at + 1;
  while (i < text.length && text[i] !== '"') {
    if (text[i] !== '\\') {
      bytes.push(...Buffer.from(text[i]));
      i++;
      continue;
    }
    const next = text[i + 1];
    const octal = /^[0-7]{1,3}/.exec(text.slice(i + 1, i + 4));
    if (octal) {
      bytes.push(parseInt(octal[0], 8));
      i += 1 + octal[0].length;
    } else {
      bytes.push(next in simple ? simple[next] : next.charCodeAt(0));
      i += 2;
    }
  }
  if (text[i] !== '"') return undefined;
  return { value: Buffer.from(bytes).toString('utf8'), end: i + 1 };
}

/** One line of `tar -tv --quoting-style=c --numeric-owner`: `MODE UID/GID SIZE DATE TIME "NAME"[ -> "T"| link to "T"]`. */
export function parseListingLine(line: string): TarMember | undefined {
  const type = TYPES[line[0]] ?? ['other', `an entry of type ${line[0]}`];
  // Owner, size and date hold no quote (numeric owner): the name is the first quoted string.
  const name = cString(line, line.indexOf('"'));
  if (!name) return undefined;
  const rest = line.slice(name.end);
  if (rest === '') return { name: name.value, type: type[0], kind: type[1] };
  const arrow = /^ (->|link to) /.exec(rest);
  const link = arrow ? cString(rest, arrow[0].length) : undefined;
  if (!link || link.end !== rest.length) return undefined;
  return { name: name.value, type: type[0], kind: type[1], link: link.value };
}

/** List an archive (a file, or bytes on stdin); undefined with tar's complaint when it is not one. */
export async function listTarMembers(source: { file: string } | { bytes: Uint8Array }): Promise<{ members: TarMember[] } | { error: string }> {
  const args = ['-t', '-v', '--quoting-style=c', '--numeric-owner', '-f', 'file' in source ? source.file : '-'];
  const r = await execa('tar', args, {
    env: { LC_ALL: 'C' },
    reject: false,
    maxBuffer: 1 << 30,
    ...('bytes' in source ? { input: source.bytes } : {}),
  });
  if (r.exitCode !== 0) return { error: r.stderr.trim().split('\n')[0] || `tar exited ${r.exitCode}` };
  const members: TarMember[] = [];
  for (const line of r.stdout.split('\n')) {
    if (!line) continue;
    const m = parseListingLine(line);
    if (!m) return { error: `cannot read the listing line ${JSON.stringify(line)}` };
    members.push(m);
  }
  return { members };
}

/** A member's path inside the tree: `./` and `prefix` stripped, no trailing `/`. */
function treePath(name: string, prefix: string): string | undefined {
  // Most names need neither replacement (a kernel tarball has ~80 000 members).
  const n = name.startsWith('./') || name.endsWith('/') ? name.replace(/^(\.\/)+/, '').replace(/\/+$/, '') : name;
  if (!n.startsWith(prefix)) return undefined;
  return n.slice(prefix.length);
}

// A kernel tarball has ~80 000 members and an import extracts from it several times (driver
// directories, header rounds, firmware): its index is built once.
const indexes = new WeakMap<TarMember[], { prefix: string; byPath: Map<string, TarMember>; symlinks: Set<string> }>();

function indexOf(members: TarMember[], prefix: string) {
  const known = indexes.get(members);
  if (known && known.prefix === prefix) return known;
  const byPath = new Map<string, TarMember>();
  const symlinks = new Set<string>();
  for (const m of members) {
    const rel = treePath(m.name, prefix);
    if (rel === undefined) continue;
    byPath.set(rel, m);
    if (m.type === 'symlink') symlinks.add(rel);
  }
  const index = { prefix, byPath, symlinks };
  indexes.set(members, index);
  return index;
}

/**
 * Refuse, before anything is extracted, the members of `rels` ('' = everything) that must not
 * reach the disk. `prefix` is the wrapping top directory that extraction strips (`linux-6.1/`).
 */
export function vetTarMembers(members: TarMember[], rels: string[], prefix: string, label: string): void {
  const selected = (rel: string) => rels.includes('') || rels.some((r) => rel === r || rel.startsWith(r + '/'));
  const { byPath, symlinks } = indexOf(members, prefix);
  const problems: string[] = [];
  for (const [rel, m] of byPath) {
    if (rel === '' || !selected(rel)) continue;
    const parts = rel.split('/');
    if (path.posix.isAbsolute(m.name) || parts.includes('..')) {
      problems.push(`${m.name} has a path that leaves the tree`);
      continue;
    }
    const under = parts.slice(0, -1).map((_, i) => parts.slice(0, i + 1).join('/')).find((p) => symlinks.has(p));
    if (under) {
      problems.push(`${m.name} lies under the symlink ${under}`);
      continue;
    }
    if (m.type === 'other') problems.push(`${m.name} is ${m.kind}`);
    else if (m.type === 'symlink') {
      const target = m.link ?? '';
      const resolved = path.posix.normalize(path.posix.join(path.posix.dirname(rel), target));
      if (path.posix.isAbsolute(target) || resolved === '..' || resolved.startsWith('../')) {
        problems.push(`${m.name} is a symlink to ${target}, outside the source tree`);
      }
    } else if (m.type === 'hardlink') {
      const target = treePath(m.link ?? '', prefix);
      const to = target !== undefined ? byPath.get(target) : undefined;
      if (target === undefined || !selected(target) || to?.type !== 'file') {
        problems.push(`${m.name} is a hard link to ${m.link}, which is not a file extracted with it`);
      }
    }
  }
  if (problems.length) {
    const shown = problems.slice(0, 10).map((p) => `  ${p}`);
    if (problems.length > 10) shown.push(`  … and ${problems.length - 10} more`);
    throw new UserError(
      `${label}: refused before extracting anything, only regular files, directories and symlinks inside the tree are imported:\n${shown.join('\n')}`,
      'repack the sources without these members',
    );
  }
}
