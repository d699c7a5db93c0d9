/**
 * rpm's version comparison (rpmvercmp in lib/rpmvercmp.c), epoch:version-release comparison,
 * and the driver-disk installer's test of a `kernel-modules` Provides against a kernel release.
 */
import { RPMSENSE } from './sense.js';

const isDigit = (c: string) => c >= '0' && c <= '9';
const isAlpha = (c: string) => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
const isAlnum = (c: string) => isDigit(c) || isAlpha(c);

/**
 * Compare two version (or release) strings as rpm does: alternating digit and letter segments,
 * other characters are separators; `~` sorts before everything (even the end), `^` after the
 * end but before any further segment; digits beat letters; numbers ignore leading zeros.
 */
export function rpmvercmp(a: string, b: string): -1 | 0 | 1 {
  if (a === b) return 0;
  let i = 0;
  let j = 0;
  const at = (s: string, k: number) => (k < s.length ? s[k] : '');
  while (i < a.length || j < b.length) {
    while (i < a.length && !isAlnum(a[i]) && a[i] !== '~' && a[i] !== '^') i++;
    while (j < b.length && !isAlnum(b[j]) && b[j] !== '~' && b[j] !== '^') j++;
    const ca = at(a, i);
    const cb = at(b, j);
    if (ca === '~' || cb === '~') {
      if (ca !== '~') return 1;
      if (cb !== '~') return -1;
      i++; j++;
      continue;
    }
    if (ca === '^' || cb === '^') {
      if (ca === '') return -1;
      if (cb === '') return 1;
      if (ca !== '^') return 1;
      if (cb !== '^') return -1;
      i++; j++;
      continue;
    }
    if (ca === '' || cb === '') break;
    const numeric = isDigit(ca);
    const inSegment = numeric ? isDigit : isAlpha;
    let ei = i;
    let ej = j;
    while (ei < a.length && inSegment(a[ei])) ei++;
    while (ej < b.length && inSegment(b[ej])) ej++;
    // A numeric segment is newer than an alphabetic one.
    if (ej === j) return numeric ? 1 : -1;
    let sa = a.slice(i, ei);
    let sb = b.slice(j, ej);
    if (numeric) {
      sa = sa.replace(/^0+/, '');
      sb = sb.replace(/^0+/, '');
      if (sa.length !== sb.length) return sa.length > sb.length ? 1 : -1;
    }
    if (sa !== sb) return sa < sb ? -1 : 1;
    i = ei;
    j = ej;
  }
  if (i >= a.length && j >= b.length) return 0;
  return i >= a.length ? -1 : 1;
}

export interface Evr {
  epoch?: number | string;
  version: string;
  release?: string;
}

/** Split `[E:]V[-R]` as rpm does (release after the last '-'). */
export function parseEVR(text: string): { epoch?: string; version: string; release?: string } {
  let rest = text;
  let epoch: string | undefined;
  const colon = rest.indexOf(':');
  if (colon >= 0 && /^\d*$/.test(rest.slice(0, colon))) {
    epoch = rest.slice(0, colon);
    rest = rest.slice(colon + 1);
  }
  const dash = rest.lastIndexOf('-');
  if (dash >= 0) return { epoch, version: rest.slice(0, dash), release: rest.slice(dash + 1) };
  return { epoch, version: rest };
}

/** Compare epoch (missing = 0), then version, then release (skipped when either lacks one). */
export function compareEVR(a: Evr, b: Evr): -1 | 0 | 1 {
  const ea = Number(a.epoch ?? 0) || 0;
  const eb = Number(b.epoch ?? 0) || 0;
  if (ea !== eb) return ea < eb ? -1 : 1;
  const v = rpmvercmp(a.version, b.version);
  if (v !== 0) return v;
  if (a.release === undefined || b.release === undefined || a.release === '' || b.release === '') return 0;
  return rpmvercmp(a.release, b.release);
}

/**
 * Does a versioned `kernel-modules OP V` Provides accept this kernel release? The installer
 * (dd_list) compares the whole `uname -r` string with V through rpmvercmp and reads the flags
 * as "running kernel OP V". Unversioned entries are ignored (false), and an epoch-qualified
 * V (`0:5.14…`) is rejected: the installer's release never carries one (docs/installer.md, "RPM selection").
 */
export function rangeSatisfies(provide: { flags: number; version?: string }, kernelRelease: string): boolean {
  const sense = provide.flags & (RPMSENSE.LESS | RPMSENSE.GREATER | RPMSENSE.EQUAL);
  if (!provide.version || sense === 0) return false;
  if (/^\d*:/.test(provide.version)) return false;
  const c = rpmvercmp(kernelRelease, provide.version);
  if (c === 0) return (sense & RPMSENSE.EQUAL) !== 0;
  if (c < 0) return (sense & RPMSENSE.LESS) !== 0;
  return (sense & RPMSENSE.GREATER) !== 0;
}

/**
 * Does a Provides satisfy a Requires of the same name? rpm's rpmdsCompare: an unversioned side
 * always matches; otherwise the two ranges must overlap, comparing EVRs with compareEVR (a
 * release missing on either side is not compared).
 */
export function dependencyMatches(provide: { flags: number; version?: string }, require: { flags: number; version?: string }): boolean {
  const mask = RPMSENSE.LESS | RPMSENSE.GREATER | RPMSENSE.EQUAL;
  const p = provide.flags & mask;
  const r = require.flags & mask;
  if (!p || !r || !provide.version || !require.version) return true;
  const c = compareEVR(parseEVR(provide.version), parseEVR(require.version));
  if (c < 0) return (p & RPMSENSE.GREATER) !== 0 || (r & RPMSENSE.LESS) !== 0;
  if (c > 0) return (p & RPMSENSE.LESS) !== 0 || (r & RPMSENSE.GREATER) !== 0;
  return ((p & RPMSENSE.EQUAL) !== 0 && (r & RPMSENSE.EQUAL) !== 0)
    || ((p & RPMSENSE.LESS) !== 0 && (r & RPMSENSE.LESS) !== 0)
    || ((p & RPMSENSE.GREATER) !== 0 && (r & RPMSENSE.GREATER) !== 0);
}
