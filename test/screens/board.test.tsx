import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import { render } from 'ink-testing-library';
import { createBoardStore, elapsedSeconds } from '../../src/wizard/board-store.js';
import { BuildBoard, BuildBoardView, createBoardReporter, progressBar } from '../../screens/BuildBoard.js';
import * as boardModule from '../../screens/BuildBoard.js';
import { FIRST_LINE, startCliBoard } from '../../src/cli/cli-board.js';
import { allOutput, frame, KEY, press, settle, waitFor } from './helpers.js';

function ttyStream(): { out: NodeJS.WriteStream; text: () => string } {
  const out = new PassThrough() as PassThrough & { columns: number; isTTY: boolean };
  out.columns = 100;
  out.isTTY = true;
  let text = '';
  out.on('data', (d) => (text += d.toString()));
  return { out: out as unknown as NodeJS.WriteStream, text: () => text };
}

describe('build board', () => {
  test('store: rows per kernel, progress, finished kernels in finish order', () => {
    let t = 1000;
    const store = createBoardStore({ now: () => t });
    const r = store.reporter;
    r.emit({ type: 'kernel-queued', release: 'A', objectsExpected: 4 });
    r.emit({ type: 'kernel-queued', release: 'B', objectsExpected: 4 });
    r.emit({ type: 'kernel-phase', release: 'A', phase: 'compile' });
    r.emit({ type: 'object-compiled', release: 'A', object: 'x.o', compiled: 1, expected: 4 });
    r.emit({ type: 'warning', release: 'A', message: 'x.c:1: warning: unused' });
    t = 3500;
    r.emit({ type: 'compiler-error', release: 'B', message: 'y.c:2: error: boom' });
    r.emit({ type: 'kernel-failed', release: 'B', firstError: 'y.c:2: error: boom', logFile: '/tmp/B.log', seconds: 2 });
    store.flush();
    const s = store.getSnapshot();
    assert.deepEqual(s.running.map((k) => [k.release, k.phase, k.compiled, k.expected, k.warnings]), [['A', 'compile', 1, 4, 1]]);
    assert.deepEqual(s.finished.map((k) => [k.release, k.phase, k.errors, k.logFile]), [['B', 'failed', 1, '/tmp/B.log']]);
    assert.equal(store.getSnapshot(), s, 'the snapshot is stable between publications');
    store.dispose();
  });

  test('store: notifications are throttled to ~10 a second', async () => {
    const store = createBoardStore();
    let notified = 0;
    store.subscribe(() => notified++);
    const started = Date.now();
    let i = 0;
    while (Date.now() - started < 550) {
      store.reporter.emit({ type: 'object-compiled', release: 'A', object: `${i}.o`, compiled: ++i, expected: 1e9 });
      if (i % 200 === 0) await delay(1);
    }
    await delay(150);
    const elapsed = Date.now() - started;
    assert.ok(i > 1000, `many events (${i})`);
    assert.ok(notified >= 3 && notified <= Math.ceil(elapsed / 100) + 1, `${notified} notifications in ${elapsed} ms`);
    assert.equal(store.getSnapshot().running[0].compiled, i, 'the last event is published');
    store.dispose();
  });

  test('board: bars, phases, finished kernels as ✔/✖ lines, log tail, "…and N more", q, Ctrl-C and Esc ask', async () => {
    const store = createBoardStore({ throttleMs: 10 });
    let cancelRequests = 0;
    const app = render(
      <BuildBoard store={store} maxRows={2} keys={{ confirmCancel: false, cancelling: false, onCancelRequest: () => cancelRequests++, onCancelAnswer: () => {} }} />,
    );
    const r = store.reporter;
    for (const rel of ['6.1.0-k1', '6.12.0-k2', '6.13.0-k3']) r.emit({ type: 'kernel-queued', release: rel, objectsExpected: 4 });
    r.emit({ type: 'kernel-phase', release: '6.1.0-k1', phase: 'compile' });
    r.emit({ type: 'object-compiled', release: '6.1.0-k1', object: 'a.o', compiled: 2, expected: 4 });
    r.emit({ type: 'kernel-log', release: '6.1.0-k1', line: '  CC [M]  /src/a.o' });
    let f = await waitFor(app, (x) => x.includes('2/4'), 'progress');
    assert.match(f, /6\.1\.0-k1\s+█+░+\s+2\/4 obj compile/);
    assert.match(f, /…and 1 more/);
    await press(app, 'l');
    f = await waitFor(app, (x) => x.includes('log: 6.1.0-k1'), 'log view');
    assert.match(f, /CC \[M\]  \/src\/a\.o/);
    r.emit({ type: 'kernel-done', release: '6.1.0-k1', modules: ['dummy'], seconds: 3.2 });
    r.emit({ type: 'kernel-failed', release: '6.12.0-k2', firstError: 'b.c:3: error: nope', logFile: '/tmp/k2.log', seconds: 1 });
    await waitFor(app, () => allOutput(app).includes('✖ 6.12.0-k2'), 'finished lines');
    const out = allOutput(app);
    assert.match(out, /✔ 6\.1\.0-k1  dummy\.ko  3\.2s/);
    assert.match(out, /full log: \/tmp\/k2\.log/);
    assert.doesNotMatch(frame(app), /…and \d+ more/);
    await press(app, 'q');
    assert.equal(cancelRequests, 1);
    await press(app, KEY.ctrlC);
    assert.equal(cancelRequests, 2);
    await press(app, KEY.esc);
    assert.equal(cancelRequests, 3);
    app.unmount();
    store.dispose();
  });

  test('createBoardReporter renders to the given stream and shows the final state on close', async () => {
    const out = new PassThrough() as PassThrough & { columns: number; isTTY: boolean };
    out.columns = 100;
    out.isTTY = true;
    let text = '';
    out.on('data', (d) => (text += d.toString()));
    const board = createBoardReporter({ stdout: out as unknown as NodeJS.WriteStream });
    board.reporter.emit({ type: 'kernel-queued', release: '6.1.0-zz', objectsExpected: 2 });
    board.reporter.emit({ type: 'kernel-done', release: '6.1.0-zz', modules: ['m'], seconds: 1 });
    board.close();
    await delay(20);
    assert.match(text, /✔ 6\.1\.0-zz  m\.ko/);
  });

  test('elapsed times are never negative: a row that started after the last tick shows 0.0s', async () => {
    let t = 1000;
    const store = createBoardStore({ throttleMs: 1, now: () => t });
    const app = render(<BuildBoard store={store} />);
    await settle();
    t = 1100;
    store.reporter.emit({ type: 'kernel-queued', release: '6.1.0-neg', objectsExpected: 4 });
    store.reporter.emit({ type: 'kernel-phase', release: '6.1.0-neg', phase: 'compile' });
    store.flush();
    await waitFor(app, (x) => x.includes('6.1.0-neg'), 'the row');
    await settle();
    assert.doesNotMatch(allOutput(app), /-\d+\.\ds/, 'no frame drew a negative time');
    assert.match(frame(app), /compile\s+0\.0s/);
    assert.equal(elapsedSeconds({ release: 'x', phase: 'compile', compiled: 0, expected: 0, probed: 0, probes: 0, warnings: 0, errors: 0, log: [], logStart: 0, startedAt: 2000 }, 1000), 0);
    app.unmount();
    store.dispose();
  });

  test('dudforge build draws at once: a first line before Ink is loaded, then the board with every event so far', async () => {
    const { out, text } = ttyStream();
    let release!: () => void;
    const loaded = new Promise<void>((r) => (release = r));
    const board = startCliBoard({ stream: out, load: async () => (await loaded, boardModule) });
    await delay(10);
    assert.equal(text(), FIRST_LINE, 'drawn before the board module is loaded');
    board.reporter.emit({ type: 'step-start', step: 'resolve' });
    board.reporter.emit({ type: 'kernel-queued', release: '6.1.0-early', objectsExpected: 2 });
    board.reporter.emit({ type: 'kernel-done', release: '6.1.0-early', modules: ['m'], seconds: 1 });
    release();
    await board.close();
    await delay(20);
    assert.ok(text().startsWith(`${FIRST_LINE}\r\u001B[2K`), 'the first line is replaced by the board');
    assert.match(text(), /✔ 6\.1\.0-early  m\.ko/, 'events from before the board was drawn are on it');
  });

  test('a 60-column terminal: the bar shrinks so every row stays on one line', () => {
    const store = createBoardStore({ now: () => 5000 });
    for (const rel of ['6.12.118+deb12-amd64', '6.1.0-57-amd64']) {
      store.reporter.emit({ type: 'kernel-queued', release: rel, objectsExpected: 40 });
      store.reporter.emit({ type: 'object-compiled', release: rel, object: 'a.o', compiled: 12, expected: 40 });
    }
    store.flush();
    const app = render(<BuildBoardView snapshot={store.getSnapshot()} now={6000} interactive columns={60} />);
    const rows = frame(app).split('\n').filter((l) => l.includes('compile'));
    assert.equal(rows.length, 2, frame(app));
    for (const row of rows) assert.ok(row.length <= 60, `${row.length} columns: ${row}`);
    app.unmount();
    store.dispose();
  });
});
