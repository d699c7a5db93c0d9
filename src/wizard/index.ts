/**
 * The engine's one public face for the screens (screens/): everything the Ink views and the
 * wizard's root need from src/ is re-exported here, and screens import nothing else from src/
 * (test/wizard/import-rules.test.ts holds both sides to it). Nothing here loads React or Ink.
 */
export type { Answers, SourceSpec } from '../answers/schema.js';
export { answersPath } from '../answers/io.js';
export { isoFileName, outputDirOf, sourceDateEpoch } from '../answers/facts.js';
export { isUserError } from '../errors.js';
export type { Reporter } from '../events.js';
export { formatSource } from '../import/source-flag.js';
export { killAllBuilds } from '../kbuild/process-group.js';
export { lastResultLabel, ProjectStoreError, startFreshStore, type ProjectEntry, type ProjectStore } from '../projects/registry.js';
export { formatBytes } from '../cli/format.js';
export { failureReport, type FailureReport, type KernelFailure } from '../pipeline/failure-report.js';
export { shellQuote } from '../shell-quote.js';

export { answersFromState, sourceSpecOf, stateFromAnswers } from './answers-doc.js';
export { fit, heightLayout, PHASE_WIDTH, rowLayout, TIME_WIDTH } from './board-layout.js';
export { FOLLOW, logWindow, scrollLog, type LogScroll, type ScrollKey } from './log-view.js';
export { phaseStrip, STRIP_GLYPH, stripText, type StripState } from './phase-strip.js';
export { createBoardStore, elapsedSeconds, type BoardSnapshot, type BoardStore, type KernelRow } from './board-store.js';
export { colorOn } from './color.js';
export { defaultDeps, packageNameDir, type WizardDeps } from './deps.js';
export { clampTop, failureActions, firstErrorTop, fullLayoutRows, logRows, logFileWindow, scrollLogTop, type FailureAction } from './failure-view.js';
export { FIELD_LABELS, isChoice, SIGNING_MODES, stepFields } from './form.js';
export { splitKeys, type KeyPress } from './key-stream.js';
export type { KeyInfo } from './keys.js';
export { dirRows, EXISTING_CHOICES, wizardReducer, type PackageDefaults, type WizardAction } from './reducer.js';
export { removeSkeletons } from './source-skeleton.js';
export { findProject, listProjects, requireTerminal, wizardStart, type AppStart, type RunWizardOptions } from './start.js';
export { buildNotRun, initialState, type BuildOutcome, type ExistingProjectPrompt, type WizardState } from './state.js';
export { isAfter, nextStep, previousStep, stepAt, stepHeader, stepNumber, STEPS, type StepId } from './steps.js';
export type { TextField } from './text-field.js';
export { absolutePath, projectDirOf, sourceRootOf } from './validate-step.js';
export type { FirmwareReport, ModuleNote, ModuleReport } from './module-report.js';
export { canShipFirmware, chosenModuleList, extraFilePaths, extrasRows, moduleDirOf, type ExtrasRow } from './module-steps.js';
export { driverDirsOf } from './answers-doc.js';
export { clampOffset, moreMarker, scrollKey, viewportHeight } from './viewport.js';
export { closesHelp, helpFor, helpKeyLabel, opensHelp, typingText, type Help, type HelpScreen } from './help.js';
export { leaveSave, type LeaveSave } from './leave.js';
export { deleteProjectFiles, projectFiles } from './project-files.js';
export { completePath, type Completion } from './path-complete.js';
