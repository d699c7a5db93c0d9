import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateAnswers } from '../../src/answers/validate.js';
import { wizardReducer, dirRows, type WizardAction } from '../../src/wizard/reducer.js';
import { initialState, sourceKindsFor, type WizardState } from '../../src/wizard/state.js';
import { loadDirTree } from '../../src/wizard/dir-tree.js';
import { answersFromState, resumeAt, stateFromAnswers } from '../../src/wizard/answers-doc.js';
import { isAfter, nextStep, previousStep, stepAt, stepHeader, stepNumber, STEPS } from '../../src/wizard/steps.js';
import { keyToActions } from '../../src/wizard/keys.js';
import { installedKernels, tempDir, writeDriverTree } from './helpers.js';

function run(state: WizardState, ...actions: WizardAction[]): WizardState {
  return actions.reduce(wizardReducer, state);
}
const type = (text: string): WizardAction => ({ type: 'text', edit: { type: 'insert', text } });
const clear: WizardAction = { type: 'text', edit: { type: 'clear' } };
const down: WizardAction = { type: 'focus', delta: 1 };
const enter: WizardAction = { type: 'submit' };
const esc: WizardAction = { type: 'back' };

describe('wizard reducer', () => {
  let base: string;
  let srcDir: string;
  const kernels = installedKernels();
  const usable = kernels.filter((k) => k.usable);

  before(() => {
    base = tempDir();
    srcDir = join(base, 'linux');
    writeDriverTree(srcDir);
  });
  after(() => rmSync(base, { recursive: true, force: true }));

  // tar shown as unavailable, as on a machine without tar.
  const fresh = () => initialState({ baseDir: base, now: 1700000000, profile: { vendor: 'ACME', author: 'Ann', email: 'ann@example.com' }, sourceKinds: sourceKindsFor({ git: true, tar: false }) });

  function atStep2(): WizardState {
    return run(fresh(), type('foo'), down, type('proj'), enter);
  }
  function atStep3(): WizardState {
    const s = run(atStep2(), down, type(srcDir), enter);
    return run(s, { type: 'tree-loaded', tree: loadDirTree(srcDir) });
  }
  function atStep4(): WizardState {
    let s = atStep3();
    s = run(s, type('net/foo'));
    const row = dirRows(s).findIndex((r) => r.rel === 'drivers/net/foo');
    s = run(s, { type: 'focus', delta: row - s.focus }, { type: 'toggle' }, enter);
    return s;
  }
  function atStep5(): WizardState {
    let s = run(atStep4(), { type: 'defaults-loaded', from: join(srcDir, 'drivers/net/foo'), defaults: { name: 'foo', version: '2.1', license: 'GPLv2', summary: 'Foo network driver', description: 'Foo network driver' } });
    // Package, then Extras (nothing to add) to Target kernels.
    return run(s, enter, enter);
  }
  function atStep6(): WizardState {
    return run(atStep5(), { type: 'kernels-loaded', kernels }, enter);
  }

  test('headers say where the user is', () => {
    assert.equal(stepHeader(1), '1/10 Project');
    assert.equal(stepHeader(7), '7/10 Target kernels');
    assert.equal(stepHeader(11), 'Done');
    assert.equal(stepHeader('driverDirs'), '3/10 Driver directories');
  });

  test('steps by name: order, numbers and neighbours all come from STEPS', () => {
    for (const [i, { id }] of STEPS.entries()) {
      assert.equal(stepNumber(id), i + 1);
      assert.equal(stepAt(i + 1), id, 'a saved number maps back to its step');
      if (i > 0) assert.equal(previousStep(id), STEPS[i - 1].id);
      if (i < STEPS.length - 1) assert.equal(nextStep(id), STEPS[i + 1].id);
    }
    assert.equal(stepAt(0), 'project');
    assert.equal(stepAt(99), 'done', 'a number from a newer file is clamped');
    assert.ok(isAfter('review', 'signing') && !isAfter('source', 'source'));
  });

  test('step 1: profile defaults, required name, bad e-mail, saves the project section', () => {
    let s = fresh();
    assert.equal(s.fields['project.vendor'].value, 'ACME');
    s = run(s, enter);
    assert.equal(s.step, 'project');
    assert.equal(s.error?.field, 'project.name');
    assert.match(s.error!.message, /required/);
    s = run(s, type('foo'), down, type('proj'), down, down, down, clear, type('not-an-email'), enter);
    assert.equal(s.step, 'project');
    assert.equal(s.error?.field, 'project.email');
    assert.equal(s.focus, 4, 'focus moves to the bad field');
    s = run(s, clear, type('ann@example.com'), enter);
    assert.equal(s.step, 'source');
    assert.equal(s.save?.seq, 1);
    assert.equal(s.save?.projectDir, join(base, 'proj'));
    assert.deepEqual(s.save?.doc.project, { name: 'foo', vendor: 'ACME', author: 'Ann', email: 'ann@example.com' });
    assert.equal(s.save?.doc.wizard?.step, 2, 'saved files keep the step number');
    assert.equal(s.save?.doc.buildTime, 1700000000);
    assert.equal(run(fresh(), esc).leftToStart, true);
  });

  test('text fields strip control characters; backspace and delete erase alike', () => {
    let s = run(fresh(), type('a\x1b[Bb\x07c'));
    assert.equal(s.fields['project.name'].value, 'abc');
    for (const key of [{ backspace: true }, { delete: true }]) {
      const [action] = keyToActions('', key, s);
      s = run(s, action);
    }
    assert.equal(s.fields['project.name'].value, 'a');
    // A burst with Enter and DEL inside acts as keys, not as text.
    const actions = keyToActions('xy\x7fz\r', {}, s);
    s = run(s, ...actions);
    assert.equal(s.fields['project.name'].value, 'axz');
    assert.equal(s.step, 'source', 'the Enter in the burst submitted the step (into the directory proposed from the name)');
    assert.equal(s.fields['project.dir'].value, './axz');
  });

  test('step 2: the directory must exist and hold a Makefile/Kbuild; unavailable kinds refuse', () => {
    let s = atStep2();
    assert.equal(s.step, 'source');
    s = run(s, down, type(join(base, 'missing')), enter);
    assert.equal(s.step, 'source');
    assert.match(s.error!.message, /is not a directory/);
    mkdirSync(join(base, 'empty'), { recursive: true });
    s = run(s, clear, type(join(base, 'empty')), enter);
    assert.match(s.error!.message, /no Makefile or Kbuild/);
    s = run(s, { type: 'focus', delta: -1 }, { type: 'choice', delta: 1 });
    assert.equal(s.sourceKind, 'tar');
    s = run(s, enter);
    assert.equal(s.step, 'source');
    assert.equal(s.focus, 1, 'focus on the tarball field');
    s = run(s, { type: 'focus', delta: -1 }, { type: 'choice', delta: -1 }, down, clear, type(srcDir), enter);
    assert.equal(s.step, 'driverDirs');
    assert.deepEqual(s.save?.doc.source, { kind: 'dir', path: srcDir });
    assert.equal(run(s, esc).step, 'source');
  });

  test('step 3: browse, filter, expand/collapse, multi-select; dirs without modules refused', () => {
    let s = atStep3();
    assert.deepEqual(s.selectedDirs, [], 'top Makefile names no module: nothing preselected');
    assert.deepEqual(dirRows(s).map((r) => r.rel), ['.', 'Documentation', 'drivers']);
    s = run(s, enter);
    assert.equal(s.step, 'driverDirs');
    assert.match(s.error!.message, /select at least one/);
    s = run(s, down, down, { type: 'expand' });
    assert.deepEqual(dirRows(s).map((r) => r.rel), ['.', 'Documentation', 'drivers', 'drivers/misc', 'drivers/net']);
    s = run(s, down, { type: 'toggle' }, enter);
    assert.match(s.error!.message, /drivers\/misc names no module/);
    s = run(s, { type: 'toggle' }, { type: 'collapse' });
    assert.equal(dirRows(s)[s.focus].rel, 'drivers', 'collapse on a leaf goes to the parent');
    s = run(s, { type: 'collapse' });
    assert.equal(dirRows(s).length, 3);
    s = run(s, type('foo'));
    assert.deepEqual(dirRows(s).map((r) => r.rel), ['.', 'drivers', 'drivers/net', 'drivers/net/foo']);
    s = run(s, { type: 'focus', delta: 3 }, { type: 'toggle' });
    assert.deepEqual(s.selectedDirs, ['drivers/net/foo']);
    s = run(s, esc);
    assert.equal(s.step, 'driverDirs', 'Esc first clears the filter');
    assert.equal(s.fields['dirs.filter'].value, '');
    s = run(s, enter);
    assert.equal(s.step, 'package');
    assert.deepEqual(s.save?.doc.driverDirs, ['drivers/net/foo']);
    assert.equal(run(s, esc).step, 'driverDirs');
    // Back to step 2 and another source: the old tree is not offered under the new one.
    const other = join(base, 'other');
    mkdirSync(other, { recursive: true });
    writeFileSync(join(other, 'Makefile'), 'obj-m += other.o\n');
    let t = run(s, esc, esc, { type: 'focus', delta: 1 }, clear, type(other), enter);
    assert.equal(t.step, 'driverDirs');
    assert.equal(t.tree, undefined);
    assert.match(run(t, enter).error!.message, /still being read/);
    t = run(t, { type: 'tree-loaded', tree: loadDirTree(other) });
    assert.deepEqual(t.selectedDirs, ['.'], 'the module directory itself is preselected');
  });

  test('step 4: defaults fill empty fields only; RPM rules apply', () => {
    let s = run(atStep4(), down, type('9'));
    s = run(s, { type: 'defaults-loaded', from: 'x', defaults: { name: 'foo', version: '2.1', license: 'GPLv2', summary: 'S', description: 'D', probes: '/src/dudforge.probes' } });
    assert.equal(s.fields['package.name'].value, 'foo');
    assert.equal(s.fields['package.version'].value, '9', 'what the user typed is kept');
    s = run(s, clear, type('1.0-2'), enter);
    assert.equal(s.step, 'package');
    assert.equal(s.error?.field, 'package.version');
    assert.match(s.error!.message, /"-"/);
    s = run(s, clear, type('2.1'), { type: 'focus', delta: -1 }, clear, type('foo bar'), enter);
    assert.equal(s.error?.field, 'package.name');
    s = run(s, clear, type('foo'), enter);
    assert.equal(s.step, 'extras');
    assert.equal(s.save?.doc.package?.vendor, 'ACME');
    assert.equal(s.save?.doc.package?.packager, 'Ann <ann@example.com>');
    assert.equal(s.save?.doc.probes, '/src/dudforge.probes');
    assert.equal(run(s, esc).step, 'package');
    assert.equal(run(s, enter).step, 'kernels');
  });

  test('step 5: detected trees preselected when usable, toggling, add by path', () => {
    assert.ok(usable.length >= 1, 'the machine has at least one usable kernel build tree');
    let s = atStep5();
    s = run(s, enter);
    assert.match(s.error!.message, /still looking/);
    s = run(s, { type: 'kernels-loaded', kernels });
    assert.deepEqual(s.selectedKernels, usable.map((k) => k.path));
    s = run(s, { type: 'toggle' });
    assert.equal(s.selectedKernels.length, usable.length - 1);
    s = run(s, { type: 'toggle' });
    // Deselect all: refused.
    let none = s;
    for (let i = 0; i < kernels.length; i++) none = run(none, { type: 'focus', delta: i - none.focus }, ...(none.selectedKernels.includes(kernels[i].path) ? [{ type: 'toggle' } as const] : []));
    assert.equal(run(none, enter).step, 'kernels');
    // The add row: type a path that is not a build tree.
    s = run(s, { type: 'focus', delta: kernels.length - s.focus }, { type: 'toggle' });
    assert.equal(s.addingKernel, true);
    s = run(s, type(join(base, 'nope')), enter);
    assert.equal(s.kernelToAdd, join(base, 'nope'));
    s = run(s, { type: 'kernel-added', kernel: { path: join(base, 'nope'), usable: false, reason: 'does not exist' } });
    assert.match(s.error!.message, /does not exist/);
    assert.equal(s.selectedKernels.includes(join(base, 'nope')), false);
    s = run(s, { type: 'focus', delta: 0 }, enter);
    assert.equal(s.step, 'signing', 'the refused tree was not selected; the usable ones go on');
  });

  test('step 5 → 6 → 7: kernels and signing saved; key mode needs files', () => {
    let s = atStep6();
    assert.equal(s.step, 'signing');
    assert.deepEqual(s.save?.doc.kernels, usable.map((k) => ({ release: k.release, buildTree: k.path })));
    s = run(s, { type: 'choice', delta: 1 });
    assert.equal(s.signingMode, 'key');
    s = run(s, enter);
    assert.equal(s.error?.field, 'signing.key');
    s = run(s, { type: 'focus', delta: -1 }, { type: 'choice', delta: 1 });
    assert.equal(s.signingMode, 'generate');
    assert.equal(s.fields['signing.dir'].value, join(base, 'proj', 'keys'));
    s = run(s, { type: 'choice', delta: 1 }, enter);
    assert.equal(s.step, 'review');
    const doc = s.save!.doc;
    assert.deepEqual(doc.signing, { mode: 'none' });
    const checked = validateAnswers(doc);
    assert.deepEqual(checked.problems, [], 'the saved document at Review is a complete, valid answers file');
    assert.equal(run(s, esc).step, 'signing');
  });

  test('review → build → cancel returns to review; finish goes to done; done exits with the build code', () => {
    let s = run(atStep6(), enter);
    s = run(s, enter);
    assert.equal(s.step, 'build');
    assert.equal(s.build.running, true);
    assert.equal(s.build.runId, 1);
    assert.equal(run(s, esc).step, 'build', 'Esc does not leave a running build');
    s = run(s, { type: 'cancel-request' });
    assert.equal(s.build.confirmCancel, true);
    assert.equal(run(s, { type: 'cancel-answer', yes: false }).build.cancelling, false);
    s = run(s, { type: 'cancel-answer', yes: true });
    assert.equal(s.build.cancelling, true);
    const outcome = { ok: false, exitCode: 1 as const, rpms: [], srpms: [], failed: [], cancelled: false, signedModules: false };
    s = run(s, { type: 'build-finished', result: outcome });
    assert.equal(s.step, 'review');
    assert.equal(s.lastResult, 'cancelled');
    assert.equal(s.save?.doc.wizard?.lastResult, 'cancelled');
    s = run(s, enter, { type: 'build-finished', result: { ...outcome, ok: true, exitCode: 0 as const, rpms: [{ path: '/x.rpm', bytes: 10, release: 'r' }] } });
    assert.equal(s.step, 'done');
    assert.equal(s.lastResult, 'ok');
    assert.equal(s.save?.doc.wizard?.step, 11);
    assert.equal(run(s, esc).step, 'review');
    assert.equal(run(s, enter).exitCode, 0);
  });

  test('answers without a wizard step (flags of `new --yes`) survive a resume; relative paths resolve against the project', () => {
    const projectDir = join(base, 'proj');
    const doc = {
      schemaVersion: 1 as const,
      project: { name: 'foo', vendor: 'V' },
      source: { kind: 'dir' as const, path: '../linux' },
      driverDirs: ['drivers/net/foo'],
      config: { CONFIG_FOO: 'm' },
      firmware: ['fw/foo.bin'],
      package: { name: 'foo', version: '2.1', release: '3', vendor: 'V', license: 'GPL-2.0-only', summary: 'S', description: 'D', url: 'https://example.com', requires: ['bar'] },
      kernels: usable.map((k) => ({ release: k.release!, buildTree: k.path })),
      probes: 'compat.probes',
      signing: { mode: 'generate' as const, dir: 'keys', bits: 2048 as const, shipCert: true },
      packaging: { match: 'exact' as const, compress: 'xz' as const, kabiRequires: 'off' as const, srpm: false, strip: true },
      output: { dir: 'dist', isoName: 'x.iso' },
      buildTime: 1600000000,
    };
    const s = stateFromAnswers(doc, { baseDir: '/', now: 1, projectDir });
    assert.equal(s.step, 'review', 'a complete document opens at Review');
    assert.equal(s.fields['source.path'].value, srcDir);
    const again = answersFromState(s, 'review');
    assert.deepEqual(again.config, doc.config);
    assert.deepEqual(again.firmware, doc.firmware);
    assert.equal(again.package?.url, 'https://example.com');
    assert.deepEqual(again.package?.requires, ['bar']);
    assert.deepEqual(again.packaging, doc.packaging);
    assert.deepEqual(again.output, doc.output);
    assert.deepEqual(again.signing, { mode: 'generate', dir: join(projectDir, 'keys'), bits: 2048, shipCert: true });
    assert.equal(again.probes, join(projectDir, 'compat.probes'));
    assert.equal(again.buildTime, 1600000000);
    assert.deepEqual(validateAnswers(again).problems, []);
  });

  test('resume at each step puts every earlier answer back', () => {
    const states = [fresh(), atStep2(), atStep3(), atStep4(), atStep5(), atStep6(), run(atStep6(), enter)];
    for (const s of states) {
      const doc = s.save?.doc ?? {};
      const expected = s.step;
      assert.equal(resumeAt(doc), expected, `resume at ${expected}`);
      const back = stateFromAnswers(doc, { baseDir: base, now: 1, projectDir: join(base, 'proj') });
      assert.equal(back.step, expected);
      if (isAfter(expected, 'project')) {
        assert.equal(back.fields['project.name'].value, 'foo');
        assert.equal(back.buildTime, 1700000000);
      }
      if (isAfter(expected, 'source')) assert.equal(back.fields['source.path'].value, srcDir);
      if (isAfter(expected, 'driverDirs')) assert.deepEqual(back.selectedDirs, ['drivers/net/foo']);
      if (isAfter(expected, 'package')) assert.equal(back.fields['package.version'].value, '2.1');
      if (isAfter(expected, 'kernels')) {
        assert.deepEqual(back.selectedKernels, usable.map((k) => k.path));
        assert.deepEqual(answersFromState(back, 'review').kernels, doc.kernels, 'kernels kept without detecting them again');
      }
      // The restored state saves the same document again.
      const detected = run(back, { type: 'kernels-loaded', kernels }).selectedKernels;
      assert.deepEqual(detected, usable.map((k) => k.path), 'saved kernels stay chosen; before step 5 the usable ones are preselected');
    }
    // A build killed mid-way resumes at Review; a step whose answers are missing wins.
    assert.equal(resumeAt({ wizard: { step: 10 }, project: { name: 'x' }, source: { kind: 'dir', path: '/' }, package: {} as never, kernels: [{ release: 'r', buildTree: '/' }], signing: { mode: 'none' } }), 'review');
    assert.equal(resumeAt({ wizard: { step: 6 }, project: { name: 'x' } }), 'source');
    const complete = run(atStep6(), enter).save!.doc;
    assert.equal(resumeAt({ ...complete, wizard: undefined }), 'review', 'a complete document from `new --yes` opens at Review');
    assert.equal(resumeAt({ project: { name: 'x' } }), 'source');
  });
});
