/**
 * The failure screen's pure parts: which actions it offers for a FailureReport, and the log
 * pane (a window on a kernel's full build log, opened at its first error, moved by ↑/↓,
 * PgUp/PgDn, Home/End). The screen (screens/FailureScreen.tsx) only draws and reads keys.
 */
import type { FailureReport } from '../pipeline/failure-report.js';
import type { KeyInfo } from './keys.js';
import { scrollKey } from './viewport.js';

export interface FailureAction {
  key: string;
  label: string;
  /** The label on a screen too short for the full one (one hint line for all actions). */
  short: string;
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
    actions.push({ key: 'r', label: `retry the failed ${report.failed.length === 1 ? 'kernel' : 'kernels'}${cached}`, short: 'retry' });
  } else {
    actions.push({ key: 'r', label: 'build again', short: 'build again' });
  }
  if (report.canWritePartial) actions.push({ key: 'w', label: `write the disk with the ${kernels(report.built.length)} that built (PARTIAL-BUILD.txt names the rest)`, short: 'write the disk with what built' });
  if (focusedRelease) actions.push({ key: 'l', label: `the full log of ${focusedRelease}`, short: 'log' });
  actions.push({ key: 'Esc', label: 'back to Review to change answers', short: 'Review' });
  actions.push({ key: 'q', label: 'quit (the answers are saved)', short: 'quit' });
  return actions;
}

function wrapped(text: string, width: number): number {
  return Math.max(1, Math.ceil(text.length / Math.max(10, width)));
}

/**
 * Rows the full layout takes at this width (an estimate: word wrap takes a little more than
 * the characters). The screen switches to its compact layout when they do not fit.
 */
export function fullLayoutRows(report: FailureReport, columns: number): number {
  let rows = 2 + report.problems.reduce((n, p) => n + wrapped(p, columns - 2), 0);
  for (const f of report.failed) rows += 3 + wrapped(f.firstError, columns - 4) + f.knownChanges.reduce((n, c) => n + wrapped(c, columns - 4), 0);
  if (report.built.length) rows += 1 + report.built.length;
  rows += 1 + failureActions(report, report.failed[0]?.release).reduce((n, a) => n + wrapped(a.label, columns - 6), 0);
  return rows + (report.failed.length > 1 ? 1 : 0);
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

/** The top line after a scroll key, or undefined for a key that does not scroll (the viewport's keys). */
export function scrollLogTop(total: number, height: number, top: number, key: KeyInfo): number | undefined {
  const next = scrollKey(top, key, total, Math.max(1, height));
  return next === undefined ? undefined : clampTop(total, height, next);
}

/**
 * A log as screen rows: long lines (compiler messages naming deep paths) are cut into rows of the
 * pane's width rather than truncated, so the message at their end is never hidden.
 */
export function logRows(lines: string[], width: number): string[] {
  const w = Math.max(10, width);
  const rows: string[] = [];
  for (const line of lines) {
    const text = line.replace(/\t/g, '        ');
    if (text.length <= w) rows.push(text);
    else for (let i = 0; i < text.length; i += w) rows.push(text.slice(i, i + w));
  }
  return rows;
}

/** The lines shown from `top`, and how many lie above and below them. */
export function logFileWindow(lines: string[], height: number, top: number): { lines: string[]; top: number; above: number; below: number } {
  const t = clampTop(lines.length, height, top);
  const shown = lines.slice(t, t + Math.max(1, height));
  return { lines: shown, top: t, above: t, below: Math.max(0, lines.length - t - shown.length) };
}
