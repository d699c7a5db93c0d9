/**
 * Headers a driver includes from outside its own directories. A driver backported from a newer
 * kernel often includes `"../common/x.h"` or a `<linux/x.h>` that older kernels do not ship;
 * those must come along, or the build fails on some of the target kernels. Headers every
 * target build tree already has stay out: the kernel's own copy must win.
 */
import fs from 'node:fs';
import path from 'node:path';
import { stripComments } from './c-strings.js';
import type { SourceTree } from './source-tree.js';

export interface PulledHeader {
  /** Tree-relative path of the header, as imported. */
  path: string;
  reason: string;
}

/** An include directory a driver Makefile adds with `-I` (ccflags-y), tree-relative. */
export interface MakefileInclude {
  dir: string;
  /** `-I$(srctree)/…`: points into the kernel tree, so the build needs our copy's -I instead. */
  needsFlag: boolean;
}

/**
 * `-I` directories in a driver directory's ccflags that point into the source tree:
 * `$(srctree)/X` (tree-relative X) and `$(src)/X` / `$(obj)/X` (relative to the driver dir).
 */
export function makefileIncludes(driverDir: string, ccflags: string[]): MakefileInclude[] {
  const out: MakefileInclude[] = [];
  const words = ccflags.flatMap((f) => f.split(/\s+/)).filter(Boolean);
  for (let i = 0; i < words.length; i++) {
    let arg: string | undefined;
    if (words[i] === '-I') arg = words[++i];
    else if (words[i].startsWith('-I')) arg = words[i].slice(2);
    if (!arg) continue;
    const srctree = /^\$[({]srctree[)}]\/(.+)$/.exec(arg);
    const local = /^\$[({](src|obj)[)}]\/?(.*)$/.exec(arg);
    let dir: string | undefined;
    if (srctree && !srctree[1].includes('$')) dir = path.posix.normalize(srctree[1]);
    else if (local && !local[2].includes('$')) dir = path.posix.normalize(path.posix.join(driverDir, local[2]));
    if (!dir || dir.startsWith('../') || dir === '..' || path.posix.isAbsolute(dir)) continue;
    dir = dir.replace(/\/$/, '');
    if (!out.some((o) => o.dir === dir)) out.push({ dir, needsFlag: !!srctree });
  }
  return out;
}

export interface HeaderPlan {
  pulled: PulledHeader[];
  /** Tree-relative include directories the build must add with -I (for `<…>` headers pulled in). */
  includeDirs: string[];
}

const SOURCE_EXT = /\.(c|h|S)$/;

/** `#include` lines of a source: the name and whether it was written with quotes. */
export function includesOf(text: string): { name: string; quoted: boolean }[] {
  const out: { name: string; quoted: boolean }[] = [];
  for (const m of stripComments(text).matchAll(/^[ \t]*#[ \t]*include[ \t]*(?:"([^"\n]+)"|<([^>\n]+)>)/gm)) {
    out.push(m[1] !== undefined ? { name: m[1], quoted: true } : { name: m[2], quoted: false });
  }
  return out;
}

/** The kernel's ARCH directory name for a build tree, from its .config (x86 when unknown). */
export function archOf(buildTree: string): string {
  let config = '';
  try {
    config = fs.readFileSync(path.join(buildTree, '.config'), 'utf8');
  } catch {
    return 'x86';
  }
  const table: [string, string][] = [
    ['CONFIG_X86', 'x86'],
    ['CONFIG_ARM64', 'arm64'],
    ['CONFIG_PPC', 'powerpc'],
    ['CONFIG_S390', 's390'],
    ['CONFIG_RISCV', 'riscv'],
    ['CONFIG_ARM', 'arm'],
  ];
  return table.find(([sym]) => new RegExp(`^${sym}=y$`, 'm').test(config))?.[1] ?? 'x86';
}

/** Include roots of a kernel tree, in LINUXINCLUDE order (arch first, then generic, then uapi). */
export function includeRoots(arch: string): string[] {
  return [
    `arch/${arch}/include`,
    `arch/${arch}/include/generated`,
    'include',
    `arch/${arch}/include/uapi`,
    `arch/${arch}/include/generated/uapi`,
    'include/uapi',
    'include/generated/uapi',
  ];
}

/**
 * The directories that make up a build tree: the tree itself plus the trees its Makefile
 * includes (Debian splits headers into linux-headers-<rel> and linux-headers-<rel>-common,
 * whose Makefile is `include /usr/src/linux-headers-…-common/Makefile`).
 */
export function buildTreeParts(buildTree: string): string[] {
  const parts = [buildTree];
  try {
    const mk = fs.readFileSync(path.join(buildTree, 'Makefile'), 'utf8');
    for (const m of mk.matchAll(/^\s*-?include\s+(\S+)\/Makefile\s*$/gm)) if (path.isAbsolute(m[1])) parts.push(m[1]);
    for (const m of mk.matchAll(/^\s*MAKEARGS\s*:?=.*-C\s+(\S+)/gm)) parts.push(path.resolve(buildTree, m[1]));
  } catch {
    // A tree without a Makefile is not a build tree; the build will say so.
  }
  return parts;
}

/**
 * The kernel release a build tree builds for, for messages: UTS_RELEASE from
 * include/generated/utsrelease.h first (Debian's 6.1 trees say "6.1.192" in
 * include/config/kernel.release but "6.1.0-56-amd64" there, which is what `uname -r` and
 * vermagic show), then kernel.release, then the directory name.
 */
export function releaseOf(buildTree: string): string {
  const read = (rel: string) => {
    try {
      return fs.readFileSync(path.join(buildTree, rel), 'utf8');
    } catch {
      return '';
    }
  };
  const uts = /#define\s+UTS_RELEASE\s+"([^"]+)"/.exec(read('include/generated/utsrelease.h'))?.[1];
  if (uts) return uts;
  const rel = read('include/config/kernel.release').trim();
  if (rel) return rel;
  const base = path.basename(buildTree);
  return base === 'build' || base === 'source' ? path.basename(path.dirname(buildTree)) : base;
}

/**
 * Which headers a build tree holds under its include roots, answered from directory listings
 * read once each: the tarball scan asks this for thousands of headers (source-tree.ts).
 */
export class BuildTreeHeaders {
  private readonly dirs: string[];
  private readonly listings = new Map<string, Set<string> | undefined>();
  constructor(buildTree: string) {
    const arch = archOf(buildTree);
    this.dirs = buildTreeParts(buildTree).flatMap((part) => includeRoots(arch).map((root) => path.join(part, root)));
  }
  private listing(dir: string): Set<string> | undefined {
    if (!this.listings.has(dir)) {
      let names: Set<string> | undefined;
      // Most include roots lack most subdirectories: no exception thrown for each.
      if (fs.existsSync(dir)) {
        try {
          names = new Set(fs.readdirSync(dir));
        } catch {
          names = undefined;
        }
      }
      this.listings.set(dir, names);
    }
    return this.listings.get(dir);
  }
  has(header: string): boolean {
    // Only plain relative names are looked up in listings; anything else asks the file system.
    if (header.startsWith('/') || header.endsWith('/') || header.includes('//') || /(^|\/)\.\.?(\/|$)/.test(header)) {
      return this.dirs.some((d) => fs.existsSync(path.join(d, header)));
    }
    const slash = header.lastIndexOf('/');
    const sub = slash < 0 ? '' : `/${header.slice(0, slash)}`;
    const base = header.slice(slash + 1);
    return this.dirs.some((d) => this.listing(d + sub)?.has(base) === true);
  }
}

/**
 * Find the headers the staged files include from outside the staged tree and decide which to
 * pull in. `staged` is the staging root (tree-relative layout); `tree` answers for the rest of
 * the source tree. Pulled headers are extracted into `staged` and scanned in turn.
 */
export async function pullOutsideHeaders(
  tree: SourceTree,
  staged: string,
  buildTrees: string[],
  makefileDirs: MakefileInclude[] = [],
): Promise<HeaderPlan> {
  const plan: HeaderPlan = { pulled: [], includeDirs: [] };
  const arch = buildTrees.length > 0 ? archOf(buildTrees[0]) : 'x86';
  const missingFrom = new Map<string, string[]>();
  const held = buildTrees.map((bt) => ({ release: releaseOf(bt), headers: new BuildTreeHeaders(bt) }));
  const lacking = (header: string) => {
    if (!missingFrom.has(header)) missingFrom.set(header, held.filter((t) => !t.headers.has(header)).map((t) => t.release));
    return missingFrom.get(header)!;
  };
  // Breadth-first in rounds, one extraction per round: each extraction from a compressed
  // tarball decompresses the whole archive again.
  let round = listSources(staged);
  const seen = new Set(round);
  while (round.length > 0) {
    const batch: { path: string; reason: string; includeDir?: string }[] = [];
    for (const from of round) {
      // A pulled symlink is judged by checkTree (tree-guard.ts), never followed here.
      if (fs.lstatSync(path.join(staged, from)).isSymbolicLink()) continue;
      const text = fs.readFileSync(path.join(staged, from), 'utf8');
      for (const inc of includesOf(text)) {
        const wanted = await decide(tree, staged, from, inc, makefileDirs, buildTrees.length > 0 ? arch : undefined, lacking);
        if (!wanted || seen.has(wanted.path)) continue;
        seen.add(wanted.path);
        batch.push(wanted);
      }
    }
    if (batch.length > 0) await tree.extract(batch.map((b) => b.path), staged);
    for (const wanted of batch) {
      plan.pulled.push({ path: wanted.path, reason: wanted.reason });
      if (wanted.includeDir && !plan.includeDirs.includes(wanted.includeDir)) plan.includeDirs.push(wanted.includeDir);
    }
    round = batch.map((b) => b.path).filter((p) => SOURCE_EXT.test(p));
  }
  plan.pulled.sort((a, b) => (a.path < b.path ? -1 : 1));
  return plan;
}

/**
 * Whether one include of `from` must be pulled in: a quoted name found beside the file is
 * local; one found elsewhere in the tree comes along. `<…>` names (and quoted ones not found
 * beside the file) are looked up in the tree's include roots and come along only when some
 * target build tree lacks them. Without build trees (`arch` undefined) nothing `<…>` is pulled.
 */
async function decide(
  tree: SourceTree,
  staged: string,
  from: string,
  inc: { name: string; quoted: boolean },
  makefileDirs: MakefileInclude[],
  arch: string | undefined,
  lacking: (header: string) => string[],
): Promise<{ path: string; reason: string; includeDir?: string } | undefined> {
  if (inc.quoted) {
    const rel = path.posix.normalize(path.posix.join(path.posix.dirname(from), inc.name));
    if (rel.startsWith('../') || fs.existsSync(path.join(staged, rel))) return undefined;
    if (await tree.isFile(rel)) return { path: rel, reason: `"${inc.name}" is included by ${from} from outside the driver directories` };
  }
  for (const m of makefileDirs) {
    const rel = path.posix.join(m.dir, inc.name);
    if (fs.existsSync(path.join(staged, rel))) return undefined;
    if (await tree.isFile(rel)) {
      return {
        path: rel,
        reason: `${inc.quoted ? `"${inc.name}"` : `<${inc.name}>`} is included by ${from} from ${m.dir}, which the driver Makefile adds with -I`,
        ...(m.needsFlag ? { includeDir: m.dir } : {}),
      };
    }
  }
  if (arch === undefined) return undefined;
  for (const root of includeRoots(arch)) {
    const rel = path.posix.join(root, inc.name);
    if (!(await tree.isFile(rel))) continue;
    if (fs.existsSync(path.join(staged, rel))) return undefined;
    const missing = lacking(inc.name);
    if (missing.length === 0) return undefined;
    return { path: rel, includeDir: root, reason: `<${inc.name}> is included by ${from} and is not in the build tree of ${missing.join(', ')}` };
  }
  return undefined;
}

function listSources(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string, rel: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(path.join(dir, e.name), r);
      else if (e.isFile() && SOURCE_EXT.test(e.name)) out.push(r);
    }
  };
  walk(root, '');
  return out.sort();
}

/** Make arguments that let Kbuild find pulled `<…>` headers of a tree copied to `sourcesDir`. */
export function includeMakeArgs(sourcesDir: string, includeDirs: string[]): string[] {
  if (includeDirs.length === 0) return [];
  return [`KCFLAGS=${includeDirs.map((d) => `-I${path.resolve(sourcesDir, d)}`).join(' ')}`];
}
