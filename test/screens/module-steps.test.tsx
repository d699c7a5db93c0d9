/**
 * The Modules and Extras screens, drawn at 60 and 200 columns, and the real thing: a directory of
 * four modules (one disabled by a symbol only its outer Makefile sets, one the installed kernels
 * ship) walked through the wizard to Review, whose saved dudforge.json is the one
 * `dudforge new --yes` writes with the equivalent flags; both replay to the same kmod bytes.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Box } from 'ink';
import { render } from 'ink-testing-library';
import type { ReactElement } from 'react';
import { WizardApp } from '../../screens/App.js';
import { ExtrasStep } from '../../screens/ExtrasStep.js';
import { ModulesStep } from '../../screens/ModulesStep.js';
import { ReviewStep } from '../../screens/ReviewStep.js';
import { defaultDeps } from '../../src/wizard/deps.js';
import { readFirmwareReport, readModuleReport } from '../../src/wizard/module-report.js';
import { wizardReducer, type WizardAction } from '../../src/wizard/reducer.js';
import { initialState, type WizardState } from '../../src/wizard/state.js';
import { loadDirTree } from '../../src/wizard/dir-tree.js';
import { runCli, sh } from '../helpers/cli.js';
import { needs } from '../helpers/needs.js';
import { installedKernels, tempDir, writeMultiModuleTree } from '../wizard/helpers.js';
import { frame, KEY, press, savedAnswers, type, waitFor } from './helpers.js';
import { rmSync } from 'node:fs';

const usable = installedKernels().filter((k) => k.usable);
const esc = (s: string) => s.replace(/[.+*?()[\]\\/]/g, '\\$&');

/** A screen drawn in a terminal `columns` wide; returns its lines. */
function drawAt(node: ReactElement, columns: number): string[] {
  const app = render(<Box width={columns}>{node}</Box>);
  Object.defineProperty(app.stdout, 'columns', { value: columns });
  app.rerender(<Box width={columns}>{node}</Box>);
  const lines = frame(app).split('\n');
  app.unmount();
  return lines;
}

describe('Modules and Extras', () => {
  let base: string;
  let acme: string;
  let fwTree: string;
  let rules: string;
  before(() => {
    base = tempDir('dudforge-modsteps-');
    acme = writeMultiModuleTree(join(base, 'linux'));
    fwTree = join(base, 'fw');
    mkdirSync(join(fwTree, 'acme'), { recursive: true });
    writeFileSync(join(fwTree, 'acme', 'core.bin'), 'firmware bytes\n');
    rules = join(base, '70-acme.rules');
    writeFileSync(rules, 'ACTION=="add", SUBSYSTEM=="net", DRIVERS=="acme_core", RUN+="/bin/true"\n');
  });
  after(() => rmSync(base, { recursive: true, force: true }));

  /** The state of a wizard that chose drivers/net/acme of the tree, reports read from disk. */
  function stateAt(step: 'modules' | 'extras' | 'review'): WizardState {
    const root = join(base, 'linux');
    const run = (s: WizardState, ...a: WizardAction[]) => a.reduce(wizardReducer, s);
    let s = initialState({ baseDir: base, now: 1700000000 });
    s = { ...s, fields: { ...s.fields, 'project.name': { value: 'acme', cursor: 4 }, 'source.path': { value: root, cursor: 0 }, 'package.name': { value: 'acme', cursor: 4 } }, tree: loadDirTree(root), selectedDirs: ['drivers/net/acme'] };
    const targets = usable.map((k) => ({ release: k.release!, buildTree: k.path }));
    s = run(s, { type: 'modules-report', report: readModuleReport('k', acme, targets, {}) }, { type: 'firmware-report', report: readFirmwareReport('f', [acme], [fwTree]) });
    s = { ...s, step: step, chosenModules: ['acme_core', 'acme_extra', 'dummy'], shipFirmware: true, loadAtBoot: ['acme_core'] };
    s = { ...s, fields: { ...s.fields, 'extras.modprobe': { value: 'acme_core devices=2', cursor: 0 }, 'extras.udevRules': { value: rules, cursor: 0 } } };
    return step === 'review' ? { ...s, selectedKernels: usable.map((k) => k.path), kernels: usable } : s;
  }

  for (const columns of [60, 200]) {
    test(`drawn at ${columns} columns: every module, the per-kernel notes, firmware found and missing, the files installed`, { skip: needs(usable.length > 0, 'a kernel build tree') }, () => {
      const modules = drawAt(<ModulesStep state={stateAt('modules')} />, columns);
      const m = modules.join('\n');
      for (const line of modules) assert.ok(line.length <= columns, `fits in ${columns} columns: "${line}"`);
      assert.match(m, /4\/10 Modules/);
      assert.match(m, /\[x\] acme_core\.ko/);
      assert.match(m, /\[ \] acme_gated\.ko/);
      // Wrapped at 60 columns: compare without the line breaks.
      const flat = m.replace(/\s+/g, ' ');
      for (const k of usable) {
        assert.match(flat, new RegExp(`${esc(k.release!)}: disabled — CONFIG_ACME_GATED is not set in this kernel's config \\(the driver's own Makefile sets CONFIG_ACME_GATED=m`));
        assert.match(flat, new RegExp(`${esc(k.release!)}: inbox — the kernel has its own \\(CONFIG_DUMMY=m`));
      }
      assert.match(flat, /--config CONFIG_ACME_GATED=m builds it/);
      assert.match(flat, /this disk replaces it \(its copy wins: depmod override\)/);

      const extras = drawAt(<ExtrasStep state={stateAt('extras')} />, columns);
      for (const line of extras) assert.ok(line.length <= columns, `fits in ${columns} columns: "${line}"`);
      const e = extras.join('\n').replace(/\s+/g, ' ');
      assert.match(e, /6\/10 Firmware and extra files/);
      assert.match(e, /Declared firmware: 2 files; 1 found in .*fw, 1 missing/);
      assert.match(e, /✔ acme\/core\.bin/);
      assert.match(e, /✖ acme\/missing\.bin missing/);
      assert.match(e, /\[x\] Ship the declared firmware found \(1 file\)/);
      assert.match(e, /\[x\] acme_core/);
      assert.match(e, /\[ \] acme_extra/);
      assert.match(e, /Installs: \/etc\/modprobe\.d\/acme\.conf, \/etc\/modules-load\.d\/acme\.conf, \/usr\/lib\/udev\/rules\.d\/70-acme\.rules/);

      const review = drawAt(<ReviewStep state={stateAt('review')} />, columns).join('\n').replace(/\s+/g, ' ');
      assert.match(review, /Modules acme_core, acme_extra, dummy/);
      assert.match(review, /Firmware 1 file shipped/);
      // A row wider than the terminal is cut in the middle (both ends stay).
      if (columns >= 120) assert.match(review, /Extra files \/etc\/modprobe\.d\/acme\.conf, \/etc\/modules-load\.d\/acme\.conf, \/usr\/lib\/udev\/rules\.d\/70-acme\.rules/);
      else assert.match(review, /Extra files \/etc\/mod.*….*70-acme\.rules/);
    });
  }

  test('a directory of many modules scrolls with the focus', () => {
    const modules = Array.from({ length: 15 }, (_, i) => `m${i}`);
    const s: WizardState = { ...initialState({ baseDir: base, now: 1 }), step: 'modules', focus: 14, moduleReport: { key: 'k', modules, notes: [] } };
    const f = drawAt(<ModulesStep state={s} />, 60).join('\n');
    assert.match(f, /↑ 5 more/);
    assert.match(f, /❯ \[x\] m14\.ko/);
    assert.doesNotMatch(f, /\bm0\.ko/);
  });

  test('a value `new --yes` refuses is refused on Extras with the same words', { skip: needs(usable.length > 0, 'a kernel build tree') }, () => {
    const cases: [string[], number, string][] = [
      [['--modprobe-option', 'acme_core bad%value'], 2, 'acme_core bad%value'],
      [['--blacklist', 'acme_core'], 7, 'acme_core'],
    ];
    for (const [flag, row, text] of cases) {
      const r = runCli(['new', join(base, `refused-${row}`), '--yes', '--source', `dir:${acme}`, ...flag]);
      assert.equal(r.status, 2, r.stderr);
      let s = stateAt('extras');
      s = { ...s, chosenModules: undefined, loadAtBoot: [], shipFirmware: false, fields: { ...s.fields, 'extras.modprobe': { value: '', cursor: 0 }, 'extras.udevRules': { value: '', cursor: 0 } } };
      s = [{ type: 'focus', delta: row } as WizardAction, { type: 'text', edit: { type: 'insert', text } } as WizardAction, { type: 'submit' } as WizardAction].reduce(wizardReducer, s);
      assert.equal(s.step, 'extras');
      assert.equal(s.focus, row, 'the refused field is focused');
      const first = s.error!.message.split(' — ')[0];
      assert.ok(r.stderr.includes(first), `the wizard says "${first}"; new --yes says:\n${r.stderr}`);
    }
  });

  test('walked through the wizard: dudforge.json equals `new --yes` with the same flags, and replays to the same kmods', { skip: needs(usable.length > 0, 'a kernel build tree'), timeout: 900_000 }, async () => {
    const conf = join(base, 'conf');
    mkdirSync(conf);
    const projectDir = join(base, 'wizard-proj');
    const app = render(<WizardApp deps={defaultDeps({ confCwd: conf })} start={{ screen: 'new', projectDir }} baseDir={base} onExit={() => undefined} />);
    await waitFor(app, (f) => f.includes('1/10 Project'), 'step 1');
    await type(app, 'acme');
    await press(app, KEY.down, KEY.down);
    await type(app, 'ACME');
    await press(app, KEY.enter);
    await waitFor(app, (f) => f.includes('2/10 Kernel source'), 'step 2');
    await press(app, KEY.down);
    await type(app, acme);
    await press(app, KEY.enter);
    await waitFor(app, (f) => f.includes('3/10 Driver directories') && f.includes('acme_gated.ko'), 'step 3');
    await press(app, KEY.enter);
    let f = await waitFor(app, (x) => x.includes('4/10 Modules') && x.includes('disabled'), 'the Modules checklist with its notes');
    assert.match(f, /4 modules; 4 to package \(all, the default\)/);
    await press(app, KEY.down, KEY.down, KEY.down, KEY.space, KEY.enter);
    f = await waitFor(app, (x) => x.includes('5/10 Package') && /Version\s+1\.2/.test(x), 'Package with defaults');
    // Named after the driver directory, not after its first module, as `new` names it.
    assert.match(f, /Name\s+acme▏?\n/);
    await press(app, KEY.enter);
    f = await waitFor(app, (x) => x.includes('6/10 Firmware and extra files') && x.includes('Declared firmware'), 'Extras with the firmware read');
    assert.match(f, /2 files; 0 found in \/lib\/firmware, 2 missing/);
    await press(app, KEY.down);
    await type(app, fwTree);
    f = await waitFor(app, (x) => x.includes('1 found in'), 'firmware found in the tree typed');
    await press(app, KEY.up, KEY.space, KEY.down, KEY.down);
    await type(app, 'acme_core devices=2');
    await press(app, KEY.down, KEY.space, KEY.down, KEY.down, KEY.down);
    await type(app, 'r8169');
    await press(app, KEY.down);
    await type(app, rules);
    await press(app, KEY.enter);
    await waitFor(app, (x) => x.includes('7/10 Target kernels') && x.includes('Add a build tree'), 'Target kernels');
    await press(app, KEY.enter);
    await waitFor(app, (x) => x.includes('8/10 Signing keys'), 'Signing');
    await press(app, KEY.enter);
    f = await waitFor(app, (x) => x.includes('9/10 Review'), 'Review');
    const flat = f.replace(/\s+/g, ' ');
    assert.match(flat, /Modules acme_core, acme_extra, dummy/);
    assert.match(flat, /Firmware 1 file shipped/);
    assert.match(flat, /Extra files \/etc\/modprobe\.d\/acme\.conf, .*70-acme\.rules/);
    app.unmount();
    const wizard = await savedAnswers(projectDir, (d) => d.wizard?.step === 9);

    const cliDir = join(base, 'cli-proj');
    const flags = ['--module', 'acme_core', '--module', 'acme_extra', '--module', 'dummy', '--ship-declared-firmware', '--firmware-tree', fwTree, '--modprobe-option', 'acme_core devices=2', '--load-at-boot', 'acme_core', '--blacklist', 'r8169', '--udev-rules', rules];
    const r = runCli(['new', cliDir, '--yes', '--source', `dir:${acme}`, '--vendor', 'ACME', '--build-time', String(wizard.buildTime), ...flags]);
    assert.equal(r.status, 0, r.stderr);
    const cli = JSON.parse(readFileSync(join(cliDir, 'dudforge.json'), 'utf8'));
    const { wizard: _step, ...fromWizard } = wizard;
    assert.deepEqual(fromWizard, cli);
    assert.deepEqual(cli.modules, ['acme_core', 'acme_extra', 'dummy']);
    assert.deepEqual(cli.firmware, [`${join(fwTree, 'acme', 'core.bin')}=acme/core.bin`]);

    // Replayed: the same kmod bytes from either project.
    const k = usable[0].release!;
    for (const dir of [projectDir, cliDir]) {
      const doc = JSON.parse(readFileSync(join(dir, 'dudforge.json'), 'utf8'));
      doc.kernels = doc.kernels.filter((t: { release: string }) => t.release === k);
      writeFileSync(join(dir, 'dudforge.json'), JSON.stringify(doc, null, 2));
      const b = runCli(['build', dir, '--plain'], { timeoutMs: 600_000 });
      assert.equal(b.status, 0, b.stderr + b.stdout);
    }
    const kmod = (dir: string) => readdirSync(join(dir, 'out')).filter((x) => x.startsWith('kmod-') && x.endsWith('.rpm') && !x.endsWith('.src.rpm'));
    assert.deepEqual(kmod(projectDir), kmod(cliDir));
    for (const name of kmod(projectDir)) {
      assert.ok(readFileSync(join(projectDir, 'out', name)).equals(readFileSync(join(cliDir, 'out', name))), `${name}: same bytes`);
      const files = sh('rpm', ['-qpl', join(projectDir, 'out', name)]).stdout;
      for (const p of ['/etc/modprobe.d/acme.conf', '/etc/modules-load.d/acme.conf', '/usr/lib/udev/rules.d/70-acme.rules', '/lib/firmware/acme/core.bin', `/lib/modules/${k}/extra/acme/acme_core.ko`]) assert.ok(files.includes(p), `${name} holds ${p}:\n${files}`);
      assert.doesNotMatch(files, /acme_gated\.ko/);
    }
  });
});
