/**
 * What the wizard needs from the engine and the disk, gathered in one object so the app root
 * is wired to the real functions here and tests can point parts elsewhere (a temp conf store).
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { answersPath, readJsonFile, saveAnswers } from '../answers/io.js';
import { execFileSync } from 'node:child_process';
import { ANSWERS_SCHEMA_VERSION, type Answers, type SourceSpec } from '../answers/schema.js';
import { validateAnswers } from '../answers/validate.js';
import { newBuildTime, packageDefaultsFrom } from '../answers/facts.js';
import { isUserError } from '../errors.js';
import { discoverKernels } from '../kernel/discover.js';
import { inspectTree, type KernelTree } from '../kernel/tree.js';
import { readModuleInfoDefaults } from '../import/module-info.js';
import { assetsDir } from '../paths.js';
import type { Reporter, StepName } from '../events.js';
import { backupFile, ProjectStore } from '../projects/registry.js';
import { certificateInfo } from '../sign/certificate.js';
import { loadDirTree, type DirTree } from './dir-tree.js';
import { driverModules, nameDirOf } from '../answers/create.js';
import { projectNameOf } from '../import/module-targets.js';
import { readFirmwareReport, readModuleReport, type FirmwareReport, type ModuleReport } from './module-report.js';
import type { PackageDefaults } from './reducer.js';
import { buildSkeleton, fillSkeleton, skeletonDir } from './source-skeleton.js';
import { buildNotRun, sourceKindsFor, type BuildOutcome, type CertDetails, type KernelChoice, type SourceKindOption } from './state.js';

export interface WizardDeps {
  /** Opens the saved-project store (throws ProjectStoreError for a bad file). */
  openStore(): ProjectStore;
  discoverKernels(extraDirs: string[]): KernelChoice[];
  inspectKernel(path: string): KernelChoice;
  /** The tree step 3 browses: the directory itself, or a tar/git source's skeleton. */
  loadTree(source: SourceSpec): Promise<DirTree>;
  /** The directory to read the chosen driver directories from (extracting them when needed). */
  driverRoot(source: SourceSpec, driverDirs: string[]): Promise<string>;
  /** `nameDir`: what a driver of several modules is named after (packageNameDir). */
  packageDefaults(dir: string, nameDir?: string): PackageDefaults;
  certificateDetails(cert: string): Promise<CertDetails>;
  /** `allowPartial`: write the disk with the kernels that built (the failure screen's choice). */
  runBuild(opts: { answers: Partial<Answers>; projectDir: string; reporter: Reporter; signal: AbortSignal; allowPartial?: boolean }): Promise<BuildOutcome>;
  saveAnswers(projectDir: string, doc: Partial<Answers>): void;
  /** A saved project's document, or why it cannot be used. */
  readSaved(projectDir: string): { doc: Partial<Answers> } | { path: string; problem: string };
  /** Moves a bad dudforge.json aside; returns the backup path. */
  backupAnswers(projectDir: string): string | undefined;
  sampleDir: string;
  /** The source kinds step 2 offers (git and tar only when installed). */
  sourceKinds(): SourceKindOption[];
  /** Seconds since the epoch for a new project's build time. */
  buildTime(): number;
  /** Modules step: what `moduleDir` builds, with per target kernel notes (module-report.ts). */
  moduleReport(opts: { key: string; source: SourceSpec; driverDirs: string[]; moduleDir: string; kernels: { release: string; buildTree: string }[]; config: Record<string, string> }): Promise<ModuleReport>;
  /** Extras step: the firmware the driver directories declare, looked for in `trees`. */
  firmwareReport(opts: { key: string; source: SourceSpec; driverDirs: string[]; trees: string[] }): Promise<FirmwareReport>;
}

/** The path a tree is listed under: the one saved before, else the first one it was found through. */
export function kernelChoice(tree: KernelTree, preferred: string[] = []): KernelChoice {
  const path = tree.foundVia.find((p) => preferred.includes(p)) ?? tree.path;
  return { path, release: tree.release, arch: tree.arch, usable: tree.usable, reason: tree.reason, hasSymvers: tree.hasSymvers, signFile: tree.signFile, ...(tree.cross ? { foreign: true } : {}) };
}

/** Package defaults for step 4: the same rules as `dudforge new` (answers/facts.ts), and the driver's probe file. */
export function packageDefaultsOf(dir: string, nameDir: string = dir): PackageDefaults {
  const probes = join(dir, 'dudforge.probes');
  const info = readModuleInfoDefaults(dir);
  const defaults = packageDefaultsFrom(info);
  // Several modules: the package is the project's, named after its directory, as `new` names it.
  const name = driverModules(dir, {}).length > 1 ? (projectNameOf(nameDir) ?? defaults.name) : defaults.name;
  return { probes: existsSync(probes) ? probes : undefined, author: info.author?.trim() || undefined, ...defaults, ...(name ? { name } : {}) };
}

/** The directory `new` names a package of several modules after (the driver directory, else the source). */
export function packageNameDir(source: SourceSpec, driverDirs: string[] | undefined, dir: string): string {
  return nameDirOf(source, driverDirs, dir);
}

export function readSavedAnswers(projectDir: string): { doc: Partial<Answers> } | { path: string; problem: string } {
  const file = answersPath(projectDir);
  if (!existsSync(file)) return { doc: {} };
  let doc: unknown;
  try {
    doc = readJsonFile(file);
  } catch (err) {
    return { path: file, problem: isUserError(err) ? err.message : String(err) };
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return { path: file, problem: 'it does not hold a JSON object' };
  const version = (doc as { schemaVersion?: unknown }).schemaVersion;
  if (typeof version === 'number' && version > ANSWERS_SCHEMA_VERSION) {
    return { path: file, problem: `it was written by a newer dudforge (schema version ${version}, this one reads ${ANSWERS_SCHEMA_VERSION})` };
  }
  if (version !== ANSWERS_SCHEMA_VERSION) return { path: file, problem: `schemaVersion must be ${ANSWERS_SCHEMA_VERSION}` };
  return { doc: doc as Partial<Answers> };
}

export async function runBuildOutcome(opts: { answers: Partial<Answers>; projectDir: string; reporter: Reporter; signal: AbortSignal; allowPartial?: boolean }): Promise<BuildOutcome> {
  const { answers, problems } = validateAnswers(opts.answers);
  if (!answers) return buildNotRun(`the answers are incomplete: ${problems.map((p) => `${p.field} ${p.message}`).join('; ')}`, 2);
  // The step a user-caused error stopped (a disk that filled while packaging): the failure
  // screen names it ("Packaging failed") instead of sending the user back to Review.
  let failedStep: StepName | undefined;
  const reporter: Reporter = {
    emit(event) {
      if (event.type === 'step-end' && !event.ok) failedStep ??= event.step;
      opts.reporter.emit(event);
    },
  };
  try {
    // Loaded on first build: the pipeline pulls in the whole engine, which the steps do not need.
    const { runPipeline } = await import('../pipeline/run.js');
    return await runPipeline({ answers, projectDir: opts.projectDir, reporter, signal: opts.signal, ...(opts.allowPartial ? { allowPartial: true } : {}) });
  } catch (err) {
    if (isUserError(err)) return { ...buildNotRun(err.hint ? `${err.message} — ${err.hint}` : err.message, err.exitCode as BuildOutcome['exitCode']), ...(failedStep ? { failedStep } : {}) };
    throw err;
  }
}

function hasTool(name: string): boolean {
  try {
    execFileSync(name, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export function defaultDeps(opts: { confCwd?: string } = {}): WizardDeps {
  // Probed on first use, not here: the start screen (and every test that builds deps) needs no
  // child processes.
  let sourceKinds: SourceKindOption[] | undefined;
  const driverRoot = async (source: SourceSpec, dirs: string[]): Promise<string> => {
    if (source.kind === 'dir') return source.path;
    await fillSkeleton(source, dirs);
    return skeletonDir(source);
  };
  return {
    openStore: () => new ProjectStore({ cwd: opts.confCwd }),
    discoverKernels: (extra) => discoverKernels(extra).map((t) => kernelChoice(t, extra)),
    inspectKernel: (path) => kernelChoice(inspectTree(resolve(path)), [resolve(path)]),
    loadTree: async (source) => (source.kind === 'dir' ? loadDirTree(source.path) : loadDirTree(await buildSkeleton(source))),
    driverRoot,
    packageDefaults: packageDefaultsOf,
    certificateDetails: async (cert) => {
      try {
        const info = await certificateInfo(cert);
        return { cert, subject: info.subject, fingerprint: info.sha256Fingerprint };
      } catch (err) {
        return { cert, error: `${cert}: ${(err as Error).message}` };
      }
    },
    runBuild: runBuildOutcome,
    saveAnswers: (dir, doc) => void saveAnswers(dir, doc),
    readSaved: readSavedAnswers,
    backupAnswers: (dir) => backupFile(answersPath(dir)),
    sampleDir: join(assetsDir, 'sample-driver'),
    sourceKinds: () => (sourceKinds ??= sourceKindsFor({ git: hasTool('git'), tar: hasTool('tar') })),
    buildTime: () => newBuildTime(),
    moduleReport: async (o) => readModuleReport(o.key, join(await driverRoot(o.source, o.driverDirs), o.moduleDir), o.kernels, o.config),
    firmwareReport: async (o) => {
      const root = await driverRoot(o.source, o.driverDirs);
      return readFirmwareReport(o.key, o.driverDirs.map((d) => join(root, d)), o.trees);
    },
  };
}
