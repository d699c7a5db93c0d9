/**
 * Import: driver sources from a git revision, a directory or a tarball into a project.
 * The public face of src/import; the pipeline, the CLI and the wizard import from here.
 */
export { importSources, type ImportOptions, type ImportResult, type ImportedModule } from './import.js';
export { readModuleInfoDefaults, mainModuleOf, type ModuleInfoDefaults } from './module-info.js';
export { rpmLicense, normalizeSpdx } from './license.js';
export { parseSourceFlag, parseConfigFlag, formatSource } from './source-flag.js';
export { includeMakeArgs, type PulledHeader } from './headers.js';
export type { FirmwareFile } from './firmware.js';
export type { TreeChanges } from './tree-files.js';
