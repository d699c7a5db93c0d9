/**
 * The wizard's root: start screen, problem screens, the steps, the board and Done. It owns the
 * only `exit()`, performs the reads and writes the reducer asks for (tree, kernels, defaults,
 * certificate, saving every answered step, the build), and maps keys to reducer actions.
 */
import { Box, Text, useApp } from 'ink';
import { join } from 'node:path';
import { useReducer, useRef, useState } from 'react';
import { BuildBoard } from './BuildBoard.js';
import { DoneStep } from './DoneStep.js';
import { DriverDirsStep } from './DriverDirsStep.js';
import { FailureScreen, isFailedBuild } from './FailureScreen.js';
import { ExtrasStep } from './ExtrasStep.js';
import { ModulesStep } from './ModulesStep.js';
import { useModuleReports } from './module-effects.js';
import { KernelsStep } from './KernelsStep.js';
import { PackageStep } from './PackageStep.js';
import { ProblemScreen } from './ProblemScreen.js';
import { ProjectStep } from './ProjectStep.js';
import { replayCommand, ReviewStep } from './ReviewStep.js';
import { SigningStep } from './SigningStep.js';
import { SourceStep } from './SourceStep.js';
import { StartScreen, type StartChoice } from './StartScreen.js';
import { HelpHint, StepHeader } from './common.js';
import { HelpOverlay } from './HelpOverlay.js';
import { ProjectStoreError, startFreshStore, type ProjectStore, answersPath, type AppStart, type Answers, type WizardDeps, wizardReducer, initialState, type WizardState, stateFromAnswers, stepNumber, type StepId, projectDirOf, closesHelp, helpKeyLabel, opensHelp, typingText, leaveSave, deleteProjectFiles } from '../src/wizard/index.js';
import { useKeys } from './use-keys.js';
import { useAddedKernel, useBuildRun, useCertificateDetails, useKernelDetection, useLeave, usePackageDefaults, useSaveAnswers, useSourceTree } from './wizard-effects.js';

export type { AppStart } from '../src/wizard/index.js';

type Mode =
  | { kind: 'start'; notice?: string }
  | { kind: 'store-problem'; path: string; problem: string }
  | { kind: 'answers-problem'; path: string; problem: string; projectDir: string }
  | { kind: 'wizard'; state: WizardState };
type ProblemMode = Extract<Mode, { kind: 'store-problem' | 'answers-problem' }>;

export interface WizardAppProps {
  deps: WizardDeps;
  start: AppStart;
  /** The directory the wizard was started in (relative paths resolve against it). */
  baseDir: string;
  /** `note`: a line for the terminal after the wizard is gone (where a left project was saved). */
  onExit(code: number, note?: string): void;
}

function openStore(deps: WizardDeps): { store?: ProjectStore; problem?: { path: string; problem: string } } {
  try {
    return { store: deps.openStore() };
  } catch (err) {
    if (err instanceof ProjectStoreError) return { problem: { path: err.path, problem: err.problem } };
    throw err;
  }
}

export function WizardApp({ deps, start, baseDir, onExit }: WizardAppProps) {
  const { exit } = useApp();
  const storeRef = useRef<ProjectStore | undefined>(undefined);
  const finish = (code: number, note?: string) => {
    onExit(code, note);
    exit();
  };

  const newState = (projectDir?: string, prefill?: Partial<Answers>): WizardState => {
    const profile = storeRef.current?.profile() ?? {};
    const opts = { baseDir, projectDir, profile, sourceKinds: deps.sourceKinds(), now: deps.buildTime() };
    if (!prefill) return initialState(opts);
    const s = stateFromAnswers({ ...prefill, wizard: { step: stepNumber('project') } }, { ...opts, projectDir: projectDir ?? baseDir });
    for (const key of ['vendor', 'author', 'email'] as const) {
      if (!prefill.project?.[key] && profile[key]) s.fields[`project.${key}`] = { value: profile[key]!, cursor: profile[key]!.length };
    }
    return { ...s, step: 'project' };
  };

  const enter = (s: AppStart): Mode => {
    if (s.screen === 'start') return { kind: 'start' };
    if (s.screen === 'new') return { kind: 'wizard', state: newState(s.projectDir, s.prefill) };
    const saved = deps.readSaved(s.projectDir);
    if ('problem' in saved) return { kind: 'answers-problem', path: saved.path, problem: saved.problem, projectDir: s.projectDir };
    const profile = storeRef.current?.profile() ?? {};
    const state = stateFromAnswers(saved.doc, { baseDir, projectDir: s.projectDir, profile, sourceKinds: deps.sourceKinds(), now: deps.buildTime() });
    return { kind: 'wizard', state: { ...state, ownDir: s.projectDir } };
  };

  /** At launch and again after a fresh store: a store we cannot read shows its problem first. */
  const openStoreAndEnter = (): Mode => {
    const opened = openStore(deps);
    if (opened.problem) return { kind: 'store-problem', ...opened.problem };
    storeRef.current = opened.store;
    return enter(start);
  };

  const [mode, setMode] = useState<Mode>(openStoreAndEnter);

  /** "Start fresh" on a problem screen: the bad file is kept as a backup, never deleted. */
  const startFresh = (problem: ProblemMode): Mode => {
    if (problem.kind === 'answers-problem') {
      deps.backupAnswers(problem.projectDir);
      return { kind: 'wizard', state: newState(problem.projectDir) };
    }
    const backup = startFreshStore(problem.path);
    const next = openStoreAndEnter();
    return next.kind === 'start' ? { kind: 'start', notice: backup ? `The old project list was kept as ${backup}.` : undefined } : next;
  };

  const onStart = (choice: StartChoice) => {
    if (choice.kind === 'quit') return finish(0);
    if (choice.kind === 'new') return setMode({ kind: 'wizard', state: newState() });
    if (choice.kind === 'forget') {
      storeRef.current?.remove(choice.project.dir);
      return setMode({ kind: 'start', notice: `Forgot "${choice.project.name}": ${choice.project.dir} no longer holds a dudforge.json.` });
    }
    if (choice.kind === 'delete') {
      storeRef.current?.remove(choice.project.dir);
      if (!choice.files.length) return setMode({ kind: 'start', notice: `Forgot "${choice.project.name}"; its files in ${choice.project.dir} are untouched.` });
      const removed = deleteProjectFiles(choice.project.dir);
      return setMode({ kind: 'start', notice: `Forgot "${choice.project.name}" and deleted ${removed.join(', ')}.` });
    }
    if (choice.kind === 'sample') {
      const prefill: Partial<Answers> = { project: { name: 'dudforge-sample' }, source: { kind: 'dir', path: deps.sampleDir } };
      return setMode({ kind: 'wizard', state: newState(join(baseDir, 'dudforge-sample'), prefill) });
    }
    setMode(enter({ screen: 'resume', projectDir: choice.project.dir }));
  };

  // The start screen's help overlay (the steps have their own: see WizardFlow).
  const [startHelp, setStartHelp] = useState(false);
  useKeys(
    (input, key) => {
      // Outside the steps Ctrl-C leaves at once (the steps handle it themselves: see WizardFlow).
      if (key.ctrl && input === 'c') return finish(130);
      if (mode.kind !== 'start') return;
      if (startHelp ? closesHelp(input, key) : opensHelp(input, key, false)) setStartHelp(!startHelp);
    },
    { isActive: mode.kind !== 'wizard' },
  );

  switch (mode.kind) {
    case 'start':
      if (startHelp) return <HelpOverlay screen="start" />;
      return (
        <HelpHint.Provider value={helpKeyLabel(false)}>
          <StartScreen key={mode.notice ?? ''} projects={storeRef.current?.list() ?? []} onChoose={onStart} notice={mode.notice} />
        </HelpHint.Provider>
      );
    case 'store-problem':
    case 'answers-problem':
      return <ProblemScreen path={mode.path} problem={mode.problem} onAnswer={(fresh) => (fresh ? setMode(startFresh(mode)) : finish(2))} />;
    case 'wizard':
      return (
        <WizardFlow
          key={`${mode.state.fields['project.dir'].value}|${mode.state.buildTime}|${mode.state.ownDir ?? ''}`}
          deps={deps}
          initial={mode.state}
          store={storeRef.current}
          onLeave={(code, note) => (code === undefined ? setMode({ kind: 'start' }) : finish(code, note))}
          onOpen={(projectDir) => setMode(enter({ screen: 'resume', projectDir }))}
        />
      );
  }
}

/** The steps on the reducer, with the effects each step needs (wizard-effects.ts). */
export function WizardFlow({ deps, initial, store, onLeave, onOpen }: { deps: WizardDeps; initial: WizardState; store?: ProjectStore; onLeave(code?: number, note?: string): void; onOpen?(projectDir: string): void }) {
  const [state, dispatch] = useReducer(wizardReducer, initial);
  const { saveError, savedOnce } = useSaveAnswers(state, deps, store);
  useSourceTree(state, deps, dispatch);
  usePackageDefaults(state, deps, dispatch);
  useKernelDetection(state, deps, dispatch);
  useModuleReports(state, deps, dispatch);
  useAddedKernel(state, deps, dispatch);
  useCertificateDetails(state, deps, dispatch);
  const board = useBuildRun(state, deps, dispatch);
  useLeave(state, onLeave, onOpen);
  const failed = state.step === 'done' && isFailedBuild(state.result);

  // The help overlay (`?` or F1): while it shows, keys other than its own do nothing.
  const [help, setHelp] = useState(false);
  const helpOpen = useRef(false);
  const showHelp = (open: boolean) => setHelp((helpOpen.current = open));
  useKeys(
    (input, key) => {
      if (helpOpen.current) {
        if (key.ctrl && input === 'c' && state.step === 'build') dispatch({ type: 'cancel-request' });
        if (closesHelp(input, key) || (key.ctrl && input === 'c')) showHelp(false);
        return;
      }
      if (opensHelp(input, key, typingText(state))) return showHelp(true);
      // On the board and the failure screen the other keys are the screen's own (its log pane scrolls).
      if (state.step === 'build' || failed) return;
      // Ctrl-C leaves at once (every answered step is saved); on the board it asks to cancel instead.
      if (key.ctrl && input === 'c') return onLeave(130, leaveWithEdits(state, deps, store, savedOnce() || !!state.ownDir));
      // Mapped by the reducer against the state this key arrives in, not the one last drawn.
      dispatch({ type: 'key', input, key });
    },
  );

  if (help) return <HelpOverlay screen={state.step} />;
  const fromReview = state.returnToReview && state.step !== 'review' ? <Text dimColor>Opened from Review: Enter returns to Review when the steps after this one still hold.</Text> : null;
  const error = saveError ? <StepHeader step={state.step} subtitle={saveError} /> : fromReview;
  if (isAnsweredStep(state.step)) {
    const StepScreen = STEP_SCREENS[state.step];
    return (
      <HelpHint.Provider value={helpKeyLabel(typingText(state))}>
        <Screen extra={error}>
          <StepScreen state={state} />
        </Screen>
      </HelpHint.Provider>
    );
  }
  switch (state.step) {
    case 'build':
      return (
        <Box flexDirection="column">
          <StepHeader step="build" subtitle={projectDirOf(state)} />
          {board ? (
            <BuildBoard
              store={board}
              keys={{
                confirmCancel: state.build.confirmCancel,
                cancelling: state.build.cancelling,
                onCancelRequest: () => dispatch({ type: 'cancel-request' }),
                onCancelAnswer: (yes) => dispatch({ type: 'cancel-answer', yes }),
              }}
            />
          ) : null}
        </Box>
      );
    default:
      if (failed) {
        return (
          <FailureScreen
            result={state.result!}
            onRetry={() => dispatch({ type: 'retry-failed' })}
            onWritePartial={() => dispatch({ type: 'write-partial' })}
            onBack={() => dispatch({ type: 'back' })}
            onQuit={(code) => onLeave(code, leaveNote(state, true))}
          />
        );
      }
      return state.result ? (
        <HelpHint.Provider value={helpKeyLabel(false)}>
          <DoneStep result={state.result} replay={replayCommand(projectDirOf(state))} />
        </HelpHint.Provider>
      ) : null;
  }
}

/** Ctrl-C: the current step's edits are written when they validate (leave.ts); the note says what was kept. */
function leaveWithEdits(state: WizardState, deps: WizardDeps, store: ProjectStore | undefined, saved: boolean): string {
  const kept = leaveSave(state);
  if ('unsaved' in kept) return `${leaveNote(state, saved)} (this step's edits were not saved: ${kept.unsaved})`;
  if (!('save' in kept)) return leaveNote(state, saved);
  try {
    deps.saveAnswers(kept.save.projectDir, kept.save.doc);
    store?.register({ name: kept.save.name || 'project', dir: kept.save.projectDir, step: stepNumber(kept.save.step), lastResult: kept.save.doc.wizard?.lastResult });
    return leaveNote(state, true, " with this step's edits");
  } catch (err) {
    return `${leaveNote(state, saved)} (this step's edits were not saved: ${(err as Error).message})`;
  }
}

/** What Ctrl-C leaves behind: where the answers are, and how to come back to them. */
function leaveNote(state: WizardState, saved: boolean, kept = ''): string {
  if (!saved) return 'Nothing was saved (step 1 was not answered).';
  const name = state.fields['project.name'].value.trim();
  const project = state.save?.name || name;
  const where = state.step === 'done' ? 'The build did not succeed; the answers are saved' : `Saved at step ${stepNumber(state.step)}${kept}`;
  return `${where} in ${answersPath(projectDirOf(state))} — \`dudforge resume ${shellWord(project || projectDirOf(state))}\``;
}

function shellWord(s: string): string {
  return /^[A-Za-z0-9_./:+@%=-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The steps the user answers, each a view of the wizard state (the board and Done are drawn above). */
type AnsweredStep = Exclude<StepId, 'build' | 'done'>;
const STEP_SCREENS: Record<AnsweredStep, (props: { state: WizardState }) => React.ReactNode> = {
  project: ProjectStep,
  source: SourceStep,
  driverDirs: DriverDirsStep,
  modules: ModulesStep,
  package: PackageStep,
  extras: ExtrasStep,
  kernels: KernelsStep,
  signing: SigningStep,
  review: ReviewStep,
};

function isAnsweredStep(step: StepId): step is AnsweredStep {
  return step in STEP_SCREENS;
}

function Screen({ children, extra }: { children: React.ReactNode; extra: React.ReactNode }) {
  return (
    <Box flexDirection="column">
      {extra}
      {children}
    </Box>
  );
}
