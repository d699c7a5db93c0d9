import { UserError } from '../errors.js';
import type { RpmDependency } from '../rpm/types.js';
import { parseDependency, RPMSENSE } from '../rpm/sense.js';
import type { ModuleImports } from './module-imports.js';
import { crcHex, type Symvers } from './symvers.js';

/** `kernel-modules = <uname -r>` (exact) or `>= <uname -r>` (minimum), as dd_list reads it. */
export function kernelModulesProvide(kernelRelease: string, match: 'exact' | 'minimum'): RpmDependency {
  const flags = match === 'exact' ? RPMSENSE.EQUAL : RPMSENSE.GREATER | RPMSENSE.EQUAL;
  return { name: 'kernel-modules', flags, version: kernelRelease };
}

/**
 * A dependency name as packages spell them: `foo`, `kmod(bar.ko)`, `perl(A::B)`, `/usr/bin/x`.
 * Nothing rpm's spec reader would act on: no `%` (macros, `%(shell)`), no `,` (it splits a
 * Requires line in two), no quotes, no rich `(a or b)` expressions.
 */
const DEP_NAME = /^[A-Za-z0-9_./+@-][A-Za-z0-9_./+@:-]*(\([A-Za-z0-9_./+@:-]+\))?$/;
/** [EPOCH:]VERSION[-RELEASE] with rpm's version characters. */
const DEP_VERSION = /^(\d+:)?[A-Za-z0-9._+~^]+(-[A-Za-z0-9._+~^]+)?$/;

/** Parse a project's extra Requires, `NAME [OP VERSION]`, as written in the answers. */
export function parseRequirement(text: string, field = 'package.requires'): RpmDependency {
  const dep = parseDependency(text);
  if (!dep || !DEP_NAME.test(dep.name) || (dep.version !== undefined && !DEP_VERSION.test(dep.version))) {
    throw new UserError(
      `${field}: "${text}" is not a dependency`,
      "write NAME or NAME OP VERSION with OP one of = < <= > >=, e.g. 'kernel-core >= 5.14.0' (one dependency per entry; names of letters, digits and . _ + / @ : - with an optional (…) part)",
    );
  }
  return dep;
}

export interface ModuleRequiresOptions {
  modules: ModuleImports[];
  /** The target kernel's Module.symvers (empty when the tree has none). */
  symvers: Symvers;
  /** Emit kernel()/ksym() Requires at all (the project's kABI Requires option). */
  kabiRequires: boolean;
  /** The project's own Requires, `NAME [OP VERSION]`. */
  extra: string[];
}

/**
 * The Requires of a kmod: the project's extra ones (in the order given), then one per imported
 * symbol, sorted by symbol, as RHEL's find-requires.ksyms writes them:
 * `kernel(<sym>) = 0x<crc>` when the kernel's Module.symvers exports the symbol, else
 * `ksym(<sym>) = 0x<crc>` (provided by another kmod). The CRC is the one recorded in the
 * module's `__versions` (what the loader checks); Module.symvers is the fallback for modules
 * built without CONFIG_MODVERSIONS records. Symbols exported by a module of the same package
 * are satisfied inside it and skipped.
 */
export function moduleRequires(opts: ModuleRequiresOptions): RpmDependency[] {
  const extra = opts.extra.map((r) => parseRequirement(r));
  if (!opts.kabiRequires) return extra;

  const ownExports = new Set(opts.modules.flatMap((m) => m.exportedSymbols ?? []));
  const crcs = new Map<string, number | undefined>();
  for (const m of opts.modules) {
    for (const v of m.versions) crcs.set(v.symbol, v.crc);
    for (const s of m.undefinedSymbols) if (!crcs.has(s)) crcs.set(s, undefined);
  }
  const symbols = [...crcs.keys()].filter((s) => !ownExports.has(s)).sort(byteOrder);
  const deps: RpmDependency[] = [];
  for (const symbol of symbols) {
    const exported = opts.symvers.get(symbol);
    const crc = crcs.get(symbol) ?? exported?.crc;
    const name = exported ? `kernel(${symbol})` : `ksym(${symbol})`;
    deps.push(crc === undefined ? { name, flags: RPMSENSE.ANY } : { name, flags: RPMSENSE.EQUAL, version: crcHex(crc) });
  }
  return [...extra, ...deps];
}

function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
