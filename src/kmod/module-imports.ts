/**
 * What packaging needs to know about one built module. `readKernelModule()` (src/elf/ko.ts)
 * returns a superset of this; the kmod code only depends on these fields so that it can be
 * fed from the ELF reader or from a test.
 */
export interface ModuleImports {
  /** `__versions` records: the symbols the module imports with the CRC it was built against. */
  versions: { symbol: string; crc: number }[];
  /** Undefined symbols of the module's symbol table (what it needs from the kernel or other modules). */
  undefinedSymbols: string[];
  /** Symbols the module exports itself (EXPORT_SYMBOL*), when known. */
  exportedSymbols?: string[];
}

/** The module name as the kernel sees it: file name without `.ko`, '-' read as '_'. */
export function moduleNameOf(file: string): string {
  const base = file.split('/').pop() ?? file;
  return base.replace(/\.ko(\.(gz|xz|zst|bz2))?$/, '');
}

/** `foo` or `foo.ko` → `foo.ko` (the file name installed under extra/<name>/). */
export function moduleFileName(nameOrFile: string): string {
  const base = nameOrFile.split('/').pop() ?? nameOrFile;
  return /\.ko$/.test(base) ? base : `${base}.ko`;
}
