import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';
import { UserError } from '../errors.js';
import { evaluateMakefile } from './makefile-eval.js';

/** One loadable module a driver directory builds. */
export interface KbuildModule {
  /** Module name (the `.ko` without extension). */
  name: string;
  /** Directory of the module, relative to the scanned dir ('' for the top). */
  dir: string;
  /** Object files linked into it, relative to the scanned dir. */
  objects: string[];
  /** The CONFIG_ symbol that switches it on (`obj-$(CONFIG_FOO) += foo.o`). */
  configSymbol?: string;
}

export interface KbuildScan {
  modules: KbuildModule[];
  /** Every CONFIG_ symbol that decides what gets built, with the module or subdir it decides. */
  configSymbols: { name: string; for: string }[];
  /** Compile steps (`CC [M]`/`AS [M]` lines) a full build will print, `.mod.o` files excluded. */
  expectedObjects: number;
  /** ccflags-y, ccflags-<enabled>, subdir-ccflags-y and EXTRA_CFLAGS, in file order. */
  ccflags: string[];
}

/**
 * Read a driver directory's Kbuild (preferred, as Kbuild itself does) or Makefile, following
 * `obj-m += sub/` and `obj-$(CONFIG_X) += sub/` into subdirectories, and say which modules and
 * objects `make M=<dir> modules` will build.
 *
 * `config` is what the build will pass (e.g. `{ CONFIG_FOO: 'm' }`). Without it every CONFIG_
 * symbol reads `m`: the "everything this driver can build" view that import wants. With it,
 * absent symbols are unset, as on a make command line that does not name them.
 * Out of tree only `obj-m` builds modules: `obj-y` objects are ignored (Kbuild has no vmlinux
 * to put them in) but `obj-y += sub/` is still descended, as Kbuild does.
 */
export function scanKbuildDir(dir: string, config?: Record<string, string>): KbuildScan {
  const normalized = config ? normalizeConfig(config) : undefined;
  const scan: KbuildScan = { modules: [], configSymbols: [], expectedObjects: 0, ccflags: [] };
  scanOne(dir, '', normalized, scan, true, new Set());
  const objects = new Set(scan.modules.flatMap((m) => m.objects));
  scan.expectedObjects = objects.size;
  return scan;
}

function normalizeConfig(config: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(config)) out[k.startsWith('CONFIG_') ? k : `CONFIG_${k}`] = v;
  return out;
}

/**
 * The file Kbuild reads for a directory: `Kbuild` when there is one, else `Makefile` (the
 * kernel's scripts/Makefile.build reads no other name); undefined when it has neither.
 */
export function kbuildFile(dir: string): string | undefined {
  for (const name of ['Kbuild', 'Makefile']) {
    const p = join(dir, name);
    if (existsSync(p) && statSync(p).isFile()) return p;
  }
  return undefined;
}

/**
 * Plain object paths of a make list: words that still hold an unexpanded reference (a
 * `$(shell …)` group counts as one word, whatever spaces it holds) are dropped.
 */
export function objectTokens(value: string | undefined): string[] {
  const out: string[] = [];
  let word = '';
  let depth = 0;
  for (const c of value ?? '') {
    if (c === '(' || c === '{') depth++;
    else if ((c === ')' || c === '}') && depth > 0) depth--;
    if (/\s/.test(c) && depth === 0) {
      if (word) out.push(word);
      word = '';
    } else word += c;
  }
  if (word) out.push(word);
  return out.filter((t) => !t.includes('$'));
}

function scanOne(
  root: string,
  rel: string,
  config: Record<string, string> | undefined,
  scan: KbuildScan,
  building: boolean,
  visited: Set<string>,
): void {
  const dir = join(root, rel);
  if (visited.has(dir)) return;
  visited.add(dir);
  const file = kbuildFile(dir);
  if (!file) {
    throw new UserError(
      `no Makefile or Kbuild in ${dir}`,
      rel
        ? `the driver's Makefile names the subdirectory ${rel}/ but it has no Makefile or Kbuild`
        : 'point dudforge at the directory that holds the driver Makefile (the one with obj-m += …)',
    );
  }
  const symbolOf = new Map<string, string>();
  const addSymbol = (name: string, target: string) => {
    if (!scan.configSymbols.some((s) => s.name === name && s.for === target)) scan.configSymbols.push({ name, for: target });
  };
  const { vars } = evaluateMakefile(readFileSync(file, 'utf8'), {
    config,
    onConfigAssignment(symbol, expandedName, value) {
      const tokens = objectTokens(value);
      const part = /^(.+)-(y|m|objs|n|)$/.exec(expandedName);
      if (expandedName.startsWith('obj-')) {
        for (const t of tokens) {
          const target = t.endsWith('/') ? posix.join(rel, t) : t.replace(/\.o$/, '');
          symbolOf.set(t, symbol);
          addSymbol(symbol, target);
        }
      } else if (part && /^(ccflags|subdir-ccflags|asflags|ldflags)$/.test(part[1])) {
        // flags switched by a symbol: the symbol matters for the build but decides no module
        addSymbol(symbol, rel || '.');
      } else if (part) {
        addSymbol(symbol, posix.basename(part[1]));
      }
    },
  });

  const modTokens = objectTokens(vars.get('obj-m'));
  const subdirs = new Set<string>();
  for (const t of [...modTokens, ...objectTokens(vars.get('obj-y'))]) if (t.endsWith('/')) subdirs.add(t);
  for (const t of [...objectTokens(vars.get('subdir-y')), ...objectTokens(vars.get('subdir-m'))]) subdirs.add(t.replace(/\/?$/, '/'));

  if (building) {
    for (const t of modTokens) {
      if (!t.endsWith('.o')) continue;
      const stem = t.slice(0, -2);
      const partLists = ['-y', '-objs', '-m'].map((suffix) => vars.get(stem + suffix) ?? '');
      const parts = partLists.flatMap((list) => objectTokens(list));
      // A composite whose parts we cannot read (e.g. $(shell …)) is still not a single object.
      const composite = partLists.some((list) => list.trim() !== '');
      const objects = composite ? parts : [t];
      const name = posix.basename(stem);
      scan.modules.push({
        name,
        dir: posix.join(rel, posix.dirname(stem)).replace(/^\.$/, ''),
        objects: [...new Set(objects.map((o) => posix.join(rel, o)))],
        configSymbol: symbolOf.get(t),
      });
    }
    for (const key of ['ccflags-y', 'subdir-ccflags-y', 'EXTRA_CFLAGS']) {
      scan.ccflags.push(...(vars.get(key) ?? '').split(/\s+/).filter(Boolean));
    }
  }
  for (const sub of subdirs) scanOne(root, posix.join(rel, sub), config, scan, building, visited);
  // Subdirectories switched off by the config are still read for their CONFIG_ symbols, so a
  // user can see what could be enabled; nothing of theirs is counted.
  for (const [token] of symbolOf) {
    if (token.endsWith('/') && !subdirs.has(token)) {
      const subDir = join(dir, token);
      if (kbuildFile(subDir)) scanOne(root, posix.join(rel, token), config, scan, false, visited);
    }
  }
}
