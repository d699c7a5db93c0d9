import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import type { ModuleImports } from './module-imports.js';

/**
 * kABI stablelists (RHEL 9+: kernel-abi-stablelists; RHEL 7/8: kernel-abi-whitelists): a file
 * `kabi_stablelist_<arch>` (or `kabi_whitelist_<arch>`) holding a `[rhel9_x86_64_stablelist]`
 * header and one TAB-indented symbol per line. Symbols a module uses that are not listed are the
 * "greylist": they may change within a RHEL minor stream. We only report them.
 */
export interface Stablelist {
  /** The section name from the header, e.g. `rhel9_x86_64_stablelist`. */
  listName: string;
  symbols: Set<string>;
}

export function parseStablelist(text: string, origin = 'stablelist'): Stablelist {
  let listName = '';
  const symbols = new Set<string>();
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    const header = /^\[([^\]]+)\]\s*$/.exec(line.trim());
    if (header) {
      if (!listName) listName = header[1];
      continue;
    }
    if (/^\s/.test(line)) symbols.add(line.trim());
  }
  if (!listName) {
    throw new UserError(`${origin} is not a kABI stablelist (no [rhelN_<arch>_stablelist] header)`,
      'give the kabi_stablelist_<arch> file from kernel-abi-stablelists, or the directory holding it');
  }
  return { listName, symbols };
}

/** RPM arch names for the Debian/kernel spellings a caller may have. */
function normaliseArch(arch: string): string {
  return ({ amd64: 'x86_64', x86: 'x86_64', arm64: 'aarch64', ppc64el: 'ppc64le' } as Record<string, string>)[arch] ?? arch;
}

/** The stablelist file for `arch`: `path` itself, or `kabi_stablelist_<arch>` inside a directory. */
export function findStablelistFile(path: string, arch: string): string {
  let isDir: boolean;
  try {
    isDir = statSync(path).isDirectory();
  } catch {
    throw new UserError(`kABI stablelist ${path} does not exist`, 'fix packaging.kabiStablelist, or install kernel-abi-stablelists and give /lib/modules/kabi-current');
  }
  if (!isDir) return path;
  const a = normaliseArch(arch);
  const names = readdirSync(path);
  for (const candidate of [`kabi_stablelist_${a}`, `kabi_whitelist_${a}`]) {
    if (names.includes(candidate)) return join(path, candidate);
  }
  throw new UserError(`no kabi_stablelist_${a} in ${path}`, `the directory holds: ${names.filter((n) => n.startsWith('kabi_')).join(', ') || 'no kabi_* file'}`);
}

export interface KabiReportOptions {
  /** A stablelist file, or a directory with kabi_stablelist_<arch>. */
  stablelist: string;
  arch: string;
  modules: ModuleImports[];
}

export interface KabiReport {
  /** Symbols the modules import from outside the package that the list does not hold (sorted). */
  symbolsNotOnList: string[];
  listName: string;
  /** The file that was read. */
  file: string;
}

/** Every symbol the modules import, minus the ones they export to each other. */
export function importedSymbols(modules: ModuleImports[]): string[] {
  const own = new Set(modules.flatMap((m) => m.exportedSymbols ?? []));
  const used = new Set<string>();
  for (const m of modules) {
    for (const v of m.versions) used.add(v.symbol);
    for (const s of m.undefinedSymbols) used.add(s);
  }
  return [...used].filter((s) => !own.has(s)).sort();
}

export function kabiReport(opts: KabiReportOptions): KabiReport {
  const file = findStablelistFile(opts.stablelist, opts.arch);
  const list = parseStablelist(readFileSync(file, 'utf8'), file);
  return {
    symbolsNotOnList: importedSymbols(opts.modules).filter((s) => !list.symbols.has(s)),
    listName: list.listName,
    file,
  };
}

/** The greylist doc file shipped in the kmod: what the modules use beyond the stablelist. */
export function greylistText(listName: string, symbols: string[]): string {
  const name = listName.replace(/_(stablelist|whitelist)$/, '_greylist');
  return `[${name}]\n${symbols.map((s) => `\t${s}\n`).join('')}`;
}
