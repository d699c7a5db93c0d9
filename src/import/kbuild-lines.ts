/**
 * A small reader for the `obj-…` lines of a driver directory's Makefile/Kbuild: enough to name
 * the modules a directory produces, the objects each is linked from, the CONFIG_ symbol that
 * switches it on and the subdirectories Kbuild descends into.
 *
 * The full scanner is src/kbuild/makefile.ts (`scanKbuildDir`, which evaluates conditionals and
 * variables; import uses it). This one is a quick, never-throwing glance used where many
 * directories are listed at once (the wizard's directory browser).
 */
import fs from 'node:fs';
import { kbuildFile } from '../kbuild/makefile.js';
import { logicalLines } from '../kbuild/makefile-eval.js';

export interface KbuildModuleLine {
  /** Module name as Kbuild writes it (`foo_bar`, `-` kept as written). */
  name: string;
  /** `CONFIG_FOO` for `obj-$(CONFIG_FOO)`, undefined for `obj-m`/`obj-y`. */
  configSymbol?: string;
  /** Objects the module is linked from (`foo-y`, `foo-objs`, `foo-$(CONFIG_…)`); `[name.o]` when none. */
  objects: string[];
}

export interface KbuildDirLines {
  /** The file that Kbuild reads: `Kbuild` wins over `Makefile`, as in the kernel's own scripts. */
  file: string;
  modules: KbuildModuleLine[];
  /** `obj-$(CONFIG_Y) += sub/` entries: subdirectory (without the slash) and its symbol. */
  subdirs: { dir: string; configSymbol?: string }[];
  /** Every CONFIG_ symbol named in the file (obj-, <mod>-$(CONFIG_…), ifdef/ifeq tests). */
  configSymbols: string[];
  /** Values of ccflags-y / EXTRA_CFLAGS / ccflags-$(CONFIG_…), in order. */
  ccflags: string[];
}

const ASSIGN = /^([A-Za-z0-9_.$()\-/]+)\s*(\+=|:=|\?=|=)\s*(.*)$/;
const CONFIG_REF = /\$\((CONFIG_[A-Za-z0-9_]+)\)/;

export function parseKbuildText(text: string, file = 'Makefile'): KbuildDirLines {
  const lines = logicalLines(text).map((l) => l.trim()).filter((l) => l.length > 0);
  const modules: KbuildModuleLine[] = [];
  const subdirs: { dir: string; configSymbol?: string }[] = [];
  const symbols = new Set<string>();
  const ccflags: string[] = [];
  const objectsOf = new Map<string, string[]>();

  for (const line of lines) {
    for (const m of line.matchAll(/\b(CONFIG_[A-Za-z0-9_]+)\b/g)) symbols.add(m[1]);
    const a = ASSIGN.exec(line);
    if (!a) continue;
    const [, lhs, , rhs] = a;
    const words = rhs.split(/\s+/).filter(Boolean);
    if (/^obj-(m|y|\$\(CONFIG_[A-Za-z0-9_]+\))$/.test(lhs)) {
      const sym = CONFIG_REF.exec(lhs)?.[1];
      for (const w of words) {
        if (w.endsWith('/')) subdirs.push({ dir: w.slice(0, -1), configSymbol: sym });
        else if (w.endsWith('.o') && !modules.some((m) => m.name === w.slice(0, -2)))
          modules.push({ name: w.slice(0, -2), configSymbol: sym, objects: [] });
      }
      continue;
    }
    if (/^(ccflags-(y|\$\(CONFIG_[A-Za-z0-9_]+\))|EXTRA_CFLAGS)$/.test(lhs)) {
      ccflags.push(rhs);
      continue;
    }
    const comp = /^(.+)-(y|objs|\$\(CONFIG_[A-Za-z0-9_]+\))$/.exec(lhs);
    if (comp && !/^(obj|subdir|ccflags|asflags|ldflags|lib|always|targets|hostprogs|clean|extra|header-test)$/.test(comp[1])) {
      const list = objectsOf.get(comp[1]) ?? [];
      if (a[2] !== '+=') list.length = 0;
      list.push(...words.filter((w) => w.endsWith('.o')));
      objectsOf.set(comp[1], list);
    }
  }
  for (const m of modules) {
    const objs = objectsOf.get(m.name);
    m.objects = objs && objs.length > 0 ? [...new Set(objs)] : [`${m.name}.o`];
  }
  return { file, modules, subdirs, configSymbols: [...symbols].sort(), ccflags };
}

/** Parse the Kbuild file of `dir`; undefined when there is none. */
export function readKbuildDir(dir: string): KbuildDirLines | undefined {
  const file = kbuildFile(dir);
  if (!file) return undefined;
  return parseKbuildText(fs.readFileSync(file, 'utf8'), file);
}
