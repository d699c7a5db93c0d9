/**
 * The build board's layout maths, pure so it is tested without a terminal: how wide the
 * release column and the progress bar are for the terminal's width, and how many kernel rows,
 * finished lines and log lines fit its height. A row never reaches the last column (a full
 * line makes some terminals wrap) and the board never draws as many lines as the terminal has
 * (Ink then clears the whole screen on every frame). When the height runs short the log pane
 * shrinks first, then the finished lines, then the kernel rows.
 */

/** The bar is never narrower than this (it still says something) nor wider (it reads as a line). */
export const BAR_MIN = 6;
export const BAR_MAX = 48;
/** The release column gives way to the bar down to this many characters ("6.12.118+d…"). */
export const RELEASE_MIN = 10;
/** Widths of the fixed columns of a kernel row: phase ("modpost") and elapsed time ("12m05s"). */
export const PHASE_WIDTH = 8;
export const TIME_WIDTH = 6;

export interface RowLayout {
  releaseWidth: number;
  barWidth: number;
}

/**
 * Columns of a kernel row: `❯▸ <release> <bar> <objects> <phase> <time>`. The row uses at most
 * `columns - 1` cells; the release column shrinks (truncated with …) only when the bar would be
 * narrower than BAR_MIN.
 */
export function rowLayout(columns: number, longestRelease: number, objectsWidth: number): RowLayout {
  const usable = Math.max(0, columns - 1);
  // marks (2) + space + release + space + bar + space + objects + space + phase + space + time
  const fixed = 2 + 1 + 1 + 1 + objectsWidth + 1 + PHASE_WIDTH + 1 + TIME_WIDTH;
  const room = usable - fixed;
  let releaseWidth = longestRelease;
  if (room - releaseWidth < BAR_MIN) releaseWidth = Math.max(Math.min(longestRelease, RELEASE_MIN), room - BAR_MIN);
  const barWidth = Math.max(BAR_MIN, Math.min(BAR_MAX, room - releaseWidth));
  return { releaseWidth, barWidth };
}

/** `text` cut to `width` cells, the last one an ellipsis when anything was cut. */
export function truncate(text: string, width: number): string {
  if (width <= 0) return '';
  if (text.length <= width) return text;
  return width === 1 ? '…' : `${text.slice(0, width - 1)}…`;
}

/** `text` cut or padded to exactly `width` cells. */
export function fit(text: string, width: number): string {
  return truncate(text, width).padEnd(width);
}

export interface HeightInput {
  /** The terminal's height. */
  rows: number;
  /** Lines above the board that are not its own (the wizard's step header). */
  reserved: number;
  /** Lines always drawn: phase strip, current step, last message, key help, prompts. */
  fixed: number;
  /** Kernels still queued or building. */
  running: number;
  /** At most this many kernel rows, whatever the height. */
  maxRows: number;
  /** Height of each finished line shown in the live area, oldest first ([] on the command line). */
  finished: number[];
  /** Whether the log pane is open. */
  log: boolean;
  /** The log pane never shows more lines than this. */
  logMax?: number;
}

export interface HeightLayout {
  /** Kernel rows drawn; when fewer than running, a "…and N more" line follows them. */
  kernelRows: number;
  /** Finished lines drawn (the newest); when fewer than finished, a "…N more finished" line precedes them. */
  finishedShown: number;
  /** Log lines drawn in the pane; 0 means the pane is not drawn at all. */
  logLines: number;
}

/** Border (2) and title (1) of the log pane. */
export const LOG_CHROME = 3;

/** What fits in the terminal's height (see the module comment for what gives way first). */
export function heightLayout(h: HeightInput): HeightLayout {
  // One line spare: an Ink frame as tall as the terminal is redrawn from a cleared screen.
  const budget = Math.max(1, h.rows - h.reserved - 1);
  let kernelRows = Math.min(h.running, Math.max(1, h.maxRows));
  let finishedShown = Math.min(h.finished.length, Math.max(0, h.maxRows));
  const finishedHeight = (n: number) => h.finished.slice(h.finished.length - n).reduce((a, b) => a + b, 0) + (n < h.finished.length ? 1 : 0);
  const kernelHeight = (n: number) => n + (n < h.running ? 1 : 0);
  const used = () => h.fixed + kernelHeight(kernelRows) + finishedHeight(finishedShown);
  while (used() > budget && finishedShown > 0) finishedShown--;
  // The "…N more finished" line itself can be dropped when nothing else fits.
  while (used() > budget && kernelRows > 1) kernelRows--;
  const left = budget - used();
  const logLines = h.log && left > LOG_CHROME ? Math.min(h.logMax ?? 15, left - LOG_CHROME) : 0;
  return { kernelRows, finishedShown, logLines };
}
