/**
 * The failure screen at 60 and 200 columns: titled by what happened (never "Done"), each failed
 * kernel's first error and log path, the actions; `l` opens the focused kernel's real log file at
 * its first error and PgUp/PgDn/Home/End scroll it; r, w, Esc and q reach their callbacks.
 */
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { render } from 'ink-testing-library';
import { FailureScreen } from '../../screens/FailureScreen.js';
import { buildNotRun, type BuildOutcome } from '../../src/wizard/state.js';
import { frame, KEY, press, waitFor } from './helpers.js';
import { tempDir } from '../wizard/helpers.js';

const PAGE_UP = '\u001B[5~';
const PAGE_DOWN = '\u001B[6~';
const HOME = '\u001B[H';

const dir = tempDir('dudforge-failure-screen-');
after(() => rmSync(dir, { recursive: true, force: true }));

const A = '6.1.0-57-amd64';
const B = '6.12.118+deb12-amd64';
const logB = join(dir, `${B}.log`);
const longError = `${dir}/driver/oldapi.c:2:10: fatal error: asm/unaligned.h: No such file or directory (a message long enough to pass sixty columns)`;
writeFileSync(logB, [...Array.from({ length: 60 }, (_, i) => `  CC [M]  build line ${i}`), longError, ...Array.from({ length: 60 }, (_, i) => `after ${i}`)].join('\n'));

function failed(over: Partial<BuildOutcome> = {}): BuildOutcome {
  return {
    ok: false,
    exitCode: 1,
    rpms: [],
    srpms: [],
    built: [A],
    failed: [{ release: B, firstError: longError, logFile: logB, knownChanges: ['known kernel API change (6.12): <asm/unaligned.h> moved to <linux/unaligned.h>.'] }],
    cancelled: false,
    signedModules: false,
    ...over,
  };
}

function renderAt(columns: number, result: BuildOutcome, rows = 24) {
  const calls: string[] = [];
  const props = {
    result,
    onRetry: () => calls.push('retry'),
    onWritePartial: () => calls.push('partial'),
    onBack: () => calls.push('back'),
    onQuit: (code: number) => calls.push(`quit ${code}`),
  };
  const app = render(<FailureScreen {...props} />);
  // ink-testing-library's stdout is 100 columns: this one is as wide as the test says.
  Object.defineProperty(app.stdout, 'columns', { get: () => columns });
  Object.defineProperty(app.stdout, 'rows', { get: () => rows });
  app.rerender(<FailureScreen {...props} />);
  return { app, calls };
}

const rowsOf = (f: string) => f.replace(/\n+$/, '').split('\n');

describe('failure screen', () => {
  for (const [columns, rows] of [
    [60, 20],
    [200, 50],
  ]) {
    test(`${columns}×${rows}: the title says what failed, the first error, the log, the actions; nothing wider or taller than the terminal`, async () => {
      const { app } = renderAt(columns, failed(), rows);
      const drawn = await waitFor(app, (x) => x.includes('Build failed: 1 of 2 kernels'), 'the failure screen');
      // What is said, whatever wraps where.
      const f = drawn.replace(/\s+/g, ' ');
      assert.doesNotMatch(f, /Done/);
      assert.match(f, new RegExp(`✖ ${B.replace(/[.+]/g, '\\$&')}`));
      assert.match(f, /asm\/unaligned\.h: No such file or directory/);
      assert.match(f, /known kernel API change \(6\.12\)/);
      assert.match(f, /log: /);
      assert.match(f, new RegExp(`✔ (built: )?${A.replace(/[.+]/g, '\\$&')}`));
      if (columns === 200) {
        // Room for everything: each action on its own line, said in full.
        assert.match(f, /r retry the failed kernel \(the kernel that built comes from the cache\)/);
        assert.match(f, /w write the disk with the 1 kernel that built/);
        assert.match(f, /Esc back to Review/);
        assert.match(f, /q quit/);
        assert.ok(rowsOf(drawn).some((r) => r.includes(longError)), 'at 200 columns the first error is on one line');
      } else {
        // 60×20: the compact layout, the actions on one line.
        assert.match(f, /r retry · w write the disk with what built · l log · Esc Review · q quit/);
        assert.ok(!rowsOf(drawn).some((r) => r.includes(longError)), 'at 60 it wraps within the width');
      }
      for (const row of rowsOf(drawn)) assert.ok(row.length <= columns, `${row.length} > ${columns}: ${row}`);
      assert.ok(rowsOf(drawn).length < rows, `${rowsOf(drawn).length} rows at ${rows}:\n${drawn}`);
      app.unmount();
    });
  }

  test('l opens the log at its first error; PgUp/PgDn/Home scroll it; Esc closes it', async () => {
    const { app } = renderAt(80, failed());
    await waitFor(app, (x) => x.includes('Build failed'), 'the failure screen');
    await press(app, 'l');
    let f = await waitFor(app, (x) => x.includes(`Log of ${B}`), 'the log pane');
    assert.match(f, /rows 59–/, 'opened two lines above the error (line 61)');
    assert.ok(f.includes(longError.slice(0, 40)));
    await press(app, PAGE_DOWN);
    f = frame(app);
    assert.match(f, /rows 77–/);
    assert.doesNotMatch(f, /fatal error/);
    await press(app, PAGE_UP, PAGE_UP);
    assert.match(frame(app), /rows 41–/);
    await press(app, HOME);
    assert.match(frame(app), /rows 1–/);
    assert.match(frame(app), /build line 0\n/);
    await press(app, KEY.esc);
    await waitFor(app, (x) => x.includes('Build failed: 1 of 2 kernels'), 'back on the failure screen');
    app.unmount();
  });

  test('r retries, w writes the partial disk, Esc goes back, q and Ctrl-C quit', async () => {
    const { app, calls } = renderAt(80, failed());
    await waitFor(app, (x) => x.includes('Build failed'), 'the failure screen');
    await press(app, 'r', 'w', KEY.esc, 'q', KEY.ctrlC);
    assert.deepEqual(calls, ['retry', 'partial', 'back', 'quit 1', 'quit 130']);
    app.unmount();
  });

  test('two failed kernels on a short screen: the focused one in full, ↓ moves, l opens the focused log', async () => {
    const logA = join(dir, `${A}.log`);
    writeFileSync(logA, `${dir}/driver/oldapi.c:9:1: error: only on ${A}\n`);
    const two = failed({ built: [], failed: [failed().failed[0], { release: A, firstError: `${dir}/driver/oldapi.c:9:1: error: only on ${A}`, logFile: logA }] });
    const { app } = renderAt(60, two, 16);
    let f = await waitFor(app, (x) => x.includes('Build failed: 2 of 2 kernels'), 'the failure screen');
    assert.match(f, new RegExp(`❯ ✖ ${B.replace(/[.+]/g, '\\$&')}`));
    assert.match(f, new RegExp(`  ✖ ${A}  /tmp.*…`), 'the other kernel is one row');
    assert.ok(rowsOf(f).length < 16, f);
    await press(app, KEY.down);
    f = frame(app);
    assert.match(f, new RegExp(`❯ ✖ ${A}`));
    await press(app, 'l');
    f = await waitFor(app, (x) => x.includes(`Log of ${A}`), 'the log of the focused kernel');
    // A long line is cut into rows of the width, never truncated: its end is on screen.
    for (const row of rowsOf(f)) assert.ok(row.length <= 60, row);
    assert.ok(f.replace(/\n/g, '').includes(`oldapi.c:9:1: error: only on ${A}`), f);
    app.unmount();
  });

  test('a step after the build failed: titled by the step, its error shown, build again offered', async () => {
    const { app } = renderAt(80, { ...buildNotRun('no space left on device: /p/out — free some space'), failedStep: 'package' });
    const f = await waitFor(app, (x) => x.includes('Packaging failed'), 'the failure screen');
    assert.doesNotMatch(f, /Done|write the disk/);
    assert.match(f, /no space left on device: \/p\/out/);
    assert.match(f, /r +build again/);
    app.unmount();
  });

  test('nothing built: no partial disk offered, and w does nothing', async () => {
    const { app, calls } = renderAt(80, failed({ built: [] }));
    const f = await waitFor(app, (x) => x.includes('Build failed: 1 of 1 kernel'), 'the failure screen');
    assert.doesNotMatch(f, /write the disk/);
    await press(app, 'w');
    assert.deepEqual(calls, []);
    app.unmount();
  });

  test('a partial disk written: it names the disk and what it lacks', async () => {
    const { app } = renderAt(80, failed({ iso: { path: '/p/out/dd-x-1-1.iso', bytes: 4096 } }), 40);
    const f = await waitFor(app, (x) => x.includes('Partial disk: 1 of 2 kernels failed'), 'the partial screen');
    assert.match(f.replace(/\s+/g, ' '), /Driver disk \(partial\): \/p\/out\/dd-x-1-1\.iso/);
    assert.match(f, /PARTIAL-BUILD\.txt/);
    assert.doesNotMatch(f, /write the disk/);
    app.unmount();
  });
});
