/**
 * Review and Done fit the terminal: long rows are cut with … (Review) or wrapped within the
 * width (Done), the content scrolls in a viewport (↑/↓ PgUp/PgDn Home/End) with a "more ↓"
 * marker, and the header and the key hints stay visible. Rendered at 60×20 and at 200 columns.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { clampOffset, moreMarker, scrollKey, stateFromAnswers, viewportHeight } from '../../src/wizard/index.js';
import { ReviewStep } from '../../screens/ReviewStep.js';
import { DoneStep } from '../../screens/DoneStep.js';
import { frame, press, settle } from './helpers.js';
import { deep, longAnswers, renderSized } from './sized.js';

export const PG = { up: '\u001B[5~', down: '\u001B[6~', home: '\u001B[H', end: '\u001B[F' };

const review = () => stateFromAnswers(longAnswers, { baseDir: '/', now: 1, projectDir: `${deep}/foo` });

function assertFits(f: string, columns: number, rows: number) {
  const lines = f.split('\n');
  assert.ok(lines.length < rows, `${lines.length} lines in a ${rows}-row terminal:\n${f}`);
  for (const l of lines) assert.ok([...l].length <= columns, `${[...l].length} columns: ${l}`);
}

describe('the viewport', () => {
  test('arithmetic: clamped offsets, scroll keys, the marker', () => {
    assert.equal(clampOffset(-3, 30, 10), 0);
    assert.equal(clampOffset(99, 30, 10), 20);
    assert.equal(clampOffset(5, 4, 10), 0, 'content shorter than the window never scrolls');
    assert.equal(scrollKey(0, { downArrow: true }, 30, 10), 1);
    assert.equal(scrollKey(0, { upArrow: true }, 30, 10), 0);
    assert.equal(scrollKey(0, { pageDown: true }, 30, 10), 9, 'a page keeps one line of context');
    assert.equal(scrollKey(15, { pageDown: true }, 30, 10), 20);
    assert.equal(scrollKey(15, { pageUp: true }, 30, 10), 6);
    assert.equal(scrollKey(7, { end: true }, 30, 10), 20);
    assert.equal(scrollKey(7, { home: true }, 30, 10), 0);
    assert.equal(scrollKey(7, { return: true }, 30, 10), undefined);
    assert.equal(viewportHeight(undefined, 5), undefined);
    assert.equal(viewportHeight(20, 5), 14);
    assert.equal(viewportHeight(4, 5), 3, 'never less than three lines');
    assert.equal(moreMarker(0, 5, 10), '');
    assert.match(moreMarker(0, 30, 10), /^more ↓ \(20 lines\)/);
    assert.match(moreMarker(20, 30, 10), /^↑ 20 more {2}/);
    assert.match(moreMarker(3, 30, 10), /↑ 3 more · more ↓ \(17 lines\)/);
  });

  test('Review at 60×20: every row fits (long paths cut with …), header and hints stay, the rest scrolls', async () => {
    const app = renderSized(<ReviewStep state={review()} />, { columns: 60, rows: 20 });
    await settle();
    let f = frame(app);
    assertFits(f, 60, 20);
    assert.match(f.split('\n')[0], /9\/10 Review/);
    assert.match(f, /Source\s+\/home\/.*…/, 'a long path is cut with …');
    assert.match(f, /more ↓/);
    assert.match(f.split('\n').at(-1)!, /Enter build/, 'the key hints are the last line');
    assert.doesNotMatch(f, /dudforge build/, 'the replay command is below the fold');
    await press(app, PG.end);
    f = frame(app);
    assertFits(f, 60, 20);
    assert.match(f.split('\n')[0], /9\/10 Review/, 'the header stays after scrolling');
    assert.match(f, /dudforge build/, 'End shows the replay command');
    assert.match(f, /↑ \d+ more/);
    assert.doesNotMatch(f, /more ↓/);
    assert.match(f.split('\n').at(-1)!, /Enter build/);
    await press(app, PG.home);
    assert.match(frame(app), /Project\s+foo/);
    await press(app, '\u001B[B', '\u001B[B');
    assert.doesNotMatch(frame(app), /Project\s+foo/, '↓ scrolls a line at a time');
    assert.match(frame(app), /↑ 2 more/);
    await press(app, PG.up);
    assert.match(frame(app), /Project\s+foo/, 'PgUp goes back a page (to the top here)');
    await press(app, PG.down);
    assert.match(frame(app), /dudforge build/, 'PgDn goes down a page (to the end here)');
    app.unmount();
  });

  test('Review at 200×50: nothing cut, nothing to scroll', async () => {
    const app = renderSized(<ReviewStep state={review()} />, { columns: 200, rows: 50 });
    await settle();
    const f = frame(app);
    assertFits(f, 200, 50);
    assert.ok(f.includes(longAnswers.source.path), 'the whole path shows');
    assert.doesNotMatch(f, /…|more ↓/);
    assert.match(f, /dudforge build/);
    app.unmount();
  });

  test('Done at 60×20: wrapped within the width, scrolls to "Using the disk", hints stay', async () => {
    const result = {
      ok: true,
      exitCode: 0 as const,
      rpms: [{ path: `${deep}/out/kmod-foo-6.1.0-57-amd64-2.1-3.x86_64.rpm`, bytes: 20480, release: 'r' }, { path: `${deep}/out/kmod-foo-6.12.118+deb12-amd64-2.1-3.x86_64.rpm`, bytes: 20480, release: 'r2' }],
      iso: { path: `${deep}/out/dd-foo-2.1-3.iso`, bytes: 3 * 1024 * 1024 },
      verify: { ok: true, problems: [] },
      srpms: [],
      failed: [],
      cancelled: false,
      signedModules: true,
      certDer: `${deep}/keys/signing_key.der`,
    };
    const app = renderSized(<DoneStep result={result} />, { columns: 60, rows: 20 });
    await settle();
    let f = frame(app);
    assertFits(f, 60, 20);
    assert.match(f.split('\n')[0], /Done/);
    assert.match(f, /more ↓/);
    assert.match(f.split('\n').at(-1)!, /Enter quit/);
    await press(app, PG.end);
    f = frame(app);
    assertFits(f, 60, 20);
    assert.match(f.split('\n')[0], /Done/);
    assert.match(f, /mokutil --import/);
    assert.match(f.split('\n').at(-1)!, /Enter quit/);
    app.unmount();
    const wide = renderSized(<DoneStep result={result} />, { columns: 200, rows: 60 });
    await settle();
    assert.doesNotMatch(frame(wide), /more ↓/);
    assert.ok(frame(wide).includes(result.iso.path));
    wide.unmount();
  });
});
