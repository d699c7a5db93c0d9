/**
 * The whole wizard from the start screen to Done, with the bundled sample driver and every
 * usable kernel installed here: real Kbuild, real packaging, the real ISO.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, rmSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { render } from 'ink-testing-library';
import { validateAnswers } from '../../src/answers/validate.js';
import { assetsDir } from '../../src/paths.js';
import { ProjectStore } from '../../src/projects/registry.js';
import { WizardApp } from '../../screens/App.js';
import { defaultDeps } from '../../src/wizard/deps.js';
import { allOutput, KEY, press, savedAnswers, type, waitFor } from './helpers.js';
import { installedKernels, tempDir } from '../wizard/helpers.js';

const base = tempDir('dudforge-flow-');
after(() => rmSync(base, { recursive: true, force: true }));

test('start screen → sample driver → every step → live board → Done', { timeout: 600_000 }, async () => {
  const usable = installedKernels().filter((k) => k.usable);
  assert.ok(usable.length >= 1, 'needs at least one usable kernel build tree');
  const conf = join(base, 'conf');
  mkdirSync(conf);
  let exitCode: number | undefined;
  const app = render(<WizardApp deps={defaultDeps({ confCwd: conf })} start={{ screen: 'start' }} baseDir={base} onExit={(c) => (exitCode = c)} />);
  await press(app, KEY.down, KEY.enter);
  await waitFor(app, (f) => f.includes('1/10 Project'), 'step 1');
  await press(app, KEY.down, KEY.down);
  await type(app, 'ACME Corp');
  await press(app, KEY.enter);
  await waitFor(app, (f) => f.includes('2/10 Kernel source'), 'step 2');
  await press(app, KEY.enter);
  let f = await waitFor(app, (x) => x.includes('3/10 Driver directories') && x.includes('.ko'), 'step 3');
  assert.match(f, /\[x\] .*\. \(top\)\s+dudforge_dummy\.ko/);
  await press(app, KEY.enter);
  f = await waitFor(app, (x) => x.includes('5/10 Package') && /Name[ \t]+[^\s▏]/.test(x), 'step 4 with defaults');
  assert.match(f, /Name\s+dudforge-dummy/);
  await press(app, KEY.enter);
  await waitFor(app, (x) => x.includes('6/10 Firmware and extra files'), 'Extras');
  await press(app, KEY.enter);
  f = await waitFor(app, (x) => x.includes('7/10 Target kernels') && x.includes('Add a build tree'), 'step 5');
  for (const k of usable) assert.ok(f.includes(`[x] ${k.release}`), `${k.release} preselected`);
  await press(app, KEY.enter);
  await waitFor(app, (x) => x.includes('8/10 Signing keys'), 'step 6');
  await press(app, KEY.enter);
  f = await waitFor(app, (x) => x.includes('9/10 Review'), 'step 7');
  const projectDir = join(base, 'dudforge-sample');
  assert.ok(f.includes(`dudforge build ${projectDir}`));
  await press(app, KEY.enter);
  await waitFor(app, (x) => x.includes('10/10 Build'), 'the board');
  f = await waitFor(app, (x) => x.includes('Done') || x.includes('9/10 Review'), 'Done (or back at Review after a failed build)', 540_000);
  assert.doesNotMatch(f, /9\/10 Review/, `the build did not finish:\n${f}`);
  const out = allOutput(app);
  for (const k of usable) assert.ok(out.includes(`✔ ${k.release}`), `✔ line for ${k.release}`);
  assert.match(f, /passed every check/);
  assert.match(f, /inst\.dd=hd:LABEL=OEMDRV/);

  const saved = await savedAnswers(projectDir, (d) => d.wizard?.step === 11);
  assert.deepEqual(validateAnswers(saved).problems, []);
  assert.equal(saved.wizard.step, 11);
  assert.equal(saved.probes, join(assetsDir, 'sample-driver', 'dudforge.probes'), "the sample's probe file is carried into the answers");
  assert.equal(saved.wizard.lastResult, 'ok');
  assert.equal(new ProjectStore({ cwd: conf }).find('dudforge-sample')?.lastResult, 'ok');
  const iso = join(projectDir, 'out', `dd-${saved.package.name}-${saved.package.version}-${saved.package.release}.iso`);
  assert.ok(existsSync(iso), iso);
  assert.ok(f.includes(iso));
  assert.match(execFileSync('blkid', ['-p', iso], { encoding: 'utf8' }), /LABEL="OEMDRV"/);
  const rpms = [...f.matchAll(/✔ (\S+\.rpm)/g)].map((m) => join(projectDir, 'out', m[1]));
  assert.equal(rpms.length, usable.length, `one kmod RPM per kernel on the Done screen:\n${f}`);
  for (const rpm of rpms) assert.ok(existsSync(rpm), rpm);
  // Done keeps Review's replay command and shows the sums (the ISO's whole, the RPMs' short).
  assert.ok(f.includes(`dudforge build ${projectDir}`), `the replay command on Done:\n${f}`);
  assert.ok(f.includes(`sha256 ${execFileSync('sha256sum', [iso], { encoding: 'utf8' }).split(' ')[0]}`), `the ISO's sha256 on Done:\n${f}`);
  for (const rpm of rpms) assert.ok(f.includes(`sha256 ${execFileSync('sha256sum', [rpm], { encoding: 'utf8' }).slice(0, 12)}…`), `${rpm}'s sha256 on Done`);
  await press(app, KEY.enter);
  assert.equal(exitCode, 0);
  app.unmount();
});
