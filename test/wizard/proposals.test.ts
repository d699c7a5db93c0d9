/**
 * Step 1 proposes the directory from the project name (./NAME) until the user types one of their
 * own, and the author comes from MODULE_AUTHOR (read from a real driver file) when neither the
 * user nor the profile gave one.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { initialState, wizardReducer, type WizardState } from '../../src/wizard/index.js';
import { packageDefaultsOf } from '../../src/wizard/deps.js';
import { proposedDir } from '../../src/wizard/proposals.js';
import { tempDir, writeModuleDir } from './helpers.js';

const keys = (s: WizardState, ...inputs: (string | { down: true })[]) =>
  inputs.reduce((st, i) => wizardReducer(st, typeof i === 'string' ? { type: 'key', input: i, key: {} } : { type: 'key', input: '', key: { downArrow: true } }), s);
const dir = (s: WizardState) => s.fields['project.dir'].value;

test('the directory follows the name until one is typed; a given directory is kept', () => {
  assert.equal(proposedDir('my driver'), './my-driver');
  assert.equal(proposedDir(' '), '');
  assert.equal(proposedDir('..'), '');
  let s = keys(initialState({ baseDir: '/w', now: 1 }), 'f', 'o', 'o');
  assert.equal(dir(s), './foo');
  s = keys(s, 'x');
  assert.equal(dir(s), './foox');
  // Typed into the proposal: replaces it, then appends.
  s = keys(s, { down: true }, 'm', 'y');
  assert.equal(dir(s), 'my');
  s = wizardReducer(s, { type: 'focus', delta: -1 });
  s = keys(s, 'z');
  assert.equal(dir(s), 'my', 'a typed directory is never replaced');
  const given = keys(initialState({ baseDir: '/w', now: 1, projectDir: '/p/given' }), 'a', 'b');
  assert.equal(dir(given), '/p/given');
});

test('the author from MODULE_AUTHOR fills an empty author field, never the profile one', () => {
  const base = tempDir();
  try {
    writeModuleDir(base);
    writeFileSync(join(base, 'bar.c'), '#include <linux/module.h>\nMODULE_LICENSE("GPL v2");\nMODULE_AUTHOR("Ann Example <ann@example.com>");\n');
    const defaults = packageDefaultsOf(base);
    assert.equal(defaults.author, 'Ann Example <ann@example.com>');
    const empty = wizardReducer(initialState({ baseDir: base, now: 1 }), { type: 'defaults-loaded', from: base, defaults });
    assert.equal(empty.fields['project.author'].value, 'Ann Example <ann@example.com>');
    const profiled = wizardReducer(initialState({ baseDir: base, now: 1, profile: { author: 'Bob' } }), { type: 'defaults-loaded', from: base, defaults });
    assert.equal(profiled.fields['project.author'].value, 'Bob');
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
});
