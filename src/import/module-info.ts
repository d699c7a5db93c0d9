/**
 * Package defaults read from a driver's sources: the main module's name and the strings it
 * gives MODULE_LICENSE, MODULE_DESCRIPTION, MODULE_VERSION and MODULE_AUTHOR. These seed the
 * wizard's package answers; nothing here is authoritative, so an expression we cannot evaluate
 * leaves the field unset instead of guessing.
 */
import fs from 'node:fs';
import path from 'node:path';
import { collectDefines, evalCString, macroArguments, stripComments } from './c-strings.js';
import { scanKbuildDir, type KbuildModule } from '../kbuild/makefile.js';

export interface ModuleInfoDefaults {
  /** Main module name as Kbuild names it (`_` kept). */
  name?: string;
  /** MODULE_LICENSE string as written (map with `rpmLicense`). */
  license?: string;
  /** SPDX-License-Identifier of the main module's first source file, when it has one. */
  spdx?: string;
  description?: string;
  version?: string;
  /** MODULE_AUTHOR strings joined with ", " (drivers often list several). */
  author?: string;
  /** The main module's file name, `<name>.ko`. */
  mainModule?: string;
}

const FIELDS = [
  ['license', 'MODULE_LICENSE'],
  ['description', 'MODULE_DESCRIPTION'],
  ['version', 'MODULE_VERSION'],
  ['author', 'MODULE_AUTHOR'],
] as const;

/** The modules a directory builds; none when it has no Makefile/Kbuild (a bare source dir). */
function modulesOf(dir: string): KbuildModule[] {
  try {
    return scanKbuildDir(dir).modules;
  } catch {
    return [];
  }
}

/**
 * The module a directory is "about": the one named like the directory when there is one (a
 * directory `e1000` with `obj-… += e1000.o`), else the first one at the top of the directory.
 */
export function mainModuleOf(dir: string, modules: KbuildModule[]): KbuildModule | undefined {
  const base = path.basename(path.resolve(dir)).replace(/-/g, '_');
  return modules.find((m) => m.name.replace(/-/g, '_') === base) ?? modules.find((m) => m.dir === '') ?? modules[0];
}

/** C sources directly in `dir` (sorted, so results do not depend on readdir order). */
function filesWithExt(dir: string, exts: string[]): string[] {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries
    .filter((e) => e.isFile() && exts.some((x) => e.name.endsWith(x)))
    .map((e) => path.join(dir, e.name))
    .sort();
}

/** The driver's own headers: `.h` files in `dir` and its subdirectories (include/ and the like), sorted. */
function headersUnder(dir: string, depth = 0): string[] {
  if (depth > 4) return [];
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const here = filesWithExt(dir, ['.h']);
  const below = entries
    .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
    .map((e) => e.name)
    .sort()
    .flatMap((name) => headersUnder(path.join(dir, name), depth + 1));
  return [...here, ...below];
}

function readClean(file: string): string {
  try {
    return stripComments(fs.readFileSync(file, 'utf8'));
  } catch {
    return '';
  }
}

function spdxOf(file: string): string | undefined {
  let head: string;
  try {
    head = fs.readFileSync(file, 'utf8').split('\n', 3).join('\n');
  } catch {
    return undefined;
  }
  const m = /SPDX-License-Identifier:\s*(.+?)\s*(?:\*\/)?\s*$/m.exec(head);
  return m ? m[1] : undefined;
}

/**
 * Read the package defaults of the driver in `dir` (a driver directory with a Makefile/Kbuild,
 * or a standalone module directory). Missing directory or sources give an empty result.
 */
export function readModuleInfoDefaults(dir: string): ModuleInfoDefaults {
  const result: ModuleInfoDefaults = {};
  const modules = modulesOf(dir);
  const main = mainModuleOf(dir, modules);

  // The main module's own sources first; all of the directory's .c files when they say nothing
  // (a module whose MODULE_* lines sit in a file we could not map from the object list).
  let mainSources: string[] = [];
  if (main) {
    result.name = main.name;
    result.mainModule = `${main.name}.ko`;
    mainSources = main.objects.map((o) => path.join(dir, o.replace(/\.o$/, '.c'))).filter((f) => fs.existsSync(f));
  }
  const dirSources = filesWithExt(dir, ['.c']);
  const candidates = mainSources.length > 0 ? mainSources : dirSources;
  const spdx = candidates.map(spdxOf).find((s) => s !== undefined);
  if (spdx) result.spdx = spdx;

  // Macros: the main sources' own defines win, then headers and other files of the directory.
  const defines = new Map<string, string>();
  const cleanByFile = new Map<string, string>();
  const clean = (f: string) => {
    if (!cleanByFile.has(f)) cleanByFile.set(f, readClean(f));
    return cleanByFile.get(f)!;
  };
  for (const f of [...mainSources, ...headersUnder(dir), ...dirSources]) collectDefines(clean(f), defines);

  const fromFiles = (files: string[]) => {
    const found: Partial<Record<(typeof FIELDS)[number][0], string[]>> = {};
    for (const f of files) {
      for (const [field, macro] of FIELDS) {
        for (const arg of macroArguments(clean(f), macro)) {
          const value = evalCString(arg, defines);
          if (value !== undefined) (found[field] ??= []).push(value);
        }
      }
    }
    return found;
  };
  let found = fromFiles(candidates);
  // Only fall back to the whole directory when it holds one module: otherwise another
  // module's MODULE_LICENSE would be taken for the main one's.
  if (candidates !== dirSources && Object.keys(found).length === 0 && modules.length <= 1) {
    found = fromFiles(dirSources);
  }
  for (const [field] of FIELDS) {
    const values = found[field];
    if (!values || values.length === 0) continue;
    result[field] = field === 'author' ? [...new Set(values)].join(', ') : values[0];
  }
  return result;
}

export { rpmLicense } from './license.js';
