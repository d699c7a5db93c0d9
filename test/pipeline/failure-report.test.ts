/**
 * failureReport: one reading of a BuildResult that did not fully succeed, for the CLI's summary
 * and the wizard's failure screen alike (titles, failed kernels, what built, --allow-partial).
 * The log pane's scrolling (failure-view.ts) is pure too and tested here with it.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { failedAfterBuild, failureReport } from '../../src/pipeline/failure-report.js';
import type { BuildResult } from '../../src/pipeline/run.js';
import { formatSummary } from '../../src/cli/run-build.js';
import { clampTop, failureActions, firstErrorTop, fullLayoutRows, logRows, logFileWindow, scrollLogTop } from '../../src/wizard/failure-view.js';

const A = '6.1.0-57-amd64';
const B = '6.12.118+deb12-amd64';

function result(over: Partial<BuildResult>): BuildResult {
  return { ok: false, exitCode: 1, rpms: [], srpms: [], failed: [], cancelled: false, signedModules: false, ...over };
}

const failedB = {
  release: B,
  firstError: '/home/u/drv/oldapi.c:2:10: fatal error: asm/unaligned.h: No such file or directory',
  logFile: `/home/u/proj/.dudforge/logs/${B}.log`,
  knownChanges: ['known kernel API change (6.12): <asm/unaligned.h> moved to <linux/unaligned.h>.'],
};

describe('failureReport', () => {
  test('a success and a cancelled run are not failures', () => {
    assert.equal(failureReport(result({ ok: true, exitCode: 0 })), undefined);
    assert.equal(failureReport(result({ cancelled: true, failed: [failedB] })), undefined);
  });

  test('one of two kernels failed, no disk: the title counts them, the partial disk is offered', () => {
    const r = failureReport(result({ built: [A], failed: [failedB] }))!;
    assert.equal(r.title, 'Build failed: 1 of 2 kernels');
    assert.deepEqual(r.built, [A]);
    assert.equal(r.total, 2);
    assert.equal(r.canWritePartial, true);
    assert.equal(r.partialDisk, undefined);
    assert.deepEqual(r.failed, [failedB]);
  });

  test('every kernel failed: nothing to write a disk with', () => {
    const r = failureReport(result({ built: [], failed: [failedB, { ...failedB, release: A, knownChanges: undefined }] }))!;
    assert.equal(r.title, 'Build failed: 2 of 2 kernels');
    assert.equal(r.canWritePartial, false);
    assert.deepEqual(r.failed[1].knownChanges, []);
  });

  test('a partial disk written (--allow-partial): it says so, and offers no second partial write', () => {
    const r = failureReport(result({ built: [A], failed: [failedB], iso: { path: '/p/out/dd.iso', bytes: 1 }, rpms: [{ path: '/p/out/k.rpm', bytes: 1, release: A }] }))!;
    assert.equal(r.title, 'Partial disk: 1 of 2 kernels failed');
    assert.equal(r.partialDisk, '/p/out/dd.iso');
    assert.equal(r.canWritePartial, false);
  });

  test('a step after the build: verification, or an error thrown while packaging', () => {
    const v = failureReport(result({ built: [A], verify: { ok: false, problems: ['repodata lists a missing RPM'] } }))!;
    assert.equal(v.title, 'Verification failed');
    assert.deepEqual(v.problems, ['repodata lists a missing RPM']);
    const p = failureReport({ ...result({}), error: 'no space left on /p/out', failedStep: 'package' })!;
    assert.equal(p.title, 'Packaging failed');
    assert.deepEqual(p.problems, ['no space left on /p/out']);
    assert.equal(failedAfterBuild({ failedStep: 'package' }), true);
    assert.equal(failedAfterBuild({ failedStep: 'resolve' }), false, 'bad inputs go back to Review');
  });

  test('the CLI summary says what the report says', () => {
    const r = result({ built: [A], failed: [failedB] });
    const report = failureReport(r)!;
    const text = formatSummary(r);
    assert.ok(text.includes(`✖ ${report.title}`), text);
    assert.ok(text.includes(failedB.firstError));
    assert.ok(text.includes(failedB.knownChanges[0]));
    assert.ok(text.includes(`full log: ${failedB.logFile}`));
    assert.match(text, /--allow-partial writes one with the 1 that built/);
    assert.doesNotMatch(formatSummary(result({ built: [], failed: [failedB] })), /--allow-partial/, 'not offered when nothing built');
  });
});

describe('the failure screen, pure parts', () => {
  test('the full layout needs more rows on a narrow terminal (the screen goes compact when they do not fit)', () => {
    const report = failureReport(result({ built: [A], failed: [failedB] }))!;
    assert.ok(fullLayoutRows(report, 60) > fullLayoutRows(report, 200));
    assert.ok(fullLayoutRows(report, 200) < 20, 'one kernel fits 200×20 in full');
  });

  test('actions: write-partial only when it can be done', () => {
    const keys = (over: Partial<BuildResult>) => failureActions(failureReport(result(over))!, B).map((a) => a.key);
    assert.deepEqual(keys({ built: [A], failed: [failedB] }), ['r', 'w', 'l', 'Esc', 'q']);
    assert.deepEqual(keys({ built: [], failed: [failedB] }), ['r', 'l', 'Esc', 'q']);
  });

  test('the log opens just above its first compiler error and scrolls within its lines', () => {
    const lines = Array.from({ length: 100 }, (_, i) => (i === 40 ? '/d/x.c:3:1: error: boom' : `line ${i}`));
    assert.equal(firstErrorTop(lines, 10), 38);
    assert.equal(firstErrorTop(['make: ok', 'done'], 10), 0, 'no error: the top of a short log');
    assert.equal(scrollLogTop(100, 10, 38, { pageDown: true }), 47);
    assert.equal(scrollLogTop(100, 10, 38, { pageUp: true }), 29);
    assert.equal(scrollLogTop(100, 10, 38, { end: true }), 90);
    assert.equal(scrollLogTop(100, 10, 38, { home: true }), 0);
    assert.equal(scrollLogTop(100, 10, 0, { upArrow: true }), 0);
    assert.equal(scrollLogTop(100, 10, 38, {}), undefined);
    assert.equal(clampTop(5, 10, 3), 0);
    assert.deepEqual(logRows(['short', 'x'.repeat(25), '\tcc'], 10), ['short', 'x'.repeat(10), 'x'.repeat(10), 'x'.repeat(5), '        cc']);
    const w = logFileWindow(lines, 10, 95);
    assert.deepEqual([w.top, w.lines.length, w.above, w.below], [90, 10, 90, 0]);
  });
});
