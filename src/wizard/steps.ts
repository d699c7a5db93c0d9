/**
 * The wizard's steps, in order: the one place that says which step comes after which. The
 * state carries a step's id; numbers are derived from this list, only for the header ("3/10 Driver
 * directories") and for `wizard.step` in dudforge.json and the project store (kept a number so
 * saved files keep loading). To add a step, insert it here where it belongs (as Modules after
 * driverDirs and Extras after package were), give it a screen in screens/App.tsx's STEP_SCREENS
 * (the compiler asks for it), and its fields in form.ts / answers in answers-doc.ts. A step that
 * may be passed over says so in module-steps.ts's forwardFrom/backFrom (Modules, for a driver of
 * one module). Done is where the wizard ends, not a step to answer, so it carries no number. A
 * file saved before steps were inserted resumes at most that many steps early (answers it holds
 * are kept, and answers-doc.ts never resumes past a step whose answers are missing).
 */
export const STEPS = [
  { id: 'project', title: 'Project' },
  { id: 'source', title: 'Kernel source' },
  { id: 'driverDirs', title: 'Driver directories' },
  { id: 'modules', title: 'Modules' },
  { id: 'package', title: 'Package' },
  { id: 'extras', title: 'Firmware and extra files' },
  { id: 'kernels', title: 'Target kernels' },
  { id: 'signing', title: 'Signing keys' },
  { id: 'review', title: 'Review' },
  { id: 'build', title: 'Build' },
  { id: 'done', title: 'Done' },
] as const;

export type StepId = (typeof STEPS)[number]['id'];

const IDS: readonly StepId[] = STEPS.map((s) => s.id);

/** Steps counted in the header: every one but Done. */
export const COUNTED_STEPS = STEPS.length - 1;

/** The step's number, 1-based (the header's "3/8" and `wizard.step` in saved answers). */
export function stepNumber(id: StepId): number {
  return IDS.indexOf(id) + 1;
}

/** The step with this number (a saved `wizard.step`), clamped into the list. */
export function stepAt(n: number): StepId {
  return IDS[Math.min(Math.max(Math.floor(n), 1), IDS.length) - 1];
}

/** The step after `id` (Done stays Done). */
export function nextStep(id: StepId): StepId {
  return IDS[Math.min(IDS.indexOf(id) + 1, IDS.length - 1)];
}

/** The step before `id` (the first step stays the first). */
export function previousStep(id: StepId): StepId {
  return IDS[Math.max(IDS.indexOf(id) - 1, 0)];
}

/** `a` comes after `b` in the wizard (so `b` has been answered when `a` is shown). */
export function isAfter(a: StepId, b: StepId): boolean {
  return IDS.indexOf(a) > IDS.indexOf(b);
}

/** "3/8 Driver directories", or "Done". Takes a saved step number too (the start screen). */
export function stepHeader(step: StepId | number): string {
  const id = typeof step === 'number' ? stepAt(step) : step;
  const n = stepNumber(id);
  const title = STEPS[n - 1].title;
  return n <= COUNTED_STEPS ? `${n}/${COUNTED_STEPS} ${title}` : title;
}
