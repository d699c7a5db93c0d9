/**
 * The start screen deletes a project: `d` asks to forget it (files stay); only a second, explicit
 * answer deletes the files dudforge wrote there, named before asking (dudforge.json, out/ with its
 * manifest, .dudforge/), and the sources beside them stay. A missing project is marked with a
 * glyph (not only colour) and can only be forgotten.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { render } from 'ink-testing-library';
import { ProjectStore } from '../../src/projects/registry.js';
import { WizardApp } from '../../screens/App.js';
import { defaultDeps } from '../../src/wizard/deps.js';
import { frame, KEY, press } from './helpers.js';
import { tempDir } from '../wizard/helpers.js';

describe('deleting a project from the start screen', () => {
  let base: string;
  let conf: string;
  let dir: string;
  before(() => {
    base = tempDir();
    conf = join(base, 'conf');
    dir = join(base, 'proj');
  });
  after(() => rmSync(base, { recursive: true, force: true }));

  function project(): void {
    mkdirSync(join(dir, 'out'), { recursive: true });
    mkdirSync(join(dir, '.dudforge', 'build'), { recursive: true });
    writeFileSync(join(dir, 'dudforge.json'), JSON.stringify({ schemaVersion: 1, project: { name: 'proj' } }));
    writeFileSync(join(dir, 'out', '.dudforge-output.json'), '{"generator":"dudforge","files":[]}');
    writeFileSync(join(dir, 'out', 'dd.iso'), 'x');
    writeFileSync(join(dir, 'driver.c'), 'int x;\n');
    new ProjectStore({ cwd: conf }).register({ name: 'proj', dir, step: 2 });
  }
  const open = () => render(<WizardApp deps={defaultDeps({ confCwd: conf })} start={{ screen: 'start' }} baseDir={base} onExit={() => {}} />);
  const listed = () => new ProjectStore({ cwd: conf }).list().map((p) => p.name);

  test('d then n keeps it; d then y forgets it and leaves every file', async () => {
    project();
    const app = open();
    assert.match(frame(app), /d delete/);
    await press(app, 'd');
    assert.match(frame(app), /Forget "proj" .*\? Its files stay on disk/);
    await press(app, 'n');
    assert.doesNotMatch(frame(app), /Forget "proj"/);
    assert.deepEqual(listed(), ['proj']);
    await press(app, 'd', 'y');
    assert.match(frame(app), /Forgot "proj"; its files in .* are untouched/);
    assert.deepEqual(listed(), []);
    assert.ok(existsSync(join(dir, 'dudforge.json')) && existsSync(join(dir, 'out', 'dd.iso')));
    app.unmount();
  });

  test('d, f names the files; Esc keeps everything; d, f, y deletes only them', async () => {
    project();
    const app = open();
    await press(app, 'd', 'f');
    const f = frame(app);
    assert.match(f, /Delete these files of "proj" from disk\? This cannot be undone/);
    for (const name of ['dudforge.json', 'out', '.dudforge']) assert.ok(f.includes(`✖ ${join(dir, name)}`), `${name} named:\n${f}`);
    assert.doesNotMatch(f, /driver\.c/);
    await press(app, KEY.esc);
    assert.ok(existsSync(join(dir, 'dudforge.json')));
    assert.deepEqual(listed(), ['proj']);
    await press(app, 'd', 'f', 'y');
    assert.match(frame(app), /Forgot "proj" and deleted/);
    assert.deepEqual(listed(), []);
    for (const name of ['dudforge.json', 'out', '.dudforge']) assert.ok(!existsSync(join(dir, name)), `${name} deleted`);
    assert.ok(existsSync(join(dir, 'driver.c')), 'the sources stay');
    app.unmount();
  });

  test('a missing project shows ⚠ missing and can only be forgotten', async () => {
    new ProjectStore({ cwd: conf }).register({ name: 'gone', dir: join(base, 'gone'), step: 3 });
    const app = open();
    assert.match(frame(app), /gone\s+⚠ missing/);
    await press(app, 'd');
    assert.doesNotMatch(frame(app), /f forget it and delete/);
    await press(app, 'f');
    assert.doesNotMatch(frame(app), /Delete these files/);
    await press(app, 'y');
    assert.deepEqual(listed(), []);
    app.unmount();
  });
});
