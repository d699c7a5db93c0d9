/**
 * Tab completes path fields against a real temp dir: the common prefix of the matching entries,
 * a `/` after a single directory, the matches listed on a line under the field when Tab can add
 * nothing (cut to the width at 60 columns); Tab still moves focus in other fields and in an
 * empty path field.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WizardFlow } from '../../screens/App.js';
import { defaultDeps } from '../../src/wizard/deps.js';
import { completePath, extrasRows, initialState, wizardReducer, type WizardState } from '../../src/wizard/index.js';
import { frame, KEY, press, settle, type } from './helpers.js';
import { renderSized } from './sized.js';
import { tempDir } from '../wizard/helpers.js';

describe('path completion', () => {
  let base: string;
  before(() => {
    base = tempDir();
    for (const d of ['drivers', 'drivers-old', 'docs', '.hidden', join('drivers', 'net')]) mkdirSync(join(base, d), { recursive: true });
    writeFileSync(join(base, 'drv.c'), '');
    writeFileSync(join(base, 'driver.tar.gz'), '');
  });
  after(() => rmSync(base, { recursive: true, force: true }));

  test('completePath against a real directory', () => {
    assert.deepEqual(completePath('dr', base), { value: 'dr', candidates: ['driver.tar.gz', 'drivers/', 'drivers-old/', 'drv.c'] });
    assert.deepEqual(completePath('driv', base), { value: 'driver', candidates: ['driver.tar.gz', 'drivers/', 'drivers-old/'] });
    assert.deepEqual(completePath('driv', base, { dirsOnly: true }), { value: 'drivers', candidates: ['drivers/', 'drivers-old/'] });
    assert.deepEqual(completePath('do', base), { value: 'docs/', candidates: ['docs/'] });
    assert.deepEqual(completePath('drivers/n', base), { value: 'drivers/net/', candidates: ['net/'] });
    assert.deepEqual(completePath(`${base}/drivers/`, '/'), { value: `${base}/drivers/net/`, candidates: ['net/'] });
    assert.deepEqual(completePath('.h', base), { value: '.hidden/', candidates: ['.hidden/'] }, 'hidden entries when the prefix starts with a dot');
    assert.ok(!completePath('', base).candidates.includes('.hidden/'), 'and only then');
    assert.deepEqual(completePath('~/x', base, { home: base, list: (d) => (d === `${base}/` || d === base ? [{ name: 'xyz', dir: true }] : []) }).value, '~/xyz/');
    assert.deepEqual(completePath('nope/x', base), { value: 'nope/x', candidates: [] });
  });

  test('reducer: Tab completes a path field, lists on a second Tab, moves focus elsewhere', () => {
    const key = (s: WizardState, input: string, k = {}) => wizardReducer(s, { type: 'key', input, key: k });
    let s = initialState({ baseDir: base, now: 1, projectDir: '' });
    s = key(s, '', { tab: true });
    assert.equal(s.focus, 1, 'Tab in the name field moves to the directory');
    s = key(s, 'dri');
    s = key(s, '', { tab: true });
    assert.equal(s.fields['project.dir'].value, 'drivers', 'directories only: the common prefix');
    assert.equal(s.focus, 1);
    assert.equal(s.completions, undefined);
    s = key(s, '', { tab: true });
    assert.deepEqual(s.completions, ['drivers/', 'drivers-old/']);
    s = key(s, '/');
    assert.equal(s.completions, undefined, 'the list goes with the next key');
    s = key(s, '', { tab: true });
    assert.equal(s.fields['project.dir'].value, 'drivers/net/');
  });

  for (const columns of [60, 200]) {
    test(`step 2 at ${columns} columns: Tab, Tab lists the matches on one line under the field`, async () => {
      const deps = defaultDeps({ confCwd: join(base, 'conf') });
      const s = { ...initialState({ baseDir: base, now: 1, sourceKinds: deps.sourceKinds() }), step: 'source' as const, focus: 1 };
      const app = renderSized(<WizardFlow deps={deps} initial={s} onLeave={() => {}} />, { columns, rows: 30 });
      await settle();
      await type(app, 'dr');
      await press(app, KEY.tab);
      let f = frame(app);
      assert.match(f, /Directory\s+drivers▏?\n/, 'directories only: extended to the common prefix');
      await press(app, KEY.tab);
      f = frame(app);
      assert.match(f, /Directory\s+drivers▏?\n\s+drivers\/ {2}drivers-old\//, 'the second Tab lists the matches under the field');
      for (const l of f.split('\n')) assert.ok([...l].length <= columns, l);
      await press(app, '/', 'n', KEY.tab);
      f = frame(app);
      assert.match(f, /Directory\s+drivers\/net\//);
      assert.doesNotMatch(f, /drivers-old\//);
      app.unmount();
    });
  }
});

test('step 5: the build tree path completes with Tab too', () => {
  const base = tempDir();
  try {
    mkdirSync(join(base, 'kernels', 'linux-6.1'), { recursive: true });
    let s: WizardState = { ...initialState({ baseDir: base, now: 1 }), step: 'kernels', kernels: [], addingKernel: true };
    s = wizardReducer(s, { type: 'key', input: 'kern', key: {} });
    s = wizardReducer(s, { type: 'key', input: '', key: { tab: true } });
    s = wizardReducer(s, { type: 'key', input: '', key: { tab: true } });
    assert.equal(s.fields['kernels.add'].value, 'kernels/linux-6.1/');
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
});

test('Extras: the firmware tree and udev rules rows complete with Tab too', () => {
  const base = tempDir();
  try {
    mkdirSync(join(base, 'fwtree'), { recursive: true });
    writeFileSync(join(base, '70-acme.rules'), '');
    let s: WizardState = { ...initialState({ baseDir: base, now: 1 }), step: 'extras', focus: 1 };
    s = wizardReducer(s, { type: 'text', edit: { type: 'clear' } });
    s = wizardReducer(s, { type: 'key', input: 'fw', key: {} });
    s = wizardReducer(s, { type: 'key', input: '', key: { tab: true } });
    assert.equal(s.fields['extras.firmwareTree'].value, 'fwtree/');
    assert.equal(s.focus, 1, 'Tab completed instead of moving on');
    const rows = extrasRows(s);
    s = { ...s, focus: rows.findIndex((r) => r.kind === 'field' && r.key === 'extras.udevRules') };
    s = wizardReducer(s, { type: 'key', input: '70', key: {} });
    s = wizardReducer(s, { type: 'key', input: '', key: { tab: true } });
    assert.equal(s.fields['extras.udevRules'].value, '70-acme.rules');
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
});
