/**
 * The help overlay: `?` opens it where `?` is not typed into a text field, F1 everywhere; Esc,
 * `?` or F1 close it; the hints name the key that works here. Start screen, a text field, a
 * choice field, Review (at 60 columns, where it must fit) and Done.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { render } from 'ink-testing-library';
import { WizardApp, WizardFlow } from '../../screens/App.js';
import { defaultDeps } from '../../src/wizard/deps.js';
import { initialState, opensHelp, stateFromAnswers, typingText } from '../../src/wizard/index.js';
import { frame, KEY, press, type } from './helpers.js';
import { tempDir } from '../wizard/helpers.js';
import { longAnswers, renderSized } from './sized.js';

const F1 = '\u001BOP';

describe('help overlay', () => {
  let base: string;
  before(() => {
    base = tempDir();
  });
  after(() => rmSync(base, { recursive: true, force: true }));

  test('when ? opens help: not in a text field; F1 always', () => {
    const s = initialState({ baseDir: '/', now: 1 });
    assert.equal(typingText(s), true, 'project name is a text field');
    assert.equal(opensHelp('?', {}, typingText(s)), false);
    assert.equal(opensHelp('', { f1: true }, true), true);
    assert.equal(typingText({ ...s, step: 'source', focus: 0 }), false, 'the source kind is a choice');
    assert.equal(typingText({ ...s, step: 'kernels' }), false);
    assert.equal(typingText({ ...s, step: 'kernels', addingKernel: true }), true);
    assert.equal(typingText({ ...s, step: 'driverDirs' }), true, 'typing filters the directory list');
    assert.equal(typingText({ ...s, step: 'review' }), false);
  });

  test('step 1: ? types a ?, F1 opens help, Esc closes it and the text is kept', async () => {
    const deps = defaultDeps({ confCwd: join(base, 'conf1') });
    const app = render(<WizardFlow deps={deps} initial={initialState({ baseDir: base, now: 1, sourceKinds: deps.sourceKinds() })} onLeave={() => {}} />);
    assert.match(frame(app), /F1 help/, 'the hints name F1 in a text field');
    await type(app, 'a?');
    assert.match(frame(app), /Project name\s+a\?/);
    await press(app, F1);
    let f = frame(app);
    assert.match(f, /Help — 1\/10 Project/);
    assert.match(f, /dudforge\.json/);
    assert.match(f, /Esc or \? close/);
    await type(app, 'zz');
    assert.match(frame(app), /Help/, 'other keys do nothing while help shows');
    await press(app, KEY.esc);
    f = frame(app);
    assert.doesNotMatch(f, /Help —/);
    assert.match(f, /Project name\s+a\?/, 'nothing typed while help showed');
    app.unmount();
  });

  test('step 2 on the source kind (a choice): ? opens and closes help', async () => {
    const deps = defaultDeps({ confCwd: join(base, 'conf2') });
    const s = { ...initialState({ baseDir: base, now: 1, sourceKinds: deps.sourceKinds() }), step: 'source' as const };
    const app = render(<WizardFlow deps={deps} initial={s} onLeave={() => {}} />);
    assert.match(frame(app), /\? help/);
    await press(app, '?');
    assert.match(frame(app), /Help — 2\/10 Kernel source[\s\S]*tarball/);
    await press(app, '?');
    assert.match(frame(app), /2\/10 Kernel source/);
    assert.doesNotMatch(frame(app), /Help —/);
    app.unmount();
  });

  test('Review at 60×20 and 200 columns: ? opens help naming the jump keys; it fits', async () => {
    const deps = defaultDeps({ confCwd: join(base, 'conf3') });
    const s = stateFromAnswers(longAnswers, { baseDir: '/', now: 1, projectDir: join(base, 'rev') });
    for (const columns of [60, 200]) {
      const app = renderSized(<WizardFlow deps={deps} initial={s} onLeave={() => {}} />, { columns, rows: 20 });
      await press(app, '?');
      const f = frame(app);
      assert.match(f, /Help — 9\/10 Review/);
      assert.match(f, /1–8\s+edit that step/);
      for (const l of f.split('\n')) assert.ok([...l].length <= columns, l);
      assert.ok(f.split('\n').length < 20, f);
      await press(app, KEY.esc);
      assert.match(frame(app), /9\/10 Review/);
      app.unmount();
    }
  });

  test('the start screen: ? opens its help, Esc closes it (and does not quit)', async () => {
    const exits: number[] = [];
    const app = render(<WizardApp deps={defaultDeps({ confCwd: join(base, 'conf4') })} start={{ screen: 'start' }} baseDir={base} onExit={(c) => exits.push(c)} />);
    assert.match(frame(app), /\? help/);
    await press(app, '?');
    assert.match(frame(app), /Help — start screen/);
    await press(app, KEY.esc);
    assert.match(frame(app), /New project/);
    assert.deepEqual(exits, []);
    app.unmount();
  });
});
