/**
 * From Review, a number key opens that step; Enter there returns to Review when the steps after
 * it still hold ("back to review"), and walks on as usual when one no longer does (another
 * source means other driver directories). Real driver directory, real kernel discovery.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { render } from 'ink-testing-library';
import { WizardFlow } from '../../screens/App.js';
import { defaultDeps } from '../../src/wizard/deps.js';
import { jumpTarget } from '../../src/wizard/jump.js';
import { stateFromAnswers } from '../../src/wizard/index.js';
import { frame, KEY, press, type, waitFor } from './helpers.js';
import { installedKernels, tempDir, writeModuleDir } from '../wizard/helpers.js';
import { needs } from '../helpers/needs.js';

const usable = installedKernels().filter((k) => k.usable);

describe('jump from Review', () => {
  let base: string;
  before(() => {
    base = tempDir();
    writeModuleDir(join(base, 'bar'));
    writeModuleDir(join(base, 'other'));
  });
  after(() => rmSync(base, { recursive: true, force: true }));

  test('number keys name the steps before Review', () => {
    assert.equal(jumpTarget('1'), 'project');
    assert.equal(jumpTarget('4'), 'modules');
    assert.equal(jumpTarget('5'), 'package');
    assert.equal(jumpTarget('8'), 'signing');
    assert.equal(jumpTarget('9'), undefined, 'Review itself');
    assert.equal(jumpTarget('0'), undefined);
    assert.equal(jumpTarget('12'), undefined);
  });

  test('5 → Package, edit, Enter → Review with the edit saved; 2 → another source walks on to step 3', { skip: needs(usable.length > 0, 'a kernel build tree'), timeout: 60_000 }, async () => {
    const projectDir = join(base, 'proj');
    const doc = {
      schemaVersion: 1 as const,
      project: { name: 'bar' },
      source: { kind: 'dir' as const, path: join(base, 'bar') },
      driverDirs: ['.'],
      package: { name: 'bar', version: '1.0', release: '1', vendor: 'V', license: 'GPL-2.0-only', summary: 'S', description: 'D' },
      kernels: [{ release: usable[0].release!, buildTree: usable[0].path }],
      signing: { mode: 'none' as const },
      buildTime: 1600000000,
      wizard: { step: 9 },
    };
    const deps = defaultDeps({ confCwd: join(base, 'conf') });
    const s = stateFromAnswers(doc, { baseDir: base, now: 1, projectDir, sourceKinds: deps.sourceKinds() });
    const app = render(<WizardFlow deps={deps} initial={{ ...s, ownDir: projectDir }} onLeave={() => {}} />);
    await waitFor(app, (f) => f.includes('9/10 Review'), 'Review');
    assert.match(frame(app), /1–8 edit a step/);
    await press(app, '5');
    let f = await waitFor(app, (x) => x.includes('5/10 Package'), 'step 5 after 5');
    assert.match(f, /Opened from Review/);
    await press(app, KEY.down);
    await press(app, '\u001B[F');
    await type(app, '.1');
    await press(app, KEY.enter);
    f = await waitFor(app, (x) => x.includes('9/10 Review'), 'back to Review after Enter');
    assert.match(f, /bar-<kernel release> 1\.0\.1-1/);
    assert.doesNotMatch(f, /Opened from Review/);
    const saved = JSON.parse(readFileSync(join(projectDir, 'dudforge.json'), 'utf8'));
    assert.equal(saved.package.version, '1.0.1');
    assert.equal(saved.wizard.step, 9);

    // Another source: its driver directories must be chosen again, so Enter walks on to step 3.
    await press(app, '2');
    await waitFor(app, (x) => x.includes('2/10 Kernel source'), 'step 2 after 2');
    await press(app, KEY.down, '\u0015');
    await type(app, join(base, 'other'));
    await press(app, KEY.enter);
    f = await waitFor(app, (x) => x.includes('3/10 Driver directories'), 'step 3 after another source');
    await waitFor(app, (x) => x.includes('bar.ko'), 'the new tree read');
    await press(app, KEY.enter);
    // From step 3 on the later steps hold again: Review, without walking the steps between.
    f = await waitFor(app, (x) => x.includes('9/10 Review'), 'Review after step 3');
    assert.ok(f.includes(join(base, 'other')), f);
    app.unmount();
  });
});
