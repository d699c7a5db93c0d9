/**
 * Creating a project's answers without questions: the engine behind `dudforge new --yes`, the
 * demo, and the wizard's defaults. Whatever is not given gets a default read from the module's
 * sources (name, version, license, description) or from this machine (every usable kernel).
 */
import { existsSync } from 'node:fs';
import { basename, join, relative, resolve, isAbsolute } from 'node:path';
import { UserError } from '../errors.js';
import { discoverKernels, findKernel } from '../kernel/discover.js';
import { installHint } from '../kernel/install-hint.js';
import type { KernelTree } from '../kernel/tree.js';
import { readModuleInfoDefaults } from '../import/module-info.js';
import { importSources } from '../import/import.js';
import { formatSource } from '../import/source-flag.js';
import { firmwareEntryKind, splitFirmwareEntry } from '../import/firmware.js';
import { DEFAULT_FIRMWARE_TREES, declaredFirmware, locateFirmware } from '../import/declared-firmware.js';
import { checkModuleDir, projectOwnPaths } from '../pipeline/sources.js';
import { gitTagOf, resolveVersion, type ResolvedVersion } from '../import/version.js';
import { readDkmsConf, type DkmsConf } from '../import/dkms-conf.js';
import { modulesOnKernel, outerConfigValues, projectNameOf } from '../import/module-targets.js';
import { readKernelConfig } from '../kernel/config.js';
import { scanKbuildDir, type KbuildModule } from '../kbuild/makefile.js';
import { ANSWERS_SCHEMA_VERSION, DEFAULT_PACKAGING, type Answers, type ExtraFileAnswers, type PackagingAnswers, type SigningAnswers, type SourceSpec } from './schema.js';
import { formatProblems, validateAnswers } from './validate.js';
import { checkKeyPlacement } from './key-placement.js';
import { newBuildTime, packageDefaultsFrom, rpmSafeVersion } from './facts.js';
import { extraFiles, readUdevRules } from '../kmod/extra-files.js';


export interface NewProjectOptions {
  projectDir: string;
  source: SourceSpec;
  driverDirs?: string[];
  config?: Record<string, string>;
  patchSeries?: string;
  firmware?: string[];
  /** Ship the MODULE_FIRMWARE files found in the firmware trees (--ship-declared-firmware). */
  shipDeclaredFirmware?: boolean;
  /** Where declared firmware is looked for; default /lib/firmware (--firmware-tree). */
  firmwareTrees?: string[];
  /** modprobe.d options, modules-load.d, udev rules (a file) and blacklist (src/kmod/extra-files.ts). */
  extraFiles?: ExtraFileAnswers;
  /** Modules to package when the directory builds several (default all). */
  modules?: string[];
  name?: string;
  version?: string;
  /** Where `version` comes from when it is not the --version flag (e.g. a ddiskit module.config). */
  versionSource?: 'module.config';
  release?: string;
  vendor?: string;
  license?: string;
  summary?: string;
  description?: string;
  url?: string;
  requires?: string[];
  /** Kernel releases to target; default every usable build tree found. */
  kernels?: string[];
  /** Extra build trees to look in (and to use: a tree given here is a target when --kernel is absent). */
  kernelDirs?: string[];
  probes?: string;
  signing?: SigningAnswers;
  packaging?: Partial<PackagingAnswers>;
  outDir?: string;
  isoName?: string;
  buildTime?: number;
  author?: string;
  email?: string;
}

/** Paths inside the project are stored relative to it, so a project can be moved as a whole. */
function storedPath(projectDir: string, p: string): string {
  const abs = resolve(p);
  const rel = relative(projectDir, abs);
  return rel.startsWith('..') || isAbsolute(rel) ? abs : rel || '.';
}


export function pickKernels(trees: KernelTree[], wanted: string[] | undefined, extraDirs: string[]): KernelTree[] {
  if (wanted && wanted.length) {
    return wanted.map((release) => {
      const tree = findKernel(trees, release);
      if (!tree) {
        throw new UserError(
          `no build tree for kernel ${release} was found`,
          `${installHint(release)}, or give its build tree with --kernel-dir DIR (run \`dudforge kernels\` to see what was found)`,
        );
      }
      if (!tree.usable) throw new UserError(`the build tree for ${release} (${tree.path}) is not usable: ${tree.reason}`, installHint(release));
      return tree;
    });
  }
  const explicit = extraDirs.map((d) => resolve(d));
  const usable = trees.filter((t) => t.usable);
  // By default the host's own architecture: another one's trees are chosen by name (--kernel or --kernel-dir).
  const chosen = explicit.length ? usable.filter((t) => t.foundVia.some((v) => explicit.includes(resolve(v))) || explicit.includes(t.path)) : usable.filter((t) => !t.cross);
  if (!chosen.length) {
    const bad = trees.filter((t) => !t.usable).map((t) => `  ${t.path}: ${t.reason}`);
    throw new UserError(
      `no usable kernel build tree found${bad.length ? `:\n${bad.join('\n')}` : ''}`,
      `${installHint()}; or give a build tree with --kernel-dir DIR`,
    );
  }
  return chosen;
}

/** What `new` tells the user about the defaults it chose (info lines and warnings). */
export interface CreateNote {
  level: 'info' | 'warning';
  message: string;
}

export interface CreatedProject {
  answers: Answers;
  /** Where the package version came from (a default always carries a warning). */
  version: ResolvedVersion;
  notes: CreateNote[];
}

export async function createAnswers(opts: NewProjectOptions): Promise<Answers> {
  return (await createProject(opts)).answers;
}

export async function createProject(opts: NewProjectOptions): Promise<CreatedProject> {
  const notes: CreateNote[] = [];
  const projectDir = resolve(opts.projectDir);
  const trees = discoverKernels(opts.kernelDirs ?? []);
  const kernels = pickKernels(trees, opts.kernels, opts.kernelDirs ?? []);

  let source: SourceSpec = opts.source;
  let infoDir: string;
  // The project's own files are never sources, even when it lives in its module directory.
  const own = projectOwnPaths(projectDir, opts.outDir ? resolve(projectDir, opts.outDir) : join(projectDir, 'out'), opts.signing);
  let config = opts.config;
  let gitTag: string | undefined;
  let firmware = opts.firmware ?? [];
  // Declared firmware is read from the sources before an import when they are on disk (a module
  // directory, a kernel tree), so that what is shipped goes through the import like --firmware.
  const diskRoot = source.kind === 'dir' ? resolve(source.path) : undefined;
  const onDisk = diskRoot ? (opts.driverDirs?.length ? opts.driverDirs.map((d) => join(diskRoot, d)) : [diskRoot]) : undefined;
  let firmwareDone = false;
  if (onDisk) {
    firmware = [...firmware, ...declaredFirmwareNotes(onDisk, firmware, opts, notes)];
    firmwareDone = true;
  }
  if (source.kind === 'dir' && !(opts.driverDirs && opts.driverDirs.length)) {
    infoDir = resolve(source.path);
    if (!existsSync(infoDir)) throw new UserError(`driver source directory ${infoDir} does not exist`, 'give --source dir:PATH with the module directory');
    // Refused now rather than at the first build: links out of the directory, loops, FIFOs, devices.
    checkModuleDir(infoDir, formatSource({ kind: 'dir', path: infoDir }), own);
    for (const f of firmware) firmwareEntryKind(f, resolve(splitFirmwareEntry(f).src), { allowDir: false });
    source = { kind: 'dir', path: storedPath(projectDir, infoDir) };
  } else {
    if (!opts.driverDirs || !opts.driverDirs.length) {
      throw new UserError(`a ${source.kind === 'git' ? 'git repository' : source.kind === 'tar' ? 'tarball' : 'kernel tree'} source needs --driver-dir REL_PATH`, 'name the driver directory inside the tree, e.g. --driver-dir drivers/net/ethernet/intel/e1000');
    }
    const abs: SourceSpec =
      source.kind === 'git' ? { ...source, repo: resolve(source.repo) } : source.kind === 'tar' ? { ...source, file: resolve(source.file) } : { ...source, path: resolve(source.path) };
    const imported = await importSources({
      source: abs,
      driverDirs: opts.driverDirs,
      patchSeries: opts.patchSeries ? resolve(opts.patchSeries) : undefined,
      firmware,
      config: opts.config,
      projectDir,
      destDir: join(projectDir, 'sources'),
      buildTrees: kernels.map((k) => k.path),
      exclude: own,
    });
    config = { ...imported.config, ...opts.config };
    if (abs.kind === 'git') gitTag = await gitTagOf(abs.repo, abs.rev, imported.commit);
    source =
      abs.kind === 'git'
        ? { kind: 'git', repo: storedPath(projectDir, abs.repo), rev: abs.rev, commit: imported.commit }
        : abs.kind === 'tar'
          ? { kind: 'tar', file: storedPath(projectDir, abs.file) }
          : { kind: 'dir', path: storedPath(projectDir, abs.path) };
    infoDir = join(projectDir, 'sources', opts.driverDirs[0]);
  }
  if (!firmwareDone) {
    const extra = declaredFirmwareNotes(opts.driverDirs!.map((d) => join(projectDir, 'sources', d)), firmware, { ...opts, shipDeclaredFirmware: false }, notes);
    if (opts.shipDeclaredFirmware && extra.length) {
      notes.push({ level: 'warning', message: `--ship-declared-firmware: a ${source.kind} source is read only by the import; give the files found above with --firmware FILE=PATH` });
    }
  }

  // A module directory that carries its own probe file (as the sample does) needs it to build.
  const probes = opts.probes ?? (existsSync(join(infoDir, 'dudforge.probes')) ? join(infoDir, 'dudforge.probes') : undefined);
  const info = readModuleInfoDefaults(infoDir);
  const dkms = readDkmsConf(infoDir);
  if (dkms) notes.push(...dkmsNotes(dkms));
  // Several modules: the package is the project's, named after its directory, not after
  // whichever module the Makefile lists first.
  const modules = driverModules(infoDir, config ?? {});
  const chosen = chooseModules(modules, opts.modules);
  if (modules.length > 1) {
    notes.push({ level: 'info', message: `modules: ${modules.map((m) => m.name).join(', ')}${opts.modules?.length ? `; packaging ${chosen.map((m) => m.name).join(', ')}` : ' (all packaged; choose with --module NAME)'}` });
  }
  notes.push(...configGateNotes(infoDir, chosen, modules.length > 1, kernels.map((k) => ({ release: k.release as string, buildTree: k.path })), config ?? {}));
  const projectName = modules.length > 1 ? projectNameOf(nameDirOf(source, opts.driverDirs, infoDir)) : undefined;
  const fromInfo = packageDefaultsFrom(info);
  const name = opts.name ?? dkms?.packageName ?? projectName ?? fromInfo.name ?? 'driver';
  const summary = opts.summary ?? fromInfo.summary ?? `${name} kernel module`;
  const vendor = opts.vendor ?? 'Unknown vendor';
  const version: ResolvedVersion = opts.version
    ? { version: opts.version, source: opts.versionSource ?? 'flag' }
    : resolveVersion({ dkms: dkms?.packageVersion, moduleVersion: info.version, gitTag });
  if (version.source !== 'flag') {
    notes.push(version.warning ? { level: 'warning', message: version.warning } : { level: 'info', message: `version ${version.version} (from ${version.source})` });
  }
  const extras = storedExtraFiles(projectDir, opts.extraFiles);
  const answers: Answers = {
    schemaVersion: ANSWERS_SCHEMA_VERSION,
    project: { name: name, vendor: opts.vendor, author: opts.author ?? info.author, email: opts.email },
    source,
    ...(opts.driverDirs?.length ? { driverDirs: opts.driverDirs } : {}),
    ...(config && Object.keys(config).length ? { config } : {}),
    ...(opts.patchSeries ? { patchSeries: storedPath(projectDir, opts.patchSeries) } : {}),
    ...(firmware.length ? { firmware: firmware.map((f) => (source.kind === 'dir' && !opts.driverDirs?.length ? storedFirmwareEntry(projectDir, f) : f)) } : {}),
    ...(extras ? { extraFiles: extras } : {}),
    package: {
      name,
      version: opts.version ?? rpmSafeVersion(version.version),
      release: opts.release ?? '1',
      vendor,
      license: opts.license ?? fromInfo.license ?? 'GPL-2.0-only',
      summary,
      description: opts.description ?? fromInfo.description ?? summary,
      ...(opts.url ? { url: opts.url } : {}),
      ...(opts.requires?.length ? { requires: opts.requires } : {}),
    },
    kernels: kernels.map((k) => ({ release: k.release as string, buildTree: k.path })),
    ...(opts.modules?.length ? { modules: chosen.map((m) => m.name) } : {}),
    ...(dkms ? { dkms: dkmsAnswers(dkms) } : {}),
    ...(probes ? { probes: storedPath(projectDir, probes) } : {}),
    signing: opts.signing ? storeSigningPaths(projectDir, opts.signing) : { mode: 'none' },
    packaging: { ...DEFAULT_PACKAGING, ...opts.packaging },
    output: { dir: opts.outDir ? storedPath(projectDir, opts.outDir) : 'out', ...(opts.isoName ? { isoName: opts.isoName } : {}) },
    buildTime: opts.buildTime ?? newBuildTime(),
  };
  if (answers.packaging.kabiStablelist) answers.packaging.kabiStablelist = storedPath(projectDir, answers.packaging.kabiStablelist);
  const { problems } = validateAnswers(answers);
  if (problems.length) throw new UserError(formatProblems('the new project', problems), 'give the values with the flags named above (see `dudforge new --help`)');
  checkKeyPlacement(answers, projectDir);
  // The files themselves now (a binary udev file, a blacklisted module the package ships), not at the first build.
  const udev = opts.extraFiles?.udevRules;
  const shipped = extraFiles(name, answers.extraFiles, chosen.map((m) => m.name), udev ? readUdevRules(resolve(udev), '--udev-rules') : undefined);
  for (const f of shipped) notes.push({ level: 'info', message: `ships ${f.path}${f.config ? ' (%config(noreplace))' : ''}` });
  return { answers, version, notes };
}

/** A standalone module's firmware entry with its file stored relative to the project (DEST kept). */
function storedFirmwareEntry(projectDir: string, entry: string): string {
  const { src, target } = splitFirmwareEntry(entry);
  return target ? `${storedPath(projectDir, src)}=${target}` : storedPath(projectDir, entry);
}

/**
 * What `new` says about the driver's MODULE_FIRMWARE declarations: each one found (and where) or
 * missing, by name. Returns the firmware entries (`FILE=PATH`) to ship with --ship-declared-firmware,
 * leaving out paths the user's own --firmware entries already ship.
 */
function declaredFirmwareNotes(dirs: string[], given: string[], opts: NewProjectOptions, notes: CreateNote[]): string[] {
  const names = [...new Set(dirs.flatMap((d) => declaredFirmware(d).names))].sort();
  const unresolved = dirs.flatMap((d) => declaredFirmware(d).unresolved);
  if (unresolved.length) {
    notes.push({ level: 'warning', message: `MODULE_FIRMWARE: ${unresolved.length} declaration(s) could not be read as a string (${unresolved.slice(0, 3).join('; ')}${unresolved.length > 3 ? '; …' : ''}); check \`modinfo -F firmware\` on the built module and give them with --firmware` });
  }
  if (!names.length) return [];
  const trees = (opts.firmwareTrees?.length ? opts.firmwareTrees : DEFAULT_FIRMWARE_TREES).map((t) => resolve(t));
  const shipped = new Set(given.map((f) => {
    const { src, target } = splitFirmwareEntry(f);
    return target ?? basename(src);
  }));
  const { found, missing } = locateFirmware(names, trees);
  notes.push({ level: 'info', message: `MODULE_FIRMWARE: the driver declares ${names.length} file(s); ${found.length} found in ${trees.join(', ')}, ${missing.length} missing` });
  for (const f of found) notes.push({ level: 'info', message: `firmware ${f.name}: ${f.file}${opts.shipDeclaredFirmware ? (shipped.has(f.name) ? ' (given with --firmware)' : ' (shipped)') : ''}` });
  if (missing.length) {
    notes.push({ level: 'warning', message: `firmware missing from ${trees.join(', ')}: ${missing.join(', ')}; the driver requests them at load time (install linux-firmware, or give --firmware-tree DIR / --firmware FILE=PATH)` });
  }
  if (found.length && !opts.shipDeclaredFirmware) notes.push({ level: 'info', message: 'ship the firmware found with --ship-declared-firmware (or choose files with --firmware)' });
  return opts.shipDeclaredFirmware ? found.filter((f) => !shipped.has(f.name)).map((f) => `${f.file}=${f.name}`) : [];
}

/** Only the extra-file answers that were given; the udev rules path stored relative to the project. */
function storedExtraFiles(projectDir: string, e: ExtraFileAnswers | undefined): ExtraFileAnswers | undefined {
  if (!e) return undefined;
  const out: ExtraFileAnswers = {
    ...(e.modprobeOptions?.length ? { modprobeOptions: e.modprobeOptions } : {}),
    ...(e.loadAtBoot?.length ? { loadAtBoot: e.loadAtBoot } : {}),
    ...(e.udevRules ? { udevRules: storedPath(projectDir, e.udevRules) } : {}),
    ...(e.blacklist?.length ? { blacklist: e.blacklist } : {}),
  };
  return Object.keys(out).length ? out : undefined;
}

function storeSigningPaths(projectDir: string, s: SigningAnswers): SigningAnswers {
  if (s.mode === 'key') return { ...s, key: s.key.startsWith('pkcs11:') ? s.key : storedPath(projectDir, s.key), cert: storedPath(projectDir, s.cert) };
  if (s.mode === 'generate') return { ...s, dir: storedPath(projectDir, s.dir) };
  return s;
}

/** The answers keep what the build needs; the unparsed lines were reported by `new`. */
function dkmsAnswers(conf: DkmsConf): Answers['dkms'] {
  const { unparsed: _unparsed, ...kept } = conf;
  return kept;
}

/** What `new` says about a dkms.conf: which keys it takes, which it ignores, what will run. */
function dkmsNotes(conf: DkmsConf): CreateNote[] {
  const notes: CreateNote[] = [{ level: 'info', message: `dkms.conf: used ${conf.used.join(', ') || 'no key'}` }];
  if (conf.ignored.length) notes.push({ level: 'info', message: `dkms.conf: ignored ${conf.ignored.join(', ')} (dudforge does not act on them)` });
  for (const line of conf.unparsed) notes.push({ level: 'warning', message: `dkms.conf: ${line}; ignored (dudforge reads the file without running it)` });
  for (const [i, m] of (conf.make ?? []).entries()) {
    notes.push({ level: 'info', message: `dkms.conf: MAKE[${i}] runs in each kernel's copy${m.match ? ` for kernels matching /${m.match}/` : ''}: ${m.command}` });
  }
  if (conf.preBuild) notes.push({ level: 'info', message: `dkms.conf: PRE_BUILD runs in each kernel's copy before make: ${conf.preBuild}` });
  if (conf.postBuild) notes.push({ level: 'info', message: `dkms.conf: POST_BUILD runs in each kernel's copy after make: ${conf.postBuild}` });
  for (const p of conf.patches ?? []) notes.push({ level: 'info', message: `dkms.conf: patch patches/${p.file}${p.match ? ` for kernels matching /${p.match}/` : ''}` });
  const ex = conf.buildExclusive;
  if (ex) {
    const parts = [ex.kernel && `kernel /${ex.kernel}/`, ex.arch && `arch /${ex.arch}/`, ex.config && `config ${ex.config.join(' ')}`].filter(Boolean);
    notes.push({ level: 'info', message: `dkms.conf: builds only for ${parts.join(', ')}; other kernels are excluded, not failed` });
  }
  if (conf.modules?.some((m) => m.destLocation)) {
    notes.push({ level: 'info', message: 'dkms.conf: DEST_MODULE_LOCATION is recorded; kmods install to /lib/modules/<release>/extra/<name>/ (as DKMS does on Red Hat systems)' });
  }
  return notes;
}

/**
 * Which CONFIG_ symbols gate which modules on each kernel (item: "built no .ko" only after
 * compiling). Several modules: every disabled or inbox one is listed (info). One module, or every
 * chosen one disabled on a kernel: a warning that names the symbol and the --config that builds it.
 */
function configGateNotes(dir: string, chosen: KbuildModule[], several: boolean, kernels: { release: string; buildTree: string }[], config: Record<string, string>): CreateNote[] {
  const notes: CreateNote[] = [];
  const outer = outerConfigValues(dir);
  for (const k of kernels) {
    const seen = modulesOnKernel(chosen, k, config, outer);
    for (const m of seen) {
      if (several) notes.push({ level: 'info', message: `${k.release}: ${m.module}: ${m.detail}` });
      else if (m.state === 'disabled') notes.push({ level: 'warning', message: `${k.release}: ${m.module}: ${m.detail}` });
    }
    const off = seen.filter((m) => m.state === 'disabled');
    if (chosen.length && off.length === chosen.length) {
      const flags = [...new Set(off.map((m) => `--config ${m.symbol}=${outer.get(m.symbol!) ?? 'm'}`))].join(' ');
      notes.push({ level: 'warning', message: `${k.release}: no module of the driver is enabled, so the build would compile and report "built no .ko"; give ${flags}` });
    }
  }
  // A subdirectory switched off by a symbol: its modules are not even listed.
  try {
    const scan = scanKbuildDir(dir, config);
    const gatedDirs = scan.configSymbols.filter((s) => s.for.includes('/') && !scan.modules.some((m) => `${m.dir}/`.startsWith(s.for.replace(/\/?$/, '/'))));
    for (const k of kernels) {
      const kernelConfig = kernelConfigOf(k.buildTree);
      for (const s of gatedDirs) {
        const v = config[s.name] ?? kernelConfig[s.name];
        if (v !== 'y' && v !== 'm') notes.push({ level: 'warning', message: `${k.release}: the subdirectory ${s.for} is gated by ${s.name}, which neither this kernel's config nor --config sets: its modules are not built; --config ${s.name}=${outer.get(s.name) ?? 'm'} builds them` });
      }
    }
  } catch {
    // a directory Kbuild cannot read was reported above
  }
  return notes;
}

function kernelConfigOf(buildTree: string): Record<string, string> {
  try {
    return readKernelConfig(join(buildTree, '.config'));
  } catch {
    return {};
  }
}

/** Every module the directory can build: those its Makefile enables now and those a CONFIG_ symbol gates. */
export function driverModules(dir: string, config: Record<string, string>): KbuildModule[] {
  try {
    const scan = scanKbuildDir(dir, config);
    const gated = scan.configSymbols
      .filter((s) => !s.for.includes('/') && !scan.modules.some((m) => m.name === s.for))
      .map((s) => ({ name: s.for, dir: '', objects: [], configSymbol: s.name }));
    return [...scan.modules, ...gated];
  } catch {
    return [];
  }
}

function chooseModules(modules: KbuildModule[], wanted: string[] | undefined): KbuildModule[] {
  if (!wanted?.length) return modules;
  const norm = (n: string) => n.replace(/\.ko$/, '').replace(/-/g, '_');
  return wanted.map((w) => {
    const m = modules.find((x) => norm(x.name) === norm(w));
    if (!m) throw new UserError(`--module ${w}: the driver directory builds no module of that name`, `choose among: ${modules.map((x) => x.name).join(', ') || '(none found)'}`);
    return m;
  });
}

/** The directory a multi-module package is named after: the driver directory, else the source itself. */
export function nameDirOf(source: SourceSpec, driverDirs: string[] | undefined, infoDir: string): string {
  const d = (driverDirs?.[0] ?? '').replace(/^\.\/?|\/+$/g, '');
  if (d) return d;
  if (source.kind === 'git') return source.repo;
  if (source.kind === 'tar') return basename(source.file).replace(/\.tar(\.\w+)?$|\.t[gx]z$/, '');
  return infoDir;
}
