/**
 * A tarball that holds one standalone module (issue 15, bug 2): step 3 shows the tarball, not
 * the temporary directory it is browsed in, accepts the preselected top, reads the package
 * defaults from it, and the saved answers build for real; the browsing copy is removed at the end.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { render } from 'ink-testing-library';
import { WizardApp } from '../../screens/App.js';
import { defaultDeps } from '../../src/wizard/deps.js';
import { removeSkeletons, skeletonDir } from '../../src/wizard/source-skeleton.js';
import { frame, KEY, press, waitFor } from './helpers.js';
import { tempDir, writeModuleDir } from '../wizard/helpers.js';
import { installedKernels, runCli, shOk } from '../helpers/cli.js';
import { needs } from '../helpers/needs.js';

describe('a tarball holding one module', () => {
  let base: string;
  let tarball: string;
  const kernels = installedKernels();
  before(() => {
    base = tempDir();
    writeModuleDir(join(base, 'bar-1.0'));
    tarball = join(base, 'bar-1.0.tar.gz');
    shOk('tar', ['-czf', tarball, '-C', base, 'bar-1.0']);
  });
  after(() => {
    removeSkeletons();
    rmSync(base, { recursive: true, force: true });
  });

  test('step 3 takes its top, the answers build, the skeleton goes', { skip: needs(kernels.length > 0, 'a kernel build tree'), timeout: 600_000 }, async () => {
    const dir = join(base, 'proj');
    const deps = defaultDeps({ confCwd: join(base, 'conf') });
    const app = render(
      <WizardApp deps={deps} start={{ screen: 'new', projectDir: dir, prefill: { project: { name: 'bar', vendor: 'V' }, source: { kind: 'tar', file: tarball } } }} baseDir={base} onExit={() => {}} />,
    );
    await press(app, KEY.enter);
    await waitFor(app, (f) => f.includes('2/10 Kernel source'), 'step 2');
    await press(app, KEY.enter);
    const s3 = await waitFor(app, (f) => f.includes('3/10 Driver directories') && f.includes('bar.ko'), 'step 3 with the module');
    assert.ok(s3.includes(`tarball ${tarball}`), `the title names the tarball:\n${s3}`);
    assert.doesNotMatch(s3, /dudforge-browse-/, 'no temporary path on screen');
    assert.match(s3, /\[x\] .*\. \(top\)/, 'the top is preselected');
    await press(app, KEY.enter);
    const s4 = await waitFor(app, (f) => f.includes('5/10 Package') && /Name\s+bar/.test(f), 'step 4 with defaults from the tarball');
    assert.doesNotMatch(s4, /not its top/);
    assert.match(s4, /Summary\s+Bar demo/);
    await press(app, KEY.enter);
    await waitFor(app, (f) => f.includes('6/10 Firmware and extra files'), 'Extras');
    await press(app, KEY.enter);
    await waitFor(app, (f) => f.includes('7/10 Target kernels') && f.includes('[x]'), 'step 5 with kernels');
    await press(app, KEY.enter);
    await waitFor(app, (f) => f.includes('8/10 Signing'), 'step 6');
    await press(app, KEY.enter);
    await waitFor(app, (f) => f.includes('9/10 Review'), 'step 7');
    assert.match(frame(app), /Driver directories\s+\(the top of the source: it is the module\)/);
    app.unmount();
    const doc = JSON.parse(readFileSync(join(dir, 'dudforge.json'), 'utf8'));
    assert.deepEqual(doc.driverDirs, ['.']);
    assert.equal(doc.source.kind, 'tar');

    const skeleton = skeletonDir({ kind: 'tar', file: tarball });
    assert.ok(existsSync(skeleton), 'browsed in a skeleton');
    removeSkeletons();
    assert.equal(existsSync(skeleton), false, 'the skeleton is removed at the end of the session');

    const built = runCli(['build', dir, '--plain'], { env: { CI: 'true' } });
    assert.equal(built.status, 0, built.stderr);
    const rpms = readdirSync(join(dir, 'out')).filter((n) => n.startsWith('kmod-bar-') && n.endsWith('.rpm'));
    assert.ok(rpms.length >= 1, `kmod RPMs: ${rpms.join(' ')}`);
    const files = shOk('rpm', ['-qlp', join(dir, 'out', rpms[0])]);
    assert.match(files, /\/extra\/bar\/bar\.ko/);
  });
});
