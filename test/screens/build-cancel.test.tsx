/**
 * The Build step with the real pipeline: Esc and q ask first (n or Esc keeps building), y cancels every
 * build and returns to Review with the result saved as "cancelled", and no make is left behind.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { render } from 'ink-testing-library';
import { DEFAULT_PACKAGING } from '../../src/answers/schema.js';
import { ProjectStore } from '../../src/projects/registry.js';
import { WizardApp } from '../../screens/App.js';
import { defaultDeps } from '../../src/wizard/deps.js';
import { frame, KEY, press, savedAnswers, waitFor } from './helpers.js';
import { installedKernels, tempDir, writeModuleDir } from '../wizard/helpers.js';

const base = tempDir('dudforge-cancel-');
after(() => rmSync(base, { recursive: true, force: true }));

function processesUnder(dir: string): string[] {
  return execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' })
    .split('\n')
    .filter((l) => l.includes(dir) && !l.includes('ps -eo'));
}

test('q asks, n keeps building, y cancels and returns to Review; nothing left running', { timeout: 300_000 }, async () => {
  const usable = installedKernels().filter((k) => k.usable);
  const mod = join(base, 'mod');
  writeModuleDir(mod);
  const projectDir = join(base, 'proj');
  mkdirSync(projectDir);
  const doc = {
    schemaVersion: 1,
    project: { name: 'bar', vendor: 'V' },
    source: { kind: 'dir', path: mod },
    package: { name: 'bar', version: '1.0', release: '1', vendor: 'V', license: 'GPL-2.0-only', summary: 'Bar demo', description: 'Bar demo' },
    kernels: usable.map((k) => ({ release: k.release, buildTree: k.path })),
    signing: { mode: 'none' },
    packaging: DEFAULT_PACKAGING,
    output: { dir: 'out' },
    buildTime: 1700000000,
    wizard: { step: 9 },
  };
  writeFileSync(join(projectDir, 'dudforge.json'), JSON.stringify(doc));
  const conf = join(base, 'conf');
  const exits: number[] = [];
  const app = render(<WizardApp deps={defaultDeps({ confCwd: conf })} start={{ screen: 'resume', projectDir }} baseDir={base} onExit={(c) => exits.push(c)} />);
  await waitFor(app, (f) => f.includes('9/10 Review'), 'Review');
  await press(app, KEY.enter);
  await waitFor(app, (f) => f.includes('10/10 Build') && usable.some((k) => f.includes(k.release!)), 'the board with kernel rows');
  await press(app, KEY.esc);
  assert.match(frame(app), /10\/10 Build/, 'Esc does not leave a running build');
  assert.match(frame(app), /Cancel the build\? .*\(y\/n\)/, 'Esc asks, as q does');
  await press(app, KEY.esc);
  assert.doesNotMatch(frame(app), /Cancel the build\?/, 'Esc again keeps building');
  await press(app, 'q');
  assert.match(frame(app), /Cancel the build\? .*\(y\/n\)/);
  await press(app, 'n');
  assert.doesNotMatch(frame(app), /Cancel the build\?/);
  await press(app, KEY.ctrlC);
  assert.match(frame(app), /Cancel the build\? .*\(y\/n\)/, 'Ctrl-C asks too');
  await press(app, 'y');
  const f = await waitFor(app, (x) => x.includes('9/10 Review'), 'back at Review', 30_000);
  assert.match(f, /cancelled/);
  const saved = await savedAnswers(projectDir, (d) => d.wizard?.lastResult === 'cancelled');
  assert.equal(saved.wizard.lastResult, 'cancelled');
  assert.equal(new ProjectStore({ cwd: conf }).find('bar')?.lastResult, 'cancelled');
  // Every make/cc1 started for the project is gone within 2 s.
  await delay(2000);
  assert.deepEqual(processesUnder(projectDir), []);
  const out = join(projectDir, 'out');
  assert.deepEqual(exits, [], 'the wizard is still open');
  await press(app, KEY.ctrlC);
  assert.deepEqual(exits, [130], 'Ctrl-C outside the board leaves');
  const left = existsSync(out) ? readdirSync(out, { recursive: true }).map(String).filter((n) => /\.(iso|rpm)$/.test(n)) : [];
  assert.deepEqual(left, [], 'no RPM or ISO written by a cancelled build');
  app.unmount();
});
