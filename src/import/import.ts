/**
 * Import driver sources into a project: read the chosen directories of a source tree (git
 * revision, directory or tarball) without touching it, apply the patch series to the copy,
 * pull in outside headers the target kernels lack, and replace `<project>/sources` (and the
 * firmware beside it) in one step. The same inputs give the same files and hash, and leave an
 * existing import alone.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { SourceSpec } from '../answers/schema.js';
import { silentReporter, type Reporter } from '../events.js';
import { UserError } from '../errors.js';
import { kbuildFile, scanKbuildDir } from '../kbuild/makefile.js';
import { collectFirmware, type FirmwareFile } from './firmware.js';
import { makefileIncludes, pullOutsideHeaders, type MakefileInclude, type PulledHeader } from './headers.js';
import { readModuleInfoDefaults, type ModuleInfoDefaults } from './module-info.js';
import { applyPatches, patchSteps } from './patches.js';
import { formatSource } from './source-flag.js';
import { openSourceTree, type SourceTree } from './source-tree.js';
import { compareTrees, dropBuildOutputs, listTree, treeHash, type TreeChanges } from './tree-files.js';
import { checkTree } from './tree-guard.js';
import { importIdentity, readImportRecord, writeImportRecord, type ImportRecord } from './import-identity.js';

export interface ImportOptions {
  source: SourceSpec;
  /** Tree-relative driver directories; none = the whole source is one module directory. */
  driverDirs?: string[];
  /** Patch files applied with -p1 after the series, in order (project-relative). */
  patches?: string[];
  /** A quilt series file (project-relative). */
  patchSeries?: string;
  /** Firmware entries (see firmware.ts for the `SRC[=DEST]` form). */
  firmware?: string[];
  /** User choices for CONFIG_ symbols; they override the defaults found in the Makefiles. */
  config?: Record<string, string>;
  /** Relative paths in the options resolve here. */
  projectDir: string;
  /** Where the imported tree goes, e.g. <projectDir>/sources; replaced as a whole. */
  destDir: string;
  /** Firmware destination (laid out as /lib/firmware); default: `firmware/` beside destDir. */
  firmwareDir?: string;
  /** The target kernels' build trees: decide which outside `<…>` headers must come along. */
  buildTrees?: string[];
  /**
   * Paths a directory source must not copy, e.g. the output directory when the project lives
   * inside the module directory. destDir, the firmware dir and dudforge.json are always left out.
   */
  exclude?: string[];
  /** Progress as `info` events (a kernel tarball takes a minute to read). */
  reporter?: Reporter;
}

export interface ImportedModule {
  name: string;
  /** Tree-relative directory of the module (where `make M=` points). */
  dir: string;
  /** Objects linked into it, tree-relative. */
  objects: string[];
  configSymbol?: string;
}

export interface ImportResult {
  commit?: string;
  /** sha256 over every imported file's path, kind, executable bit and contents, firmware included. */
  sourceHash: string;
  /** Tree-relative files of destDir, sorted. */
  files: string[];
  pulledHeaders: PulledHeader[];
  /** Include directories (relative to destDir) the build must add with -I (see includeMakeArgs). */
  includeDirs: string[];
  modules: ImportedModule[];
  /** CONFIG_X=m for every symbol that switches on a module or subdirectory, then the user's. */
  config: Record<string, string>;
  /** Other CONFIG_ symbols the Makefiles test (features; unset unless the user sets them). */
  optionalConfig: string[];
  moduleInfo: ModuleInfoDefaults;
  firmware: FirmwareFile[];
  /** Differences from the import that was in destDir (absent when there was none). */
  changes?: TreeChanges;
  /** Differences in the firmware directory (paths under /lib/firmware), when any. */
  firmwareChanges?: TreeChanges;
  unchanged: boolean;
  /**
   * The source was not read: its identity (import-identity.ts) and the imported copy are what the
   * last import recorded, so that import's result is returned as it was.
   */
  reused?: boolean;
  /** The imported copy had been edited since the last import; it was imported again. */
  editedCopy?: boolean;
}

function normalizeDriverDir(input: string): string {
  const n = path.posix.normalize(input.replace(/\\/g, '/')).replace(/^\.\/|\/$/g, '');
  if (n === '.' || n === '') return '';
  if (path.posix.isAbsolute(n) || n === '..' || n.startsWith('../')) {
    throw new UserError(`driver directory ${input} is not a path inside the source tree`, 'give it tree-relative, e.g. drivers/net/ethernet/intel/e1000');
  }
  return n;
}

async function checkDriverDirs(tree: SourceTree, dirs: string[]): Promise<void> {
  for (const d of dirs) {
    if (d === '') continue;
    if (!(await tree.isDir(d))) {
      throw new UserError(`driver directory ${d} is not in ${tree.label}`, 'give a directory relative to the top of the source tree, e.g. drivers/net/ethernet/intel/e1000');
    }
  }
}

function checkKbuildFiles(staged: string, dirs: string[], label: string): void {
  for (const d of dirs) {
    if (!kbuildFile(path.join(staged, d))) {
      throw new UserError(
        `driver directory ${d || '.'} of ${label} has no Makefile or Kbuild`,
        'choose the directory that holds the driver Makefile (the one with obj-m or obj-$(CONFIG_…) += x.o)',
      );
    }
  }
}

function scanDir(staged: string, d: string, config?: Record<string, string>) {
  try {
    return scanKbuildDir(path.join(staged, d), config);
  } catch (err) {
    if (err instanceof UserError) throw new UserError(err.message.split(staged + path.sep).join(''), err.hint);
    throw err;
  }
}

/**
 * Modules and CONFIG_ symbols of the driver directories. Symbols that switch on a module or a
 * subdirectory default to `m`; the rest (features like `foo-$(CONFIG_FOO_DEBUG) += x.o`) stay
 * unset unless the user sets them. Objects are listed as the build with that config sees them.
 */
function scanModules(staged: string, dirs: string[], userConfig: Record<string, string>) {
  const config: Record<string, string> = {};
  const optional = new Set<string>();
  const includes: MakefileInclude[] = [];
  for (const d of dirs) {
    const everything = scanDir(staged, d);
    includes.push(...makefileIncludes(d, everything.ccflags));
    const switches = new Set(everything.modules.map((m) => m.configSymbol).filter((s): s is string => !!s));
    for (const s of everything.configSymbols) if (s.for.endsWith('/')) switches.add(s.name);
    for (const s of switches) config[s] = 'm';
    for (const s of everything.configSymbols) if (!switches.has(s.name)) optional.add(s.name);
  }
  const effective = { ...config, ...userConfig };
  const modules: ImportedModule[] = [];
  for (const d of dirs) {
    for (const m of scanDir(staged, d, effective).modules) {
      modules.push({
        name: m.name,
        dir: path.posix.join(d, m.dir).replace(/^\.$/, '') || '.',
        objects: m.objects.map((o) => path.posix.join(d, o)),
        ...(m.configSymbol ? { configSymbol: m.configSymbol } : {}),
      });
    }
  }
  return { modules, defaults: config, config: effective, optional: [...optional].filter((s) => !(s in effective)).sort(), includes };
}

/** User config with the CONFIG_ prefix Kbuild expects (`FOO=m` means `CONFIG_FOO=m`). */
function configSymbols(config: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(config).map(([k, v]) => [k.startsWith('CONFIG_') ? k : `CONFIG_${k}`, v]));
}

function sameEntries(a: Record<string, string>, b: Record<string, string>): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => b[k] === a[k]);
}

/** Replace `target` with `staged` (both in the same directory): old aside, new in, old gone. */
function replaceDir(staged: string, target: string): void {
  const aside = `${target}.old-${process.pid}-${Date.now()}`;
  const had = fs.existsSync(target);
  if (had) fs.renameSync(target, aside);
  try {
    fs.renameSync(staged, target);
  } catch (err) {
    if (had) fs.renameSync(aside, target);
    throw err;
  }
  if (had) fs.rmSync(aside, { recursive: true, force: true });
}

export async function importSources(opts: ImportOptions): Promise<ImportResult> {
  const projectDir = path.resolve(opts.projectDir);
  const destDir = path.resolve(projectDir, opts.destDir);
  const firmwareDir = path.resolve(projectDir, opts.firmwareDir ?? path.join(path.dirname(destDir), 'firmware'));
  const normalized = [...new Set((opts.driverDirs ?? []).map(normalizeDriverDir))];
  // A directory inside another listed one comes with it.
  const driverDirs = normalized.filter((d) => !normalized.some((o) => o !== d && (o === '' || d.startsWith(o + '/'))));
  const dirs = driverDirs.length > 0 ? driverDirs : [''];
  const steps = patchSteps(projectDir, opts.patches, opts.patchSeries);

  const identityInputs = {
    source: opts.source,
    projectDir,
    destDir,
    firmwareDir,
    dirs,
    steps,
    firmware: opts.firmware ?? [],
    buildTrees: opts.buildTrees ?? [],
    exclude: opts.exclude ?? [],
  };
  const record = readImportRecord<ImportResult>(projectDir, destDir);
  let editedCopy = false;
  // The user's config is not part of the identity: it only decides which symbols are set, so
  // the last import holds when the defaults it found, overridden by this config, give its config.
  const userConfig = configSymbols(opts.config ?? {});
  const sameConfig = (r: ImportRecord<ImportResult>) => sameEntries({ ...r.defaults, ...userConfig }, r.result.config);
  if (record && fs.existsSync(destDir) && sameConfig(record)) {
    const identity = await importIdentity(identityInputs, record.pulled);
    if (identity === record.identity) {
      // Hashing the copy is cheap (a few driver directories): an edit made by hand is caught.
      if (treeHash(listTree(destDir), listTree(firmwareDir)) === record.result.sourceHash) {
        (opts.reporter ?? silentReporter).emit({ type: 'info', message: `${formatSource(opts.source)} unchanged since the last import, not re-read` });
        return { ...record.result, changes: { added: [], removed: [], modified: [] }, unchanged: true, reused: true };
      }
      editedCopy = true;
    }
  }
  const before = await importIdentity(identityInputs, []);

  fs.mkdirSync(path.dirname(destDir), { recursive: true });
  const work = fs.mkdtempSync(path.join(path.dirname(destDir), `.${path.basename(destDir)}.import-`));
  const exclude = [
    destDir,
    `${destDir}.old-*`,
    path.join(path.dirname(destDir), `.${path.basename(destDir)}.import-*`),
    firmwareDir,
    `${firmwareDir}.old-*`,
    path.join(path.dirname(firmwareDir), `.${path.basename(firmwareDir)}.import-*`),
    path.join(projectDir, 'dudforge.json'),
    ...(opts.exclude ?? []).map((e) => path.resolve(projectDir, e)),
  ];
  let fwWork: string | undefined;
  const reporter = opts.reporter ?? silentReporter;
  const info = (message: string) => reporter.emit({ type: 'info', message });
  try {
    info(`reading ${formatSource(opts.source)}`);
    const tree = await openSourceTree(opts.source, projectDir, driverDirs, exclude, path.join(work, 'scan'), opts.buildTrees ?? []);
    if (tree.commit) info(`${formatSource(opts.source)} is commit ${tree.commit}`);
    await checkDriverDirs(tree, dirs);
    const staged = path.join(work, 'tree');
    fs.mkdirSync(staged);
    info(`extracting ${dirs.map((d) => d || '.').join(', ')}`);
    await tree.extract(dirs, staged);
    dropBuildOutputs(staged);
    // Links are judged in the copy, where the tree's root is the staging directory.
    const partial = !dirs.includes('');
    checkTree(staged, tree.label, { partial });
    checkKbuildFiles(staged, dirs, tree.label);
    await applyPatches(steps, staged, (name) => info(`applied patch ${name}`));
    const { modules, defaults, config, optional, includes } = scanModules(staged, dirs, configSymbols(opts.config ?? {}));
    const headers = await pullOutsideHeaders(tree, staged, opts.buildTrees ?? [], includes);
    checkTree(staged, tree.label, { partial });
    for (const h of headers.pulled) info(`pulled in ${h.path}: ${h.reason}`);
    const moduleInfo = readModuleInfoDefaults(path.join(staged, dirs[0]));

    // Firmware is staged beside its own destination so that the final rename stays on one
    // file system even when firmwareDir is elsewhere.
    fs.mkdirSync(path.dirname(firmwareDir), { recursive: true });
    fwWork = fs.mkdtempSync(path.join(path.dirname(firmwareDir), `.${path.basename(firmwareDir)}.import-`));
    const fwStaged = path.join(fwWork, 'firmware');
    fs.mkdirSync(fwStaged);
    const firmware = await collectFirmware(opts.firmware ?? [], tree, projectDir, path.join(work, 'firmware-scratch'), fwStaged);

    const files = listTree(staged);
    const fwFiles = listTree(fwStaged);
    const sourceHash = treeHash(files, fwFiles);
    const previous = fs.existsSync(destDir) ? listTree(destDir) : undefined;
    const previousFw = listTree(firmwareDir);
    const changes = previous ? compareTrees(previous, files) : undefined;
    const fwChanges = compareTrees(previousFw, fwFiles);
    const fwChanged = fwChanges.added.length + fwChanges.removed.length + fwChanges.modified.length > 0;
    const sourcesChanged = !previous || changes!.added.length + changes!.removed.length + changes!.modified.length > 0;
    const unchanged = !sourcesChanged && !fwChanged;

    // Each directory is replaced only when it changed: an unchanged one keeps its mtimes.
    if (sourcesChanged) replaceDir(staged, destDir);
    if (fwChanged) {
      if (fwFiles.length > 0) replaceDir(fwStaged, firmwareDir);
      else fs.rmSync(firmwareDir, { recursive: true, force: true });
    }
    const result: ImportResult = {
      ...(tree.commit ? { commit: tree.commit } : {}),
      sourceHash,
      files: files.map((f) => f.path),
      pulledHeaders: headers.pulled,
      includeDirs: headers.includeDirs,
      modules,
      config,
      optionalConfig: optional,
      moduleInfo,
      firmware,
      ...(changes ? { changes } : {}),
      ...(fwChanged ? { firmwareChanges: fwChanges } : {}),
      unchanged,
    };
    // Recorded with the headers it pulled in, and only when the source did not change while it
    // was read (a directory edited meanwhile): a stale copy is never reused.
    const identity = await importIdentity(identityInputs, headers.pulled.map((h) => h.path));
    if (identity && before === (await importIdentity(identityInputs, []))) {
      const { changes: _c, firmwareChanges: _f, unchanged: _u, ...kept } = result;
      writeImportRecord(projectDir, destDir, { identity, pulled: headers.pulled.map((h) => h.path), defaults, result: { ...kept, unchanged: true } as ImportResult });
    }
    return editedCopy ? { ...result, editedCopy } : result;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
    if (fwWork) fs.rmSync(fwWork, { recursive: true, force: true });
  }
}
