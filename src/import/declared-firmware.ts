/**
 * The firmware a driver declares with MODULE_FIRMWARE("…") (what `modinfo -F firmware` lists
 * once built), read from its sources, and where each file is on this machine: `new` lists them,
 * names the missing ones, and with --ship-declared-firmware ships the ones it found.
 *
 * Strings are evaluated like MODULE_* defaults (c-strings.ts): literals, adjacent literals and
 * object-like `#define NAME "…"` indirections (r8169's `MODULE_FIRMWARE(FIRMWARE_8168D_1)`).
 * A declaration built by a function-like macro (iwlwifi's per-API names) cannot be evaluated
 * without the preprocessor and is counted as unresolved, never guessed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { collectDefines, evalCString, macroArguments, stripComments } from './c-strings.js';

export interface DeclaredFirmware {
  /** Paths under /lib/firmware, sorted, each once. */
  names: string[];
  /** MODULE_FIRMWARE arguments that are not a string we can evaluate, as written. */
  unresolved: string[];
}

/** .c and .h files under `dir` (depth-limited, hidden directories skipped), sorted. */
function sourcesUnder(dir: string, depth = 0): string[] {
  if (depth > 6) return [];
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (e.name.startsWith('.')) continue;
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...sourcesUnder(p, depth + 1));
    else if (e.isFile() && /\.[ch]$/.test(e.name)) out.push(p);
  }
  return out;
}

/** MODULE_FIRMWARE declarations of the driver sources in `dir`. */
export function declaredFirmware(dir: string): DeclaredFirmware {
  const clean = new Map<string, string>();
  for (const f of sourcesUnder(dir)) {
    try {
      clean.set(f, stripComments(fs.readFileSync(f, 'utf8')));
    } catch {
      // An unreadable file declares nothing we could ship.
    }
  }
  const defines = new Map<string, string>();
  for (const text of clean.values()) collectDefines(text, defines);
  const names = new Set<string>();
  const unresolved: string[] = [];
  for (const text of clean.values()) {
    for (const arg of macroArguments(text, 'MODULE_FIRMWARE')) {
      const v = evalCString(arg, defines);
      if (v && isFirmwarePath(v)) names.add(v);
      else unresolved.push(arg.trim().replace(/\s+/g, ' '));
    }
  }
  return { names: [...names].sort(), unresolved };
}

function isFirmwarePath(p: string): boolean {
  return !p.startsWith('/') && !p.split('/').some((c) => c === '' || c === '.' || c === '..');
}

export interface LocatedFirmware {
  found: { name: string; file: string; tree: string }[];
  missing: string[];
}

/**
 * Find each declared file in the firmware trees, in order. A file the distribution ships
 * compressed (`name.xz`, `name.zst`, loaded by kernels with CONFIG_FW_LOADER_COMPRESS) is found
 * under its compressed name. Links (linux-firmware's WHENCE links) are followed to the file.
 */
export function locateFirmware(names: string[], trees: string[]): LocatedFirmware {
  const found: LocatedFirmware['found'] = [];
  const missing: string[] = [];
  for (const name of names) {
    let hit: LocatedFirmware['found'][number] | undefined;
    for (const tree of trees) {
      for (const suffix of ['', '.xz', '.zst']) {
        const p = path.join(tree, name + suffix);
        try {
          const real = fs.realpathSync(p);
          if (fs.statSync(real).isFile()) {
            hit = { name: name + suffix, file: real, tree };
            break;
          }
        } catch {
          // not in this tree
        }
      }
      if (hit) break;
    }
    if (hit) found.push(hit);
    else missing.push(name);
  }
  return { found, missing };
}

/** Where `new` looks when no --firmware-tree is given. */
export const DEFAULT_FIRMWARE_TREES = ['/lib/firmware'];
