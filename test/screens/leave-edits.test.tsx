/**
 * Ctrl-C outside the build: "saved at step N — `dudforge resume NAME`", and the step on screen
 * keeps its edits when they validate (written with wizard.step still at that step); edits that
 * do not validate are not written, and the note says why.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { render } from 'ink-testing-library';
import { WizardFlow } from '../../screens/App.js';
import { defaultDeps } from '../../src/wizard/deps.js';
import { stateFromAnswers } from '../../src/wizard/index.js';
import { saveAnswers } from '../../src/answers/io.js';
import { frame, KEY, press, type } from './helpers.js';
import { tempDir, writeModuleDir } from '../wizard/helpers.js';

describe('Ctrl-C keeps the current step', () => {
  let base: string;
  let projectDir: string;
  const doc = () => ({
    schemaVersion: 1 as const,
    project: { name: 'bar' },
    source: { kind: 'dir' as const, path: join(base, 'bar') },
    driverDirs: ['.'],
    package: { name: 'bar', version: '1.0', release: '1', vendor: 'V', license: 'GPL-2.0-only', summary: 'S', description: 'D' },
    wizard: { step: 5 },
  });
  const saved = () => JSON.parse(readFileSync(join(projectDir, 'dudforge.json'), 'utf8'));
  before(() => {
    base = tempDir();
    writeModuleDir(join(base, 'bar'));
    projectDir = join(base, 'proj');
  });
  after(() => rmSync(base, { recursive: true, force: true }));

  async function leaveAfter(edit: (app: ReturnType<typeof render>) => Promise<void>): Promise<string | undefined> {
    saveAnswers(projectDir, doc());
    const deps = defaultDeps({ confCwd: join(base, 'conf') });
    const s = stateFromAnswers(doc(), { baseDir: base, now: 1, projectDir, sourceKinds: deps.sourceKinds() });
    let note: string | undefined;
    const app = render(<WizardFlow deps={deps} initial={{ ...s, ownDir: projectDir }} onLeave={(_c, n) => (note = n)} />);
    assert.match(frame(app), /5\/10 Package/);
    await edit(app);
    await press(app, KEY.ctrlC);
    app.unmount();
    return note;
  }

  test('valid edits on step 5 (Package) are saved, at step 5', async () => {
    const note = await leaveAfter(async (app) => {
      await press(app, KEY.down, '\u001B[F');
      await type(app, '.7');
    });
    assert.equal(note, `Saved at step 5 with this step's edits in ${join(projectDir, 'dudforge.json')} — \`dudforge resume bar\``);
    assert.equal(saved().package.version, '1.0.7');
    assert.equal(saved().wizard.step, 5, 'resume shows step 5 again, with the edits');
  });

  test('edits that do not validate are not written, and the note says why', async () => {
    const note = await leaveAfter(async (app) => {
      await press(app, '\u0015'); // Ctrl-U: the package name emptied
    });
    assert.match(note ?? '', /^Saved at step 5 in .* — `dudforge resume bar` \(this step's edits were not saved: .*Name.*\)$/);
    assert.equal(saved().package.name, 'bar');
  });
});
