/**
 * What the Modules and Extras steps show, read from disk by the app (wizard-effects.ts) and
 * handed to the reducer as data: the modules the driver directory builds with, per target
 * kernel, the ones its config disables and the ones it already ships (the same reading as
 * `dudforge new`, src/import/module-targets.ts), and the firmware the sources declare.
 */
import { resolve } from 'node:path';
import { driverModules } from '../answers/create.js';
import { DEFAULT_FIRMWARE_TREES, declaredFirmware, locateFirmware } from '../import/declared-firmware.js';
import { modulesOnKernel, outerConfigValues } from '../import/module-targets.js';

export interface ModuleNote {
  release: string;
  module: string;
  state: 'disabled' | 'inbox';
  /** The CONFIG_ symbol that leaves a disabled module out. */
  symbol?: string;
  detail: string;
}

export interface ModuleReport {
  /** What it was read for (directory and kernels): read again when that changes. */
  key: string;
  /** Every module the directory can build, in the order `new` lists them. */
  modules: string[];
  notes: ModuleNote[];
}

export interface FirmwareReport {
  key: string;
  trees: string[];
  /** MODULE_FIRMWARE paths, sorted. */
  names: string[];
  found: { name: string; file: string }[];
  missing: string[];
  /** Declarations that are not a string we can evaluate. */
  unresolved: string[];
}

export function readModuleReport(key: string, dir: string, kernels: { release: string; buildTree: string }[], config: Record<string, string>): ModuleReport {
  const modules = driverModules(dir, config);
  const outer = outerConfigValues(dir);
  const notes: ModuleNote[] = [];
  for (const k of kernels) for (const n of modulesOnKernel(modules, k, config, outer)) notes.push({ release: k.release, ...n });
  return { key, modules: modules.map((m) => m.name), notes };
}

/** Declared firmware of `dirs`, looked for in `trees` (default /lib/firmware), as `new` does. */
export function readFirmwareReport(key: string, dirs: string[], trees: string[]): FirmwareReport {
  const declared = dirs.map((d) => declaredFirmware(d));
  const names = [...new Set(declared.flatMap((d) => d.names))].sort();
  const where = (trees.length ? trees : DEFAULT_FIRMWARE_TREES).map((t) => resolve(t));
  const { found, missing } = locateFirmware(names, where);
  return { key, trees: where, names, found: found.map((f) => ({ name: f.name, file: f.file })), missing, unresolved: declared.flatMap((d) => d.unresolved) };
}
