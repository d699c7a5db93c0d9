/**
 * A scrollable viewport for screens taller than the terminal (Review, Done): the content is laid
 * out at the terminal's width, measured, and shown through a window of the rows the terminal
 * leaves after what must stay visible (`reserved`: header, key hints). ↑/↓ PgUp/PgDn Home/End
 * scroll it; a marker line says what is hidden (src/wizard/viewport.ts does the arithmetic).
 */
import { Box, measureElement, Text, useStdout, type DOMElement } from 'ink';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { clampOffset, moreMarker, scrollKey, viewportHeight } from '../src/wizard/index.js';
import { useKeys } from './use-keys.js';

/**
 * `header` and `footer`, when given, are drawn above and below the window (they never scroll);
 * `reserved` counts their lines and any others the screen draws outside the viewport.
 */
export function Viewport({ children, reserved, isActive = true, header, footer }: { children: ReactNode; reserved: number; isActive?: boolean; header?: ReactNode; footer?: ReactNode }) {
  const { stdout } = useStdout();
  const height = viewportHeight(stdout.rows, reserved + 1);
  const inner = useRef<DOMElement>(null);
  const [contentHeight, setContentHeight] = useState(0);
  const [offset, setOffset] = useState(0);
  // Keys of one burst arrive before a redraw: each scrolls from where the previous one left it.
  const at = useRef(0);
  const measured = useRef(0);
  useEffect(() => {
    if (!inner.current) return;
    const h = measureElement(inner.current).height;
    measured.current = h;
    if (h !== contentHeight) setContentHeight(h);
  });
  useKeys(
    (_input, key) => {
      if (height === undefined) return;
      const next = scrollKey(at.current, key, measured.current, height);
      if (next !== undefined && next !== at.current) setOffset((at.current = next));
    },
    { isActive: isActive && height !== undefined },
  );
  if (height === undefined) {
    return (
      <Box flexDirection="column">
        {header}
        <Box ref={inner} flexDirection="column">
          {children}
        </Box>
        {footer}
      </Box>
    );
  }
  const shown = clampOffset(offset, contentHeight, height);
  const marker = moreMarker(shown, contentHeight, height);
  return (
    <Box flexDirection="column">
      {header}
      <Box height={Math.min(height, contentHeight || height)} overflow="hidden" flexDirection="column">
        <Box ref={inner} flexDirection="column" flexShrink={0} marginTop={-shown}>
          {children}
        </Box>
      </Box>
      <Text dimColor wrap="truncate-end">{marker || ' '}</Text>
      {footer}
    </Box>
  );
}
