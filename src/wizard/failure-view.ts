/**
 * The failure screen's pure parts: which actions it offers for a FailureReport, and the log
 * pane (a window on a kernel's full build log, opened at its first error, moved by ↑/↓,
 * PgUp/PgDn, Home/End). The screen (screens/FailureScreen.tsx) only draws and reads keys.
 */
import type { FailureReport } from '../pipeline/failure-report.js';
import type { KeyInfo } from './keys.js';

export interface FailureAction {
  key: string;
  label: string;
}

function kernels(n: number): string {
  return `${n} ${n === 1 ? 'kernel' : 'kernels'}`;
}

/** The actions, in the order shown; write-partial only when some kernel built and no disk was written. */
export function failureActions(report: FailureReport, focusedRelease?: string): FailureAction[] {
  const actions: FailureAction[] = [];
  if (report.failed.length) {
    const n = report.built.length;
    const cached = n ? ` (the ${n === 1 ? 'kernel that built comes' : `${n} kernels that built come`} from the cache)` : '';
    actions.push({ key: 'r', label: `retry the failed ${report.failed.length === 1 ? 'kernel' : 'kernels'}${cached}` });
  } else {
    actions.push({ key: 'r', label: 'build again' });
  }
  if (report.canWritePartial) actions.push({ key: 'w', label: `write the disk with the ${kernels(report.built.length)} that built (PARTIAL-BUILD.txt names the rest)` });
  if (focusedRelease) actions.push({ key: 'l', label: `the full log of ${focusedRelease}` });
  actions.push({ key: 'Esc', label: 'back to Review to change answers' });
  actions.push({ key: 'q', label: 'quit (the answers are saved)' });
  return actions;
}

/** The line a log opens at: a little above its first compiler error, else its end. */
export function firstErrorTop(lines: string[], height: number): number {
  const i = lines.findIndex((l) => /\berror\b/i.test(l) && /:\d+(:\d+)?:/.test(l));
  const at = i >= 0 ? Math.max(0, i - 2) : lines.length - height;
  return clampTop(lines.length, height, at);
}

export function clampTop(total: number, height: number, top: number): number {
  return Math.max(0, Math.min(top, total - Math.max(1, height)));
}

/** The top line after a scroll key, or undefined for a key that does not scroll. */
export function scrollLogTop(total: number, height: number, top: number, key: KeyInfo): number | undefined {
  const page = Math.max(1, height - 1);
  let next: number;
  if (key.upArrow) next = top - 1;
  else if (key.downArrow) next = top + 1;
  else if (key.pageUp) next = top - page;
  else if (key.pageDown) next = top + page;
  else if (key.home) next = 0;
  else if (key.end) next = total;
  else return undefined;
  return clampTop(total, height, next);
}

/** The lines shown from `top`, and how many lie above and below them. */
export function logWindow(lines: string[], height: number, top: number): { lines: string[]; top: number; above: number; below: number } {
  const t = clampTop(lines.length, height, top);
  const shown = lines.slice(t, t + Math.max(1, height));
  return { lines: shown, top: t, above: t, below: Math.max(0, lines.length - t - shown.length) };
}
