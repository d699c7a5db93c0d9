/**
 * The Modules and Extras steps on the reducer, with reports read from a real multi-module
 * directory (one module gated by a symbol only its outer Makefile sets, one the kernel ships
 * itself) and a firmware tree written here: the checklist, its defaults and refusals, the
 * auto-skip for a single module, the extra files' validation with `new`'s own rules, and resume.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { wizardReducer, dirRows, type WizardAction } from '../../src/wizard/reducer.js';
import { initialState, type WizardState } from '../../src/wizard/state.js';
import { loadDirTree } from '../../src/wizard/dir-tree.js';
import { answersFromState, stateFromAnswers } from '../../src/wizard/answers-doc.js';
import { readFirmwareReport, readModuleReport } from '../../src/wizard/module-report.js';
import { extrasRows } from '../../src/wizard/module-steps.js';
import { validateAnswers } from '../../src/answers/validate.js';
import { installedKernels, tempDir, writeDriverTree, writeMultiModuleTree } from './helpers.js';

function run(state: WizardState, ...actions: WizardAction[]): WizardState {
  return actions.reduce(wizardReducer, state);
}
const type = (text: string): WizardAction => ({ type: 'text', edit: { type: 'insert', text } });
const key = (input: string): WizardAction => ({ type: 'key', input, key: {} });
const down: WizardAction = { type: 'focus', delta: 1 };
const enter: WizardAction = { type: 'submit' };
const esc: WizardAction = { type: 'back' };
const focusRow = (s: WizardState, row: number): WizardAction => ({ type: 'focus', delta: row - s.focus });
/** Focus row `row` (absolute), then run the actions. */
const at = (s: WizardState, row: number, ...actions: WizardAction[]): WizardState => run(run(s, focusRow(s, row)), ...actions);

describe('Modules and Extras steps', () => {
  let base: string;
  let srcDir: string;
  let single: string;
  let fwTree: string;
  const kernels = installedKernels().filter((k) => k.usable);
  const targets = kernels.map((k) => ({ release: k.release!, buildTree: k.path }));

  before(() => {
    base = tempDir();
    srcDir = join(base, 'linux');
    writeMultiModuleTree(srcDir);
    single = join(base, 'single');
    writeDriverTree(single);
    fwTree = join(base, 'fw');
    mkdirSync(join(fwTree, 'acme'), { recursive: true });
    writeFileSync(join(fwTree, 'acme', 'core.bin'), 'firmware bytes\n');
    writeFileSync(join(base, '70-acme.rules'), 'ACTION=="add", SUBSYSTEM=="net", DRIVERS=="acme_core", RUN+="/bin/true"\n');
    writeFileSync(join(base, 'binary.rules'), Buffer.from([0x41, 0x00, 0x42, 0x0a]));
  });
  after(() => rmSync(base, { recursive: true, force: true }));

  const fresh = () => initialState({ baseDir: base, now: 1700000000, profile: { vendor: 'ACME', author: 'Ann', email: 'ann@example.com' } });

  /** Steps 1–3 with `rel` of `root` chosen; Enter on step 3. */
  function pastDirs(root: string, rel: string): WizardState {
    let s = run(fresh(), type('acme'), down, type('proj'), enter, down, type(root), enter);
    s = run(s, { type: 'tree-loaded', tree: loadDirTree(root) });
    s = run(s, type(rel.split('/').pop()!));
    const at = dirRows(s).findIndex((r) => r.rel === rel);
    assert.ok(at >= 0, `${rel} is listed`);
    return run(s, focusRow(s, at), { type: 'toggle' }, enter);
  }

  const moduleReport = () => readModuleReport('k', join(srcDir, 'drivers/net/acme'), targets, {});

  test('a directory of several modules: the checklist, all by default, at least one, `a` all/none', () => {
    let s: WizardState = pastDirs(srcDir, 'drivers/net/acme');
    assert.equal(s.step, 'modules');
    assert.deepEqual(s.save?.doc.driverDirs, ['drivers/net/acme']);
    s = run(s, enter);
    assert.equal(s.step, 'modules', 'nothing to choose until the modules are read');
    s = run(s, { type: 'modules-report', report: moduleReport() });
    assert.deepEqual(s.moduleReport?.modules, ['acme_core', 'acme_extra', 'dummy', 'acme_gated']);
    assert.equal(s.chosenModules, undefined, 'every module by default');
    // Per kernel: acme_gated is disabled by the symbol the outer Makefile sets; dummy is inbox.
    for (const t of targets) {
      const gate: { state: string; symbol?: string; detail: string } | undefined = s.moduleReport!.notes.find((n) => n.release === t.release && n.module === 'acme_gated');
      assert.equal(gate?.state, 'disabled');
      assert.equal(gate?.symbol, 'CONFIG_ACME_GATED');
      assert.match(gate!.detail, /driver's own Makefile sets CONFIG_ACME_GATED=m.*--config CONFIG_ACME_GATED=m builds it/);
      assert.equal(s.moduleReport!.notes.find((n) => n.release === t.release && n.module === 'dummy')?.state, 'inbox');
    }
    s = run(s, key('a'));
    assert.deepEqual(s.chosenModules, [], '`a` with every module chosen chooses none');
    s = run(s, enter);
    assert.equal(s.step, 'modules');
    assert.equal(s.error?.field, 'modules');
    assert.match(s.error!.message, /^Modules: choose at least one module/);
    s = run(s, key('a'));
    assert.equal(s.chosenModules, undefined, '`a` again: all');
    // Space on acme_gated (row 3) and dummy (row 2): two left.
    s = at(at(s, 3, key(' ')), 2, key(' '));
    assert.deepEqual(s.chosenModules, ['acme_core', 'acme_extra']);
    s = run(s, enter);
    assert.equal(s.step, 'package');
    assert.deepEqual(s.save?.doc.modules, ['acme_core', 'acme_extra']);
    assert.equal(run(s, esc).step, 'modules', 'Esc on Package goes back to the checklist');
    // Read again for another directory: what was chosen there is gone, so every module again.
    const other = run(s, { type: 'modules-report', report: { key: 'other', modules: ['x1', 'x2'], notes: [] } });
    assert.equal(other.chosenModules, undefined);
    assert.deepEqual(run(s, { type: 'modules-report', report: { key: 'again', modules: ['acme_core', 'acme_extra', 'dummy', 'acme_gated'], notes: [] } }).chosenModules, ['acme_core', 'acme_extra'], 'the same modules keep the choice');
    // Ticking them all again saves no modules list (the default, as `new` without --module).
    const all = run(at(at(run(s, esc), 2, key(' ')), 3, key(' ')), enter);
    assert.equal(all.chosenModules, undefined);
    assert.equal('modules' in all.save!.doc, false);
  });

  test('a single module: Modules is passed over both ways', () => {
    let s: WizardState = pastDirs(single, 'drivers/net/foo');
    assert.equal(s.step, 'package', 'Enter on Driver directories lands on Package');
    assert.equal(s.save?.doc.wizard?.step, 5);
    s = run(s, esc);
    assert.equal(s.step, 'driverDirs', 'Esc on Package goes back to Driver directories');
  });

  test('Extras: firmware found/missing and shipped, load at boot, extra files validated by `new`\'s rules', () => {
    let s: WizardState = pastDirs(srcDir, 'drivers/net/acme');
    s = at(run(s, { type: 'modules-report', report: moduleReport() }), 3, key(' '), enter);
    s = run(s, { type: 'defaults-loaded', from: 'x', defaults: { name: 'acme', version: '1.2', license: 'GPL', summary: 'S', description: 'D' } }, enter);
    assert.equal(s.step, 'extras');
    const report = readFirmwareReport('f', [join(srcDir, 'drivers/net/acme')], [fwTree]);
    assert.deepEqual(report.names, ['acme/core.bin', 'acme/missing.bin']);
    assert.deepEqual(report.missing, ['acme/missing.bin']);
    assert.deepEqual(report.found, [{ name: 'acme/core.bin', file: join(fwTree, 'acme', 'core.bin') }]);
    s = run(s, { type: 'firmware-report', report });
    assert.equal(s.shipFirmware, false, 'shipping is the user\'s choice');
    // Rows: ship, firmware tree, modprobe, boot acme_core, acme_extra, dummy, blacklist, udev.
    s = run(s, key(' '));
    assert.equal(s.shipFirmware, true);
    s = at(s, 2, type('acme_core bad%value'), enter);
    assert.equal(s.step, 'extras');
    assert.equal(s.focus, 2);
    assert.equal(s.error?.message, 'extraFiles.modprobeOptions: item 0: "acme_core bad%value" is not MODULE OPTION=VALUE… (one line, no % or \\)');
    s = run(s, { type: 'text', edit: { type: 'clear' } }, type('acme_core devices=2; acme_extra debug=1'));
    s = at(at(s, 3, key(' ')), 6, type('acme_core'), enter);
    assert.equal(s.focus, 6);
    assert.match(s.error!.message, /^--blacklist acme_core: the package ships that module itself/);
    s = at(run(s, { type: 'text', edit: { type: 'clear' } }, type('r8169')), 7, type(join(base, 'binary.rules')), enter);
    assert.equal(s.focus, 7);
    assert.match(s.error!.message, /^Udev rules .*binary\.rules: line 1 holds a control character/);
    s = run(s, { type: 'text', edit: { type: 'clear' } }, type(join(base, '70-acme.rules')), enter);
    assert.equal(s.step, 'kernels', s.error?.message);
    const doc = s.save!.doc;
    assert.deepEqual(doc.extraFiles, { modprobeOptions: ['acme_core devices=2', 'acme_extra debug=1'], loadAtBoot: ['acme_core'], udevRules: join(base, '70-acme.rules'), blacklist: ['r8169'] });
    assert.deepEqual(doc.firmware, [`${join(fwTree, 'acme', 'core.bin')}=acme/core.bin`]);
    assert.deepEqual(doc.modules, ['acme_core', 'acme_extra', 'dummy']);

    // Resumed: every answer is back, and saves the same document again.
    const back = stateFromAnswers({ ...doc, kernels: targets, signing: { mode: 'none' } }, { baseDir: base, now: 1, projectDir: join(base, 'proj') });
    const restored = run(back, { type: 'modules-report', report: moduleReport() }, { type: 'firmware-report', report });
    assert.equal(restored.shipFirmware, true);
    assert.deepEqual(restored.loadAtBoot, ['acme_core']);
    const again = answersFromState(restored, 'review');
    assert.deepEqual(again.extraFiles, doc.extraFiles);
    assert.deepEqual(again.firmware, doc.firmware);
    assert.deepEqual(again.modules, doc.modules);
    assert.deepEqual(validateAnswers({ ...again, packaging: { match: 'exact', compress: 'gzip', kabiRequires: 'auto', srpm: true, strip: true }, output: { dir: 'out' } }).problems, []);
  });

  test('Extras: firmware in its own package is the last row; saved as packaging.firmwarePackage, as `--firmware-package` saves it', () => {
    let s: WizardState = pastDirs(srcDir, 'drivers/net/acme');
    s = at(run(s, { type: 'modules-report', report: moduleReport() }), 3, key(' '), enter);
    s = run(s, { type: 'defaults-loaded', from: 'x', defaults: { name: 'acme', version: '1.2', license: 'GPL', summary: 'S', description: 'D' } }, enter);
    assert.equal(s.step, 'extras');
    const last = extrasRows(s).length - 1;
    assert.deepEqual(extrasRows(s)[last], { kind: 'fwpkg' });
    s = at(s, last, key(' '));
    assert.equal(s.firmwarePackage, true);
    assert.equal(answersFromState({ ...s, selectedKernels: targets.map((t) => t.release) }, 'review').packaging?.firmwarePackage, true);
    const back = stateFromAnswers({ packaging: { match: 'exact', compress: 'gzip', kabiRequires: 'auto', srpm: true, strip: true, firmwarePackage: true } }, { baseDir: base, now: 1, projectDir: join(base, 'proj') });
    assert.equal(back.firmwarePackage, true, 'resumed with the toggle on');
    const off = at(s, last, key(' '));
    assert.equal(answersFromState(off, 'review').packaging?.firmwarePackage, undefined, 'off: nothing written, as without the flag');
  });
});
