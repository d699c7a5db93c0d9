/**
 * The directory tree an image is made from: the caller's flat entry list, checked, with parent
 * directories implied, sorted the way ECMA-119 orders records — so the same entries in any
 * order give the same tree (and the same bytes).
 */
import { statSync } from 'node:fs';
import { UserError } from '../errors.js';
import { assignIsoNames, compareIdentifiers } from './names.js';
import { S_IFDIR, S_IFLNK, S_IFREG } from './rock-ridge.js';
import type { IsoEntry } from './types.js';

export interface IsoNode {
  /** Real (Rock Ridge) name; '' for the root. */
  name: string;
  path: string;
  type: 'file' | 'dir' | 'symlink';
  /** Full POSIX st_mode, type bits included. */
  mode: number;
  /** Level-1 identifier in the directory record ('' for the root). */
  isoName: string;
  parent: IsoNode | null;
  children: IsoNode[];
  source?: Buffer | { file: string };
  target?: string;
  /** File data length in bytes (0 for directories and symlinks). */
  size: number;
  /** Root is level 1, as in ECMA-119 §6.8.2.1. */
  level: number;
}

/** ECMA-119 §6.8.2.1: at most eight levels of directories, the root being the first. */
const MAX_DIRECTORY_LEVEL = 8;
const MAX_NAME_BYTES = 255;

function splitPath(raw: string): string[] {
  if (raw.startsWith('/')) {
    throw new UserError(`image entry '${raw}' is an absolute path`, 'Give paths relative to the image root, e.g. rpms/x86_64/x.rpm.');
  }
  const parts = raw.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.length === 0) throw new UserError(`image entry '${raw}' names the root`, 'Give a file or directory below the root.');
  for (const p of parts) {
    if (p === '..') throw new UserError(`image entry '${raw}' contains '..'`, 'Give paths inside the image without "..".');
    if (Buffer.byteLength(p) > MAX_NAME_BYTES || p.includes('\0')) {
      throw new UserError(`image entry '${raw}' has a name longer than ${MAX_NAME_BYTES} bytes or with a NUL byte`, 'Shorten the name.');
    }
  }
  return parts;
}

function fileSize(entry: IsoEntry): number {
  const source = entry.source;
  if (source === undefined) throw new UserError(`image file '${entry.path}' has no contents`, 'Give source: a Buffer or { file }.');
  if (Buffer.isBuffer(source)) return source.length;
  let st;
  try {
    st = statSync(source.file);
  } catch {
    throw new UserError(`cannot read ${source.file} (for image file '${entry.path}')`, 'Check that the file exists.');
  }
  if (!st.isFile()) throw new UserError(`${source.file} is not a regular file (for image file '${entry.path}')`, 'Give a regular file.');
  if (st.size > 0xffffffff) throw new UserError(`${source.file} is 4 GiB or larger`, 'ISO 9660 single-extent files must be smaller than 4 GiB.');
  return st.size;
}

function newDir(name: string, path: string, parent: IsoNode | null, mode: number): IsoNode {
  return { name, path, type: 'dir', mode: S_IFDIR | mode, isoName: '', parent, children: [], size: 0, level: parent ? parent.level + 1 : 1 };
}

export function buildTree(entries: IsoEntry[]): IsoNode {
  const root = newDir('', '', null, 0o555);
  const byPath = new Map<string, IsoNode>([['', root]]);
  const explicit = new Set<string>();

  const ensureDir = (parts: string[]): IsoNode => {
    let node = root;
    for (let i = 0; i < parts.length; i++) {
      const path = parts.slice(0, i + 1).join('/');
      let next = byPath.get(path);
      if (!next) {
        next = newDir(parts[i], path, node, 0o555);
        if (next.level > MAX_DIRECTORY_LEVEL) {
          throw new UserError(`image directory '${path}' is nested deeper than ISO 9660 allows (${MAX_DIRECTORY_LEVEL} levels)`, 'Use a flatter layout.');
        }
        node.children.push(next);
        byPath.set(path, next);
      } else if (next.type !== 'dir') {
        throw new UserError(`image entry '${path}' is a ${next.type} but other entries are inside it`, 'Remove the conflicting entry.');
      }
      node = next;
    }
    return node;
  };

  for (const entry of entries) {
    const parts = splitPath(entry.path);
    const path = parts.join('/');
    if (explicit.has(path)) throw new UserError(`image entry '${path}' is listed twice`, 'List each path once.');
    explicit.add(path);
    if (entry.type === 'dir') {
      const existing = byPath.get(path);
      if (existing && existing.type !== 'dir') throw new UserError(`image entry '${path}' is listed as a ${existing.type} and a dir`, 'List each path once.');
      const dir = ensureDir(parts);
      dir.mode = S_IFDIR | ((entry.mode ?? 0o555) & 0o7777);
      continue;
    }
    if (byPath.has(path)) throw new UserError(`image entry '${path}' is a directory and a ${entry.type}`, 'List each path once.');
    const parent = ensureDir(parts.slice(0, -1));
    const name = parts[parts.length - 1];
    const node: IsoNode = {
      name, path, type: entry.type, isoName: '', parent, children: [], level: parent.level + 1,
      mode: 0, size: 0,
    };
    if (entry.type === 'file') {
      node.mode = S_IFREG | ((entry.mode ?? 0o444) & 0o7777);
      node.size = fileSize(entry);
      node.source = entry.source;
    } else if (entry.type === 'symlink') {
      if (!entry.target) throw new UserError(`image symlink '${path}' has no target`, 'Give target: the link text.');
      node.mode = S_IFLNK | ((entry.mode ?? 0o777) & 0o7777);
      node.target = entry.target;
    } else {
      throw new UserError(`image entry '${path}' has unknown type '${String(entry.type)}'`, "Use 'file', 'dir' or 'symlink'.");
    }
    parent.children.push(node);
    byPath.set(path, node);
  }

  const sortDir = (dir: IsoNode): void => {
    const names = assignIsoNames(dir.children.map((c) => ({ name: c.name, isDir: c.type === 'dir' })));
    for (const c of dir.children) c.isoName = names.get(c.name) as string;
    dir.children.sort((a, b) => compareIdentifiers(a.isoName, b.isoName));
    for (const c of dir.children) if (c.type === 'dir') sortDir(c);
  };
  sortDir(root);
  return root;
}

/** Directories breadth-first by level, then parent, then name: path table order (§9.4). */
export function directoriesInPathTableOrder(root: IsoNode): IsoNode[] {
  const out: IsoNode[] = [root];
  for (let i = 0; i < out.length; i++) {
    for (const c of out[i].children) if (c.type === 'dir') out.push(c);
  }
  return out;
}
