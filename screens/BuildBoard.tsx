/**
 * The live build board: a phase strip (resolve … verify), one row per kernel (progress bar of
 * the build's objects compiled of expected, "12/24 obj", phase, elapsed time, warnings and
 * errors), fitted to the terminal's width and height (src/wizard/board-layout.ts), and in the
 * wizard a log pane that PgUp/PgDn/Home/End scroll (src/wizard/log-view.ts). Probe objects are
 * counted apart (the probe step's line), so a row's bar only moves forward. Finished kernels become ✔/✖ lines (on the command
 * line in <Static>, kept in the scrollback; in the wizard in the live area, gone with the board).
 * State lives in a store outside React (src/wizard/board-store.ts), read with
 * useSyncExternalStore; the store publishes at most ~10 snapshots a second.
 *
 * `createBoardReporter()` is the same board without keys, for `dudforge build` on a terminal.
 */
import { Box, render, Static, Text, useStdout, type Instance } from 'ink';
import { useEffect, useState, useSyncExternalStore } from 'react';
import { useKeys } from './use-keys.js';
import {
  type KeyInfo,
  type Reporter,
  createBoardStore,
  elapsedSeconds,
  type BoardSnapshot,
  type BoardStore,
  type KernelRow,
  fit,
  heightLayout,
  PHASE_WIDTH,
  rowLayout,
  TIME_WIDTH,
  FOLLOW,
  logWindow,
  scrollLog,
  type LogScroll,
  type ScrollKey,
  phaseStrip,
  STRIP_GLYPH,
  stripText,
  type StripState,
} from '../src/wizard/index.js';

export function progressBar(compiled: number, expected: number, width = 24): string {
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

/** Warnings and errors after a kernel row, in the room left: in words, else short ("2w 1e"), else not at all (the finished line says them). */
function rowCounts(r: KernelRow, room: number): string {
  const long = counts(r) ? `  ${counts(r)}` : '';
  if (long.length <= room) return long;
  const short = `  ${[r.warnings ? `${r.warnings}w` : '', r.errors ? `${r.errors}e` : ''].filter(Boolean).join(' ')}`;
  return short.length <= room ? short : '';
}

/** Objects compiled of the total the Makefile scan expects ("12/24 obj"), or just the count when it is unknown. */
export function objectsLabel(r: Pick<KernelRow, 'compiled' | 'expected'>): string {
  return r.expected > 0 ? `${r.compiled}/${r.expected} obj` : `${r.compiled} obj`;
}

const logFileLine = (row: KernelRow) => `  full log: ${row.logFile}`;

/** Lines a finished kernel takes on the board: a failure adds the log file's path, wrapped rather than cut (it is what the user opens next). */
function finishedHeight(row: KernelRow, columns: number): number {
  return row.phase === 'failed' && row.logFile ? 1 + Math.ceil(logFileLine(row).length / Math.max(1, columns - 1)) : 1;
}

/** One finished kernel. On the command line (scrollback) the first error wraps; in the live area it is cut to one line. */
function FinishedLine({ row, live = false }: { row: KernelRow; live?: boolean }) {
  if (row.phase === 'failed') {
    return (
      <Box flexDirection="column">
        <Text color="red" wrap={live ? 'truncate-end' : 'wrap'}>{`✖ ${row.release}  ${row.firstError ?? 'failed'}`}</Text>
        {row.logFile ? <Text dimColor>{logFileLine(row)}</Text> : null}
      </Box>
    );
  }
  if (row.phase === 'cancelled') return <Text color="yellow" wrap="truncate-end">{`– ${row.release}  cancelled`}</Text>;
  const modules = row.modules?.length ? row.modules.map((m) => (m.endsWith('.ko') ? m : `${m}.ko`)).join(' ') : '';
  return <Text color="green" wrap="truncate-end">{`✔ ${row.release}  ${modules}  ${seconds(row.seconds ?? 0)}${row.cached ? ' (cached)' : ''}${counts(row) ? `  ${counts(row)}` : ''}`}</Text>;
}

const STRIP_COLOR: Record<StripState, string | undefined> = { done: 'green', running: 'cyan', failed: 'red', skipped: undefined, pending: undefined };

/** resolve › probe › build › …: the current phase bold, done ones ✔ (glyphs carry it without colour). */
function PhaseStrip({ snapshot, columns }: { snapshot: BoardSnapshot; columns: number }) {
  const strip = phaseStrip(snapshot.steps);
  const usable = columns - 1;
  const wide = stripText(strip).length + (strip.length - 1) <= usable;
  return (
    <Text wrap="truncate-end">
      {strip.map((p, i) => (
        <Text key={p.phase} color={STRIP_COLOR[p.state]} bold={p.state === 'running'} dimColor={p.state === 'pending' || p.state === 'skipped'}>
          {`${i ? (wide ? '  ' : ' ') : ''}${STRIP_GLYPH[p.state]} ${p.phase}`}
        </Text>
      ))}
    </Text>
  );
}

export interface BoardViewProps {
  snapshot: BoardSnapshot;
  now: number;
  selected?: number;
  showLog?: boolean;
  /** Where the log pane of the selected kernel is scrolled to (default: following new lines). */
  logScroll?: LogScroll;
  confirmCancel?: boolean;
  cancelling?: boolean;
  maxRows?: number;
  interactive?: boolean;
  /** The terminal's width: the bar and the release column fit it, so a row stays on one line. */
  columns?: number;
  /** The terminal's height: the board never draws more lines (the log pane gives way first). */
  rows?: number;
  /** Lines above the board that are not its own (the wizard's step header). */
  reservedRows?: number;
}

/** Where everything goes for a board drawn with these props (the scroll keys page by its log height). */
export function boardLayout(props: BoardViewProps) {
  const { snapshot, showLog = false, confirmCancel = false, cancelling = false, maxRows = 8, interactive = false, columns = 80, rows = 40, reservedRows = 0 } = props;
  const step = [...snapshot.steps].reverse().find((s) => s.state === 'running');
  const fixed = 1 + (step ? 1 : 0) + (snapshot.messages.length ? 1 : 0) + (cancelling ? 1 : 0) + (confirmCancel ? 1 : 0) + (interactive && !confirmCancel && !cancelling ? 1 : 0);
  const height = heightLayout({
    rows,
    reserved: reservedRows,
    fixed,
    running: snapshot.running.length,
    maxRows,
    finished: interactive ? snapshot.finished.map((r) => finishedHeight(r, columns)) : [],
    log: showLog,
  });
  const objectsWidth = Math.max(9, ...snapshot.running.map((r) => objectsLabel(r).length));
  const longest = Math.max(12, ...snapshot.running.map((r) => r.release.length));
  return { step, height, objectsWidth, row: rowLayout(columns, longest, objectsWidth) };
}

function probeDetail(snapshot: BoardSnapshot): string {
  const rows = snapshot.running.filter((r) => r.probes > 0);
  if (!rows.length) return '';
  const probed = rows.reduce((a, r) => a + r.probed, 0);
  const probes = rows.reduce((a, r) => a + r.probes, 0);
  return ` ${probed}/${probes} probe objects`;
}

export function BuildBoardView(props: BoardViewProps) {
  const { snapshot, now, selected = 0, showLog = false, logScroll = FOLLOW, confirmCancel = false, cancelling = false, interactive = false, columns = 80 } = props;
  const { step, height, objectsWidth, row: layout } = boardLayout(props);
  const running = snapshot.running;
  const visible = running.slice(0, height.kernelRows);
  const sel = Math.max(0, Math.min(selected, running.length - 1));
  const logRow = running[sel] ?? snapshot.finished[snapshot.finished.length - 1];
  const finished = snapshot.finished.slice(snapshot.finished.length - height.finishedShown);
  const hiddenFinished = snapshot.finished.length - height.finishedShown;
  const log = logRow && height.logLines > 0 ? logWindow(logRow, height.logLines, logScroll) : undefined;
  return (
    // One column short of the terminal: whatever is too long is cut with … (truncate-end), never wrapped.
    <Box flexDirection="column" width={Math.max(20, columns - 1)}>
      {interactive ? (
        // In the wizard the board is one screen among others: its lines must go with it, so
        // finished kernels stay in the live area (the last few) instead of the scrollback.
        <>
          {hiddenFinished > 0 ? <Text dimColor wrap="truncate-end">{`  …${hiddenFinished} more finished`}</Text> : null}
          {finished.map((row) => (
            <FinishedLine key={row.release} row={row} live />
          ))}
        </>
      ) : (
        <Static items={snapshot.finished}>{(row) => <FinishedLine key={row.release} row={row} />}</Static>
      )}
      <PhaseStrip snapshot={snapshot} columns={columns} />
      {visible.map((r, i) => {
        const mark = interactive && i === sel ? '❯' : ' ';
        const glyph = r.phase === 'queued' ? '·' : '▸';
        const line = `${mark}${glyph} ${fit(r.release, layout.releaseWidth)} ${progressBar(r.compiled, r.expected, layout.barWidth)} ${objectsLabel(r).padStart(objectsWidth)} ${r.phase.padEnd(PHASE_WIDTH)} ${seconds(elapsedSeconds(r, now)).padStart(TIME_WIDTH)}`;
        const extra = rowCounts(r, columns - 1 - line.length);
        return (
          <Text key={r.release} inverse={interactive && i === sel} wrap="truncate-end">
            {line}
            {extra ? <Text color={r.errors ? 'red' : 'yellow'}>{extra}</Text> : null}
          </Text>
        );
      })}
      {running.length > visible.length ? <Text dimColor wrap="truncate-end">{`  …and ${running.length - visible.length} more`}</Text> : null}
      {step ? <Text dimColor wrap="truncate-end">{`  ${step.step}${step.detail ? `: ${step.detail}` : ''}…${step.step === 'probe' ? probeDetail(snapshot) : ''}`}</Text> : null}
      {snapshot.messages.length ? <Text dimColor wrap="truncate-end">{`  ${snapshot.messages[snapshot.messages.length - 1]}`}</Text> : null}
      {showLog && logRow && log ? (
        <Box flexDirection="column" borderStyle="single" paddingX={1}>
          <Text bold wrap="truncate-end">
            {`log: ${logRow.release}`}
            {log.above || log.below ? <Text dimColor>{`  ↑${log.above} ↓${log.below}${logScroll.follow ? '' : ' (PgDn/End follows)'}`}</Text> : null}
          </Text>
          {log.lines.map((line, i) => (
            <Text key={log.top + i} wrap="truncate-end">
              {line || ' '}
            </Text>
          ))}
          {logRow.log.length === 0 ? <Text dimColor>(no output yet)</Text> : null}
        </Box>
      ) : null}
      {cancelling ? <Text color="yellow" wrap="truncate-end">Cancelling every build…</Text> : null}
      {confirmCancel ? <Text color="yellow" wrap="truncate-end">Cancel the build? Every make is stopped and nothing is written. (y/n)</Text> : null}
      {interactive && !confirmCancel && !cancelling ? <Text dimColor wrap="truncate-end">{`↑/↓ select · l log${showLog ? ' · PgUp/PgDn scroll' : ''} · q/Esc cancel`}</Text> : null}
    </Box>
  );
}

export interface BoardKeys {
  confirmCancel: boolean;
  cancelling: boolean;
  onCancelRequest(): void;
  onCancelAnswer(yes: boolean): void;
}

/** The terminal's size, following resizes (Ink redraws on resize, but does not tell components). */
function useTerminalSize(): { columns: number; rows: number } {
  const { stdout } = useStdout();
  const read = () => ({ columns: stdout.columns || 80, rows: stdout.rows || 40 });
  const [size, setSize] = useState(read);
  useEffect(() => {
    const onResize = () => setSize(read());
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout]);
  return size;
}

/** Lines the wizard draws above the board (its step header and the blank line under it). */
const WIZARD_HEADER_ROWS = 2;

/**
 * The board connected to its store; with `keys`, it answers ↑/↓, l, PgUp/PgDn/Home/End (the log
 * of the selected kernel), q and Ctrl-C. `size` overrides the terminal's (tests).
 */
export function BuildBoard({ store, keys, maxRows, size }: { store: BoardStore; keys?: BoardKeys; maxRows?: number; size?: { columns: number; rows: number } }) {
  const snapshot = useSyncExternalStore(store.subscribe, store.getSnapshot);
  const [now, setNow] = useState(store.now());
  const [selected, setSelected] = useState(0);
  const [showLog, setShowLog] = useState(false);
  // Per kernel: switching the selection keeps where each log was scrolled to.
  const [scrolls, setScrolls] = useState<Record<string, LogScroll>>({});
  const terminal = useTerminalSize();
  const { columns, rows } = size ?? terminal;
  const active = snapshot.running.length > 0;
  useEffect(() => {
    setNow(store.now());
    if (!active) return;
    const timer = setInterval(() => setNow(store.now()), 1000);
    return () => clearInterval(timer);
  }, [store, active, snapshot.version]);
  const view: BoardViewProps = {
    snapshot,
    // The timer's tick may be older than a row that started since: never draw a time before it.
    now: Math.max(now, store.now()),
    selected,
    showLog,
    confirmCancel: keys?.confirmCancel,
    cancelling: keys?.cancelling,
    maxRows,
    interactive: !!keys,
    columns,
    rows,
    reservedRows: keys ? WIZARD_HEADER_ROWS : 0,
  };
  const logRow = snapshot.running[Math.max(0, Math.min(selected, snapshot.running.length - 1))] ?? snapshot.finished[snapshot.finished.length - 1];
  const scroll = (logRow && scrolls[logRow.release]) || FOLLOW;
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
    const scrollKey: ScrollKey | undefined = key.pageUp ? 'pageUp' : key.pageDown ? 'pageDown' : key.home ? 'home' : key.end ? 'end' : undefined;
    // Esc is "back" on every other step: here it asks to cancel the build, as q and Ctrl-C do.
    if (input === 'q' || key.escape || (key.ctrl && input === 'c')) keys.onCancelRequest();
    else if (input === 'l') setShowLog((v) => !v);
    else if (key.upArrow) setSelected((s) => Math.max(0, s - 1));
    else if (key.downArrow) setSelected((s) => Math.min(Math.max(0, snapshot.running.length - 1), s + 1));
    else if (scrollKey && logRow) {
      // A scroll key opens the log pane if it is closed; the page is the pane's height.
      const height = boardLayout({ ...view, showLog: true }).height.logLines;
      if (!showLog) setShowLog(true);
      if (height > 0) setScrolls((all) => ({ ...all, [logRow.release]: scrollLog(logRow, height, all[logRow.release] ?? FOLLOW, scrollKey) }));
    }
  }
  return <BuildBoardView {...view} logScroll={scroll} />;
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
