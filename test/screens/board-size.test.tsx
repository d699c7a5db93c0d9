import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { render } from 'ink-testing-library';
import { createBoardStore, type BoardStore } from '../../src/wizard/board-store.js';
import { BuildBoard, BuildBoardView } from '../../screens/BuildBoard.js';
import type { PipelineEvent } from '../../src/events.js';
import { frame, press, waitFor } from './helpers.js';

const PAGE_UP = '\u001B[5~';
const PAGE_DOWN = '\u001B[6~';
const END = '\u001B[F';
const noKeys = { confirmCancel: false, cancelling: false, onCancelRequest() {}, onCancelAnswer() {} };

function storeWith(events: PipelineEvent[], now = () => 5000): BoardStore {
  const store = createBoardStore({ now, throttleMs: 1 });
  for (const e of events) store.reporter.emit(e);
  store.flush();
  return store;
}

/** A busy build: six kernels with long releases, two finished (one failed), warnings, a long log. */
function busyBuild(): PipelineEvent[] {
  const events: PipelineEvent[] = [
    { type: 'step-start', step: 'resolve' },
    { type: 'step-end', step: 'resolve', ok: true },
    { type: 'step-start', step: 'probe' },
    { type: 'step-end', step: 'probe', ok: true },
    { type: 'step-start', step: 'build' },
    { type: 'info', message: 'probes for 6.12.118+deb12-amd64: 5 compiled, 0 cached, a long tail that would wrap' },
  ];
  const releases = ['6.12.118+deb12-amd64', '6.1.0-57-amd64', '5.14.0-503.40.1.el9_5.x86_64', '4.18.0-553.el8_10.x86_64', '6.8.0-1-generic-long-name', '6.9.0-2'];
  for (const release of releases) events.push({ type: 'kernel-queued', release, objectsExpected: 24 });
  for (const release of releases.slice(0, 4)) {
    events.push({ type: 'kernel-phase', release, phase: 'compile' });
    events.push({ type: 'object-compiled', release, object: 'a.o', compiled: 12, expected: 24 });
    events.push({ type: 'warning', release, message: 'drivers/x/a.c:10: warning: unused variable that goes on and on' });
  }
  for (let i = 0; i < 50; i++) events.push({ type: 'kernel-log', release: releases[0], line: `  CC [M]  /home/user/src/driver/file-with-a-long-name-${i}.o` });
  events.push({ type: 'kernel-done', release: '6.9.0-2', modules: ['hello'], seconds: 3 });
  events.push({ type: 'kernel-failed', release: '6.8.0-1-generic-long-name', firstError: 'b.c:3: error: a very long compiler message that goes past any narrow terminal', logFile: '/home/user/project/.dudforge/logs/6.8.0-1-generic-long-name.log', seconds: 1 });
  return events;
}

function lines(f: string): string[] {
  return f.replace(/\n+$/, '').split('\n');
}

describe('build board sizes', () => {
  test('60×20: nothing wraps (rows cut with …, the bar shrinks), the board leaves the wizard header its rows', async (t) => {
    const store = storeWith(busyBuild());
    const app = render(<BuildBoard store={store} keys={noKeys} size={{ columns: 60, rows: 20 }} />);
    t.after(() => (app.unmount(), store.dispose()));
    await press(app, 'l');
    const f = await waitFor(app, (x) => x.includes('log: 6.12.118'), 'the log pane');
    const ls = lines(f);
    for (const l of ls) assert.ok(l.length <= 59, `${l.length} columns: ${l}\n${f}`);
    assert.ok(ls.length <= 20 - 2 - 1, `${ls.length} lines:\n${f}`);
    assert.match(f, /✔ resolve\s+✔ probe\s+▸ build\s+· sign/);
    const row = ls.find((l) => l.includes('6.12.118+deb12-amd64'))!;
    assert.match(row, /6\.12\.118\+deb12-amd64 +█+░+ +12\/24 obj compile +\d+\.\ds/, 'one kernel row, on one line');
    const bar = /[█░]+/.exec(row)![0].length;
    assert.ok(bar < 24 && bar >= 6, `bar ${bar}`);
    assert.ok(ls.some((l) => l.endsWith('…')), 'long lines are cut with …');
    assert.match(f.replace(/\n/g, ''), /full log: \/home\/user\/project\/\.dudforge\/logs\/6\.8\.0-1-generic-long-name\.log/, 'the log path is wrapped, never cut');
    assert.match(f, /log: 6\.12\.118\+deb12-amd64 +↑\d+ ↓0/, 'the log pane shrank to what is left and says what is above');
    app.unmount();
    store.dispose();
  });

  test('200 columns: the bar grows (capped at 48)', async () => {
    const store = storeWith(busyBuild());
    const app = render(<BuildBoardView snapshot={store.getSnapshot()} now={6000} columns={200} rows={50} />);
    const row = lines(frame(app)).find((l) => l.includes('6.1.0-57-amd64'))!;
    assert.equal(/[█░]+/.exec(row)![0].length, 48, row);
    assert.ok(row.length <= 199);
    app.unmount();
    store.dispose();
  });

  test('the log buffer is bounded; lines dropped from its front are counted (the pane keeps its place)', () => {
    const store = createBoardStore({ now: () => 5000, logLines: 5 });
    for (let i = 0; i < 8; i++) store.reporter.emit({ type: 'kernel-log', release: 'A', line: `line ${i}` });
    store.flush();
    const row = store.getSnapshot().running[0];
    assert.deepEqual([row.log, row.logStart], [['line 3', 'line 4', 'line 5', 'line 6', 'line 7'], 3]);
    store.dispose();
  });

  test('objects done of total ("12/24 obj"); just the count when the total is unknown', () => {
    const store = storeWith([
      { type: 'kernel-queued', release: 'A', objectsExpected: 24 },
      { type: 'object-compiled', release: 'A', object: 'a.o', compiled: 12, expected: 24 },
      { type: 'kernel-queued', release: 'B', objectsExpected: 0 },
      { type: 'object-compiled', release: 'B', object: 'b.o', compiled: 3, expected: 0 },
    ]);
    const app = render(<BuildBoardView snapshot={store.getSnapshot()} now={6000} columns={80} />);
    const f = frame(app);
    assert.match(f, /A\s+█+░+\s+12\/24 obj compile/);
    assert.match(f, /B\s+░+\s+3 obj compile/);
    app.unmount();
    store.dispose();
  });

  test('the probe phase does not move the build bar: it only goes forward, probe → build', () => {
    const store = createBoardStore({ now: () => 5000, throttleMs: 1 });
    const fills: number[] = [];
    let last = '';
    const emit = (e: PipelineEvent) => {
      store.reporter.emit(e);
      store.flush();
      const app = render(<BuildBoardView snapshot={store.getSnapshot()} now={6000} columns={80} />);
      const row = lines(frame(app)).find((l) => l.includes('6.1.0-p'));
      fills.push(row ? (row.match(/█/g) ?? []).length : 0);
      if (row) last = row;
      app.unmount();
    };
    emit({ type: 'step-start', step: 'probe' });
    emit({ type: 'kernel-phase', release: '6.1.0-p', phase: 'probe' });
    emit({ type: 'kernel-phase', release: '6.12.0-cached', phase: 'probe' });
    // Every probe answer of this kernel was cached: the probe step says 'cached' for it.
    emit({ type: 'kernel-phase', release: '6.12.0-cached', phase: 'cached' });
    for (let i = 1; i <= 3; i++) emit({ type: 'object-compiled', release: '6.1.0-p', object: `p${i}.o`, compiled: i, expected: 3, stage: 'probe' });
    emit({ type: 'step-end', step: 'probe', ok: true });
    assert.deepEqual(store.getSnapshot().running.map((r) => r.phase), ['queued', 'queued'], 'probing over: both wait for their build');
    emit({ type: 'step-start', step: 'build' });
    emit({ type: 'kernel-queued', release: '6.1.0-p', objectsExpected: 4 });
    emit({ type: 'kernel-queued', release: '6.12.0-cached', objectsExpected: 4 });
    const snap = store.getSnapshot();
    assert.deepEqual(snap.running.map((r) => r.release), ['6.1.0-p', '6.12.0-cached'], 'a kernel whose probes were cached is still to be built');
    emit({ type: 'kernel-phase', release: '6.1.0-p', phase: 'compile' });
    for (let i = 1; i <= 4; i++) emit({ type: 'object-compiled', release: '6.1.0-p', object: `o${i}.o`, compiled: i, expected: 4 });
    for (let i = 1; i < fills.length; i++) assert.ok(fills[i] >= fills[i - 1], `the bar went back: ${fills.join(' ')}`);
    assert.match(last, /█ +4\/4 obj/, 'full at the end');
    assert.doesNotMatch(last, /░/);
    assert.equal(Math.max(...fills.slice(0, 10)), 0, `probe objects do not fill the build bar: ${fills.join(' ')}`);
    store.dispose();
  });

  test('PgUp/PgDn scroll the selected kernel’s log; new lines keep it pinned only at the bottom', async (t) => {
    const store = createBoardStore({ now: () => 5000, throttleMs: 1 });
    t.after(() => store.dispose());
    store.reporter.emit({ type: 'kernel-queued', release: '6.1.0-log', objectsExpected: 4 });
    for (let i = 0; i < 60; i++) store.reporter.emit({ type: 'kernel-log', release: '6.1.0-log', line: `line ${i}` });
    store.flush();
    const app = render(<BuildBoard store={store} keys={noKeys} size={{ columns: 80, rows: 24 }} />);
    t.after(() => app.unmount());
    await press(app, 'l');
    let f = await waitFor(app, (x) => x.includes('line 59'), 'the log tail');
    const shown = (x: string) => [...x.matchAll(/line (\d+)/g)].map((m) => Number(m[1]));
    const height = shown(f).length;
    assert.ok(height >= 3, f);
    await press(app, PAGE_UP);
    f = await waitFor(app, (x) => !x.includes('line 59'), 'scrolled up');
    const top = shown(f)[0];
    assert.equal(top, 60 - height - (height - 1), f);
    for (let i = 60; i < 70; i++) store.reporter.emit({ type: 'kernel-log', release: '6.1.0-log', line: `line ${i}` });
    store.flush();
    await waitFor(app, (x) => x.includes('↓'), 'the new lines counted below');
    assert.equal(shown(frame(app))[0], top, 'scrolled up, the view stays on its lines');
    await press(app, PAGE_DOWN);
    assert.equal(shown(frame(app))[0], top + height - 1);
    await press(app, END);
    f = await waitFor(app, (x) => x.includes('line 69'), 'the bottom again');
    store.reporter.emit({ type: 'kernel-log', release: '6.1.0-log', line: 'line 70' });
    store.flush();
    await waitFor(app, (x) => x.includes('line 70'), 'pinned at the bottom, new lines show');
    app.unmount();
    store.dispose();
  });

  test('without colour the phase strip still says which phases are done and which runs (glyphs)', () => {
    const store = storeWith([
      { type: 'step-start', step: 'resolve' },
      { type: 'step-end', step: 'resolve', ok: true },
      { type: 'step-start', step: 'probe', detail: 'skipped: no probe file' },
      { type: 'step-end', step: 'probe', ok: true, detail: 'skipped' },
      { type: 'step-start', step: 'build' },
    ]);
    const app = render(<BuildBoardView snapshot={store.getSnapshot()} now={6000} columns={80} />);
    const raw = app.lastFrame() ?? '';
    assert.doesNotMatch(raw, /\u001B\[3\dm/, 'FORCE_COLOR=0 (what NO_COLOR maps to): no colour codes');
    assert.match(raw, /✔ resolve {2}– probe {2}▸ build {2}· sign {2}· package {2}· disk {2}· verify/);
    app.unmount();
    store.dispose();
  });
});
