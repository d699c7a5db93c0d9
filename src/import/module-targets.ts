/**
 * Several modules in one driver directory, seen from each target kernel: which ones the
 * kernel's .config disables (the CONFIG_ symbol gating `obj-$(CONFIG_X) += x.o` is not set, so
 * an M= build skips it) and which the kernel already ships itself (the symbol is y/m in its
 * .config, or modules.order/modules.builtin of /lib/modules/<release> or the tree names it).
 * `new` prints this per kernel so the user can pick modules (--module) before building.
 */
import fs from 'node:fs';
import path from 'node:path';
import { readKernelConfig, type KernelConfig } from '../kernel/config.js';
import type { KbuildModule } from '../kbuild/makefile.js';

export interface ModuleOnKernel {
  module: string;
  /** disabled: not built for this kernel; inbox: the kernel has its own (built in or as a module). */
  state: 'disabled' | 'inbox';
  /** The CONFIG_ symbol that leaves a disabled module out. */
  symbol?: string;
  detail: string;
}

/** Paths of the kernel's own modules by name (`dummy` → kernel/drivers/net/dummy.ko), built-in ones marked. */
function kernelModules(release: string, buildTree: string): Map<string, { path: string; builtin: boolean }> {
  const found = new Map<string, { path: string; builtin: boolean }>();
  for (const dir of [path.join('/lib/modules', release), buildTree]) {
    for (const [file, builtin] of [['modules.order', false], ['modules.builtin', true]] as const) {
      let text: string;
      try {
        text = fs.readFileSync(path.join(dir, file), 'utf8');
      } catch {
        continue;
      }
      for (const line of text.split('\n')) {
        const p = line.trim();
        if (!p.endsWith('.ko')) continue;
        const name = path.basename(p, '.ko').replace(/-/g, '_');
        if (!found.has(name)) found.set(name, { path: p, builtin });
      }
    }
  }
  return found;
}

/**
 * CONFIG_ symbols the driver's own Makefile/Kbuild sets for its make call (`CONFIG_FOO ?= m`,
 * `export CONFIG_FOO := m`, `$(MAKE) … CONFIG_FOO=m modules`): the outer Makefile is not what
 * Kbuild reads with M=, so a module they gate is built only when the symbol is given again.
 */
export function outerConfigValues(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const name of ['Makefile', 'Kbuild', 'GNUmakefile']) {
    let text: string;
    try {
      text = fs.readFileSync(path.join(dir, name), 'utf8');
    } catch {
      continue;
    }
    for (const m of text.matchAll(/\b(CONFIG_[A-Za-z0-9_]+)[ \t]*[:?]?=[ \t]*([ym])\b/g)) if (!out.has(m[1])) out.set(m[1], m[2]);
  }
  return out;
}

export function modulesOnKernel(modules: KbuildModule[], kernel: { release: string; buildTree: string }, given: Record<string, string>, outer?: Map<string, string>): ModuleOnKernel[] {
  let config: KernelConfig = {};
  try {
    config = readKernelConfig(path.join(kernel.buildTree, '.config'));
  } catch {
    /* an unreadable .config was reported when the tree was inspected */
  }
  const inbox = kernelModules(kernel.release, kernel.buildTree);
  const out: ModuleOnKernel[] = [];
  for (const m of modules) {
    const sym = m.configSymbol;
    const own = inbox.get(m.name.replace(/-/g, '_'));
    if (sym) {
      const kernelValue = config[sym];
      if (kernelValue === 'y' || kernelValue === 'm') {
        out.push({ module: m.name, state: 'inbox', detail: `the kernel has its own (${sym}=${kernelValue}${own ? `, ${own.path}` : ''})` });
        continue;
      }
      if (given[sym] !== 'm' && given[sym] !== 'y') {
        const own = outer?.get(sym);
        const why = own ? ` (the driver's own Makefile sets ${sym}=${own} for its make call; dudforge runs Kbuild directly)` : '';
        out.push({ module: m.name, state: 'disabled', symbol: sym, detail: `${sym} is not set in this kernel's config${why}, so it is not built; --config ${sym}=m builds it` });
        continue;
      }
    }
    if (own) out.push({ module: m.name, state: 'inbox', detail: `the kernel has its own (${own.builtin ? 'built in' : own.path})` });
  }
  return out;
}

/** The package name a directory of several modules gets: the project's (directory's) name, version suffix dropped. */
export function projectNameOf(dir: string): string | undefined {
  const base = path.basename(path.resolve(dir)).replace(/\.git$/, '').replace(/[-_]v?\d[\w.]*$/, '');
  const name = base.replace(/[^A-Za-z0-9._+-]/g, '-').replace(/^[^A-Za-z0-9_+]+/, '');
  return name || undefined;
}
