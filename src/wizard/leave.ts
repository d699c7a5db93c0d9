/**
 * Ctrl-C outside the build: what is saved besides the steps already answered. The step on screen
 * keeps its edits when they are answers the build would take (the step validates): they are
 * written with `wizard.step` still at this step, so resume shows it with them. Edits that do not
 * validate yet are not written (a saved file must stay a valid one), and the note says so.
 */
import { answersFromState } from './answers-doc.js';
import type { SaveRequest, WizardState } from './state.js';
import { isAfter, nextStep, stepNumber } from './steps.js';
import { projectDirOf, realFs, validateStep, type FsProbe } from './validate-step.js';

export type LeaveSave = { save: Pick<SaveRequest, 'doc' | 'projectDir' | 'name' | 'step'> } | { unsaved: string } | Record<string, never>;

export function leaveSave(state: WizardState, fs: FsProbe = realFs): LeaveSave {
  // Step 1 is saved by its Enter (it may ask about a project already in the directory); Review
  // and later hold no edits of their own.
  if (state.step === 'project' || !isAfter('review', state.step)) return {};
  const problem = validateStep(state, fs);
  if (problem) return { unsaved: problem.message };
  const doc = answersFromState(state, nextStep(state.step));
  doc.wizard = { ...doc.wizard, step: stepNumber(state.step) };
  return { save: { doc, projectDir: projectDirOf(state), name: state.fields['project.name'].value.trim(), step: state.step } };
}
