/**
 * The reads the Modules and Extras steps need (see wizard-effects.ts for the pattern): the
 * modules of the first driver directory with per target kernel notes, and the declared
 * firmware, each read again only when what it is about changes.
 */
import { useEffect, type Dispatch } from 'react';
import { absolutePath, sourceRootOf, sourceSpecOf, moduleDirOf, type WizardAction, type WizardDeps, type WizardState } from '../src/wizard/index.js';
import { useLatest } from './wizard-effects.js';

/** The kernels the notes are for: the chosen ones, or those Target kernels would preselect. */
function targetKernels(state: WizardState): { release: string; buildTree: string }[] {
  const list = state.kernels ?? [];
  const chosen = state.kernelsChosen ? list.filter((k) => state.selectedKernels.includes(k.path)) : list.filter((k) => k.usable && !k.foreign);
  return chosen.filter((k) => k.usable && k.release).map((k) => ({ release: k.release!, buildTree: k.path }));
}

/** The firmware tree the user named, else none (the default, /lib/firmware). */
function firmwareTrees(state: WizardState): string[] {
  const value = state.fields['extras.firmwareTree'].value.trim();
  return value ? [absolutePath(state, value)] : [];
}

function readDirs(state: WizardState): string[] {
  return state.selectedDirs.length ? [...state.selectedDirs].sort() : ['.'];
}

export function useModuleReports(state: WizardState, deps: WizardDeps, dispatch: Dispatch<WizardAction>): void {
  const latest = useLatest(state);
  const onStep = state.step === 'modules' || state.step === 'extras';
  const root = onStep ? sourceRootOf(state) : undefined;
  const needKernels = onStep && !state.kernels;
  const config = JSON.stringify(state.baseDoc?.config ?? {});
  const moduleKey = root && !needKernels ? `${root}|${moduleDirOf(state)}|${targetKernels(state).map((k) => k.buildTree).join(',')}|${config}` : undefined;
  const trees = firmwareTrees(state);
  const firmwareKey = root && state.step === 'extras' ? `${root}|${readDirs(state).join(',')}|${trees.join(',')}` : undefined;
  const shownModules = state.moduleReport?.key;
  const shownFirmware = state.firmwareReport?.key;

  // The notes are per target kernel: detect the trees now when Target kernels has not yet.
  useEffect(() => {
    if (!needKernels) return;
    const timer = setTimeout(() => dispatch({ type: 'kernels-loaded', kernels: deps.discoverKernels(latest.current.selectedKernels) }), 0);
    return () => clearTimeout(timer);
  }, [needKernels, deps, dispatch, latest]);

  useEffect(() => {
    if (!moduleKey || shownModules === moduleKey) return;
    let live = true;
    const s = latest.current;
    const timer = setTimeout(() => {
      deps
        .moduleReport({ key: moduleKey, source: sourceSpecOf(s), driverDirs: readDirs(s), moduleDir: moduleDirOf(s), kernels: targetKernels(s), config: s.baseDoc?.config ?? {} })
        .then(
          (report) => live && dispatch({ type: 'modules-report', report }),
          () => live && dispatch({ type: 'modules-report', report: { key: moduleKey, modules: [], notes: [] } }),
        );
    }, 0);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [moduleKey, shownModules, deps, dispatch, latest]);

  useEffect(() => {
    if (!firmwareKey || shownFirmware === firmwareKey) return;
    let live = true;
    const s = latest.current;
    // Typed into the firmware tree field: read once the typing pauses.
    const timer = setTimeout(() => {
      deps.firmwareReport({ key: firmwareKey, source: sourceSpecOf(s), driverDirs: readDirs(s), trees: firmwareTrees(s) }).then(
        (report) => live && dispatch({ type: 'firmware-report', report }),
        () => live && dispatch({ type: 'firmware-report', report: { key: firmwareKey, trees: [], names: [], found: [], missing: [], unresolved: [] } }),
      );
    }, shownFirmware ? 150 : 0);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [firmwareKey, shownFirmware, deps, dispatch, latest]);
}
