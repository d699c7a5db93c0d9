/**
 * From Review, straight to one step and back: a number key opens that step (1 … the step before
 * Review), and Enter there returns to Review when every step between still holds, instead of
 * walking through each of them again. When a later step no longer holds (another source means
 * other driver directories), Enter goes on to the next step as usual.
 */
import { forwardFrom } from './module-steps.js';
import { answersFromState } from './answers-doc.js';
import type { WizardState } from './state.js';
import { nextStep, stepAt, stepNumber, type StepId } from './steps.js';
import { sourceRootOf, validateStep, type FsProbe } from './validate-step.js';

/** The step a key jumps to from Review ('1' … the step before Review), if it is one. */
export function jumpTarget(input: string): StepId | undefined {
  if (!/^[1-9]$/.test(input)) return undefined;
  const n = Number(input);
  return n < stepNumber('review') ? stepAt(n) : undefined;
}

/**
 * A later step still holds. The source tree and the kernel list are read only when their step
 * shows, so a step not read since Review holds by its saved answers: the driver directories while
 * the source is the one Review showed, the kernels while some are chosen.
 */
function holds(state: WizardState, step: StepId, reviewedRoot: string | undefined, fs: FsProbe): boolean {
  if (step === 'driverDirs' && !state.tree) return sourceRootOf(state) === reviewedRoot && state.selectedDirs.length > 0;
  if (step === 'kernels' && !state.kernels) return state.selectedKernels.length > 0;
  return !validateStep({ ...state, step }, fs);
}

/** The state after Enter on a step opened from Review: Review again when the steps after it hold. */
export function backToReview(before: WizardState, after: WizardState, fs: FsProbe): WizardState {
  // forwardFrom: the step Enter leads to (Modules is passed over for a single module).
  if (!before.returnToReview || after.step !== forwardFrom(before) || after.existing) return after;
  for (let step = after.step; step !== 'review'; step = nextStep(step)) {
    if (!holds(after, step, before.returnToReview.sourceRoot, fs)) return after;
  }
  const save = after.save && { ...after.save, doc: answersFromState(after, 'review'), step: 'review' as const };
  return { ...after, step: 'review', focus: 0, error: undefined, returnToReview: undefined, save };
}
