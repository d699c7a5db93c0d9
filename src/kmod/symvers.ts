/**
 * Module.symvers of a kernel build tree: one exported symbol per line,
 * `0x<crc>\t<symbol>\t<module>\t<export type>[\t<namespace>]` (kernel ≥ 5.4 order; older
 * kernels wrote the namespace before the module — see below).
 */
export interface SymversEntry {
  crc: number;
  /** `vmlinux` or the module path (e.g. `drivers/net/mii`). */
  module: string;
  /** EXPORT_SYMBOL, EXPORT_SYMBOL_GPL, … */
  exportType: string;
  namespace?: string;
}

export type Symvers = Map<string, SymversEntry>;

/**
 * Parse Module.symvers. With `only`, just those symbols are kept: a kernel's file has ~30,000
 * lines and a package needs the few hundred its modules import, so the rest are skipped
 * without building a row for them.
 */
export function parseSymvers(text: string, only?: ReadonlySet<string>): Symvers {
  const out: Symvers = new Map();
  for (let start = 0; start < text.length;) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const lineStart = start;
    start = end + 1;
    if (only) {
      const t1 = text.indexOf('\t', lineStart);
      if (t1 < 0 || t1 > end) continue;
      let t2 = text.indexOf('\t', t1 + 1);
      if (t2 < 0 || t2 > end) t2 = end;
      if (!only.has(text.slice(t1 + 1, t2))) continue;
    }
    const line = text.slice(lineStart, end);
    if (line.trim() === '' || line.startsWith('#')) continue;
    const cols = line.split('\t');
    if (cols.length < 4 || !/^0x[0-9a-fA-F]+$/.test(cols[0])) continue;
    const [crcText, symbol] = cols;
    let module = cols[2];
    let exportType = cols[3];
    let namespace: string | undefined = cols[4];
    // Linux 5.4–5.7 wrote `crc sym namespace module type`: detect the export type column.
    if (!/^EXPORT_/.test(cols[3]) && cols[4] !== undefined && /^EXPORT_/.test(cols[4])) {
      namespace = cols[2];
      module = cols[3];
      exportType = cols[4] ?? '';
    }
    const entry: SymversEntry = { crc: Number.parseInt(crcText.slice(2), 16) >>> 0, module, exportType };
    if (namespace !== undefined && namespace !== '') entry.namespace = namespace;
    out.set(symbol, entry);
  }
  return out;
}

/** `0x` + 8 lowercase hex digits: the form of kernel()/ksym() versions. */
export function crcHex(crc: number): string {
  return `0x${(crc >>> 0).toString(16).padStart(8, '0')}`;
}

/**
 * The symbols each module of an out-of-tree build exports, from the Module.symvers that Kbuild
 * writes into the M= directory (module column: the module path without `.ko`). Keyed by module
 * name (`dir/foo` → `foo`); feeds `exportedSymbols` so that symbols one module of a package
 * provides to another are not turned into Requires.
 */
export function exportsByModule(buildSymvers: Symvers): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [symbol, e] of buildSymvers) {
    const name = (e.module.split('/').pop() ?? e.module).replace(/\.ko$/, '');
    const list = out.get(name) ?? [];
    list.push(symbol);
    out.set(name, list);
  }
  for (const list of out.values()) list.sort();
  return out;
}
