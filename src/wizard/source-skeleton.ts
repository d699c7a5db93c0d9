/**
 * Browsing a tarball or a git revision without unpacking a whole kernel tree: a "skeleton" in
 * a cache directory holds every directory of the source and only its Makefile/Kbuild files,
 * which is all step 3 needs to list directories and the modules they build. The driver
 * directories the user picks are then extracted in full, so step 4 can read MODULE_* lines.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import type { SourceSpec } from '../answers/schema.js';
import { UserError } from '../errors.js';

const GIT_ENV = { GIT_OPTIONAL_LOCKS: '0', LC_ALL: 'C' };

export function skeletonDir(source: SourceSpec, cacheRoot = tmpdir()): string {
  const key = createHash('sha256').update(JSON.stringify(source)).digest('hex').slice(0, 16);
  return join(cacheRoot, `dudforge-browse-${key}`);
}

function dirsOf(files: string[]): string[] {
  const dirs = new Set<string>();
  for (const f of files) {
    const parts = f.split('/');
    for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
  }
  return [...dirs];
}

interface Listing {
  files: string[];
  /** Extract these tree-relative paths (files or directories) into `dest`. */
  extract(rels: string[], dest: string, kbuildOnly?: boolean): Promise<void>;
}

async function gitListing(repo: string, rev: string): Promise<Listing> {
  const commit = await execa('git', ['-C', repo, 'rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{commit}`], { env: GIT_ENV, reject: false });
  if (commit.exitCode !== 0) throw new UserError(`revision ${rev} does not exist in ${repo}`, `list what exists with: git -C ${repo} tag --list; git -C ${repo} branch -a`);
  const hash = commit.stdout.trim();
  const ls = await execa('git', ['-C', repo, 'ls-tree', '-r', '-z', '--name-only', '--full-tree', hash], { env: GIT_ENV, maxBuffer: 1 << 30 });
  const files = ls.stdout.split('\0').filter(Boolean);
  return {
    files,
    async extract(rels, dest, kbuildOnly = false) {
      // Named one by one: a glob that matches nothing (no Kbuild anywhere) is an error to git.
      const wanted = kbuildOnly ? files.filter((f) => /(^|\/)(Makefile|Kbuild)$/.test(f)) : rels;
      if (wanted.length === 0) return;
      const spec = wanted.map((r) => `:(literal)${r}`);
      const archive = await execa('git', ['-C', repo, 'archive', '--format=tar', hash, '--', ...spec], { env: GIT_ENV, encoding: 'buffer', maxBuffer: 1 << 30 });
      await execa('tar', ['-x', '-C', dest, '--no-same-owner', '-f', '-'], { input: archive.stdout });
    },
  };
}

async function tarListing(file: string): Promise<Listing> {
  const list = await execa('tar', ['-t', '-f', file], { env: { LC_ALL: 'C' }, reject: false, maxBuffer: 1 << 30 });
  const names = list.exitCode === 0 ? list.stdout.split('\n').map((n) => n.replace(/^\.\//, '')).filter(Boolean) : [];
  if (names.length === 0) throw new UserError(`${file} is not a tarball`, 'give a .tar, .tar.gz, .tar.xz or .tar.bz2 file');
  // A kernel tarball wraps the tree in one top directory (linux-6.1/): strip it, as import does.
  const tops = new Set(names.map((n) => n.split('/')[0]));
  const [top] = tops;
  const wrapped = tops.size === 1 && names.some((n) => n.startsWith(`${top}/`));
  const prefix = wrapped ? `${top}/` : '';
  const strip = wrapped ? ['--strip-components=1'] : [];
  const dotted = list.stdout.startsWith('./') ? './' : '';
  return {
    // Directory entries count as paths too (an empty directory is still part of the tree).
    files: names.map((n) => (n.endsWith('/') ? `${n}.` : n).slice(prefix.length)).filter((n) => n && n !== '.'),
    async extract(rels, dest, kbuildOnly = false) {
      const members = kbuildOnly ? ['--wildcards', '*Makefile', '*Kbuild'] : ['--', ...rels.map((r) => `${dotted}${prefix}${r}`)];
      // Patterns that match nothing make tar exit 2; what was found is still extracted.
      await execa('tar', ['-x', '-f', file, '-C', dest, '--no-same-owner', ...strip, ...members], { env: { LC_ALL: 'C' }, reject: false });
    },
  };
}

async function listingOf(source: SourceSpec): Promise<Listing> {
  if (source.kind === 'git') return gitListing(source.repo, source.rev);
  if (source.kind === 'tar') return tarListing(source.file);
  throw new Error('a directory source is browsed directly');
}

/** Builds (or rebuilds) the skeleton of a tar/git source; returns its directory. */
export async function buildSkeleton(source: SourceSpec, cacheRoot?: string): Promise<string> {
  const dir = skeletonDir(source, cacheRoot);
  const listing = await listingOf(source);
  rmSync(dir, { recursive: true, force: true });
  made.add(dir);
  mkdirSync(dir, { recursive: true });
  for (const d of dirsOf(listing.files)) mkdirSync(join(dir, d), { recursive: true });
  await listing.extract([], dir, true);
  return dir;
}

/** Extracts the chosen driver directories in full into the skeleton (for their MODULE_* lines). */
export async function fillSkeleton(source: SourceSpec, rels: string[], cacheRoot?: string): Promise<void> {
  const listing = await listingOf(source);
  // The top chosen: the source is one module (step 3 accepts its top only then), extracted whole.
  const wanted = rels.includes('.') ? listing.files.filter((f) => !f.endsWith('/.')) : rels.filter((r) => r);
  if (!wanted.length) return;
  await listing.extract(wanted, skeletonDir(source, cacheRoot));
}

/** Skeletons made by this process, removed when the wizard ends (`removeSkeletons`). */
const made = new Set<string>();

/** Removes every skeleton this process made (they are a browsing aid, never needed again). */
export function removeSkeletons(): void {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
  made.clear();
}
