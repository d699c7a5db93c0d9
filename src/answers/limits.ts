/**
 * Limits that the file system and rpm put on the answers, checked before anything is built so
 * that a value which could only fail late (after every kernel compiled) or, worse, produce an
 * RPM nobody can install, is refused with its field named:
 *  - a file name is at most 255 bytes (NAME_MAX): the kmod RPM's name carries the package name,
 *    version and release and the kernel release, and the vendor becomes /etc/pki/<vendor>/;
 *  - rpm refuses a header over 256 MiB or 65535 tags; far below that, a description or
 *    changelog over 64 KiB is a mistake (a pasted file), so those are capped there;
 *  - RPM stores times as 32-bit integers (BUILDTIME, FILEMTIMES, CHANGELOGTIME);
 *  - `uname -r` is at most 64 bytes (__NEW_UTS_LEN).
 */
import { kmodRelease } from '../kmod/release.js';
import { vendorDir } from '../kmod/package.js';

export const NAME_MAX = 255;
export const PATH_MAX = 4096;
/** Room kept in a file name for the temp name it is written under (`.<name>.tmp-<pid>`). */
const TEMP_NAME_ROOM = 24;
/** The longest architecture the installer runs on (aarch64, ppc64le). */
const LONGEST_ARCH = 'ppc64le';
export const MAX_TEXT_BYTES = 64 * 1024;
export const MAX_LINE_BYTES = 1024;
export const MAX_LIST_ITEMS = 4096;
export const MAX_BUILD_TIME = 2 ** 32 - 1;
export const MAX_KERNEL_RELEASE = 64;

export interface LimitProblem {
  field: string;
  message: string;
}

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

/** Checks on strings that are already known to be strings; `undefined` when within limits. */
export function lineTooLong(v: unknown): string | undefined {
  return typeof v === 'string' && bytes(v) > MAX_LINE_BYTES ? `is ${bytes(v)} bytes long; at most ${MAX_LINE_BYTES} are allowed` : undefined;
}

export function textTooLong(v: unknown): string | undefined {
  return typeof v === 'string' && bytes(v) > MAX_TEXT_BYTES
    ? `is ${bytes(v)} bytes long; at most ${MAX_TEXT_BYTES} (64 KiB) are allowed (rpm keeps it in every package header)`
    : undefined;
}

export function buildTimeTooLarge(v: unknown): string | undefined {
  return typeof v === 'number' && v > MAX_BUILD_TIME ? `${v} is past ${MAX_BUILD_TIME} (year 2106): RPM stores times as 32-bit numbers` : undefined;
}

/** A path each of whose components fits NAME_MAX and that fits PATH_MAX. */
export function pathTooLong(v: unknown): string | undefined {
  if (typeof v !== 'string') return undefined;
  if (bytes(v) >= PATH_MAX) return `is ${bytes(v)} bytes long; a path may have at most ${PATH_MAX - 1}`;
  const long = v.split('/').find((c) => bytes(c) > NAME_MAX);
  return long ? `has a name of ${bytes(long)} bytes ("${long.slice(0, 24)}…"); a file name may have at most ${NAME_MAX}` : undefined;
}

interface Doc {
  package?: { name?: unknown; version?: unknown; release?: unknown; vendor?: unknown };
  kernels?: unknown;
  signing?: { shipCert?: unknown };
  output?: { isoName?: unknown };
}

/**
 * Cross-field limits: file names built from several answers. Only run on values that passed
 * their own checks (strings), so every message can quote lengths.
 */
export function checkNameLimits(doc: Doc): LimitProblem[] {
  const problems: LimitProblem[] = [];
  const pkg = doc.package ?? {};
  const { name, version, release, vendor } = pkg;
  if (typeof name === 'string' && typeof version === 'string' && typeof release === 'string') {
    const releases = Array.isArray(doc.kernels)
      ? doc.kernels.map((k) => (k as { release?: unknown })?.release).filter((r): r is string => typeof r === 'string' && r !== '')
      : [];
    const longestKernel = releases.sort((a, b) => b.length - a.length)[0] ?? '';
    let fileName: string;
    try {
      fileName = `kmod-${name}-${version}-${longestKernel ? kmodRelease(release, longestKernel) : release}.${LONGEST_ARCH}.rpm`;
    } catch {
      fileName = `kmod-${name}-${version}-${release}.k${longestKernel}.${LONGEST_ARCH}.rpm`;
    }
    const limit = NAME_MAX - TEMP_NAME_ROOM;
    if (bytes(fileName) > limit) {
      // Blame the longest of the three: that is the one to shorten.
      const field = (['name', 'version', 'release'] as const).reduce((a, b) => (bytes(pkg[b] as string) > bytes(pkg[a] as string) ? b : a));
      problems.push({
        field: `package.${field}`,
        message: `is ${bytes(pkg[field] as string)} bytes long: the kmod RPM's file name (kmod-NAME-VERSION-RELEASE.kKERNEL.ARCH.rpm) would be ${bytes(fileName)} bytes, and a file name may have at most ${limit} here (${NAME_MAX} less room for its temp name)`,
      });
    }
  }
  if (typeof vendor === 'string' && doc.signing?.shipCert === true && bytes(vendorDir(vendor)) > NAME_MAX) {
    problems.push({
      field: 'package.vendor',
      message: `becomes the directory /etc/pki/${vendorDir(vendor).slice(0, 24)}…/ of ${bytes(vendorDir(vendor))} bytes for the shipped certificate; a directory name may have at most ${NAME_MAX} (rpm could not install the package)`,
    });
  }
  const isoName = doc.output?.isoName;
  if (typeof isoName === 'string' && bytes(isoName) > NAME_MAX - TEMP_NAME_ROOM) {
    problems.push({ field: 'output.isoName', message: `is ${bytes(isoName)} bytes long; a file name may have at most ${NAME_MAX - TEMP_NAME_ROOM} here` });
  }
  return problems;
}
