/**
 * The board's overall phase strip: resolve › probe › build › sign › package › disk › verify,
 * each marked by a glyph so it reads without colour (NO_COLOR): ✔ done, ▸ running, ✖ failed,
 * – skipped, · not yet. Repodata is written for the disk, so it shows as part of disk.
 */
import type { StepName } from '../events.js';

export type StripState = 'done' | 'running' | 'failed' | 'skipped' | 'pending';

export interface StepState {
  step: StepName;
  state: 'running' | 'ok' | 'failed';
  detail?: string;
}

export const STRIP_PHASES = ['resolve', 'probe', 'build', 'sign', 'package', 'disk', 'verify'] as const;
export type StripPhase = (typeof STRIP_PHASES)[number];

export const STRIP_GLYPH: Record<StripState, string> = { done: '✔', running: '▸', failed: '✖', skipped: '–', pending: '·' };

function stateOf(s: StepState | undefined): StripState {
  if (!s) return 'pending';
  if (s.state === 'running') return 'running';
  if (s.state === 'failed') return 'failed';
  return s.detail === 'skipped' ? 'skipped' : 'done';
}

export function phaseStrip(steps: StepState[]): { phase: StripPhase; state: StripState }[] {
  const byName = new Map(steps.map((s) => [s.step, s]));
  return STRIP_PHASES.map((phase) => {
    let state = stateOf(byName.get(phase));
    if (phase === 'disk' && state === 'pending') {
      // Repodata runs just before the disk: the disk phase has begun (or failed) with it.
      const repodata = stateOf(byName.get('repodata'));
      if (repodata === 'failed') state = 'failed';
      else if (repodata === 'running' || repodata === 'done') state = 'running';
    }
    return { phase, state };
  });
}

/** The strip as plain text (what the board draws, colours aside). */
export function stripText(strip: { phase: StripPhase; state: StripState }[]): string {
  return strip.map((p) => `${STRIP_GLYPH[p.state]} ${p.phase}`).join('  ');
}
