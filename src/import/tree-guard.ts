/**
 * What a source tree may hold before dudforge reads it: directories, regular files, and symlinks
 * that end at a regular file inside the tree. A link out of the tree would import a file of this
 * machine (a `shadow.h -> /etc/shadow` would land in the source RPM), a link loop or a dangling
 * link breaks the reads later, and opening a FIFO hangs (a device reads the device): all are
 * refused by name. Nothing here opens an entry: lstat, readlink and realpath only.
 */
import fs from 'node:fs';
import path from 'node:path';
import { UserError } from '../errors.js';

export interface TreeCheckOptions {
  /** Entries that are not sources (left out of the walk, never a link target), by name or absolute path. */
  skip?: (name: string, abs: string) => boolean;
  /** The tree holds only part of its source (chosen driver directories): a missing link target may be outside it. */
  partial?: boolean;
}

/** What a non-regular, non-directory, non-link entry is, in words. */
export function specialKind(st: fs.Stats): string {
  if (st.isFIFO()) return 'a FIFO';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  return 'a special file';
}

function lstatOrUndefined(p: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(p);
  } catch {
    return undefined;
  }
}

/** `p` with its longest existing ancestor resolved through links (p itself may not exist yet). */
export function realPathOf(p: string): string {
  const abs = path.resolve(p);
  try {
    return fs.realpathSync.native(abs);
  } catch {
    const parent = path.dirname(abs);
    return parent === abs ? abs : path.join(realPathOf(parent), path.basename(abs));
  }
}

/**
 * Walk `root` without following anything and refuse what must not become a source. Returns the
 * tree's real path (the one the walk used).
 */
export function checkTree(root: string, label: string, opts: TreeCheckOptions = {}): string {
  const realRoot = fs.realpathSync.native(root);
  const skip = opts.skip ?? (() => false);
  const refuse = (rel: string, what: string, hint: string): never => {
    throw new UserError(`${label}: ${rel} ${what}`, hint);
  };
  const checkLink = (abs: string, rel: string) => {
    const target = fs.readlinkSync(abs);
    const shown = `a symlink to ${target}`;
    let real: string;
    try {
      real = fs.realpathSync.native(abs);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ELOOP') refuse(rel, `is ${shown}, a symlink loop; refused`, 'remove the link, or point it at the file itself');
      // A dangling link: where it points, spelled inside the tree when it stays inside.
      const lexical = path.posix.normalize(path.posix.join(path.posix.dirname(rel), target));
      if (path.posix.isAbsolute(target) || lexical === '..' || lexical.startsWith('../')) {
        refuse(rel, `is ${shown}, outside the source tree; refused`, 'replace the link with the file it points to, or import from a tree that holds it');
      }
      if (opts.partial) {
        refuse(rel, `is ${shown} (${lexical}), which is not in the imported directories`, `add the directory holding ${lexical} to the driver directories`);
      }
      return refuse(rel, `is ${shown}, which does not exist${code === 'ENOENT' ? '' : ` (${code})`}`, 'remove the link or restore the file it points to');
    }
    const inside = path.relative(realRoot, real);
    if (inside === '..' || inside.startsWith('..' + path.sep) || path.isAbsolute(inside)) {
      refuse(rel, `is ${shown}, outside the source tree; refused`, 'replace the link with the file it points to, or import from a tree that holds it');
    }
    let at = realRoot;
    for (const part of inside === '' ? [] : inside.split(path.sep)) {
      at = path.join(at, part);
      if (skip(part, at)) refuse(rel, `is ${shown}, into ${path.relative(realRoot, at)}, which is not a source; refused`, 'point the link at a source file');
    }
    const st = fs.lstatSync(real);
    if (st.isDirectory()) refuse(rel, `is ${shown}, a directory; only links to files are followed`, 'replace the link with the directory itself');
    if (!st.isFile()) refuse(rel, `is ${shown}, which is ${specialKind(st)}; refused`, 'only regular files can be sources');
  };
  const walk = (dir: string, rel: string) => {
    for (const name of fs.readdirSync(dir).sort()) {
      const abs = path.join(dir, name);
      const r = rel ? `${rel}/${name}` : name;
      if (skip(name, abs)) continue;
      const st = lstatOrUndefined(abs);
      if (!st) continue; // gone while we looked
      if (st.isDirectory()) walk(abs, r);
      else if (st.isSymbolicLink()) checkLink(abs, r);
      else if (!st.isFile()) {
        refuse(r, `is ${specialKind(st)}; only regular files, directories and symlinks can be sources`, 'remove it from the source directory (dudforge never opens special files)');
      }
    }
  };
  walk(realRoot, '');
  return realRoot;
}

/**
 * Give an extracted tree plain modes: directories 0755, files 0644 or 0755 (any execute bit),
 * so no setuid, setgid, sticky or world-writable bit of an archive survives its import.
 */
export function settleModes(root: string): void {
  const walk = (dir: string) => {
    fs.chmodSync(dir, 0o755);
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) fs.chmodSync(p, fs.lstatSync(p).mode & 0o111 ? 0o755 : 0o644);
    }
  };
  if (fs.existsSync(root)) walk(root);
}
