/**
 * Tab completion of a path typed into a field, the way a shell does it: the last component is
 * extended to the longest prefix the matching directory entries share (a single match gets its
 * `/` when it is a directory); when Tab can extend nothing, the candidates are listed instead.
 * Pure over a directory lister, so it is tested against a real temp dir and used with the real one.
 */
import { readdirSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';

export interface DirEntry {
  name: string;
  dir: boolean;
}
export type ListDir = (dir: string) => DirEntry[];

/** The real lister: an unreadable or missing directory has no entries (nothing to complete). */
export const listDir: ListDir = (dir) => {
  try {
    return readdirSync(dir, { withFileTypes: true }).map((e) => ({ name: e.name, dir: e.isDirectory() || (e.isSymbolicLink() && isDirLink(dir, e.name)) }));
  } catch {
    return [];
  }
};

function isDirLink(dir: string, name: string): boolean {
  try {
    readdirSync(resolve(dir, name));
    return true;
  } catch {
    return false;
  }
}

export interface Completion {
  /** The field's new text (unchanged when nothing could be added). */
  value: string;
  /** Every match, directories with a trailing `/` (for the line under the field). */
  candidates: string[];
}

function commonPrefix(names: string[]): string {
  let p = names[0] ?? '';
  for (const n of names) while (!n.startsWith(p)) p = p.slice(0, -1);
  return p;
}

/**
 * Completes `typed` against the entries of its directory, resolved against `baseDir` (`~` is the
 * home directory). `dirsOnly`: only directories match (a project or a build tree directory).
 */
export function completePath(typed: string, baseDir: string, opts: { dirsOnly?: boolean; list?: ListDir; home?: string } = {}): Completion {
  const list = opts.list ?? listDir;
  const slash = typed.lastIndexOf('/');
  const dirPart = typed.slice(0, slash + 1);
  const prefix = typed.slice(slash + 1);
  const home = opts.home ?? process.env.HOME ?? '~';
  const expanded = dirPart.replace(/^~(?=\/)/, home) || '.';
  const where = isAbsolute(expanded) ? expanded : resolve(baseDir, expanded);
  const matches = list(where)
    .filter((e) => e.name.startsWith(prefix) && (prefix.startsWith('.') || !e.name.startsWith('.')) && (!opts.dirsOnly || e.dir))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const candidates = matches.map((e) => (e.dir ? `${e.name}/` : e.name));
  if (matches.length === 0) return { value: typed, candidates };
  if (matches.length === 1) return { value: dirPart + candidates[0], candidates };
  return { value: dirPart + commonPrefix(matches.map((e) => e.name)), candidates };
}
