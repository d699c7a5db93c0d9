/**
 * The reads and writes the wizard's reducer asks for, one hook per effect. The reducer stays
 * pure: each hook watches the few values that say "this is needed now" (the step, a directory,
 * a run id), performs the read or write, and dispatches the result. A hook reads the rest of the
 * state through `useLatest`, so an effect re-runs only when what it is about changes.
 */
import { join } from 'node:path';
import { useEffect, useRef, useState, type Dispatch } from 'react';
import {
  absolutePath,
  answersPath,
  buildNotRun,
  createBoardStore,
  formatSource,
  isUserError,
  packageNameDir,
  driverDirsOf,
  projectDirOf,
  sourceRootOf,
  sourceSpecOf,
  stepNumber,
  type BoardStore,
  type ProjectStore,
  type WizardAction,
  type WizardDeps,
  type WizardState,
} from '../src/wizard/index.js';

/** How long the board stays after the build, so its final frame is drawn (see useBuildRun). */
const BOARD_LAST_FRAME_MS = 150;

/** A ref holding the latest value: effects read it without re-running when it changes. */
export function useLatest<T>(value: T): { readonly current: T } {
  const ref = useRef(value);
  ref.current = value;
  return ref;
}

/**
 * Save every answered step at once, and register the project with its step. Returns the save
 * error to show, and whether anything was saved in this session.
 */
export function useSaveAnswers(state: WizardState, deps: WizardDeps, store: ProjectStore | undefined): { saveError?: string; savedOnce: () => boolean } {
  const [saveError, setSaveError] = useState<string | undefined>();
  const savedSeq = useRef(0);
  useEffect(() => {
    const save = state.save;
    if (!save || save.seq <= savedSeq.current) return;
    savedSeq.current = save.seq;
    try {
      // Overwriting another project: its dudforge.json is kept beside the new one, never lost.
      if (save.replaceExisting) deps.backupAnswers(save.projectDir);
      deps.saveAnswers(save.projectDir, save.doc);
      store?.register({ name: save.name || 'project', dir: save.projectDir, step: stepNumber(save.step), lastResult: save.doc.wizard?.lastResult });
      if (save.step === 'source' && save.doc.project) store?.saveProfile(save.doc.project);
      setSaveError(undefined);
    } catch (err) {
      setSaveError(`could not save ${answersPath(save.projectDir)}: ${(err as Error).message}`);
    }
  }, [state.save, deps, store]);
  return { saveError, savedOnce: () => savedSeq.current > 0 };
}

/** Driver directories: read the source tree once per source directory (after the "Reading…" frame). */
export function useSourceTree(state: WizardState, deps: WizardDeps, dispatch: Dispatch<WizardAction>): void {
  const latest = useLatest(state);
  const root = state.step === 'driverDirs' ? sourceRootOf(state) : undefined;
  const loadedRoot = state.tree?.root;
  useEffect(() => {
    if (!root || loadedRoot === root) return;
    let live = true;
    const source = sourceSpecOf(latest.current);
    const timer = setTimeout(() => {
      deps.loadTree(source).then(
        (tree) => live && dispatch({ type: 'tree-loaded', tree }),
        (err: unknown) => live && dispatch({ type: 'tree-failed', message: `cannot read ${formatSource(source)}: ${(err as Error).message}${isUserError(err) && err.hint ? ` — ${err.hint}` : ''}` }),
      );
    }, 0);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [root, loadedRoot, deps, dispatch, latest]);
}

/** Package: defaults from the first driver directory's sources, once per directory. */
export function usePackageDefaults(state: WizardState, deps: WizardDeps, dispatch: Dispatch<WizardAction>): void {
  const latest = useLatest(state);
  const firstDir = state.selectedDirs.find((d) => d !== '.') ?? '.';
  const defaultsKey = state.step === 'package' ? `${sourceRootOf(state)}/${firstDir}` : undefined;
  const defaultsFrom = state.defaultsFrom;
  useEffect(() => {
    if (!defaultsKey || defaultsFrom === defaultsKey || defaultsFrom === '(saved answers)') return;
    let live = true;
    const s = latest.current;
    deps.driverRoot(sourceSpecOf(s), s.selectedDirs).then(
      (dir) => {
        if (!live) return;
        const defaults = deps.packageDefaults(join(dir, firstDir), packageNameDir(sourceSpecOf(s), driverDirsOf(s), join(dir, firstDir)));
        // A probe file inside a tarball/git skeleton is a temporary copy: only a directory's own counts.
        dispatch({ type: 'defaults-loaded', from: defaultsKey, defaults: s.sourceKind === 'dir' ? defaults : { ...defaults, probes: undefined } });
      },
      () => live && dispatch({ type: 'defaults-loaded', from: defaultsKey, defaults: {} }),
    );
    return () => {
      live = false;
    };
  }, [defaultsKey, defaultsFrom, firstDir, deps, dispatch, latest]);
}

/** Target kernels: detect them (saved trees included) when the step first needs them. */
export function useKernelDetection(state: WizardState, deps: WizardDeps, dispatch: Dispatch<WizardAction>): void {
  const latest = useLatest(state);
  const needKernels = state.step === 'kernels' && !state.kernels;
  useEffect(() => {
    if (!needKernels) return;
    const timer = setTimeout(() => dispatch({ type: 'kernels-loaded', kernels: deps.discoverKernels(latest.current.selectedKernels) }), 0);
    return () => clearTimeout(timer);
  }, [needKernels, deps, dispatch, latest]);
}

/** Target kernels: inspect a build tree added by path. */
export function useAddedKernel(state: WizardState, deps: WizardDeps, dispatch: Dispatch<WizardAction>): void {
  const path = state.kernelToAdd;
  useEffect(() => {
    if (!path) return;
    try {
      dispatch({ type: 'kernel-added', kernel: deps.inspectKernel(path) });
    } catch (err) {
      dispatch({ type: 'kernel-add-failed', message: `${path}: ${(err as Error).message}` });
    }
  }, [path, deps, dispatch]);
}

/** Signing keys: show the certificate's subject and fingerprint. */
export function useCertificateDetails(state: WizardState, deps: WizardDeps, dispatch: Dispatch<WizardAction>): void {
  const certValue = state.fields['signing.cert'].value.trim();
  const cert = state.step === 'signing' && state.signingMode === 'key' && certValue ? absolutePath(state, certValue) : undefined;
  const shown = state.certInfo?.cert;
  useEffect(() => {
    if (!cert || shown === cert) return;
    let live = true;
    const timer = setTimeout(() => {
      void deps.certificateDetails(cert).then((info) => live && dispatch({ type: 'cert-info', info }));
    }, 150);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [cert, shown, deps, dispatch]);
}

/** Build: one pipeline run per runId, drawn on a board; a confirmed cancel aborts it. Returns the board. */
export function useBuildRun(state: WizardState, deps: WizardDeps, dispatch: Dispatch<WizardAction>): BoardStore | undefined {
  const [board, setBoard] = useState<BoardStore | undefined>(undefined);
  const abortRef = useRef<AbortController | undefined>(undefined);
  const latest = useLatest(state);
  const runId = state.build.runId;
  useEffect(() => {
    const s = latest.current;
    const runDoc = s.step === 'build' ? s.save?.doc : undefined;
    if (!runId || !s.build.running || !runDoc) return;
    const store = createBoardStore();
    const controller = new AbortController();
    setBoard(store);
    abortRef.current = controller;
    let live = true;
    deps
      .runBuild({ answers: runDoc, projectDir: projectDirOf(s), reporter: store.reporter, signal: controller.signal, ...(s.build.allowPartial ? { allowPartial: true } : {}) })
      .catch((err: unknown) => buildNotRun(`the build stopped: ${(err as Error).stack ?? err}`))
      .then(async (result) => {
        store.flush();
        // Ink draws at most every ~32 ms: give the board's last state one frame before Done
        // replaces it, or the last kernel's ✔/✖ line is never drawn.
        await new Promise((resolve) => setTimeout(resolve, BOARD_LAST_FRAME_MS));
        if (live) dispatch({ type: 'build-finished', result });
      });
    return () => {
      live = false;
    };
  }, [runId, deps, dispatch, latest]);
  const cancelling = state.build.cancelling;
  useEffect(() => {
    if (cancelling) abortRef.current?.abort();
  }, [cancelling]);
  return board;
}

/** Leaving the steps: "open it" (another project), Esc on the first step, or an exit code. */
export function useLeave(state: WizardState, onLeave: (code?: number, note?: string) => void, onOpen?: (projectDir: string) => void): void {
  const callbacks = useLatest({ onLeave, onOpen });
  const { openDir, exitCode, leftToStart } = state;
  useEffect(() => {
    if (openDir) callbacks.current.onOpen?.(openDir);
  }, [openDir, callbacks]);
  useEffect(() => {
    if (exitCode !== undefined) callbacks.current.onLeave(exitCode);
    else if (leftToStart) callbacks.current.onLeave(undefined);
  }, [exitCode, leftToStart, callbacks]);
}
