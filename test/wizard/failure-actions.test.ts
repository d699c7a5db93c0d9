/**
 * The reducer's side of the failure screen: a failed build ends on 'done' with its result (the
 * screen draws the FailureReport); retry and "write the disk with what built" start a new run
 * (the second with allowPartial); an error in a step after the build stays on the failure screen,
 * an error before it (bad answers, missing tools) goes back to Review.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { wizardReducer } from '../../src/wizard/reducer.js';
import { buildNotRun, initialState, type BuildOutcome, type WizardState } from '../../src/wizard/state.js';

const failed: BuildOutcome = {
  ok: false,
  exitCode: 1,
  rpms: [],
  srpms: [],
  built: ['6.1.0-a'],
  failed: [{ release: '6.12.0-b', firstError: '/d/x.c:1:1: error: e', logFile: '/p/.dudforge/logs/6.12.0-b.log' }],
  cancelled: false,
  signedModules: false,
};

function building(): WizardState {
  const s = initialState({ baseDir: '/tmp', projectDir: '/tmp/p', now: 1700000000 });
  return { ...s, step: 'build', build: { running: true, confirmCancel: false, cancelling: false, runId: 1 } };
}

test('a failed build ends on done with its result; retry starts a new run of every kernel', () => {
  const done = wizardReducer(building(), { type: 'build-finished', result: failed });
  assert.equal(done.step, 'done');
  assert.equal(done.result, failed);
  assert.equal(done.lastResult, 'failed');
  const retry = wizardReducer(done, { type: 'retry-failed' });
  assert.equal(retry.step, 'build');
  assert.deepEqual(retry.build, { running: true, confirmCancel: false, cancelling: false, runId: 2 });
  assert.equal(retry.result, undefined);
  assert.equal(retry.save?.step, 'build', 'saved as running before it starts');
});

test('write-partial starts a run with allowPartial, only when some kernel built', () => {
  const done = wizardReducer(building(), { type: 'build-finished', result: failed });
  const partial = wizardReducer(done, { type: 'write-partial' });
  assert.equal(partial.step, 'build');
  assert.equal(partial.build.allowPartial, true);
  const none = wizardReducer(building(), { type: 'build-finished', result: { ...failed, built: [] } });
  assert.equal(wizardReducer(none, { type: 'write-partial' }), none, 'nothing built: nothing to write');
  // A success is not retried.
  const ok = wizardReducer(building(), { type: 'build-finished', result: { ...failed, ok: true, exitCode: 0, failed: [] } });
  assert.equal(wizardReducer(ok, { type: 'retry-failed' }), ok);
});

test('an error after the build stays on the failure screen; one before it goes back to Review', () => {
  const packaging = wizardReducer(building(), { type: 'build-finished', result: { ...buildNotRun('no space left on /p/out'), failedStep: 'package' } });
  assert.equal(packaging.step, 'done');
  assert.equal(packaging.result?.failedStep, 'package');
  const resolve = wizardReducer(building(), { type: 'build-finished', result: { ...buildNotRun('source: /x does not exist'), failedStep: 'resolve' } });
  assert.equal(resolve.step, 'review');
  assert.match(resolve.error?.message ?? '', /does not exist/);
});
