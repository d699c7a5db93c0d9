/**
 * A scrollable window over content taller than the terminal (Review, Done): which lines show,
 * how the scroll keys move it, and the marker line that says what is hidden. Pure, so the
 * arithmetic is tested without a terminal; screens/Viewport.tsx draws it.
 */
import type { KeyInfo } from './keys.js';

/** The first line shown, kept inside the content (never past its end, never negative). */
export function clampOffset(offset: number, contentHeight: number, height: number): number {
  return Math.max(0, Math.min(offset, contentHeight - height));
}

/**
 * The offset after a scroll key (↑/↓ a line, PgUp/PgDn a page less one line of context,
 * Home/End), or undefined when the key does not scroll.
 */
export function scrollKey(offset: number, key: KeyInfo, contentHeight: number, height: number): number | undefined {
  const page = Math.max(1, height - 1);
  let next: number;
  if (key.upArrow) next = offset - 1;
  else if (key.downArrow) next = offset + 1;
  else if (key.pageUp) next = offset - page;
  else if (key.pageDown) next = offset + page;
  else if (key.home) next = 0;
  else if (key.end) next = contentHeight;
  else return undefined;
  return clampOffset(next, contentHeight, height);
}

/**
 * Lines left for the viewport when the terminal has `rows` rows and `reserved` of them hold
 * what must stay visible (header, marker, key hints). Ink redraws the whole screen once a
 * frame is as tall as the terminal, so one row stays free. Undefined rows (not a terminal):
 * no limit.
 */
export function viewportHeight(rows: number | undefined, reserved: number): number | undefined {
  if (!rows || rows <= 0) return undefined;
  return Math.max(3, rows - reserved - 1);
}

/** The marker line under the viewport: what is hidden above and below, or '' when all shows. */
export function moreMarker(offset: number, contentHeight: number, height: number): string {
  const above = offset;
  const below = Math.max(0, contentHeight - height - offset);
  if (!above && !below) return '';
  const parts = [above ? `↑ ${above} more` : '', below ? `more ↓ (${below} lines)` : ''].filter(Boolean);
  return `${parts.join(' · ')}  —  ↑/↓ PgUp/PgDn Home/End scroll`;
}
