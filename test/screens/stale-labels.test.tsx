/**
 * Labels that must not outlive what they describe (issue 15, bug 11): a build killed mid-way
 * reads as interrupted, never as the result of the build before it; a project whose directory
 * is gone is marked missing, not opened, and can be forgotten.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { render } from 'ink-testing-library';
import { ProjectStore } from '../../src/projects/registry.js';
import { WizardApp } from '../../screens/App.js';
import { defaultDeps } from '../../src/wizard/deps.js';
import { wizardStart } from '../../src/wizard/index.js';
import { isUserError } from '../../src/errors.js';
import { assetsDir } from '../../src/paths.js';
import { frame, KEY, press, waitFor } from './helpers.js';
import { tempDir } from '../wizard/helpers.js';
import { installedKernels, runCli } from '../helpers/cli.js';
import { needs } from '../helpers/needs.js';
import { ensureBuilt, hasTmux, MAIN, TmuxSession } from './tmux.js';

describe('stale labels', () => {
  let base: string;
  before(() => {
    base = tempDir();
    ensureBuilt(import.meta.url);
  });
  after(() => rmSync(base, { recursive: true, force: true }));

  test('a project whose directory is gone: listed as missing, not opened, forgotten on Enter', async () => {
    const xdg = join(base, 'xdg');
    const conf = join(xdg, 'dudforge-nodejs');
    const gone = join(base, 'gone');
    const here = join(base, 'here');
    mkdirSync(here);
    writeFileSync(join(here, 'dudforge.json'), JSON.stringify({ schemaVersion: 1, project: { name: 'here' }, buildTime: 1 }));
    const store = new ProjectStore({ cwd: conf });
    store.register({ name: 'here', dir: here, step: 2 }, new Date('2026-01-01T00:00:00Z'));
    store.register({ name: 'gone', dir: gone, step: 11, lastResult: 'ok' }, new Date('2026-02-01T00:00:00Z'));

    const listed = runCli(['projects'], { env: { XDG_CONFIG_HOME: xdg } });
    assert.equal(listed.status, 0, listed.stderr);
    assert.match(listed.stdout, new RegExp(`gone .*${gone}\\s+\\(missing`));
    assert.doesNotMatch(listed.stdout, /here .*missing/);
    const json = JSON.parse(runCli(['projects', '--json'], { env: { XDG_CONFIG_HOME: xdg } }).stdout);
    assert.deepEqual(json.map((p: { name: string; missing?: boolean }) => [p.name, !!p.missing]), [['gone', true], ['here', false]]);
    assert.throws(() => wizardStart({ resume: 'gone', confCwd: conf }), (e: unknown) => isUserError(e) && /no longer holds a dudforge\.json/.test(e.message));

    const app = render(<WizardApp deps={defaultDeps({ confCwd: conf })} start={{ screen: 'start' }} baseDir={base} onExit={() => {}} />);
    let f = frame(app);
    assert.match(f, /❯ gone\s+⚠ missing\s+Enter forgets it/);
    assert.doesNotMatch(f, /gone.*last build: ok/);
    await press(app, KEY.enter);
    f = await waitFor(app, (x) => x.includes('Forgot "gone"'), 'forgotten');
    assert.doesNotMatch(f, /1\/10 Project/, 'not opened as a blank step 1');
    assert.doesNotMatch(f, /❯ gone|  gone /);
    assert.deepEqual(new ProjectStore({ cwd: conf }).list().map((p) => p.name), ['here']);
    app.unmount();
  });

  const kernels = installedKernels();
  test('a build killed mid-way reads as interrupted on Review, not as the last result', { skip: needs(hasTmux() && kernels.length > 0, 'tmux and a kernel build tree'), timeout: 300_000 }, async () => {
    const dir = join(base, 'killed');
    const created = runCli(['new', dir, '--yes', '--source', `dir:${join(assetsDir, 'sample-driver')}`, '--kernel', kernels[0].release, '--vendor', 'V']);
    assert.equal(created.status, 0, created.stderr);
    const doc = JSON.parse(readFileSync(join(dir, 'dudforge.json'), 'utf8'));
    writeFileSync(join(dir, 'dudforge.json'), JSON.stringify({ ...doc, wizard: { step: 11, lastResult: 'ok' } }, null, 2));
    const pane = new TmuxSession(`dudforge-stale-${process.pid}`, base);
    try {
      pane.start(`node ${MAIN} resume ${dir}`);
      await pane.ready(/9\/10 Review[\s\S]*Last build: ok/, 'Review with the last result');
      await pane.key('Enter');
      await pane.waitFor(/10\/10 Build/, 'the build started');
      assert.equal(JSON.parse(readFileSync(join(dir, 'dudforge.json'), 'utf8')).wizard.lastResult, 'running', 'recorded before the build');
      pane.kill(); // the terminal goes away mid-build
      pane.start(`node ${MAIN} resume ${dir}`);
      const review = await pane.waitFor(/9\/10 Review[\s\S]*Last build:/, 'Review after the kill');
      assert.match(review, /Last build: interrupted/);
      assert.doesNotMatch(review, /Last build: ok/);
    } finally {
      pane.kill();
    }
  });
});
