/**
 * What the three metadata files say about one package, read from the RPM the way
 * createrepo_c's parsehdr.c does: EVR split, requires filtering, `pre` flags, file types.
 */
import { createHash } from 'node:crypto';
import { readRpm } from '../rpm/reader.js';
import { RPMFILE, RPMSENSE } from '../rpm/sense.js';
import { RPMSIGTAG, RPMTAG } from '../rpm/tags.js';

export interface RepoDependency {
  name: string;
  /** EQ/LT/GT/LE/GE, or undefined for an unversioned entry. */
  flags?: string;
  epoch?: string;
  ver?: string;
  rel?: string;
  pre?: boolean;
}

export interface RepoFile {
  path: string;
  type?: 'dir' | 'ghost';
}

export interface RepoChangelog {
  author: string;
  date: number;
  text: string;
}

export interface RepoPackage {
  pkgid: string;
  name: string;
  arch: string;
  epoch: string;
  version: string;
  release: string;
  summary: string;
  description: string;
  packager: string;
  url: string;
  fileTime: number;
  buildTime: number;
  packageSize: number;
  installedSize: number;
  archiveSize: number;
  href: string;
  license: string;
  vendor: string;
  group: string;
  buildHost: string;
  sourceRpm: string;
  headerStart: number;
  headerEnd: number;
  provides: RepoDependency[];
  requires: RepoDependency[];
  conflicts: RepoDependency[];
  obsoletes: RepoDependency[];
  files: RepoFile[];
  changelog: RepoChangelog[];
}

/** createrepo_c's default --changelog-limit. */
export const CHANGELOG_LIMIT = 10;

function flagString(flags: number): string | undefined {
  switch (flags & 0x0f) {
    case 0: return undefined;
    case RPMSENSE.LESS: return 'LT';
    case RPMSENSE.GREATER: return 'GT';
    case RPMSENSE.EQUAL: return 'EQ';
    case RPMSENSE.LESS | RPMSENSE.EQUAL: return 'LE';
    case RPMSENSE.GREATER | RPMSENSE.EQUAL: return 'GE';
    default: return '';
  }
}

/**
 * `[E:]V[-R]` split as createrepo_c 0.17's cr_str_to_evr does: epoch before the first ':' when
 * numeric (default "0"), release after the FIRST '-' that follows (so `6.1.0-56-amd64` gives
 * ver 6.1.0, rel 56-amd64 — observed with createrepo_c 0.17.3, not rpm's last-dash rule).
 */
export function splitEVR(text: string): { epoch?: string; ver?: string; rel?: string } {
  if (!text) return {};
  let rest = text;
  let epoch = '0';
  const colon = text.indexOf(':');
  if (colon >= 0) {
    if (colon > 0 && /^[+-]?\d+$/.test(text.slice(0, colon).trim())) epoch = text.slice(0, colon);
    rest = text.slice(colon + 1);
  }
  const dash = rest.indexOf('-');
  if (dash < 0) return { epoch, ver: rest };
  return { epoch, ver: rest.slice(0, dash), rel: rest.slice(dash + 1) };
}

/** createrepo_c's cr_is_primary: the files primary.xml lists. */
export function isPrimaryFile(path: string): boolean {
  return path.startsWith('/etc/') || path === '/usr/lib/sendmail' || path.includes('bin/');
}

function dependency(name: string, flags: number, version: string): RepoDependency {
  const f = flagString(flags);
  return { name, flags: f, ...(version ? splitEVR(version) : {}) };
}

interface Raw { name: string; flags: number; version: string }

function rawDeps(names: string[], flags: number[], versions: string[]): Raw[] {
  return names.map((name, i) => ({ name, flags: flags[i] ?? 0, version: versions[i] ?? '' }));
}

/**
 * Requires as createrepo_c keeps them: no rpmlib(), no primary files the package ships itself,
 * none identical to the package's own Provides, and no repeat of the previous entry of the
 * same name with the same flags, version and `pre`.
 */
function filterRequires(requires: Raw[], provides: Raw[], ownFiles: Set<string>): RepoDependency[] {
  const provided = new Map<string, { flags?: string; version: string }>();
  for (const p of provides) provided.set(p.name, { flags: flagString(p.flags), version: p.version });
  const last = new Map<string, { flags?: string; version: string; pre: boolean }>();
  const out: RepoDependency[] = [];
  for (const r of requires) {
    if (r.name.startsWith('rpmlib(')) continue;
    if (r.name.startsWith('/') && ownFiles.has(r.name) && isPrimaryFile(r.name)) continue;
    const flags = flagString(r.flags);
    const prov = provided.get(r.name);
    if (prov && prov.flags === flags && prov.version === r.version) continue;
    const pre = (r.flags & (RPMSENSE.PREREQ | RPMSENSE.SCRIPT_PRE | RPMSENSE.SCRIPT_POST)) !== 0;
    const prev = last.get(r.name);
    if (prev && prev.flags === flags && prev.version === r.version && prev.pre === pre) continue;
    last.set(r.name, { flags, version: r.version, pre });
    out.push({ ...dependency(r.name, r.flags, r.version), pre });
  }
  return out;
}

/**
 * Changelog as createrepo_c writes it: the newest CHANGELOG_LIMIT entries (the header lists
 * newest first), oldest first, author trailing spaces trimmed, and entries sharing a time made
 * distinct by bumping the newer ones by one second each (its "ugly but works" ordering hack).
 */
export function changelogEntries(times: number[], names: string[], texts: string[]): RepoChangelog[] {
  const list: RepoChangelog[] = []; // newest last, like createrepo_c's prepended list read backwards
  let lastTime: number | undefined;
  for (let i = 0; i < Math.min(times.length, CHANGELOG_LIMIT); i++) {
    const time = times[i];
    const author = (names[i] ?? '').replace(/(?<=.) +$/, '');
    list.unshift({ author, date: time, text: texts[i] ?? '' });
    if (lastTime === time) {
      let bump = time;
      for (let k = 1; k < list.length && list[k].date === bump; k++) {
        list[k].date++;
        bump++;
      }
    } else {
      lastTime = time;
    }
  }
  return list;
}

/** Read one package for the repository. `fileTime` stands in for the file's mtime. */
export function packageInfo(href: string, bytes: Buffer, fileTime: number): RepoPackage {
  const rpm = readRpm(bytes);
  const h = rpm.header;
  const s = (tag: number) => h.string(tag) ?? '';
  const headerFiles = rpm.files();
  const ownFiles = new Set(headerFiles.map((f) => f.path));
  const provides = rawDeps(h.strings(RPMTAG.PROVIDENAME), h.numbers(RPMTAG.PROVIDEFLAGS), h.strings(RPMTAG.PROVIDEVERSION));
  const requires = rawDeps(h.strings(RPMTAG.REQUIRENAME), h.numbers(RPMTAG.REQUIREFLAGS), h.strings(RPMTAG.REQUIREVERSION));
  const plain = (list: Raw[]) => list.map((d) => dependency(d.name, d.flags, d.version));

  const times = h.numbers(RPMTAG.CHANGELOGTIME);
  const names = h.strings(RPMTAG.CHANGELOGNAME);
  const texts = h.strings(RPMTAG.CHANGELOGTEXT);
  const changelog = changelogEntries(times, names, texts);

  return {
    pkgid: createHash('sha256').update(bytes).digest('hex'),
    name: rpm.name,
    arch: rpm.isSource ? 'src' : rpm.arch,
    epoch: String(rpm.epoch ?? 0),
    version: rpm.version,
    release: rpm.release,
    summary: s(RPMTAG.SUMMARY),
    description: s(RPMTAG.DESCRIPTION),
    packager: s(RPMTAG.PACKAGER),
    url: s(RPMTAG.URL),
    fileTime,
    buildTime: h.number(RPMTAG.BUILDTIME) ?? 0,
    packageSize: bytes.length,
    installedSize: h.number(RPMTAG.SIZE) ?? 0,
    archiveSize: rpm.signature.number(RPMSIGTAG.PAYLOADSIZE) ?? 0,
    href,
    license: s(RPMTAG.LICENSE),
    vendor: s(RPMTAG.VENDOR),
    group: s(RPMTAG.GROUP),
    buildHost: s(RPMTAG.BUILDHOST),
    sourceRpm: s(RPMTAG.SOURCERPM),
    headerStart: rpm.headerStart,
    headerEnd: rpm.headerEnd,
    provides: plain(provides),
    requires: filterRequires(requires, provides, ownFiles),
    conflicts: plain(rawDeps(h.strings(RPMTAG.CONFLICTNAME), h.numbers(RPMTAG.CONFLICTFLAGS), h.strings(RPMTAG.CONFLICTVERSION))),
    obsoletes: plain(rawDeps(h.strings(RPMTAG.OBSOLETENAME), h.numbers(RPMTAG.OBSOLETEFLAGS), h.strings(RPMTAG.OBSOLETEVERSION))),
    files: headerFiles.map((f) => ({
      path: f.path,
      type: (f.flags & RPMFILE.GHOST) ? 'ghost' as const : (f.mode & 0o170000) === 0o040000 ? 'dir' as const : undefined,
    })),
    changelog,
  };
}
