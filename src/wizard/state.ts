/**
 * The wizard's whole state: one plain object, changed only by the reducer (reducer.ts). Things
 * read from disk (the directory tree, detected kernels, module defaults, certificate details)
 * arrive as actions dispatched by the app, so the reducer itself stays pure.
 */
import type { Answers, SigningAnswers, SourceSpec } from '../answers/schema.js';
import type { StepName } from '../events.js';
import type { BuildResult } from '../pipeline/run.js';
import type { DirTree } from './dir-tree.js';
import type { FirmwareReport, ModuleReport } from './module-report.js';
import type { StepId } from './steps.js';
import { textField, type TextField } from './text-field.js';

export type SourceKind = SourceSpec['kind'];
export type SigningMode = SigningAnswers['mode'];

export interface SourceKindOption {
  kind: SourceKind;
  label: string;
  available: boolean;
  /** Why the kind cannot be chosen (shown dimmed beside it). */
  why?: string;
}

/** One detected (or added) kernel build tree, as step 5 lists it. */
export interface KernelChoice {
  /** The build tree path written to the answers (the path it was found through). */
  path: string;
  release?: string;
  arch?: string;
  usable: boolean;
  reason?: string;
  hasSymvers?: boolean;
  signFile?: string;
  /** Another architecture than the host's (cross-compiled): chosen by the user, never by default. */
  foreign?: boolean;
}

export interface CertDetails {
  cert: string;
  subject?: string;
  fingerprint?: string;
  error?: string;
}

/** Fields edited as text, keyed by where they land in the answers. */
export const TEXT_FIELDS = [
  'project.name',
  'project.dir',
  'project.vendor',
  'project.author',
  'project.email',
  'source.path',
  'source.file',
  'source.repo',
  'source.rev',
  'package.name',
  'package.version',
  'package.release',
  'package.license',
  'package.summary',
  'package.description',
  'signing.key',
  'signing.cert',
  'signing.dir',
  'kernels.add',
  'dirs.filter',
  'extras.firmwareTree',
  'extras.modprobe',
  'extras.blacklist',
  'extras.udevRules',
] as const;
export type TextFieldKey = (typeof TEXT_FIELDS)[number];

/** Choice fields cycle with ←/→ (or space). */
export type ChoiceKey = 'source.kind' | 'signing.mode';
export type FieldKey = TextFieldKey | ChoiceKey;

export interface SaveRequest {
  /** Increases with every request, so the app saves each one exactly once. */
  seq: number;
  doc: Partial<Answers>;
  projectDir: string;
  name: string;
  /** The step now shown (the project store records its number). */
  step: StepId;
  /** The directory held another project's dudforge.json and the user chose to replace it: back it up first. */
  replaceExisting?: boolean;
}

/** Step 1 found a project in the chosen directory: open it, overwrite it, or choose another. */
export interface ExistingProjectPrompt {
  dir: string;
  name?: string;
  buildTime?: number;
  step?: number;
  /** The focused answer: 0 open, 1 overwrite, 2 another directory. */
  choice: number;
}

export interface WizardState {
  step: StepId;
  /** The directory relative paths are resolved against (where the wizard was started). */
  baseDir: string;
  /** Index of the focused field (form steps) or row (list steps). */
  focus: number;
  /** The inline reason the last Enter was refused, and the field it is about. */
  error?: { field?: string; message: string };
  fields: Record<TextFieldKey, TextField>;
  sourceKind: SourceKind;
  sourceKinds: SourceKindOption[];
  signingMode: SigningMode;
  tree?: DirTree;
  treeError?: string;
  expanded: string[];
  selectedDirs: string[];
  /** Package defaults were read from this directory (so they are read once per choice). */
  defaultsFrom?: string;
  kernels?: KernelChoice[];
  /** The driver's compatibility probe file, when it ships one (answers.probes). */
  probes?: string;
  selectedKernels: string[];
  /** The document the wizard was resumed from: answers it has no step for are kept from it. */
  baseDoc?: Partial<Answers>;
  /** The kernels of a resumed project, until detection lists the trees again. */
  savedKernels?: { release: string; buildTree: string }[];
  /** The selection was made (by the user or saved answers): detection must not replace it. */
  kernelsChosen: boolean;
  /** A path typed into "add a build tree" waiting for the app to inspect it. */
  kernelToAdd?: string;
  /** Step 5's "add a build tree by path" field is being typed into. */
  addingKernel: boolean;
  certInfo?: CertDetails;
  buildTime: number;
  lastResult?: string;
  /** The build on the board: asking whether to cancel, or cancelled and waiting for it to stop. */
  build: { running: boolean; confirmCancel: boolean; cancelling: boolean; runId: number; allowPartial?: boolean };
  result?: BuildOutcome;
  save?: SaveRequest;
  /**
   * The project directory whose dudforge.json belongs to this session (resumed from it, or
   * created by it): only a directory other than this one can hold someone else's project.
   */
  ownDir?: string;
  /** The question asked when step 1's directory already holds a project. */
  existing?: ExistingProjectPrompt;
  /** "Open it": the app resumes the project in this directory instead. */
  openDir?: string;
  /** Esc on step 1: back to the start screen. */
  leftToStart?: boolean;
  /** Tab in a path field added nothing: the matches, listed under the field ([] = none match). */
  completions?: string[];
  /** The step was opened from Review (a number key): Enter returns there when the later steps hold (jump.ts). */
  returnToReview?: { sourceRoot?: string };
  /** Set when the user leaves the wizard; the app root exits with it. */
  exitCode?: number;
  /** Modules and Extras steps (module-steps.ts): what the driver directory builds, per kernel. */
  moduleReport?: ModuleReport;
  /** The modules chosen when not all of them (answers.modules); undefined: every module. */
  chosenModules?: string[];
  /** The declared firmware and where it was found (Extras). */
  firmwareReport?: FirmwareReport;
  /** Ship the declared firmware found (`--ship-declared-firmware`). */
  shipFirmware: boolean;
  /** Firmware in its own noarch kmod-<name>-firmware package (packaging.firmwarePackage, `--firmware-package`). */
  firmwarePackage: boolean;
  /** Modules loaded at boot (extraFiles.loadAtBoot). */
  loadAtBoot: string[];
}

/**
 * What Done shows: the pipeline's own BuildResult, with why the build could not run at all
 * (bad answers, missing tools) when it did not, and the step that threw (failedStep).
 */
export type BuildOutcome = BuildResult & { error?: string; failedStep?: StepName };

/** The outcome of a build that could not run: nothing built, and the message to show. */
export function buildNotRun(error: string, exitCode: BuildResult['exitCode'] = 1): BuildOutcome {
  return { ok: false, exitCode, rpms: [], srpms: [], failed: [], cancelled: false, signedModules: false, error };
}

export interface InitialOptions {
  baseDir: string;
  /** The project directory when one is given (`dudforge new DIR`). */
  projectDir?: string;
  profile?: { vendor?: string; author?: string; email?: string };
  sourceKinds?: SourceKindOption[];
  /** Seconds since the epoch; fixed at project creation so rebuilds are identical. */
  now: number;
}

export const DEFAULT_SOURCE_KINDS: SourceKindOption[] = [
  { kind: 'dir', label: 'A directory: an out-of-tree module, or a kernel source tree', available: true },
  { kind: 'tar', label: 'A tarball (.tar, .tar.gz, .tar.xz, .tar.bz2)', available: true },
  { kind: 'git', label: 'A kernel git repository at a revision', available: true },
];

/** The source kinds with the tools each needs: a kind whose tool is missing is shown, dimmed, with why. */
export function sourceKindsFor(tools: { git: boolean; tar: boolean }): SourceKindOption[] {
  return DEFAULT_SOURCE_KINDS.map((k) =>
    k.kind === 'git' && !tools.git
      ? { ...k, available: false, why: 'git is not installed (install the git package)' }
      : k.kind !== 'dir' && !tools.tar
        ? { ...k, available: false, why: 'tar is not installed' }
        : k,
  );
}

export function emptyFields(): Record<TextFieldKey, TextField> {
  return Object.fromEntries(TEXT_FIELDS.map((k) => [k, textField('')])) as Record<TextFieldKey, TextField>;
}

export function initialState(opts: InitialOptions): WizardState {
  const fields = emptyFields();
  if (opts.projectDir) fields['project.dir'] = textField(opts.projectDir);
  fields['project.vendor'] = textField(opts.profile?.vendor ?? '');
  fields['project.author'] = textField(opts.profile?.author ?? '');
  fields['project.email'] = textField(opts.profile?.email ?? '');
  fields['package.release'] = textField('1');
  return {
    step: 'project',
    baseDir: opts.baseDir,
    focus: 0,
    fields,
    sourceKind: 'dir',
    sourceKinds: opts.sourceKinds ?? DEFAULT_SOURCE_KINDS,
    signingMode: 'none',
    expanded: [],
    selectedDirs: [],
    selectedKernels: [],
    kernelsChosen: false,
    addingKernel: false,
    shipFirmware: false,
    firmwarePackage: false,
    loadAtBoot: [],
    buildTime: opts.now,
    build: { running: false, confirmCancel: false, cancelling: false, runId: 0 },
  };
}
