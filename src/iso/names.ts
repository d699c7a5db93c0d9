/**
 * ISO 9660 level-1 names (ECMA-119 §7.5, §7.6): files "NAME8.EXT;1", directories "NAME8".
 * Mangled like genisoimage without -l: upper-case, every character that is not a d-character
 * becomes "_", the last dot separates the extension, and names that collide in one directory get
 * a base-36 counter ("KMOD_000.RPM;1") in place of the end of the base name. Rock Ridge NM
 * carries the real name, so these only matter to readers that ignore Rock Ridge.
 * Unlike genisoimage, directory names never keep a dot: level 1 gives directories no extension.
 */

const MAX_BASE = 8;
const MAX_EXT = 3;
const COUNTER_DIGITS = 3;

function toDChars(text: string): string {
  return text.toUpperCase().replace(/[^A-Z0-9_]/g, '_');
}

/** The level-1 name a real name maps to before collisions are resolved. */
export function mangleName(realName: string, isDir: boolean): { base: string; ext: string } {
  if (isDir) return { base: toDChars(realName).slice(0, MAX_BASE), ext: '' };
  const dot = realName.lastIndexOf('.');
  // A leading dot (".hidden") starts the name, not an extension.
  const hasExt = dot > 0;
  const base = toDChars(hasExt ? realName.slice(0, dot) : realName).slice(0, MAX_BASE);
  const ext = hasExt ? toDChars(realName.slice(dot + 1)).slice(0, MAX_EXT) : '';
  return { base, ext };
}

/** Format a mangled name as the file identifier written to the directory record. */
export function formatIdentifier(base: string, ext: string, isDir: boolean): string {
  return isDir ? base : `${base}.${ext};1`;
}

function counterText(n: number): string {
  return n.toString(36).toUpperCase().padStart(COUNTER_DIGITS, '0');
}

/**
 * Give every entry of one directory a unique level-1 identifier. Entries are taken in byte order
 * of their real names, so the result does not depend on the order the caller listed them in.
 * Returns real name → identifier.
 */
export function assignIsoNames(children: { name: string; isDir: boolean }[]): Map<string, string> {
  const ordered = [...children].sort((a, b) => Buffer.compare(Buffer.from(a.name), Buffer.from(b.name)));
  const mangled = ordered.map((c) => ({ ...c, ...mangleName(c.name, c.isDir) }));
  // Every plain mangled name is reserved first, so a counter never steals a name that a later
  // entry would have got without one.
  const plain = mangled.map((m) => formatIdentifier(m.base, m.ext, m.isDir));
  const taken = new Set<string>();
  const result = new Map<string, string>();
  const reserved = new Set(plain);
  mangled.forEach((m, i) => {
    if (!taken.has(plain[i])) {
      taken.add(plain[i]);
      result.set(m.name, plain[i]);
      return;
    }
    const stem = m.base.slice(0, MAX_BASE - COUNTER_DIGITS);
    for (let n = 0; n < 36 ** COUNTER_DIGITS; n++) {
      const candidate = formatIdentifier(stem + counterText(n), m.ext, m.isDir);
      if (!taken.has(candidate) && !reserved.has(candidate)) {
        taken.add(candidate);
        result.set(m.name, candidate);
        return;
      }
    }
    throw new RangeError(`more than ${36 ** COUNTER_DIGITS} names in one directory map to ${plain[i]}`);
  });
  return result;
}

/**
 * ECMA-119 §9.3 order of records in a directory: by name (shorter padded with spaces), then by
 * extension, then version descending. Plain string order differs when ";" meets a digit.
 */
export function compareIdentifiers(a: string, b: string): number {
  const split = (id: string): [string, string, string] => {
    const semi = id.indexOf(';');
    const nameExt = semi >= 0 ? id.slice(0, semi) : id;
    const version = semi >= 0 ? id.slice(semi + 1) : '';
    const dot = nameExt.indexOf('.');
    return dot >= 0 ? [nameExt.slice(0, dot), nameExt.slice(dot + 1), version] : [nameExt, '', version];
  };
  const padCompare = (x: string, y: string): number => {
    const w = Math.max(x.length, y.length);
    const px = x.padEnd(w, ' ');
    const py = y.padEnd(w, ' ');
    return px < py ? -1 : px > py ? 1 : 0;
  };
  const [an, ae, av] = split(a);
  const [bn, be, bv] = split(b);
  return padCompare(an, bn) || padCompare(ae, be) || -padCompare(av.padStart(5, '0'), bv.padStart(5, '0'));
}
