/**
 * Between the wizard's state and the answers document (`dudforge.json`): what each answered
 * step contributes, and how a saved document puts the wizard back where it was.
 */
import { isAbsolute, resolve } from 'node:path';
import { ANSWERS_SCHEMA_VERSION, DEFAULT_PACKAGING, type Answers, type SigningAnswers, type SourceSpec } from '../answers/schema.js';
import { isAfter, stepAt, stepNumber, type StepId } from './steps.js';
import { initialState, type InitialOptions, type KernelChoice, type WizardState } from './state.js';
import { textField } from './text-field.js';
import { absolutePath, projectDirOf } from './validate-step.js';
import { extrasAnswer, firmwareAnswer, modulesAnswer, restoreModuleSteps } from './module-steps.js';

function v(state: WizardState, key: keyof WizardState['fields']): string {
  return state.fields[key].value.trim();
}

export function sourceSpecOf(state: WizardState): SourceSpec {
  switch (state.sourceKind) {
    case 'dir':
      return { kind: 'dir', path: absolutePath(state, v(state, 'source.path')) };
    case 'tar':
      return { kind: 'tar', file: absolutePath(state, v(state, 'source.file')) };
    case 'git': {
      const repo = v(state, 'source.repo');
      // A local repository path is made absolute; URLs stay as typed.
      return { kind: 'git', repo: /^[a-z+]+:\/\/|^[^/]+@[^/]+:/.test(repo) ? repo : absolutePath(state, repo), rev: v(state, 'source.rev') };
    }
  }
}

export function signingOf(state: WizardState): SigningAnswers {
  switch (state.signingMode) {
    case 'none':
      return { mode: 'none' };
    case 'key': {
      const key = v(state, 'signing.key');
      const cert = v(state, 'signing.cert');
      return { mode: 'key', key: key.startsWith('pkcs11:') ? key : absolutePath(state, key), cert: absolutePath(state, cert) };
    }
    case 'generate':
      return { mode: 'generate', dir: absolutePath(state, v(state, 'signing.dir')) };
  }
}

/** Driver directories for the answers: none when the source's top directory is the module itself. */
export function driverDirsOf(state: WizardState): string[] | undefined {
  const dirs = state.selectedDirs.filter((d) => d !== '.');
  if (state.sourceKind === 'dir' && state.selectedDirs.includes('.') && dirs.length === 0) return undefined;
  // A tarball or git revision that is one module: its top directory, written as '.'.
  if (state.selectedDirs.includes('.') && dirs.length === 0) return ['.'];
  return [...dirs].sort();
}

export function kernelsOf(state: WizardState): Answers['kernels'] {
  const targets: Answers['kernels'] = [];
  for (const path of state.selectedKernels) {
    // Detected trees first; a resumed project past step 5 has not detected them again.
    const detected: KernelChoice | undefined = state.kernels?.find((k) => k.path === path);
    if (detected?.release) targets.push({ release: detected.release, buildTree: path });
    else {
      const saved = state.savedKernels?.find((k) => k.buildTree === path);
      if (saved && !state.kernels) targets.push({ ...saved });
    }
  }
  return targets;
}

/**
 * The document to save once the user has answered every step before `step` (the step now
 * shown). A step's section appears only once it is answered; `wizard.step` records where to
 * resume.
 */
export function answersFromState(state: WizardState, step: StepId): Partial<Answers> {
  // Answers the wizard has no step for (config, patches, url, requires, packaging,
  // output, …) come from the document it was resumed from and are kept as they were.
  const base = state.baseDoc ?? {};
  const doc: Partial<Answers> = { ...base, schemaVersion: ANSWERS_SCHEMA_VERSION };
  if (isAfter(step, 'project')) {
    doc.project = { name: v(state, 'project.name') };
    for (const key of ['vendor', 'author', 'email'] as const) {
      const value = v(state, `project.${key}`);
      if (value) doc.project[key] = value;
    }
  }
  if (isAfter(step, 'source')) doc.source = sourceSpecOf(state);
  if (isAfter(step, 'driverDirs')) {
    const dirs = driverDirsOf(state);
    if (dirs) doc.driverDirs = dirs;
    else delete doc.driverDirs;
  }
  if (isAfter(step, 'modules')) {
    const modules = modulesAnswer(state);
    if (modules) doc.modules = modules;
    else delete doc.modules;
  }
  if (isAfter(step, 'package')) {
    const author = v(state, 'project.author');
    const email = v(state, 'project.email');
    doc.package = {
      ...base.package,
      name: v(state, 'package.name'),
      version: v(state, 'package.version'),
      release: v(state, 'package.release'),
      vendor: v(state, 'project.vendor'),
      license: v(state, 'package.license'),
      summary: v(state, 'package.summary'),
      description: v(state, 'package.description'),
    };
    if (author) doc.package.packager = email ? `${author} <${email}>` : author;
    if (state.probes) doc.probes = state.probes;
    else delete doc.probes;
  }
  if (isAfter(step, 'extras')) {
    const udev = v(state, 'extras.udevRules');
    const extras = extrasAnswer(state, projectDirOf(state), udev ? absolutePath(state, udev) : undefined);
    if (extras) doc.extraFiles = extras;
    else delete doc.extraFiles;
    const firmware = firmwareAnswer(state, base);
    if (firmware) doc.firmware = firmware;
    else delete doc.firmware;
  }
  if (isAfter(step, 'kernels')) doc.kernels = kernelsOf(state);
  if (isAfter(step, 'signing')) {
    const signing = signingOf(state);
    // Options the step does not ask (shipCert, bits) survive while the mode stays the same.
    doc.signing = base.signing?.mode === signing.mode ? ({ ...base.signing, ...signing } as SigningAnswers) : signing;
    doc.packaging = { ...DEFAULT_PACKAGING, ...base.packaging };
    if (state.firmwarePackage) doc.packaging.firmwarePackage = true;
    else delete doc.packaging.firmwarePackage;
    doc.output = base.output ? { ...base.output } : { dir: 'out' };
  }
  doc.buildTime = state.buildTime;
  if (isAfter(step, 'source') && doc.source?.kind === 'git' && base.source?.kind === 'git' && base.source.commit && base.source.repo === doc.source.repo && base.source.rev === doc.source.rev) {
    doc.source.commit = base.source.commit;
  }
  doc.wizard = { step: stepNumber(step) };
  if (state.lastResult) doc.wizard.lastResult = state.lastResult;
  return doc;
}

/** The first step whose answers the document does not hold (Review when it holds them all). */
function firstMissingStep(doc: Partial<Answers>): StepId {
  if (!doc.project?.name) return 'project';
  if (!doc.source) return 'source';
  // A directory source may be the module itself (no driverDirs); an imported tree needs them.
  if (doc.source.kind !== 'dir' && !doc.driverDirs?.length) return 'driverDirs';
  if (!doc.package) return 'package';
  if (!doc.kernels || doc.kernels.length === 0) return 'kernels';
  if (!doc.signing) return 'signing';
  return 'review';
}

/**
 * Where a saved project continues: the step it reached, but never past a step whose answers
 * are missing, and a build (or its result) resumes at Review, since a build cannot continue
 * where it was killed.
 */
export function resumeAt(doc: Partial<Answers>): StepId {
  // A document written without the wizard (`dudforge new --yes`) resumes at its first gap.
  if (!doc.wizard) return firstMissingStep(doc);
  const reached = stepAt(doc.wizard.step ?? 1);
  const step = isAfter(reached, 'review') ? 'review' : reached;
  const missing = firstMissingStep(doc);
  return isAfter(step, missing) ? missing : step;
}

/** Wizard state for a saved document (resume); kernels and certificate details are re-read. */
export function stateFromAnswers(doc: Partial<Answers>, opts: InitialOptions & { projectDir: string }): WizardState {
  const state = initialState(opts);
  state.baseDoc = structuredClone(doc);
  delete state.baseDoc.wizard;
  state.firmwarePackage = doc.packaging?.firmwarePackage === true;
  const f = state.fields;
  // Paths in a document are relative to its project directory; the fields hold them absolute.
  const abs = (p: string) => (isAbsolute(p) || /^[a-z+]+:\/\/|^[^/]+@[^/]+:|^pkcs11:/.test(p) ? p : resolve(opts.projectDir, p));
  const set = (key: keyof WizardState['fields'], value: string | undefined) => {
    if (value !== undefined) f[key] = textField(value);
  };
  set('project.dir', opts.projectDir);
  if (doc.project) {
    set('project.name', doc.project.name);
    set('project.vendor', doc.project.vendor);
    set('project.author', doc.project.author);
    set('project.email', doc.project.email);
  }
  if (doc.source) {
    state.sourceKind = doc.source.kind;
    if (doc.source.kind === 'dir') set('source.path', abs(doc.source.path));
    if (doc.source.kind === 'tar') set('source.file', abs(doc.source.file));
    if (doc.source.kind === 'git') {
      set('source.repo', abs(doc.source.repo));
      set('source.rev', doc.source.rev);
    }
  }
  if (doc.driverDirs && doc.driverDirs.length) state.selectedDirs = [...doc.driverDirs];
  else if (doc.source?.kind === 'dir' && (doc.package || isAfter(stepAt(doc.wizard?.step ?? 1), 'driverDirs'))) state.selectedDirs = ['.'];
  if (doc.package) {
    set('project.vendor', doc.project?.vendor ?? doc.package.vendor);
    for (const key of ['name', 'version', 'release', 'license', 'summary', 'description'] as const) set(`package.${key}`, doc.package[key]);
    // The user's own package answers win over defaults read from the sources.
    state.defaultsFrom = '(saved answers)';
  }
  if (doc.probes) state.probes = abs(doc.probes);
  restoreModuleSteps(state, doc, abs);
  if (doc.kernels) {
    state.selectedKernels = doc.kernels.map((k) => k.buildTree);
    state.savedKernels = doc.kernels.map((k) => ({ ...k }));
    state.kernelsChosen = true;
  }
  if (doc.signing) {
    state.signingMode = doc.signing.mode;
    if (doc.signing.mode === 'key') {
      set('signing.key', abs(doc.signing.key));
      set('signing.cert', abs(doc.signing.cert));
    }
    if (doc.signing.mode === 'generate') set('signing.dir', abs(doc.signing.dir));
  }
  if (typeof doc.buildTime === 'number') state.buildTime = doc.buildTime;
  // "running" in a saved document: that build never finished.
  state.lastResult = doc.wizard?.lastResult === 'running' ? 'interrupted' : doc.wizard?.lastResult;
  state.step = resumeAt(doc);
  return state;
}
