/**
 * What Enter checks on each step. Field rules come from the answers validator (the same rules
 * `dudforge build` applies); the few filesystem facts a step needs are asked through `FsProbe`
 * so the reducer stays free of I/O in its own code.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { answersPath } from '../answers/io.js';
import { validateField } from '../answers/validate.js';
import { FIELD_LABELS, stepFields } from './form.js';
import { readUdevRules } from '../kmod/extra-files.js';
import { skeletonDir } from './source-skeleton.js';
import type { FieldKey, WizardState } from './state.js';

/** What a directory's dudforge.json says about the project already there (fields it could read). */
export interface SavedProjectInfo {
  name?: string;
  buildTime?: number;
  step?: number;
}

export interface FsProbe {
  isDir(path: string): boolean;
  isFile(path: string): boolean;
  /** The project whose dudforge.json is in `dir`, or undefined when there is none. */
  savedProject(dir: string): SavedProjectInfo | undefined;
  /** A udev rules file's bytes, checked as `new --udev-rules` checks them (throws UserError). */
  readUdevRules(file: string): Buffer;
}

/** Reads what it can of an existing dudforge.json: an unreadable one still counts as a project. */
export function readSavedProjectInfo(dir: string): SavedProjectInfo | undefined {
  const file = answersPath(dir);
  if (!existsSync(file)) return undefined;
  try {
    const doc = JSON.parse(readFileSync(file, 'utf8')) as { project?: { name?: unknown }; buildTime?: unknown; wizard?: { step?: unknown } };
    return {
      name: typeof doc?.project?.name === 'string' ? doc.project.name : undefined,
      buildTime: typeof doc?.buildTime === 'number' ? doc.buildTime : undefined,
      step: typeof doc?.wizard?.step === 'number' ? doc.wizard.step : undefined,
    };
  } catch {
    return {};
  }
}

export const realFs: FsProbe = {
  isDir: (p) => existsSync(p) && statSync(p).isDirectory(),
  isFile: (p) => existsSync(p) && statSync(p).isFile(),
  savedProject: readSavedProjectInfo,
  readUdevRules: (file) => readUdevRules(file, 'Udev rules'),
};

export interface StepProblem {
  field?: FieldKey | string;
  message: string;
}

/** A path typed by the user, made absolute against the directory the wizard started in. */
export function absolutePath(state: WizardState, value: string): string {
  const v = value.trim().replace(/^~(?=$|\/)/, process.env.HOME ?? '~');
  return isAbsolute(v) ? v : resolve(state.baseDir, v);
}

export function projectDirOf(state: WizardState): string {
  return absolutePath(state, state.fields['project.dir'].value || '.');
}

/** The directory step 3 browses: a `dir` source itself, or the skeleton of a tarball or git revision. */
export function sourceRootOf(state: WizardState): string | undefined {
  if (state.sourceKind === 'dir') return state.fields['source.path'].value.trim() ? absolutePath(state, state.fields['source.path'].value) : undefined;
  if (state.sourceKind === 'tar') return state.fields['source.file'].value.trim() ? skeletonDir({ kind: 'tar', file: absolutePath(state, state.fields['source.file'].value) }) : undefined;
  const repo = state.fields['source.repo'].value.trim();
  const rev = state.fields['source.rev'].value.trim();
  return repo && rev ? skeletonDir({ kind: 'git', repo: /^[a-z+]+:\/\/|^[^/]+@[^/]+:/.test(repo) ? repo : absolutePath(state, repo), rev }) : undefined;
}

const EMAIL = /^[^\s@<>]+@[^\s@<>]+$/;

function checkField(state: WizardState, field: FieldKey, fs: FsProbe): string | undefined {
  if (field === 'source.kind' || field === 'signing.mode' || field === 'kernels.add' || field === 'dirs.filter') return undefined;
  const value = state.fields[field].value.trim();
  switch (field) {
    case 'project.name':
      if (!value) return 'is required';
      return /[/\\]/.test(value) ? 'must not contain "/" or "\\"' : undefined;
    case 'project.dir': {
      if (!value) return 'is required';
      const dir = absolutePath(state, value);
      return fs.isFile(dir) ? `${dir} is a file, not a directory` : undefined;
    }
    case 'project.vendor':
      return value ? undefined : 'is required (it becomes the RPM Vendor)';
    case 'project.author':
      return undefined;
    case 'project.email':
      return value && !EMAIL.test(value) ? `"${value}" does not look like an e-mail address` : undefined;
    case 'source.path': {
      if (!value) return 'is required';
      const dir = absolutePath(state, value);
      if (!fs.isDir(dir)) return `${dir} is not a directory`;
      const hasKbuild = fs.isFile(join(dir, 'Makefile')) || fs.isFile(join(dir, 'Kbuild'));
      return hasKbuild ? undefined : `${dir} has no Makefile or Kbuild: choose the module directory or the top of a kernel source tree`;
    }
    case 'source.file': {
      if (!value) return 'is required';
      const file = absolutePath(state, value);
      return fs.isFile(file) ? undefined : `${file} is not a file`;
    }
    case 'source.repo':
      return value ? undefined : 'is required (a path or URL of a git repository)';
    case 'source.rev':
      return value ? undefined : 'is required (a branch, tag or commit)';
    case 'signing.key':
    case 'signing.cert': {
      if (!value) return 'is required';
      if (value.startsWith('pkcs11:')) return undefined;
      const file = absolutePath(state, value);
      return fs.isFile(file) ? undefined : `${file} is not a file`;
    }
    case 'signing.dir':
      return value ? undefined : 'is required (where the new key and certificate are written)';
    default:
      // package.*: the answers document's own rules.
      return validateField(field, state.fields[field].value.trim());
  }
}

/** "Vendor is required", "Tarball: /x is not a file": every inline reason names its field. */
function namedProblem(field: FieldKey, message: string): string {
  const label = FIELD_LABELS[field];
  return /^(is|must|has|does|cannot)\b/.test(message) ? `${label} ${message}` : `${label}: ${message}`;
}

/** The first problem that keeps the current step from being answered, or undefined. */
export function validateStep(state: WizardState, fs: FsProbe = realFs): StepProblem | undefined {
  for (const field of stepFields(state)) {
    const message = checkField(state, field, fs);
    if (message) return { field, message: namedProblem(field, message) };
  }
  if (state.step === 'source') {
    const kind = state.sourceKinds.find((k) => k.kind === state.sourceKind);
    if (kind && !kind.available) return { field: 'source.kind', message: `${kind.label}: ${kind.why ?? 'not available'}` };
  }
  if (state.step === 'driverDirs') {
    if (!state.tree) return { message: state.treeError ?? 'the source tree is still being read' };
    if (state.selectedDirs.length === 0) return { message: 'select at least one directory with space' };
    // A tarball or revision whose top is the module itself is built whole; the top of a kernel
    // tree names no module and is refused below like any directory without one.
    if (state.sourceKind !== 'dir' && state.selectedDirs.includes('.') && state.selectedDirs.length > 1) {
      return { message: 'the top directory is the module itself: select it alone, or only directories inside it' };
    }
    for (const rel of state.selectedDirs) {
      const node = state.tree.nodes[rel];
      if (!node) return { message: `${rel} is not in the source tree` };
      if (node.modules.length === 0) return { message: `${rel === '.' ? 'the top directory' : rel} names no module in its Makefile/Kbuild (no obj-m/obj-$(CONFIG_…) line)` };
    }
  }
  if (state.step === 'kernels') {
    if (!state.kernels) return { message: 'still looking for kernel build trees' };
    if (state.selectedKernels.length === 0) return { message: 'select at least one usable kernel with space' };
    for (const path of state.selectedKernels) {
      const k = state.kernels.find((c) => c.path === path);
      if (!k || !k.usable || !k.release) return { message: `${path} cannot build modules: ${k?.reason ?? 'not a build tree'}` };
    }
    const releases = state.selectedKernels.map((p) => state.kernels!.find((c) => c.path === p)!.release);
    const dup = releases.find((r, i) => releases.indexOf(r) !== i);
    if (dup) return { message: `two selected trees build for kernel ${dup}: keep one` };
  }
  if (state.step === 'signing' && state.signingMode === 'key' && state.certInfo?.error && state.certInfo.cert === absolutePath(state, state.fields['signing.cert'].value)) {
    return { field: 'signing.cert', message: state.certInfo.error };
  }
  return undefined;
}
