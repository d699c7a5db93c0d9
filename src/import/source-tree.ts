/**
 * A kernel (or module) source tree, read without changing it: a git repository at a commit, a
 * directory, or a tarball. Import asks it whether tree-relative paths exist and extracts the
 * parts it needs into a staging directory, keeping their tree-relative paths.
 */
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import type { SourceSpec } from '../answers/schema.js';
import { UserError } from '../errors.js';
import { shellQuote } from '../shell-quote.js';
import { formatSource } from './source-flag.js';
import { listTarMembers, vetTarMembers, type TarMember } from './tar-members.js';
import { normalName, scanTarball, type TarScan } from './tar-stream.js';
import { realPathOf, settleModes, specialKind } from './tree-guard.js';
import { archOf, BuildTreeHeaders, includeRoots } from './headers.js';

export interface SourceTree {
  /** How the user named it (`git:REPO@REV`, `dir:PATH`, `tar:FILE`), for messages. */
  label: string;
  /** The resolved commit hash (git only). */
  commit?: string;
  isFile(rel: string): Promise<boolean>;
  isDir(rel: string): Promise<boolean>;
  /** Copy the named files/directories ('' = the whole tree) to `dest`, tree-relative. */
  extract(rels: string[], dest: string): Promise<void>;
}

// git reads the repository as-is: no index refresh, no lock files, no work-tree access. A
// GIT_DIR/GIT_INDEX_FILE inherited from a hook or a script must not redirect it elsewhere.
const GIT_ENV = { GIT_OPTIONAL_LOCKS: '0', LC_ALL: 'C', GIT_DIR: undefined, GIT_WORK_TREE: undefined, GIT_INDEX_FILE: undefined };

async function git(repo: string, args: string[], encoding: 'utf8' | 'buffer' = 'utf8') {
  return execa('git', ['-C', repo, ...args], { env: GIT_ENV, encoding, reject: false, maxBuffer: 1 << 30 });
}

export function resolveAgainst(projectDir: string, p: string): string {
  const expanded = p.startsWith('~/') ? path.join(process.env.HOME ?? '', p.slice(2)) : p;
  return path.resolve(projectDir, expanded);
}

function underDir(entries: Iterable<string>, rel: string): boolean {
  if (rel === '') return true;
  const prefix = rel + '/';
  for (const e of entries) if (e.startsWith(prefix)) return true;
  return false;
}

/** The commit a revision resolves to (`rev-parse`, cheap); undefined when it does not. */
export async function resolveCommit(repo: string, rev: string): Promise<string | undefined> {
  const r = await git(repo, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{commit}`]);
  return r.exitCode === 0 ? String(r.stdout).trim() : undefined;
}

async function openGit(repoArg: string, rev: string, projectDir: string, label: string): Promise<SourceTree> {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(repoArg) || /^[^/]+@[^/:]+:/.test(repoArg)) {
    throw new UserError(
      `${label}: ${repoArg} is a remote repository; dudforge reads local clones only`,
      `clone it first (git clone ${repoArg} linux), then use --source git:linux@${rev}`,
    );
  }
  const repo = resolveAgainst(projectDir, repoArg);
  if (!fs.existsSync(repo)) throw new UserError(`${label}: repository ${repo} does not exist`, 'check the path after git:');
  const top = await git(repo, ['rev-parse', '--git-dir']);
  if (top.exitCode !== 0) {
    throw new UserError(`${label}: ${repo} is not a git repository`, String(top.stderr).trim() || 'use dir: for a plain directory');
  }
  const resolved = await git(repo, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{commit}`]);
  if (resolved.exitCode !== 0) {
    throw new UserError(
      `${label}: revision ${rev} does not exist in ${repo}`,
      `list what exists with: git -C ${shellQuote(repo)} tag --list; git -C ${shellQuote(repo)} branch -a; git -C ${shellQuote(repo)} log --oneline -5`,
    );
  }
  const commit = String(resolved.stdout).trim();
  const listing = await git(repo, ['ls-tree', '-r', '-z', '--full-tree', commit]);
  if (listing.exitCode !== 0) throw new UserError(`${label}: cannot list commit ${commit}`, String(listing.stderr).trim());
  const files = new Set<string>();
  for (const rec of String(listing.stdout).split('\0')) {
    const tab = rec.indexOf('\t');
    if (tab > 0 && !rec.startsWith('160000')) files.add(rec.slice(tab + 1));
  }
  return {
    label,
    commit,
    isFile: async (rel) => files.has(rel),
    isDir: async (rel) => underDir(files, rel),
    async extract(rels, dest) {
      const spec = rels.includes('') ? [] : ['--', ...rels.map((r) => `:(literal)${r}`)];
      const archive = await git(repo, ['archive', '--format=tar', commit, ...spec], 'buffer');
      if (archive.exitCode !== 0) throw new UserError(`${label}: git archive failed`, Buffer.from(archive.stderr).toString().trim());
      // git stores only files (0644/0755), symlinks and directories; its archive is vetted like a
      // tarball all the same, so that no other kind of member can ever reach the disk.
      const bytes = archive.stdout as Uint8Array;
      const listed = await listTarMembers({ bytes });
      if ('error' in listed) throw new UserError(`${label}: cannot read what git archive wrote`, listed.error);
      vetTarMembers(listed.members, rels, '', label);
      fs.mkdirSync(dest, { recursive: true });
      await execa('tar', ['-x', '-C', dest, '--no-same-owner', '--no-same-permissions', '-f', '-'], { input: bytes });
      settleModes(dest);
    },
  };
}

async function openDir(dirArg: string, projectDir: string, label: string, exclude: string[]): Promise<SourceTree> {
  const root = resolveAgainst(projectDir, dirArg);
  if (!fs.existsSync(root) || !fs.statSync(root).isDirectory()) {
    throw new UserError(`${label}: ${root} is not a directory`, 'check the path after dir:');
  }
  // The project may live inside the module directory (`--source dir:.`): its imported copy,
  // firmware, staging and output directories are not sources.
  // An entry ending in `*` is a prefix (leftovers of an interrupted import: `.sources.import-*`).
  // Compared as real paths: the project may be reached through a link to its directory.
  const realRoot = fs.realpathSync.native(root);
  const skip = exclude.map((e) => (e.endsWith('*') ? realPathOf(e.slice(0, -1)) + '*' : realPathOf(e)));
  const excluded = (p: string) =>
    skip.some((e) => (e.endsWith('*') ? p.startsWith(e.slice(0, -1)) : p === e || p.startsWith(e + path.sep)));
  const stat = (rel: string) => {
    try {
      return fs.lstatSync(path.join(root, rel));
    } catch {
      return undefined;
    }
  };
  return {
    label,
    isFile: async (rel) => Boolean(stat(rel)?.isFile() || stat(rel)?.isSymbolicLink()),
    isDir: async (rel) => Boolean(stat(rel)?.isDirectory()),
    async extract(rels, dest) {
      // Our own walk, not fs.cpSync: cpSync refuses to copy a directory that contains the
      // destination, which is exactly the case of a project inside its module directory.
      // Links are copied as links (the import judges them in the copy); a FIFO or a device is
      // never opened but refused, and no special mode bit is carried over.
      const copy = (from: string, to: string, rel: string) => {
        if (path.basename(from) === '.git' || excluded(from)) return;
        const st = fs.lstatSync(from);
        if (st.isDirectory()) {
          fs.mkdirSync(to, { recursive: true, mode: 0o755 });
          for (const name of fs.readdirSync(from).sort()) copy(path.join(from, name), path.join(to, name), rel ? `${rel}/${name}` : name);
        } else if (st.isSymbolicLink()) {
          fs.mkdirSync(path.dirname(to), { recursive: true });
          fs.symlinkSync(fs.readlinkSync(from), to);
        } else if (st.isFile()) {
          fs.mkdirSync(path.dirname(to), { recursive: true });
          fs.copyFileSync(from, to);
          fs.chmodSync(to, st.mode & 0o111 ? 0o755 : 0o644);
        } else {
          throw new UserError(
            `${label}: ${rel} is ${specialKind(st)}; only regular files, directories and symlinks can be sources`,
            'remove it from the source directory (dudforge never opens special files)',
          );
        }
      };
      for (const rel of rels) {
        // A directory reached through a link (drivers -> /somewhere) must still be in the tree.
        const real = realPathOf(path.dirname(path.join(realRoot, rel)));
        if (rel !== '' && real !== realRoot && !real.startsWith(realRoot + path.sep)) {
          throw new UserError(`${label}: ${rel} leads out of ${root} through a symlink; refused`, 'give the directory itself as the source');
        }
        copy(path.join(realRoot, rel), path.join(dest, rel), rel);
      }
    },
  };
}

/**
 * What the one pass over a tarball keeps (tree-relative, with or without the wrapping top
 * directory): the driver directories, the Makefiles/Kbuild/Kconfig on their way down, and the
 * headers under the include roots (headers.ts includeRoots) that some target build tree lacks:
 * only those can be pulled in (headers.ts decide). Anything else an import asks for later (a
 * quoted header elsewhere, firmware) costs a second pass.
 */
export function keptByScan(driverDirs: string[], buildTrees: string[]): (name: string, isDir: boolean) => boolean {
  const whole = driverDirs.length === 0 || driverDirs.includes('');
  const ancestors = new Set<string>();
  for (const d of driverDirs) {
    const parts = d.split('/');
    for (let i = 0; i < parts.length; i++) ancestors.add(parts.slice(0, i).join('/'));
  }
  const trees = buildTrees.map((bt) => ({ roots: includeRoots(archOf(bt)), headers: new BuildTreeHeaders(bt) }));
  const lacked = new Map<string, boolean>();
  const someTreeLacks = (r: string) => {
    let answer = lacked.get(r);
    if (answer === undefined) {
      answer = trees.some((t) => t.roots.some((root) => r.startsWith(root + '/') && !t.headers.has(r.slice(root.length + 1))));
      lacked.set(r, answer);
    }
    return answer;
  };
  const keeps = (r: string, isDir: boolean) => {
    if (whole) return true;
    if (driverDirs.some((d) => r === d || r.startsWith(d + '/'))) return true;
    // Directories cost nothing to keep (a name in a set); files under the include roots only
    // when some target kernel lacks them.
    if (r.startsWith('include/') || r.startsWith('arch/')) return isDir || someTreeLacks(r);
    const base = r.slice(r.lastIndexOf('/') + 1);
    return /^(Makefile|Kbuild|Kconfig)$/.test(base) && ancestors.has(r.includes('/') ? r.slice(0, r.lastIndexOf('/')) : '');
  };
  return (name, isDir) => {
    if (keeps(name, isDir)) return true;
    const slash = name.indexOf('/');
    return slash > 0 && keeps(name.slice(slash + 1), isDir);
  };
}

async function openTar(fileArg: string, projectDir: string, driverDirs: string[], label: string, scratch: string, buildTrees: string[]): Promise<SourceTree> {
  const file = resolveAgainst(projectDir, fileArg);
  if (!fs.existsSync(file) || !fs.statSync(file).isFile()) throw new UserError(`${label}: ${file} does not exist`, 'check the path after tar:');
  const cacheDir = path.join(scratch, 'tar-scan');
  let scan: TarScan;
  try {
    scan = await scanTarball(file, keptByScan(driverDirs, buildTrees), cacheDir);
  } catch (err) {
    throw new UserError(
      `${label}: ${file} is not a tarball`,
      `reading it says: ${(err as Error).message}; give a .tar, .tar.gz, .tar.xz, .tar.bz2 or .tar.zst file`,
    );
  }
  const members = scan.members;
  const raw = members.map((m) => m.name);
  if (raw.length === 0) {
    throw new UserError(`${label}: ${file} is not a tarball`, 'it holds no members; give a .tar, .tar.gz, .tar.xz or .tar.bz2 file');
  }
  // Kernel tarballs wrap the tree in one top directory (linux-source-6.1/): strip it, unless the
  // driver directories themselves start with it (a tarball of drivers/ only).
  // Plain loops: a kernel tarball has ~80 000 members.
  const names: string[] = [];
  for (const n of raw) {
    const name = n.startsWith('./') ? n.slice(2) : n;
    if (name) names.push(name);
  }
  const tops = new Set<string>();
  for (const n of names) {
    const slash = n.indexOf('/');
    const top = slash < 0 ? n : n.slice(0, slash);
    if (top) tops.add(top);
  }
  const [onlyTop] = tops;
  const wrapped =
    tops.size === 1 && names.every((n) => n === onlyTop || n.startsWith(onlyTop + '/')) && !driverDirs.some((d) => d.split('/')[0] === onlyTop);
  const leadingDot = raw[0].startsWith('./') ? './' : '';
  const prefix = wrapped ? `${onlyTop}/` : '';
  const entries = new Set<string>();
  const dirs = new Set<string>();
  for (const n of names) {
    const slashed = n.endsWith('/');
    if (slashed) dirs.add(n.slice(prefix.length, -1));
    if (!n.startsWith(prefix)) continue;
    const rel = slashed ? n.slice(prefix.length, -1) : n.slice(prefix.length);
    if (rel) entries.add(rel);
  }
  for (const m of members) if (m.type === 'dir') dirs.add(normalName(m.name).slice(prefix.length));

  /** Copy the selected members from the scan; false (nothing copied) when the scan lacks one. */
  const fromScan = (rels: string[], dest: string): boolean => {
    if (!scan.complete) return false;
    const selected = (rel: string) => rels.includes('') || rels.some((r) => rel === r || rel.startsWith(r + '/'));
    const chosen: { rel: string; m: TarMember }[] = [];
    for (const m of members) {
      const n = normalName(m.name);
      if (!n.startsWith(prefix) && prefix) continue;
      const rel = n.slice(prefix.length);
      if (rel === '' || !selected(rel)) continue;
      if ((m.type === 'file' || m.type === 'dir') && !scan.cached.has(n)) return false;
      if (m.type === 'hardlink' && !scan.cached.has(normalName(m.link ?? ''))) return false;
      chosen.push({ rel, m });
    }
    for (const { rel, m } of chosen) {
      const to = path.join(dest, rel);
      if (m.type === 'dir') {
        fs.mkdirSync(to, { recursive: true });
        continue;
      }
      fs.mkdirSync(path.dirname(to), { recursive: true });
      fs.rmSync(to, { force: true });
      if (m.type === 'symlink') fs.symlinkSync(m.link ?? '', to);
      else scan.copyKept(m.type === 'hardlink' ? normalName(m.link ?? '') : normalName(m.name), to);
    }
    return true;
  };

  return {
    label,
    isFile: async (rel) => entries.has(rel) && !dirs.has(rel),
    isDir: async (rel) => dirs.has(rel) || underDir(entries, rel),
    async extract(rels, dest) {
      // Every member of the request is vetted before anything reaches dest.
      vetTarMembers(members, rels, prefix, label);
      fs.mkdirSync(dest, { recursive: true });
      if (!fromScan(rels, dest)) {
        const strip = prefix ? ['--strip-components=' + prefix.split('/').filter(Boolean).length] : [];
        const wanted = rels.includes('') ? [] : rels.map((r) => leadingDot + prefix + r);
        const r = await execa('tar', ['-x', '-f', file, '-C', dest, '--no-same-owner', '--no-same-permissions', ...strip, '--', ...wanted], {
          env: { LC_ALL: 'C' },
          reject: false,
        });
        if (r.exitCode !== 0) throw new UserError(`${label}: extracting ${rels.join(', ')} failed`, r.stderr.trim());
      }
      settleModes(dest);
    },
  };
}

/**
 * Open the source a project names. Relative paths resolve against `projectDir`. `exclude`
 * lists absolute paths a directory source must not copy (the project's own directories).
 */
export async function openSourceTree(
  source: SourceSpec,
  projectDir: string,
  driverDirs: string[],
  exclude: string[],
  /** A private directory (removed by the caller) where a tarball's single pass keeps what it read. */
  scratch: string,
  /** The target kernels' build trees: a tarball's pass keeps the headers some of them lack. */
  buildTrees: string[] = [],
): Promise<SourceTree> {
  const label = formatSource(source);
  if (source.kind === 'git') return openGit(source.repo, source.rev, projectDir, label);
  if (source.kind === 'dir') return openDir(source.path, projectDir, label, exclude);
  return openTar(source.file, projectDir, driverDirs, label, scratch, buildTrees);
}
