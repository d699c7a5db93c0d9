/**
 * The wizard as a pure reducer: navigation (Enter validates and advances, Esc goes back one
 * step), editing of every field, list selection, and the results of the reads the app performs
 * for it (tree, kernels, defaults, certificate). Every step answered produces a save request
 * holding the answers document; the app writes it at once.
 */
import { answersFromState } from './answers-doc.js';
import { failedAfterBuild, failureReport } from '../pipeline/failure-report.js';
import type { DirTree, DirNode } from './dir-tree.js';
import { visibleDirs } from './dir-tree.js';
import { isChoice, SIGNING_MODES, stepFields } from './form.js';
import type { BuildOutcome, CertDetails, KernelChoice, TextFieldKey, WizardState } from './state.js';
import type { StepId } from './steps.js';
import type { FirmwareReport, ModuleReport } from './module-report.js';
import { backFrom, extrasRows, extrasText, firmwareLoaded, forwardFrom, modulesLoaded, toggleAllModules, toggleExtras, toggleModule, validateModuleStep } from './module-steps.js';
import { editText, type TextEdit } from './text-field.js';
import { keyToActions, type KeyInfo } from './keys.js';
import { backToReview } from './jump.js';
import { proposeDir } from './proposals.js';
import { completeField } from './complete-field.js';
import { absolutePath, projectDirOf, realFs, sourceRootOf, validateStep, type FsProbe } from './validate-step.js';

export interface PackageDefaults {
  name?: string;
  version?: string;
  license?: string;
  summary?: string;
  description?: string;
  /** MODULE_AUTHOR (all of them, joined), for step 1's author when it is empty. */
  author?: string;
  /** A compatibility probe file found beside the driver (`dudforge.probes`). */
  probes?: string;
}

export type WizardAction =
  /** One key, mapped to actions against the state it arrives in (keys.ts). */
  | { type: 'key'; input: string; key: KeyInfo }
  | { type: 'text'; edit: TextEdit }
  | { type: 'focus'; delta: number }
  | { type: 'choice'; delta: number }
  | { type: 'toggle' }
  /** `a` on the Modules step: every module, or none. */
  | { type: 'toggle-all' }
  | { type: 'expand' }
  | { type: 'collapse' }
  | { type: 'submit' }
  | { type: 'back' }
  /** From Review, open this step; Enter there comes back (jump.ts). */
  | { type: 'jump'; step: StepId }
  /** Tab in a path field (complete-field.ts). */
  | { type: 'complete' }
  | { type: 'tree-loaded'; tree: DirTree }
  | { type: 'tree-failed'; message: string }
  | { type: 'defaults-loaded'; from: string; defaults: PackageDefaults }
  | { type: 'kernels-loaded'; kernels: KernelChoice[] }
  | { type: 'kernel-added'; kernel: KernelChoice }
  | { type: 'kernel-add-failed'; message: string }
  | { type: 'cert-info'; info: CertDetails }
  | { type: 'cancel-request' }
  | { type: 'cancel-answer'; yes: boolean }
  | { type: 'build-finished'; result: BuildOutcome }
  /** The failure screen: build again (what built comes from the cache), or write the disk with what built. */
  | { type: 'retry-failed' }
  | { type: 'write-partial' }
  | { type: 'modules-report'; report: ModuleReport }
  | { type: 'firmware-report'; report: FirmwareReport };

/** Rows of step 3 as shown now. */
export function dirRows(state: WizardState): DirNode[] {
  return state.tree ? visibleDirs(state.tree, state.expanded, state.fields['dirs.filter'].value) : [];
}

/** Rows of step 5: the kernels, then "add a build tree by path". */
export function kernelRowCount(state: WizardState): number {
  return (state.kernels?.length ?? 0) + 1;
}

function withSave(state: WizardState, step: StepId, replaceExisting = false): WizardState {
  return {
    ...state,
    save: {
      seq: (state.save?.seq ?? 0) + 1,
      doc: answersFromState(state, step),
      projectDir: projectDirOf(state),
      name: state.fields['project.name'].value.trim(),
      step,
      ...(replaceExisting ? { replaceExisting } : {}),
    },
  };
}

/** Actions that come from keys (everything else is a read the app finished). */
const KEY_ACTIONS = new Set<WizardAction['type']>(['text', 'focus', 'choice', 'toggle', 'toggle-all', 'expand', 'collapse', 'submit', 'back', 'jump', 'complete']);

/** The answers of the existing-project question on step 1, in the order shown. */
export const EXISTING_CHOICES = ['open', 'overwrite', 'another'] as const;

/** Step 1 answered: the project directory is this session's from now on. */
function leaveStep1(state: WizardState, replaceExisting = false): WizardState {
  const next = { ...goTo(state, 'source'), ownDir: projectDirOf(state), existing: undefined };
  return withSave(next, 'source', replaceExisting);
}

/** Keys while step 1 asks what to do with the project already in the directory. */
function answerExisting(state: WizardState, action: WizardAction): WizardState {
  const prompt = state.existing!;
  switch (action.type) {
    case 'focus':
      return { ...state, existing: { ...prompt, choice: (prompt.choice + action.delta + EXISTING_CHOICES.length) % EXISTING_CHOICES.length } };
    case 'back':
      return { ...state, existing: undefined, focus: stepFields(state).indexOf('project.dir') };
    case 'submit': {
      const choice = EXISTING_CHOICES[prompt.choice];
      if (choice === 'open') return { ...state, existing: undefined, openDir: prompt.dir };
      if (choice === 'another') return { ...state, existing: undefined, focus: stepFields(state).indexOf('project.dir') };
      // Overwrite: a new project, but the old build time (the reproducibility anchor) carries
      // over, and the app keeps the old file as a backup before the first save.
      return leaveStep1({ ...state, buildTime: prompt.buildTime ?? state.buildTime }, true);
    }
    default:
      return state;
  }
}

function goTo(state: WizardState, step: StepId): WizardState {
  return { ...state, step, focus: 0, error: undefined, addingKernel: false };
}

function setField(state: WizardState, key: TextFieldKey, edit: TextEdit): WizardState {
  return { ...state, error: undefined, fields: { ...state.fields, [key]: editText(state.fields[key], edit) } };
}

function clampFocus(state: WizardState, rows: number): number {
  return Math.max(0, Math.min(state.focus, rows - 1));
}

function fillEmpty(state: WizardState, from: string, d: PackageDefaults): WizardState {
  const fields = { ...state.fields };
  const fill = (key: TextFieldKey, value: string | undefined) => {
    if (value && !fields[key].value.trim()) fields[key] = editText({ value: '', cursor: 0 }, { type: 'insert', text: value.replace(/\s+/g, ' ').trim() });
  };
  fill('package.name', d.name);
  fill('package.version', d.version);
  fill('package.license', d.license);
  fill('package.summary', d.summary);
  fill('package.description', d.description);
  // The author (step 1) from MODULE_AUTHOR, when neither the user nor the profile gave one.
  fill('project.author', d.author);
  return { ...state, fields, defaultsFrom: from, probes: state.probes ?? d.probes };
}

function submit(state: WizardState, fs: FsProbe): WizardState {
  if (state.step === 'build') return state;
  if (state.step === 'done') return { ...state, exitCode: state.result?.exitCode ?? 0 };
  if (state.step === 'kernels' && state.addingKernel) {
    const typed = state.fields['kernels.add'].value.trim();
    if (!typed) return { ...state, addingKernel: false };
    return { ...state, addingKernel: false, kernelToAdd: absolutePath(state, typed), error: undefined };
  }
  // Enter on "+ Add a build tree by path…" opens its field, as space does.
  if (state.step === 'kernels' && state.kernels && clampFocus(state, kernelRowCount(state)) === state.kernels.length) return toggle(state);
  if (state.step === 'review') return startBuild(state);
  const udev = state.step === 'extras' && state.fields['extras.udevRules'].value.trim() ? absolutePath(state, state.fields['extras.udevRules'].value) : undefined;
  const problem = validateStep(state, fs) ?? validateModuleStep(state, projectDirOf(state), udev, (file) => fs.readUdevRules(file));
  if (problem) {
    const row = (problem as { row?: number }).row;
    const index = row ?? (problem.field ? stepFields(state).indexOf(problem.field as never) : -1);
    return { ...state, error: problem, focus: index >= 0 ? index : state.focus };
  }
  if (state.step === 'project') {
    const dir = projectDirOf(state);
    const found = dir === state.ownDir ? undefined : fs.savedProject(dir);
    if (found) return { ...state, existing: { dir, ...found, choice: 0 }, error: undefined };
    return leaveStep1(state);
  }
  const to = forwardFrom(state);
  let next = goTo(state, to);
  if (state.step === 'source') {
    // Another source: the tree shown and its error belong to the old one (selection is re-checked on load).
    const stale = state.tree && state.tree.root !== sourceRootOf(state);
    next = { ...next, treeError: undefined, ...(stale ? { tree: undefined, expanded: [] } : {}) };
  }
  return withSave(next, to);
}

/** Review's Enter, and the failure screen's retry and partial write (`allowPartial`). */
function startBuild(state: WizardState, allowPartial = false): WizardState {
  // Saved before the build starts: a build killed mid-way then reads as interrupted, not as
  // the result of the build before it.
  const next = { ...goTo(state, 'build'), lastResult: 'running' };
  const build = { running: true, confirmCancel: false, cancelling: false, runId: state.build.runId + 1, ...(allowPartial ? { allowPartial } : {}) };
  return withSave({ ...next, result: undefined, build }, 'build');
}

function back(state: WizardState): WizardState {
  if (state.step === 'kernels' && state.addingKernel) return { ...state, addingKernel: false, error: undefined };
  if (state.step === 'driverDirs' && state.fields['dirs.filter'].value) return setField({ ...state, focus: 0 }, 'dirs.filter', { type: 'clear' });
  if (state.step === 'build') return state; // q asks first; a running build is not left by accident
  if (state.step === 'done') return goTo(state, 'review');
  if (state.step === 'project') return { ...state, leftToStart: true };
  return goTo(state, backFrom(state));
}

function toggle(state: WizardState): WizardState {
  if (state.step === 'modules') return toggleModule(state);
  if (state.step === 'extras') return toggleExtras(state);
  if (state.step === 'driverDirs') {
    const row = dirRows(state)[clampFocus(state, dirRows(state).length)];
    if (!row) return state;
    const selected = state.selectedDirs.includes(row.rel) ? state.selectedDirs.filter((d) => d !== row.rel) : [...state.selectedDirs, row.rel];
    return { ...state, selectedDirs: selected, error: undefined };
  }
  if (state.step === 'kernels') {
    const kernels = state.kernels ?? [];
    if (state.focus >= kernels.length) return { ...state, addingKernel: true, error: undefined };
    const k = kernels[state.focus];
    if (!k.usable) return { ...state, error: { message: `${k.release ?? k.path} cannot be used: ${k.reason ?? 'not a usable build tree'}` } };
    const selected = state.selectedKernels.includes(k.path) ? state.selectedKernels.filter((p) => p !== k.path) : [...state.selectedKernels, k.path];
    return { ...state, selectedKernels: selected, kernelsChosen: true, error: undefined };
  }
  const field = stepFields(state)[state.focus];
  if (field && isChoice(field)) return choice(state, 1);
  return state;
}

function choice(state: WizardState, delta: number): WizardState {
  const field = stepFields(state)[state.focus];
  if (field === 'source.kind') {
    const kinds = state.sourceKinds;
    const i = kinds.findIndex((k) => k.kind === state.sourceKind);
    return { ...state, sourceKind: kinds[(i + delta + kinds.length) % kinds.length].kind, error: undefined };
  }
  if (field === 'signing.mode') {
    const i = SIGNING_MODES.findIndex((m) => m.mode === state.signingMode);
    const next = SIGNING_MODES[(i + delta + SIGNING_MODES.length) % SIGNING_MODES.length].mode;
    let s: WizardState = { ...state, signingMode: next, error: undefined };
    if (next === 'generate' && !s.fields['signing.dir'].value) {
      s = setField(s, 'signing.dir', { type: 'insert', text: `${projectDirOf(s)}/keys` });
    }
    return s;
  }
  return state;
}

function text(state: WizardState, edit: TextEdit): WizardState {
  if (state.step === 'driverDirs') return setField({ ...state, focus: edit.type === 'insert' || edit.type === 'erase' ? 0 : state.focus }, 'dirs.filter', edit);
  if (state.step === 'kernels') return state.addingKernel ? setField(state, 'kernels.add', edit) : state;
  if (state.step === 'extras') return extrasText(state, edit);
  const field = stepFields(state)[state.focus];
  if (!field) return state;
  if (isChoice(field)) {
    if (edit.type === 'left' || edit.type === 'right') return choice(state, edit.type === 'left' ? -1 : 1);
    return state;
  }
  return setField(state, field, edit);
}

function rowCount(state: WizardState): number {
  if (state.step === 'driverDirs') return dirRows(state).length;
  if (state.step === 'kernels') return kernelRowCount(state);
  if (state.step === 'modules') return state.moduleReport?.modules.length ?? 0;
  if (state.step === 'extras') return extrasRows(state).length;
  return stepFields(state).length;
}

export function createWizardReducer(fs: FsProbe = realFs) {
  return function wizardReducer(state: WizardState, action: WizardAction): WizardState {
    if (state.existing && KEY_ACTIONS.has(action.type)) return answerExisting(state, action);
    // The listed completions stay until the next key.
    if (state.completions && action.type !== 'key' && KEY_ACTIONS.has(action.type)) state = { ...state, completions: undefined };
    switch (action.type) {
      case 'key':
        return keyToActions(action.input, action.key, state).reduce(wizardReducer, state);
      case 'text':
        return proposeDir(state, text(state, action.edit), action.edit);
      case 'focus': {
        if (state.step === 'kernels' && state.addingKernel) return state;
        const rows = rowCount(state);
        if (rows === 0) return state;
        return { ...state, focus: (clampFocus(state, rows) + action.delta + rows) % rows };
      }
      case 'choice':
        return choice(state, action.delta);
      case 'toggle':
        return toggle(state);
      case 'toggle-all':
        return toggleAllModules(state);
      case 'modules-report': {
        // Only a resumed project lands on Modules without the tree saying how many there are.
        const s = modulesLoaded(state, action.report);
        return s.step === 'modules' && action.report.modules.length <= 1 ? goTo(s, 'package') : s;
      }
      case 'firmware-report':
        return firmwareLoaded(state, action.report);
      case 'expand':
      case 'collapse': {
        if (state.step !== 'driverDirs') return state;
        const rows = dirRows(state);
        const row = rows[clampFocus(state, rows.length)];
        if (!row) return state;
        if (action.type === 'expand') {
          return row.children.length && !state.expanded.includes(row.rel) ? { ...state, expanded: [...state.expanded, row.rel] } : state;
        }
        if (state.expanded.includes(row.rel)) return { ...state, expanded: state.expanded.filter((e) => e !== row.rel) };
        const parentIndex = row.parent ? rows.findIndex((r) => r.rel === row.parent) : -1;
        return parentIndex >= 0 ? { ...state, focus: parentIndex } : state;
      }
      case 'submit':
        return backToReview(state, submit(state, fs), fs);
      case 'complete':
        return completeField(state);
      case 'jump':
        return state.step === 'review' ? { ...goTo(state, action.step), returnToReview: { sourceRoot: sourceRootOf(state) } } : state;
      case 'back':
        return back(state);
      case 'tree-loaded': {
        const sameRoot = !state.tree || state.tree.root === action.tree.root;
        let selected = sameRoot ? state.selectedDirs.filter((d) => action.tree.nodes[d]) : [];
        if (selected.length === 0 && action.tree.nodes['.'].modules.length > 0) selected = ['.'];
        return { ...state, tree: action.tree, treeError: undefined, selectedDirs: selected, expanded: sameRoot ? state.expanded : [], focus: sameRoot ? state.focus : 0 };
      }
      case 'tree-failed':
        return { ...state, tree: undefined, treeError: action.message };
      case 'defaults-loaded':
        return fillEmpty(state, action.from, action.defaults);
      case 'kernels-loaded': {
        const kernels = [...action.kernels];
        // Saved build trees that detection did not find stay listed (with what is known of them).
        for (const path of state.selectedKernels) if (!kernels.some((k) => k.path === path)) kernels.push({ path, usable: false, reason: 'not found any more' });
        const selectedKernels = state.kernelsChosen ? state.selectedKernels : kernels.filter((k) => k.usable && !k.foreign).map((k) => k.path);
        return { ...state, kernels, selectedKernels };
      }
      case 'kernel-added': {
        const kernels = state.kernels ?? [];
        const k = action.kernel;
        const known = kernels.find((c) => c.path === k.path);
        const list = known ? kernels.map((c) => (c.path === k.path ? k : c)) : [...kernels, k];
        const fields = { ...state.fields, 'kernels.add': { value: '', cursor: 0 } };
        if (!k.usable) return { ...state, kernels: list, fields, kernelToAdd: undefined, error: { field: 'kernels.add', message: `${k.path} cannot be used: ${k.reason ?? 'not a build tree'}` } };
        const selectedKernels = state.selectedKernels.includes(k.path) ? state.selectedKernels : [...state.selectedKernels, k.path];
        return { ...state, kernels: list, fields, kernelToAdd: undefined, selectedKernels, kernelsChosen: true, focus: list.findIndex((c) => c.path === k.path), error: undefined };
      }
      case 'kernel-add-failed':
        return { ...state, kernelToAdd: undefined, error: { field: 'kernels.add', message: action.message } };
      case 'cert-info':
        return { ...state, certInfo: action.info };
      case 'cancel-request':
        return state.step === 'build' && state.build.running && !state.build.cancelling ? { ...state, build: { ...state.build, confirmCancel: true } } : state;
      case 'cancel-answer':
        if (!state.build.confirmCancel) return state;
        return { ...state, build: { ...state.build, confirmCancel: false, cancelling: action.yes } };
      case 'retry-failed':
        return state.step === 'done' && state.result && !state.result.ok ? startBuild(state) : state;
      case 'write-partial':
        return state.step === 'done' && state.result && failureReport(state.result)?.canWritePartial ? startBuild(state, true) : state;
      case 'build-finished': {
        const build = { ...state.build, running: false, confirmCancel: false };
        if (state.build.cancelling) {
          const s = { ...goTo({ ...state, build: { ...build, cancelling: false } }, 'review'), lastResult: 'cancelled', error: { message: 'The build was cancelled; nothing was written. Enter builds again.' } };
          return withSave(s, 'review');
        }
        if (action.result.error && !failedAfterBuild(action.result)) {
          const s = { ...goTo({ ...state, build }, 'review'), lastResult: 'failed', error: { message: action.result.error } };
          return withSave(s, 'review');
        }
        const s = { ...goTo({ ...state, build }, 'done'), result: action.result, lastResult: action.result.ok ? 'ok' : 'failed' };
        return withSave(s, 'done');
      }
    }
  };
}

export const wizardReducer = createWizardReducer();
