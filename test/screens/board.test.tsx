import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import { render } from 'ink-testing-library';
import { createBoardStore } from '../../src/wizard/board-store.js';
import { BuildBoard, createBoardReporter, progressBar } from '../../screens/BuildBoard.js';
import { allOutput, frame, KEY, press, waitFor } from './helpers.js';

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
    assert.match(f, new RegExp(`6\\.1\\.0-k1\\s+${progressBar(2, 4)}\\s+2/4 compile`));
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
});
