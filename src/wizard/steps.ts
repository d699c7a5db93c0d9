/**
 * The wizard's steps in order. Steps 1–8 are counted in the header ("3/8 Driver directories");
 * Done is where the wizard ends, not a step to answer, so it carries no number.
 */
export const STEPS = [
  { n: 1, id: 'project', title: 'Project' },
  { n: 2, id: 'source', title: 'Kernel source' },
  { n: 3, id: 'driverDirs', title: 'Driver directories' },
  { n: 4, id: 'package', title: 'Package' },
  { n: 5, id: 'kernels', title: 'Target kernels' },
  { n: 6, id: 'signing', title: 'Signing keys' },
  { n: 7, id: 'review', title: 'Review' },
  { n: 8, id: 'build', title: 'Build' },
  { n: 9, id: 'done', title: 'Done' },
] as const;

export const COUNTED_STEPS = 8;
export const REVIEW_STEP = 7;
export const BUILD_STEP = 8;
export const DONE_STEP = 9;

/** "3/8 Driver directories", or "Done". */
export function stepHeader(n: number): string {
  const step = STEPS[Math.min(Math.max(n, 1), STEPS.length) - 1];
  return step.n <= COUNTED_STEPS ? `${step.n}/${COUNTED_STEPS} ${step.title}` : step.title;
}
