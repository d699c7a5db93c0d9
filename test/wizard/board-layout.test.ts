import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { BAR_MAX, BAR_MIN, fit, heightLayout, LOG_CHROME, rowLayout, truncate } from '../../src/wizard/board-layout.js';
import { FOLLOW, logWindow, scrollLog, type LogBuffer, type LogScroll } from '../../src/wizard/log-view.js';
import { phaseStrip, stripText } from '../../src/wizard/phase-strip.js';

/** A row as the board draws it, for its width: marks, release, bar, objects, phase, time. */
function rowWidth(releaseWidth: number, barWidth: number, objectsWidth: number): number {
  return 2 + 1 + releaseWidth + 1 + barWidth + 1 + objectsWidth + 1 + 8 + 1 + 6;
}

describe('board layout', () => {
  test('60 columns: the bar shrinks, then the release gives way; the row never reaches the last column', () => {
    const l = rowLayout(60, '6.12.118+deb12-amd64'.length, 9);
    assert.equal(l.releaseWidth, 20);
    assert.ok(l.barWidth >= BAR_MIN && l.barWidth < 24, `bar ${l.barWidth}`);
    assert.ok(rowWidth(l.releaseWidth, l.barWidth, 9) <= 59);
    // A long release on a narrow terminal is cut, not wrapped.
    const narrow = rowLayout(50, 40, 11);
    assert.equal(narrow.barWidth, BAR_MIN);
    assert.ok(narrow.releaseWidth < 40);
    assert.ok(rowWidth(narrow.releaseWidth, narrow.barWidth, 11) <= 49);
  });

  test('200 columns: the bar grows, capped', () => {
    const l = rowLayout(200, 20, 9);
    assert.equal(l.barWidth, BAR_MAX);
    assert.ok(rowLayout(100, 20, 9).barWidth > 24);
  });

  test('truncate and fit mark what was cut with …', () => {
    assert.equal(truncate('6.12.118+deb12-amd64', 10), '6.12.118+…');
    assert.equal(truncate('short', 10), 'short');
    assert.equal(fit('ab', 4), 'ab  ');
    assert.equal(truncate('abc', 0), '');
  });

  test('height: the log pane shrinks first, then finished lines, then kernel rows; never the whole terminal', () => {
    const base = { reserved: 2, fixed: 4, running: 3, maxRows: 8, finished: [1, 2, 1], log: true };
    const tall = heightLayout({ ...base, rows: 60 });
    assert.deepEqual([tall.kernelRows, tall.finishedShown], [3, 3]);
    assert.equal(tall.logLines, 15, 'capped');
    const used = (l: ReturnType<typeof heightLayout>, finished: number[]) =>
      base.fixed + l.kernelRows + (l.kernelRows < base.running ? 1 : 0) + finished.slice(finished.length - l.finishedShown).reduce((a, b) => a + b, 0) + (l.finishedShown < finished.length ? 1 : 0) + (l.logLines ? l.logLines + LOG_CHROME : 0);
    for (let rows = 10; rows <= 40; rows++) {
      const l = heightLayout({ ...base, rows });
      assert.ok(used(l, base.finished) <= rows - base.reserved - 1, `${rows} rows: ${JSON.stringify(l)}`);
    }
    // 20 rows: 17 for the board; 4 fixed + 3 kernels + 4 finished = 11, 6 left: the log gets 3.
    assert.deepEqual(heightLayout({ ...base, rows: 20 }), { kernelRows: 3, finishedShown: 3, logLines: 3 });
    // 15 rows: no room for the log; the oldest finished lines go before any kernel row.
    const short = heightLayout({ ...base, rows: 15 });
    assert.equal(short.logLines, 0);
    assert.equal(short.kernelRows, 3);
    const tiny = heightLayout({ ...base, rows: 10 });
    assert.equal(tiny.finishedShown, 0);
    assert.ok(tiny.kernelRows < 3);
  });
});

describe('board log view', () => {
  const buffer = (n: number, start = 0): LogBuffer => ({ log: Array.from({ length: n }, (_, i) => `line ${start + i}`), logStart: start });

  test('follows new lines at the bottom; PgUp stays on its lines while more arrive; End follows again', () => {
    let b = buffer(100);
    let s: LogScroll = FOLLOW;
    assert.deepEqual(logWindow(b, 5, s).lines, ['line 95', 'line 96', 'line 97', 'line 98', 'line 99']);
    s = scrollLog(b, 5, s, 'pageUp');
    assert.deepEqual(s, { follow: false, top: 91 });
    assert.equal(logWindow(b, 5, s).lines[0], 'line 91');
    b = buffer(120);
    assert.equal(logWindow(b, 5, s).lines[0], 'line 91', 'scrolled up: new lines do not move the view');
    s = scrollLog(b, 5, s, 'pageDown');
    assert.equal(logWindow(b, 5, s).lines[0], 'line 95');
    s = scrollLog(b, 5, s, 'end');
    assert.deepEqual(s, FOLLOW);
    b = buffer(130);
    assert.equal(logWindow(b, 5, s).lines[4], 'line 129', 'at the bottom: pinned to new lines');
  });

  test('Home goes to the first line kept; PgDn at the end follows; lines dropped from the buffer clamp the view', () => {
    const b = buffer(50, 200);
    const home = scrollLog(b, 10, FOLLOW, 'home');
    assert.deepEqual(logWindow(b, 10, home).lines[0], 'line 200');
    assert.equal(logWindow(b, 10, home).above, 0);
    assert.equal(logWindow(b, 10, home).below, 40);
    let s = home;
    for (let i = 0; i < 10; i++) s = scrollLog(b, 10, s, 'pageDown');
    assert.deepEqual(s, FOLLOW);
    // The view was on line 200; the buffer now starts at 230: it shows the first line kept.
    assert.equal(logWindow(buffer(50, 230), 10, home).lines[0], 'line 230');
    // A log shorter than the pane: nothing to scroll.
    assert.deepEqual(scrollLog(buffer(3), 10, FOLLOW, 'pageUp'), FOLLOW);
  });
});

describe('board phase strip', () => {
  test('done ✔, current ▸, skipped –, failed ✖, not yet ·; repodata counts as disk', () => {
    const strip = phaseStrip([
      { step: 'resolve', state: 'ok' },
      { step: 'probe', state: 'ok', detail: 'skipped' },
      { step: 'build', state: 'ok' },
      { step: 'sign', state: 'ok', detail: 'skipped' },
      { step: 'package', state: 'ok' },
      { step: 'repodata', state: 'running' },
    ]);
    assert.equal(stripText(strip), '✔ resolve  – probe  ✔ build  – sign  ✔ package  ▸ disk  · verify');
    assert.equal(phaseStrip([{ step: 'build', state: 'failed' }]).find((p) => p.phase === 'build')?.state, 'failed');
  });
});
