/**
 * Build trees of other architectures from Debian's header packages, without installing them:
 * `apt-get download` the arch's `linux-headers-<release>` with the `-common` half and the host's
 * `linux-kbuild-*` tools it depends on, and `dpkg-deb -x` all three into one directory under the
 * cache. Inside it the tree's relative `scripts` link finds the host's Kbuild tools (Debian's
 * linux-kbuild is Multi-Arch: foreign), and the one absolute path Debian writes, the Makefile's
 * `include /usr/src/linux-headers-<version>-common/Makefile`, is pointed at the extracted copy.
 * Nothing on the host changes; a half-fetched tree never appears (extracted aside, renamed in).
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { UserError } from '../errors.js';
import { TARGETS } from './cross.js';

/** Where fetched trees live: $DUDFORGE_CACHE/trees, else $XDG_CACHE_HOME/dudforge/trees, else ~/.cache/dudforge/trees. */
export function fetchedTreesDir(env = process.env): string {
  if (env.DUDFORGE_CACHE) return join(env.DUDFORGE_CACHE, 'trees');
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'dudforge', 'trees');
}

/** The build trees already fetched (each `<release>/usr/src/linux-headers-<release>`). */
export function fetchedTrees(root = fetchedTreesDir()): string[] {
  if (!root) return [];
  let names: string[] = [];
  try {
    names = readdirSync(root).filter((n) => !n.startsWith('.'));
  } catch {
    return [];
  }
  return names.sort().map((n) => join(root, n, 'usr', 'src', `linux-headers-${n}`)).filter((p) => existsSync(join(p, 'Makefile')));
}

/** The Debian architecture a release's flavour names (`6.1.0-57-arm64` → arm64). */
export function debianArchOf(release: string): string {
  const known = Object.values(TARGETS).map((t) => t.debianArch);
  const flavour = known.find((a) => release.endsWith(`-${a}`) || release.endsWith(`-cloud-${a}`) || release.endsWith(`-rt-${a}`));
  if (!flavour) {
    throw new UserError(
      `${release}: not a Debian kernel release with an architecture flavour (…-${known.join(', …-')})`,
      'give the release as Debian names it, e.g. 6.1.0-57-arm64 (apt-cache search linux-headers- | grep arm64)',
    );
  }
  return flavour;
}

async function download(pkg: string, dir: string): Promise<string> {
  const r = await execa('apt-get', ['download', pkg], { cwd: dir, reject: false, env: { LC_ALL: 'C' } });
  if (r.exitCode !== 0) {
    const text = `${r.stderr}`.trim().split('\n').pop() ?? '';
    const foreign = pkg.includes(':');
    throw new UserError(
      `apt-get download ${pkg} failed: ${text}`,
      foreign
        ? `let apt know the packages of that architecture (lists only; nothing is installed): dpkg --add-architecture ${pkg.split(':')[1]} && apt-get update`
        : 'run apt-get update, and check the name with apt-cache policy',
    );
  }
  const name = pkg.split(':')[0];
  const deb = readdirSync(dir).find((f) => f.startsWith(`${name}_`) && f.endsWith('.deb'));
  if (!deb) throw new UserError(`apt-get download ${pkg} wrote no .deb`, 'run it by hand to see why');
  return join(dir, deb);
}

async function debField(deb: string, field: string): Promise<string> {
  const r = await execa('dpkg-deb', ['-f', deb, field], { reject: false });
  return r.exitCode === 0 ? r.stdout.trim() : '';
}

/** Package names from a Depends field that match `pattern` (versions and alternatives dropped). */
function dependsMatching(depends: string, pattern: RegExp): string[] {
  return depends
    .split(',')
    .map((d) => d.trim().split(/[\s(|]/)[0])
    .filter((n) => pattern.test(n));
}

/**
 * Fetch the build tree of `release` (e.g. 6.1.0-57-arm64) into the cache and return its path.
 * An already fetched tree is returned as it is.
 */
export async function fetchDebianTree(release: string, opts: { root?: string; onInfo?: (line: string) => void } = {}): Promise<string> {
  const root = opts.root ?? fetchedTreesDir();
  const info = opts.onInfo ?? (() => {});
  const debArch = debianArchOf(release);
  const target = join(root, release);
  const tree = join(target, 'usr', 'src', `linux-headers-${release}`);
  if (existsSync(join(tree, 'Makefile'))) return tree;
  mkdirSync(root, { recursive: true });
  const work = mkdtempSync(join(root, `.fetch-${release}-`));
  try {
    const debs = join(work, 'debs');
    mkdirSync(debs);
    info(`downloading linux-headers-${release} (${debArch})`);
    const headers = await download(`linux-headers-${release}:${debArch}`, debs);
    const depends = await debField(headers, 'Depends');
    const halves = dependsMatching(depends, /^linux-(headers-.*-common|kbuild-)/);
    for (const pkg of halves) {
      info(`downloading ${pkg}`);
      // -common is arch-independent; linux-kbuild is the host's own (Multi-Arch: foreign).
      await download(pkg, debs);
    }
    const extracted = join(work, 'root');
    for (const deb of readdirSync(debs).sort()) {
      const r = await execa('dpkg-deb', ['-x', join(debs, deb), extracted], { reject: false });
      if (r.exitCode !== 0) throw new UserError(`dpkg-deb -x ${deb} failed: ${r.stderr.trim()}`, 'delete the download and try again');
    }
    const extractedTree = join(extracted, 'usr', 'src', `linux-headers-${release}`);
    const makefile = join(extractedTree, 'Makefile');
    if (!existsSync(makefile)) throw new UserError(`linux-headers-${release} holds no build tree at /usr/src/linux-headers-${release}`, 'is it a Debian kernel header package?');
    // The one absolute path: point it at the -common half extracted beside it.
    const text = readFileSync(makefile, 'utf8').replace(/^include \/usr\/src\/(linux-headers-[^/\s]+-common)\/Makefile$/m, (_m, common: string) => {
      return `include ${join(target, 'usr', 'src', common, 'Makefile')}`;
    });
    writeFileSync(makefile, text);
    rmSync(debs, { recursive: true, force: true });
    renameSync(extracted, target);
    info(`fetched ${tree}`);
    return tree;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
