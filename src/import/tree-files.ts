/**
 * The imported tree as a list of files: walking it, dropping build outputs, hashing it, and
 * telling two imports apart (what a tree may hold is tree-guard.ts).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export interface TreeFile {
  /** Tree-relative path with `/` separators. */
  path: string;
  kind: 'file' | 'symlink';
  executable: boolean;
  /** sha256 of the contents (of the link text for a symlink). */
  sha256: string;
}

/** Things Kbuild leaves behind in a module directory; never sources. */
export function isBuildOutput(name: string): boolean {
  return (
    /\.(o|ko|mod|mod\.c|cmd|dwo|su)$/.test(name) ||
    name.startsWith('.tmp_') ||
    name === 'Module.symvers' ||
    name === 'modules.order' ||
    name === 'Module.markers' ||
    name === '.cache.mk'
  );
}

/** Remove build outputs (and VCS metadata) from an extracted tree, in place. */
export function dropBuildOutputs(root: string): void {
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (isBuildOutput(e.name) || e.name === '.git') fs.rmSync(p, { recursive: true, force: true });
      else if (e.isDirectory()) walk(p);
    }
  };
  walk(root);
}

/** Every file and symlink under `root`, sorted by path, with content hashes; `skip` prunes by name or absolute path. */
export function listTree(root: string, skip: (name: string, abs: string) => boolean = () => false): TreeFile[] {
  const out: TreeFile[] = [];
  const walk = (dir: string, rel: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (skip(e.name, p)) continue;
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(p, r);
      else if (e.isSymbolicLink()) {
        out.push({ path: r, kind: 'symlink', executable: false, sha256: sha256(Buffer.from(fs.readlinkSync(p))) });
      } else if (e.isFile()) {
        const st = fs.statSync(p);
        out.push({ path: r, kind: 'file', executable: (st.mode & 0o111) !== 0, sha256: sha256(fs.readFileSync(p)) });
      }
    }
  };
  if (fs.existsSync(root)) walk(root, '');
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

export function sha256(data: Buffer | string): string {
  return crypto.createHash('sha256').update(data).digest('hex');
}

/** One hash over paths, kinds, executable bits and contents: equal inputs give equal hashes. */
export function treeHash(files: TreeFile[], extra: TreeFile[] = []): string {
  const h = crypto.createHash('sha256');
  for (const f of [...files, ...extra.map((x) => ({ ...x, path: `firmware:${x.path}` }))]) {
    h.update(`${f.path}\0${f.kind}\0${f.executable ? 'x' : '-'}\0${f.sha256}\n`);
  }
  return h.digest('hex');
}

export interface TreeChanges {
  added: string[];
  removed: string[];
  modified: string[];
}

export function compareTrees(before: TreeFile[], after: TreeFile[]): TreeChanges {
  const old = new Map(before.map((f) => [f.path, f]));
  const now = new Map(after.map((f) => [f.path, f]));
  const changes: TreeChanges = { added: [], removed: [], modified: [] };
  for (const [p, f] of now) {
    const o = old.get(p);
    if (!o) changes.added.push(p);
    else if (o.sha256 !== f.sha256 || o.kind !== f.kind || o.executable !== f.executable) changes.modified.push(p);
  }
  for (const p of old.keys()) if (!now.has(p)) changes.removed.push(p);
  return changes;
}
