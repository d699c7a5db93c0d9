/**
 * A new project in a directory that already holds one (issue 15, bug 1): the wizard asks
 * first (open / overwrite / another directory), an overwrite keeps the old file as a backup and
 * the old build time; `dudforge new --yes` refuses without --force and keeps the build time with it.
 */
import { test, describe, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { render } from 'ink-testing-library';
import { WizardApp } from '../../screens/App.js';
import { defaultDeps } from '../../src/wizard/deps.js';
import { frame, KEY, press, type, waitFor } from './helpers.js';
import { tempDir, writeModuleDir } from '../wizard/helpers.js';
import { installedKernels, runCli } from '../helpers/cli.js';
import { needs } from '../helpers/needs.js';

const OLD_TIME = 1600000000;

function writeBuiltProject(dir: string, mod: string): string {
  mkdirSync(dir, { recursive: true });
  const doc = {
    schemaVersion: 1,
    project: { name: 'oldproj', vendor: 'Old Vendor' },
    source: { kind: 'dir', path: mod },
    package: { name: 'bar', version: '1.0', release: '1', vendor: 'Old Vendor', license: 'GPLv2', summary: 'Bar demo', description: 'Bar demo' },
    kernels: [{ release: '6.1.0-x', buildTree: '/nonexistent/build' }],
    signing: { mode: 'none' },
    buildTime: OLD_TIME,
    wizard: { step: 11, lastResult: 'ok' },
  };
  const text = JSON.stringify(doc, null, 2) + '\n';
  writeFileSync(join(dir, 'dudforge.json'), text);
  return text;
}

describe('a new project where one already is', () => {
  let base: string;
  let dir: string;
  let mod: string;
  let original: string;
  beforeEach(() => {
    base = tempDir();
    dir = join(base, 'proj');
    mod = join(base, 'mod');
    writeModuleDir(mod);
    original = writeBuiltProject(dir, mod);
  });
  afterEach(() => rmSync(base, { recursive: true, force: true }));

  const start = () =>
    render(<WizardApp deps={{ ...defaultDeps({ confCwd: join(base, 'conf') }), buildTime: () => 1700000000 }} start={{ screen: 'new', projectDir: dir }} baseDir={base} onExit={() => {}} />);

  async function answerStep1(app: ReturnType<typeof start>): Promise<string> {
    await type(app, 'newproj');
    await press(app, KEY.down, KEY.down);
    await type(app, 'New Vendor');
    await press(app, KEY.enter);
    return waitFor(app, (f) => f.includes('already holds'), 'the question about the existing project');
  }

  test('the wizard asks before replacing; nothing is written until it is answered', async () => {
    const app = start();
    const f = await answerStep1(app);
    assert.ok(f.includes(`${dir} already holds the project "oldproj"`), f);
    assert.match(f, /❯ Open it/);
    assert.match(f, /Overwrite it/);
    assert.match(f, /Choose another directory/);
    assert.doesNotMatch(f, /2\/10 Kernel source/);
    assert.equal(readFileSync(join(dir, 'dudforge.json'), 'utf8'), original, 'the old file is untouched while asking');
    // "Choose another directory": back to the directory field, still nothing written.
    await press(app, KEY.down, KEY.down, KEY.enter);
    const g = await waitFor(app, (x) => !x.includes('already holds'), 'the question closed');
    assert.match(g, /❯ Directory/);
    assert.equal(readFileSync(join(dir, 'dudforge.json'), 'utf8'), original);
    await press(app, ...Array('proj'.length).fill(KEY.backspace));
    await type(app, 'other');
    await press(app, KEY.enter);
    await waitFor(app, (x) => x.includes('2/10 Kernel source'), 'step 2 in the other directory');
    assert.equal(readFileSync(join(dir, 'dudforge.json'), 'utf8'), original);
    assert.equal(JSON.parse(readFileSync(join(base, 'other', 'dudforge.json'), 'utf8')).project.name, 'newproj');
    app.unmount();
  });

  test('open: the existing project is resumed, not replaced', async () => {
    const app = start();
    await answerStep1(app);
    await press(app, KEY.enter);
    const f = await waitFor(app, (x) => x.includes('9/10 Review'), 'the old project at Review');
    assert.match(f, /oldproj/);
    assert.equal(readFileSync(join(dir, 'dudforge.json'), 'utf8'), original);
    app.unmount();
  });

  test('overwrite: the old file is kept as a backup and its build time carries over', async () => {
    const app = start();
    await answerStep1(app);
    await press(app, KEY.down, KEY.enter);
    await waitFor(app, (x) => x.includes('2/10 Kernel source'), 'step 2');
    const backups = readdirSync(dir).filter((n) => n.startsWith('dudforge.json.bak-'));
    assert.equal(backups.length, 1, 'one backup');
    assert.equal(readFileSync(join(dir, backups[0]), 'utf8'), original, 'the backup is the old file');
    const doc = JSON.parse(readFileSync(join(dir, 'dudforge.json'), 'utf8'));
    assert.equal(doc.project.name, 'newproj');
    assert.equal(doc.buildTime, OLD_TIME, 'the build time is kept');
    // Esc back to step 1 and Enter again: the directory is this project's now, no question.
    await press(app, KEY.esc);
    await waitFor(app, (x) => x.includes('1/10 Project'), 'step 1');
    await press(app, KEY.enter);
    await waitFor(app, (x) => x.includes('2/10 Kernel source'), 'step 2 without asking again');
    app.unmount();
  });

  const kernels = installedKernels();
  test('`dudforge new --yes` refuses an existing project (exit 2); --force keeps the build time and a backup', { skip: needs(kernels.length > 0, 'a kernel build tree') }, () => {
    const args = ['new', dir, '--yes', '--source', `dir:${mod}`, '--vendor', 'New Vendor', '--kernel', kernels[0].release, '--name', 'fresh'];
    const refused = runCli(args);
    assert.equal(refused.status, 2, refused.stderr);
    assert.match(refused.stderr, /dudforge\.json already exists/);
    assert.equal(readFileSync(join(dir, 'dudforge.json'), 'utf8'), original);
    const forced = runCli([...args, '--force']);
    assert.equal(forced.status, 0, forced.stderr);
    const doc = JSON.parse(readFileSync(join(dir, 'dudforge.json'), 'utf8'));
    assert.equal(doc.package.name, 'fresh');
    assert.equal(doc.buildTime, OLD_TIME, '--force keeps the build time');
    const backups = readdirSync(dir).filter((n) => n.startsWith('dudforge.json.bak-'));
    assert.equal(backups.length, 1);
    assert.equal(readFileSync(join(dir, backups[0]), 'utf8'), original);
    // --build-time given: that one wins.
    const timed = runCli([...args, '--force', '--build-time', '1234567890']);
    assert.equal(timed.status, 0, timed.stderr);
    assert.equal(JSON.parse(readFileSync(join(dir, 'dudforge.json'), 'utf8')).buildTime, 1234567890);
  });
});
