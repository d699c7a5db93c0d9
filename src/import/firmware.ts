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

export interface FirmwareFile {
  /** Path under /lib/firmware. */
  path: string;
  /** Where it came from: `tree:<rel>` or an absolute path. */
  from: string;
}

function filesUnder(dir: string, rel = ''): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...filesUnder(dir, r));
    else if (e.isFile()) out.push(r);
  }
  return out;
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
    let names: string[];
    let fromOf: (name: string) => string;
    if (!path.isAbsolute(src) && !rel.startsWith('../') && ((await tree.isFile(rel)) || (await tree.isDir(rel)))) {
      await tree.extract([rel], scratch);
      base = path.join(scratch, rel);
      fromOf = (name) => `tree:${fs.statSync(base).isDirectory() ? `${rel}/${name}` : rel}`;
    } else if (fs.existsSync(local)) {
      const st = fs.statSync(local);
      // A FIFO would block the copy for ever; a socket or device is no firmware either.
      if (!st.isFile() && !st.isDirectory()) throw new UserError(`firmware ${src}: ${local} is not a regular file or directory`, 'check the --firmware path');
      base = local;
      fromOf = (name) => (fs.statSync(base).isDirectory() ? path.join(base, name) : base);
    } else {
      throw new UserError(`firmware ${src} is neither in the source tree (${tree.label}) nor at ${local}`, 'check the --firmware path');
    }
    if (fs.statSync(base).isDirectory()) {
      names = filesUnder(base);
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

function copy(from: string, to: string): void {
  fs.mkdirSync(path.dirname(to), { recursive: true });
  fs.copyFileSync(from, to);
}
