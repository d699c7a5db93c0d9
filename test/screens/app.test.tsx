/**
 * The app root: the start screen, resuming saved projects, and bad files (corrupt or newer
 * project store or dudforge.json) reported with their path, kept, and replaced only on request.
 */
import { test, describe, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { render } from 'ink-testing-library';
import { ProjectStore, projectStorePath } from '../../src/projects/registry.js';
import { WizardApp, type AppStart } from '../../screens/App.js';
import { defaultDeps } from '../../src/wizard/deps.js';
import { findProject, listProjects, wizardStart } from '../../src/wizard/index.js';
import { runWizard } from '../../screens/run-wizard.js';
import { isUserError } from '../../src/errors.js';
import { frame, KEY, press, waitFor } from './helpers.js';
import { tempDir, writeModuleDir } from '../wizard/helpers.js';

describe('wizard app root', () => {
  let base: string;
  let conf: string;
  let exits: number[];
  beforeEach(() => {
    base = tempDir();
    conf = join(base, 'conf');
    mkdirSync(conf);
    exits = [];
  });
  afterEach(() => rmSync(base, { recursive: true, force: true }));

  const start = (s: AppStart) => render(<WizardApp deps={defaultDeps({ confCwd: conf })} start={s} baseDir={base} onExit={(c) => exits.push(c)} />);

  test('start screen: saved projects most recent first with step and last result; New project', async () => {
    const store = new ProjectStore({ cwd: conf });
    store.saveProfile({ vendor: 'ACME Corp' });
    for (const name of ['older', 'newer']) {
      mkdirSync(join(base, name));
      writeFileSync(join(base, name, 'dudforge.json'), JSON.stringify({ schemaVersion: 1, project: { name } }));
    }
    store.register({ name: 'older', dir: join(base, 'older'), step: 2 }, new Date('2026-01-01T00:00:00Z'));
    store.register({ name: 'newer', dir: join(base, 'newer'), step: 11, lastResult: 'ok' }, new Date('2026-02-01T00:00:00Z'));
    const app = start({ screen: 'start' });
    const f = frame(app);
    assert.ok(f.indexOf('newer') < f.indexOf('older'), 'most recent first');
    assert.match(f, /newer\s+Done\s+last build: ok/);
    assert.match(f, /older\s+2\/10 Kernel source\s+not built yet/);
    assert.match(f, /New project/);
    assert.match(f, /Try the bundled sample driver/);
    await press(app, KEY.down, KEY.down, KEY.enter);
    const step1 = await waitFor(app, (x) => x.includes('1/10 Project'), 'step 1');
    assert.match(step1, /Vendor\s+ACME Corp/);
    await press(app, KEY.esc);
    await waitFor(app, (x) => x.includes('New project'), 'Esc on step 1 returns to the start screen');
    await press(app, 'q');
    assert.deepEqual(exits, [0]);
    app.unmount();
  });

  test('the sample driver choice pre-fills the source with the bundled driver', async () => {
    const app = start({ screen: 'start' });
    await press(app, KEY.down, KEY.enter);
    const f = await waitFor(app, (x) => x.includes('1/10 Project'), 'step 1');
    assert.match(f, /Project name\s+dudforge-sample/);
    assert.ok(f.includes(join(base, 'dudforge-sample')));
    app.unmount();
  });

  for (const [label, text, problem] of [
    ['corrupt', '{"storeVersion": 1, "projects": {', /not valid JSON/],
    ['newer', JSON.stringify({ storeVersion: 99, projects: {} }), /newer dudforge/],
  ] as const) {
    test(`a ${label} project store is reported with its path; quitting leaves it, starting fresh keeps a backup`, async () => {
      const path = projectStorePath({ cwd: conf });
      writeFileSync(path, text);
      let app = start({ screen: 'start' });
      let f = frame(app);
      assert.ok(f.includes(path), 'names the file');
      assert.match(f, problem);
      await press(app, KEY.enter); // default: quit
      assert.deepEqual(exits, [2]);
      assert.equal(readFileSync(path, 'utf8'), text, 'not overwritten');
      app.unmount();
      app = start({ screen: 'start' });
      await press(app, KEY.up, KEY.enter);
      f = await waitFor(app, (x) => x.includes('New project'), 'start screen after starting fresh');
      const backups = readdirSync(conf).filter((n) => n.includes('.bak-'));
      assert.equal(backups.length, 1);
      assert.equal(readFileSync(join(conf, backups[0]), 'utf8'), text, 'the bad file is kept');
      assert.match(f, /kept as\s+\S*\.bak-/);
      app.unmount();
    });
  }

  test('resume: a corrupt dudforge.json is reported, kept, and replaced only on request', async () => {
    const dir = join(base, 'proj');
    mkdirSync(dir);
    writeFileSync(join(dir, 'dudforge.json'), '{ "schemaVersion": 1, ');
    let app = start({ screen: 'resume', projectDir: dir });
    assert.ok(frame(app).includes(join(dir, 'dudforge.json')));
    assert.match(frame(app), /not valid JSON/);
    await press(app, KEY.enter);
    assert.deepEqual(exits, [2]);
    app.unmount();
    writeFileSync(join(dir, 'dudforge.json'), JSON.stringify({ schemaVersion: 7 }));
    app = start({ screen: 'resume', projectDir: dir });
    assert.match(frame(app), /newer dudforge \(schema version 7/);
    await press(app, KEY.up, KEY.enter);
    await waitFor(app, (x) => x.includes('1/10 Project'), 'fresh project in the same directory');
    assert.equal(existsSync(join(dir, 'dudforge.json')), false);
    assert.equal(readdirSync(dir).filter((n) => n.startsWith('dudforge.json.bak-')).length, 1);
    app.unmount();
  });

  test('resume at a saved step with every earlier answer in place; findProject/listProjects', async () => {
    const dir = join(base, 'proj');
    const mod = join(base, 'mod');
    writeModuleDir(mod);
    mkdirSync(dir);
    const doc = { schemaVersion: 1, project: { name: 'bar', vendor: 'V' }, source: { kind: 'dir', path: mod }, buildTime: 1700000000, wizard: { step: 5 } };
    writeFileSync(join(dir, 'dudforge.json'), JSON.stringify(doc));
    new ProjectStore({ cwd: conf }).register({ name: 'bar', dir, step: 5 });
    assert.equal(findProject('bar', { confCwd: conf })?.dir, dir);
    assert.equal(findProject('', { confCwd: conf })?.name, 'bar');
    assert.equal(findProject(dir, { confCwd: conf })?.name, 'bar');
    assert.deepEqual(listProjects({ confCwd: conf }).map((p) => p.step), [5]);
    assert.deepEqual(wizardStart({ resume: 'bar', confCwd: conf }), { screen: 'resume', projectDir: dir });
    assert.throws(() => wizardStart({ resume: 'nope', confCwd: conf }), (e: unknown) => isUserError(e) && /no saved project/.test(e.message));
    const app = start({ screen: 'resume', projectDir: dir });
    const f = await waitFor(app, (x) => x.includes('5/10 Package') && x.includes('Bar demo'), 'step 4 with defaults from the module');
    assert.match(f, /Name\s+bar/);
    assert.match(f, /Version\s+1\.0/);
    await press(app, KEY.esc);
    await waitFor(app, (x) => x.includes('3/10 Driver directories') && x.includes('bar.ko'), 'step 3 with the module directory selected');
    assert.match(frame(app), /\[x\] ▾?\s*\. \(top\)/);
    await press(app, KEY.esc, KEY.esc);
    const f1 = await waitFor(app, (x) => x.includes('1/10 Project'), 'step 1');
    assert.match(f1, /Project name\s+bar/);
    assert.match(f1, /Vendor\s+V/);
    app.unmount();
  });

  test('`dudforge new DIR` with flags: the flags pre-fill their steps, the wizard starts at step 1', async () => {
    const mod = join(base, 'mod');
    writeModuleDir(mod);
    const dir = join(base, 'pre');
    const app = start({ screen: 'new', projectDir: dir, prefill: { project: { name: 'pre', vendor: 'Flag Vendor' }, source: { kind: 'dir', path: mod }, config: { CONFIG_BAR: 'm' } } });
    let f = frame(app);
    assert.match(f, /1\/10 Project/);
    assert.match(f, /Project name\s+pre/);
    assert.match(f, /Vendor\s+Flag Vendor/);
    assert.ok(f.includes(dir));
    await press(app, KEY.enter);
    f = await waitFor(app, (x) => x.includes('2/10 Kernel source'), 'step 2');
    assert.ok(f.includes(mod), 'the source flag fills step 2');
    const saved = JSON.parse(readFileSync(join(dir, 'dudforge.json'), 'utf8'));
    assert.deepEqual(saved.config, { CONFIG_BAR: 'm' }, 'answers without a step are kept');
    app.unmount();
  });

  test('runWizard refuses to start without a terminal and says what to run', async () => {
    if (process.stdin.isTTY && process.stdout.isTTY) return; // only meaningful when the test itself has no TTY
    await assert.rejects(runWizard({ confCwd: conf }), (e: unknown) => isUserError(e) && /needs a terminal/.test(e.message) && /dudforge build/.test(e.hint ?? ''));
  });
});
