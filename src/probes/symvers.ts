/**
 * Export probes read the build tree's Module.symvers (`crc<TAB>symbol<TAB>module<TAB>export
 * type[<TAB>namespace]`): a symbol listed there can be linked by a module, no compile needed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ExportedSymbol {
  module: string;
  /** EXPORT_SYMBOL or EXPORT_SYMBOL_GPL (then only GPL-compatible modules may use it). */
  exportType: string;
  namespace?: string;
}

/** The tree's exported symbols, or undefined when it has no Module.symvers. */
export function readExports(buildTree: string): Map<string, ExportedSymbol> | undefined {
  let text: string;
  try {
    text = readFileSync(join(buildTree, 'Module.symvers'), 'utf8');
  } catch {
    return undefined;
  }
  const exports = new Map<string, ExportedSymbol>();
  for (const line of text.split('\n')) {
    const f = line.split('\t');
    if (f.length < 4) continue;
    exports.set(f[1], { module: f[2], exportType: f[3], namespace: f[4] || undefined });
  }
  return exports;
}
