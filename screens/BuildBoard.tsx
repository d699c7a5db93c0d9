/**
 * The live build board: one row per kernel (progress bar of objects compiled of expected,
 * phase, elapsed time, warnings and errors); finished kernels become ✔/✖ lines (on the command
 * line in <Static>, kept in the scrollback; in the wizard in the live area, gone with the board).
 * State lives in a store outside React (src/wizard/board-store.ts), read with
 * useSyncExternalStore; the store publishes at most ~10 snapshots a second.
 *
 * `createBoardReporter()` is the same board without keys, for `dudforge build` on a terminal.
 */
import { Box, render, Static, Text, useStdout, type Instance } from 'ink';
import { useEffect, useState, useSyncExternalStore } from 'react';
import { useKeys } from './use-keys.js';
import { type KeyInfo, type Reporter, createBoardStore, elapsedSeconds, type BoardSnapshot, type BoardStore, type KernelRow } from '../src/wizard/index.js';

const BAR = 24;

export function progressBar(compiled: number, expected: number, width = BAR): string {
  if (expected <= 0) return '░'.repeat(width);
  const filled = Math.min(width, Math.round((compiled / expected) * width));
  return '█'.repeat(filled) + '░'.repeat(width - filled);
}

function seconds(s: number): string {
  return s < 60 ? `${s.toFixed(1)}s` : `${Math.floor(s / 60)}m${Math.round(s % 60).toString().padStart(2, '0')}s`;
}

function counts(r: KernelRow): string {
  const parts = [];
  if (r.warnings) parts.push(`${r.warnings} warning${r.warnings === 1 ? '' : 's'}`);
  if (r.errors) parts.push(`${r.errors} error${r.errors === 1 ? '' : 's'}`);
  return parts.join(', ');
}

function FinishedLine({ row }: { row: KernelRow }) {
  if (row.phase === 'failed') {
    return (
      <Box flexDirection="column">
        <Text color="red">{`✖ ${row.release}  ${row.firstError ?? 'failed'}`}</Text>
        {row.logFile ? <Text dimColor>{`  full log: ${row.logFile}`}</Text> : null}
      </Box>
    );
  }
  if (row.phase === 'cancelled') return <Text color="yellow">{`– ${row.release}  cancelled`}</Text>;
  const modules = row.modules?.length ? row.modules.map((m) => (m.endsWith('.ko') ? m : `${m}.ko`)).join(' ') : '';
  return <Text color="green">{`✔ ${row.release}  ${modules}  ${seconds(row.seconds ?? 0)}${row.cached ? ' (cached)' : ''}${counts(row) ? `  ${counts(row)}` : ''}`}</Text>;
}

export interface BoardViewProps {
  snapshot: BoardSnapshot;
  now: number;
  selected?: number;
  showLog?: boolean;
  confirmCancel?: boolean;
  cancelling?: boolean;
  maxRows?: number;
  interactive?: boolean;
  /** The terminal's width: the progress bar shrinks so a row stays on one line. */
  columns?: number;
}

/** Bar width for a row: what the terminal leaves after the other columns, at most BAR. */
export function barWidth(columns: number, releaseWidth: number): number {
  // "❯▸ " + release + " " + bar + " " + 7 + " " + 8 + " " + 6, one column spare (no wrap at the edge).
  return Math.max(4, Math.min(BAR, columns - releaseWidth - 28));
}

export function BuildBoardView({ snapshot, now, selected = 0, showLog = false, confirmCancel = false, cancelling = false, maxRows = 8, interactive = false, columns = 80 }: BoardViewProps) {
  const running = snapshot.running;
  const visible = running.slice(0, maxRows);
  const sel = Math.max(0, Math.min(selected, visible.length - 1));
  const logRow = visible[sel] ?? snapshot.finished[snapshot.finished.length - 1];
  const width = Math.max(12, ...running.map((r) => r.release.length));
  const bar = barWidth(columns, width);
  const step = [...snapshot.steps].reverse().find((s) => s.state === 'running');
  return (
    <Box flexDirection="column">
      {interactive ? (
        // In the wizard the board is one screen among others: its lines must go with it, so
        // finished kernels stay in the live area (the last few) instead of the scrollback.
        <>
          {snapshot.finished.length > maxRows ? <Text dimColor>{`  …${snapshot.finished.length - maxRows} more finished`}</Text> : null}
          {snapshot.finished.slice(-maxRows).map((row) => (
            <FinishedLine key={row.release} row={row} />
          ))}
        </>
      ) : (
        <Static items={snapshot.finished}>{(row) => <FinishedLine key={row.release} row={row} />}</Static>
      )}
      {visible.map((r, i) => (
        <Text key={r.release} inverse={interactive && i === sel} wrap="truncate-end">
          {`${interactive && i === sel ? '❯' : ' '}${r.phase === 'queued' ? '·' : '▸'} ${r.release.padEnd(width)} ${progressBar(r.compiled, r.expected, bar)} ${`${r.compiled}/${r.expected || '?'}`.padStart(7)} ${r.phase.padEnd(8)} ${seconds(elapsedSeconds(r, now)).padStart(6)}`}
          {counts(r) ? <Text color={r.errors ? 'red' : 'yellow'}>{`  ${counts(r)}`}</Text> : null}
        </Text>
      ))}
      {running.length > maxRows ? <Text dimColor>{`  …and ${running.length - maxRows} more`}</Text> : null}
      {step ? <Text dimColor>{`  ${step.step}${step.detail ? `: ${step.detail}` : ''}…`}</Text> : null}
      {snapshot.messages.length ? <Text dimColor>{`  ${snapshot.messages[snapshot.messages.length - 1]}`}</Text> : null}
      {showLog && logRow ? (
        <Box flexDirection="column" borderStyle="single" paddingX={1}>
          <Text bold>{`log: ${logRow.release}`}</Text>
          {logRow.log.slice(-10).map((line, i) => (
            <Text key={i} wrap="truncate-end">
              {line}
            </Text>
          ))}
          {logRow.log.length === 0 ? <Text dimColor>(no output yet)</Text> : null}
        </Box>
      ) : null}
      {cancelling ? <Text color="yellow">Cancelling every build…</Text> : null}
      {confirmCancel ? <Text color="yellow">Cancel the build? Every make is stopped and nothing is written. (y/n)</Text> : null}
      {interactive && !confirmCancel && !cancelling ? <Text dimColor>↑/↓ select · l log · q/Esc cancel</Text> : null}
    </Box>
  );
}

export interface BoardKeys {
  confirmCancel: boolean;
  cancelling: boolean;
  onCancelRequest(): void;
  onCancelAnswer(yes: boolean): void;
}

/** The board connected to its store; with `keys`, it answers ↑/↓, l, q and Ctrl-C. */
export function BuildBoard({ store, keys, maxRows }: { store: BoardStore; keys?: BoardKeys; maxRows?: number }) {
  const snapshot = useSyncExternalStore(store.subscribe, store.getSnapshot);
  const [now, setNow] = useState(store.now());
  const [selected, setSelected] = useState(0);
  const [showLog, setShowLog] = useState(false);
  const { stdout } = useStdout();
  const active = snapshot.running.length > 0;
  useEffect(() => {
    setNow(store.now());
    if (!active) return;
    const timer = setInterval(() => setNow(store.now()), 1000);
    return () => clearInterval(timer);
  }, [store, active, snapshot.version]);
  useKeys(
    (input, key) => {
      if (!keys) return;
      // Letters typed in one burst ("lq") are keys one by one here: none of them is text.
      if (input.length > 1 && !key.ctrl && !key.meta) {
        for (const ch of input) onBoardKey(ch, key);
        return;
      }
      onBoardKey(input, key);
    },
    { isActive: !!keys },
  );
  function onBoardKey(input: string, key: KeyInfo) {
    if (!keys) return;
    if (keys.confirmCancel) {
      if (input === 'y' || input === 'Y') keys.onCancelAnswer(true);
      else if (input === 'n' || input === 'N' || key.escape) keys.onCancelAnswer(false);
      return;
    }
    // Esc is "back" on every other step: here it asks to cancel the build, as q and Ctrl-C do.
    if (input === 'q' || key.escape || (key.ctrl && input === 'c')) keys.onCancelRequest();
    else if (input === 'l') setShowLog((v) => !v);
    else if (key.upArrow) setSelected((s) => Math.max(0, s - 1));
    else if (key.downArrow) setSelected((s) => Math.min(Math.max(0, snapshot.running.length - 1), s + 1));
  }
  return (
    <BuildBoardView
      snapshot={snapshot}
      // The timer's tick may be older than a row that started since: never draw a time before it.
      now={Math.max(now, store.now())}
      selected={selected}
      showLog={showLog}
      confirmCancel={keys?.confirmCancel}
      cancelling={keys?.cancelling}
      maxRows={maxRows}
      interactive={!!keys}
      columns={stdout.columns || 80}
    />
  );
}

/** Render a board for a store (no keys) to a stream; progress goes to stderr by default. */
export function renderBuildBoard(store: BoardStore, opts: { stdout?: NodeJS.WriteStream } = {}): Instance {
  return render(<BuildBoard store={store} />, { stdout: opts.stdout ?? process.stderr, patchConsole: false, exitOnCtrlC: false });
}

/**
 * A live board as a pipeline Reporter for `dudforge build` on a terminal. It does not read the
 * keyboard, so Ctrl-C stays a SIGINT for the command line to cancel with.
 */
export function createBoardReporter(opts: { stdout?: NodeJS.WriteStream } = {}): { reporter: Reporter; close(): void } {
  const store = createBoardStore();
  return { reporter: store.reporter, close: showBoard(store, opts).close };
}

/** Draws the board of an existing store (which may already hold events) until `close`. */
export function showBoard(store: BoardStore, opts: { stdout?: NodeJS.WriteStream } = {}): { close(): void } {
  store.flush();
  const instance = renderBuildBoard(store, opts);
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    store.flush();
    // Render the last snapshot synchronously (Ink's legacy root) before the board goes away: a
    // new element makes React render again even though the props are the same.
    instance.rerender(<BuildBoard store={store} />);
    instance.unmount();
    store.dispose();
  };
  return { close };
}
