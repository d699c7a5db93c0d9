/**
 * The board's scrollable log pane, pure: which lines of a kernel's log buffer are shown, and
 * how PgUp/PgDn/Home/End move the view. Positions are absolute line numbers (line 0 is the
 * first line the kernel ever logged), so a view scrolled up stays on the same lines while new
 * ones arrive and old ones fall out of the bounded buffer. Only a view at the bottom follows
 * new lines.
 */

export type LogScroll = { follow: true } | { follow: false; top: number };

export const FOLLOW: LogScroll = { follow: true };

/** A kernel's log buffer: the lines kept and the absolute number of the first. */
export interface LogBuffer {
  log: string[];
  logStart: number;
}

export interface LogWindow {
  lines: string[];
  /** Absolute number of the first line shown. */
  top: number;
  /** Lines above and below the window (in the buffer). */
  above: number;
  below: number;
}

function bounds(b: LogBuffer, height: number): { first: number; lastTop: number } {
  const first = b.logStart;
  return { first, lastTop: Math.max(first, b.logStart + b.log.length - height) };
}

function topOf(b: LogBuffer, height: number, scroll: LogScroll): number {
  const { first, lastTop } = bounds(b, height);
  return scroll.follow ? lastTop : Math.max(first, Math.min(lastTop, scroll.top));
}

export function logWindow(b: LogBuffer, height: number, scroll: LogScroll): LogWindow {
  const top = topOf(b, height, scroll);
  const start = top - b.logStart;
  const lines = b.log.slice(start, start + Math.max(0, height));
  return { lines, top, above: start, below: Math.max(0, b.log.length - start - lines.length) };
}

export type ScrollKey = 'pageUp' | 'pageDown' | 'home' | 'end';

/** The view after one key; a page is the pane's height less one line of context. */
export function scrollLog(b: LogBuffer, height: number, scroll: LogScroll, key: ScrollKey): LogScroll {
  const { first, lastTop } = bounds(b, height);
  const top = topOf(b, height, scroll);
  const page = Math.max(1, height - 1);
  switch (key) {
    case 'home':
      return lastTop === first ? FOLLOW : { follow: false, top: first };
    case 'end':
      return FOLLOW;
    case 'pageUp': {
      const next = Math.max(first, top - page);
      return next >= lastTop ? FOLLOW : { follow: false, top: next };
    }
    case 'pageDown': {
      const next = top + page;
      return next >= lastTop ? FOLLOW : { follow: false, top: next };
    }
  }
}
