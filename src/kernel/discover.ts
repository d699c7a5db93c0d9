import { existsSync, lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { inspectTree, type KernelTree } from './tree.js';
import { fetchedTrees, fetchedTreesDir } from './fetch.js';

/** Where to look; the defaults are the distributions' own places. Tests point them elsewhere. */
export interface DiscoveryRoots {
  /** Holds `<release>/build` links (every distribution). Default /lib/modules. */
  libModules?: string;
  /** RHEL/Fedora kernel-devel trees. Default /usr/src/kernels. */
  usrSrcKernels?: string;
  /** Holds Debian/Ubuntu `linux-headers-*` trees. Default /usr/src. */
  usrSrc?: string;
  /** Trees of other architectures fetched by `dudforge kernels --fetch` (fetch.ts). */
  fetched?: string;
}

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
}

function entryExists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * The places that may hold a build tree. A `/lib/modules/<release>/build` link is listed even
 * when it dangles (the user then sees that the headers of an installed kernel are gone).
 * Debian's `linux-headers-*-common` halves have no `.config`: they are only the shared sources
 * that the arch tree's Makefile includes, not something to build against, so they are skipped
 * here (naming one with --kernel-dir still shows it, as unusable with the reason).
 */
function candidatePaths(roots: Required<DiscoveryRoots>): string[] {
  const found: string[] = [];
  for (const release of listDir(roots.libModules)) {
    const build = join(roots.libModules, release, 'build');
    if (entryExists(build)) found.push(build);
  }
  for (const name of listDir(roots.usrSrcKernels)) found.push(join(roots.usrSrcKernels, name));
  for (const name of listDir(roots.usrSrc)) {
    if (!name.startsWith('linux-headers-')) continue;
    const dir = join(roots.usrSrc, name);
    if (existsSync(join(dir, '.config'))) found.push(dir);
  }
  found.push(...fetchedTrees(roots.fetched));
  return found;
}

/**
 * Every kernel build tree on this machine plus `extraDirs` (from --kernel-dir), each real
 * directory once: the trees reached through several paths carry all of them in `foundVia`.
 * Sorted by kernel release (natural order), trees without a release last.
 */
export function discoverKernels(extraDirs: string[] = [], roots: DiscoveryRoots = {}): KernelTree[] {
  const full: Required<DiscoveryRoots> = {
    libModules: roots.libModules ?? '/lib/modules',
    usrSrcKernels: roots.usrSrcKernels ?? '/usr/src/kernels',
    usrSrc: roots.usrSrc ?? '/usr/src',
    // Roots given (tests) replace the machine's places, the fetched trees' cache included.
    fetched: roots.fetched ?? (Object.keys(roots).length ? '' : fetchedTreesDir()),
  };
  const byPath = new Map<string, KernelTree>();
  for (const candidate of [...candidatePaths(full), ...extraDirs]) {
    const tree = inspectTree(candidate);
    const seen = byPath.get(tree.path);
    if (seen) {
      if (!seen.foundVia.includes(candidate)) seen.foundVia.push(candidate);
    } else {
      byPath.set(tree.path, tree);
    }
  }
  return [...byPath.values()].sort(compareTrees);
}

function compareTrees(a: KernelTree, b: KernelTree): number {
  if (a.release && b.release) return compareReleases(a.release, b.release) || a.path.localeCompare(b.path);
  if (a.release) return -1;
  if (b.release) return 1;
  return a.path.localeCompare(b.path);
}

/**
 * Natural order of two kernel releases in the spirit of rpmvercmp: runs of digits compare as
 * numbers, runs of letters as text, separators only split. Enough to sort a list; RPM
 * dependency decisions use the real rpmvercmp from src/rpm.
 */
export function compareReleases(a: string, b: string): number {
  const sa = a.match(/\d+|[a-zA-Z]+/g) ?? [];
  const sb = b.match(/\d+|[a-zA-Z]+/g) ?? [];
  for (let i = 0; i < Math.min(sa.length, sb.length); i++) {
    const x = sa[i];
    const y = sb[i];
    const xNum = /^\d/.test(x);
    const yNum = /^\d/.test(y);
    if (xNum !== yNum) return xNum ? 1 : -1; // rpm: a number is newer than letters
    const c = xNum ? compareDigits(x, y) : x < y ? -1 : x > y ? 1 : 0;
    if (c !== 0) return c;
  }
  return Math.sign(sa.length - sb.length);
}

function compareDigits(x: string, y: string): number {
  const p = x.replace(/^0+/, '');
  const q = y.replace(/^0+/, '');
  if (p.length !== q.length) return p.length < q.length ? -1 : 1;
  return p < q ? -1 : p > q ? 1 : 0;
}

/** The tree for a kernel release; a usable one wins when several trees claim the release. */
export function findKernel(trees: KernelTree[], release: string): KernelTree | undefined {
  const matching = trees.filter((t) => t.release === release);
  return matching.find((t) => t.usable) ?? matching[0];
}
