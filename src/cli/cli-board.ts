/**
 * The live board of `dudforge build` on a terminal, drawn from the first instant. Ink and React
 * take a while to load (seconds on a busy machine), so the build does not wait for them: events
 * go into the board's store at once, a first line says the build has begun, and the board
 * replaces that line as soon as it can be drawn, with everything that happened meanwhile.
 */
import type { Reporter } from '../events.js';
import { createBoardStore } from '../wizard/board-store.js';
import { loadBoard, type BoardModule } from './load-face.js';

/** What the board shows before it is drawn: the first phase of every build. */
export const FIRST_LINE = '  resolve…';

export function startCliBoard(opts: {
  stream?: NodeJS.WriteStream;
  /** Loads the Ink board (tests slow it down); default: import it. */
  load?: () => Promise<BoardModule>;
  /** Where events go when the board cannot be loaded. */
  fallback?: () => Reporter;
} = {}): { reporter: Reporter; close(): Promise<void> } {
  const stream = opts.stream ?? process.stderr;
  const store = createBoardStore();
  let fallback: Reporter | undefined;
  stream.write(FIRST_LINE);
  const board = (opts.load ?? loadBoard)().then(
    (m) => {
      stream.write('\r\u001B[2K');
      return m.showBoard(store, { stdout: stream });
    },
    () => {
      stream.write('\n');
      fallback = opts.fallback?.();
      return undefined;
    },
  );
  return {
    reporter: {
      emit(e) {
        store.reporter.emit(e);
        fallback?.emit(e);
      },
    },
    async close() {
      const shown = await board;
      if (shown) shown.close();
      else store.dispose();
    },
  };
}
