/**
 * Firmware files shipped in the kmod under /lib/firmware/. Each entry names a file or a
 * directory, in the source tree (tree-relative) or on disk (absolute or project-relative),
 * optionally followed by `=<path under /lib/firmware>`:
 *  - a file goes to /lib/firmware/<its name> (`firmware/` stripped from tree paths, so the
 *    kernel's own layout `firmware/acme/x.bin` → `acme/x.bin` is kept);
 *  - a directory's files keep their paths relative to it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { UserError } from '../errors.js';
import type { SourceTree } from './source-tree.js';
import { checkTree, specialKind } from './tree-guard.js';

export interface FirmwareFile {
  /** Path under /lib/firmware. */
  path: string;
  /** Where it came from: `tree:<rel>` or an absolute path. */
  from: string;
}

/** Files under a checked directory: regular files, and links to its own files (shipped as copies). */
function filesUnder(dir: string, rel = ''): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...filesUnder(dir, r));
    else if (e.isFile() || e.isSymbolicLink()) out.push(r);
  }
  return out.sort();
}

/**
 * What a firmware entry is, judged without following or opening it: a regular file, or a
 * directory whose links stay inside it. A link given as the entry itself is refused: following it
 * would ship whatever it points at (a `fw.bin -> /etc/shadow` would land in the kmod).
 */
export function firmwareEntryKind(spec: string, file: string, opts: { shown?: string; allowDir?: boolean } = {}): 'file' | 'dir' {
  const shown = opts.shown ?? file;
  let st: fs.Stats;
  try {
    st = fs.lstatSync(file);
  } catch {
    throw new UserError(`firmware ${spec}: ${shown} does not exist`, 'check the --firmware path');
  }
  if (st.isSymbolicLink()) {
    throw new UserError(`firmware ${spec}: ${shown} is a symlink to ${fs.readlinkSync(file)}; refused`, 'give the firmware file itself, not a link to it');
  }
  if (st.isDirectory() && opts.allowDir !== false) {
    checkTree(file, `firmware ${spec}`);
    return 'dir';
  }
  if (!st.isFile()) {
    throw new UserError(`firmware ${spec}: ${shown} is ${st.isDirectory() ? 'a directory' : `${specialKind(st)}, not a regular file`}; refused`, 'give regular firmware files');
  }
  return 'file';
}

/** `SRC[=DEST]`: the file, and its path under /lib/firmware when one is given. */
export function splitFirmwareEntry(spec: string): { src: string; target?: string } {
  const eq = spec.lastIndexOf('=');
  return eq > 0 ? { src: spec.slice(0, eq), target: checkTargetPath(spec, spec.slice(eq + 1)) } : { src: spec };
}

function checkTargetPath(spec: string, p: string): string {
  const n = path.posix.normalize(p);
  if (path.posix.isAbsolute(n) || n === '..' || n.startsWith('../') || n === '.') {
    throw new UserError(`firmware ${spec}: ${p} is not a path under /lib/firmware`, 'give a relative path such as acme/foo.bin');
  }
  return n;
}

/**
 * Copy the firmware entries into `destDir` (laid out as /lib/firmware) and list them.
 * Tree entries are read from `tree`, into `scratch` first.
 */
export async function collectFirmware(
  specs: string[],
  tree: SourceTree,
  projectDir: string,
  scratch: string,
  destDir: string,
): Promise<FirmwareFile[]> {
  const files: FirmwareFile[] = [];
  for (const spec of specs) {
    const eq = spec.lastIndexOf('=');
    const src = eq > 0 ? spec.slice(0, eq) : spec;
    const target = eq > 0 ? checkTargetPath(spec, spec.slice(eq + 1)) : undefined;
    const local = path.resolve(projectDir, src);
    const rel = path.posix.normalize(src).replace(/\/$/, '');
    let base: string;
    let fromOf: (name: string) => string;
    let kind: 'file' | 'dir';
    if (!path.isAbsolute(src) && !rel.startsWith('../') && ((await tree.isFile(rel)) || (await tree.isDir(rel)))) {
      await tree.extract([rel], scratch);
      base = path.join(scratch, rel);
      kind = firmwareEntryKind(src, base, { shown: `${rel} in ${tree.label}` });
      fromOf = (name) => `tree:${kind === 'dir' ? `${rel}/${name}` : rel}`;
    } else if (lexists(local)) {
      base = local;
      kind = firmwareEntryKind(src, base);
      fromOf = (name) => (kind === 'dir' ? path.join(base, name) : base);
    } else {
      throw new UserError(`firmware ${src} is neither in the source tree (${tree.label}) nor at ${local}`, 'check the --firmware path');
    }
    if (kind === 'dir') {
      const names = filesUnder(base);
      for (const name of names) {
        const to = target ? `${target}/${name}` : name;
        files.push({ path: to, from: fromOf(name) });
        copy(path.join(base, name), path.join(destDir, to));
      }
    } else {
      const to = target ?? (rel.startsWith('firmware/') ? rel.slice('firmware/'.length) : path.basename(rel));
      files.push({ path: to, from: fromOf('') });
      copy(base, path.join(destDir, to));
    }
  }
  const seen = new Set<string>();
  for (const f of files) {
    if (seen.has(f.path)) throw new UserError(`firmware /lib/firmware/${f.path} is given twice`, 'use SRC=DEST to place one of them elsewhere');
    seen.add(f.path);
  }
  return files.sort((a, b) => (a.path < b.path ? -1 : 1));
}

function lexists(p: string): boolean {
  try {
    fs.lstatSync(p);
    return true;
  } catch {
    return false;
  }
}

function copy(from: string, to: string): void {
  fs.mkdirSync(path.dirname(to), { recursive: true });
  fs.copyFileSync(from, to);
  fs.chmodSync(to, 0o644);
}
