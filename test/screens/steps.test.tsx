/**
 * Each step's screen, driven through the real app flow (real tree reading, real kernel
 * discovery, real certificate parsing, a conf store in a temp dir): what it shows, what Enter
 * refuses and why, Esc back, and what is saved after each step.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { render } from 'ink-testing-library';
import { ProjectStore } from '../../src/projects/registry.js';
import { WizardFlow } from '../../screens/App.js';
import { defaultDeps } from '../../src/wizard/deps.js';
import { initialState, sourceKindsFor } from '../../src/wizard/state.js';
import { SourceStep } from '../../screens/SourceStep.js';
import { DoneStep } from '../../screens/DoneStep.js';
import { frame, KEY, press, type, waitFor } from './helpers.js';
import { detectedTrees, installedKernels, tempDir, writeDriverTree } from '../wizard/helpers.js';

describe('wizard step screens', () => {
  let base: string;
  let store: ProjectStore;
  let app: ReturnType<typeof render>;
  let leftWith: (number | undefined)[] = [];
  const usable = installedKernels().filter((k) => k.usable);
  const projectDir = () => join(base, 'proj');
  const saved = () => JSON.parse(readFileSync(join(projectDir(), 'dudforge.json'), 'utf8'));

  before(() => {
    base = tempDir();
    writeDriverTree(join(base, 'linux'));
    store = new ProjectStore({ cwd: join(base, 'conf') });
    store.saveProfile({ vendor: 'ACME Corp', author: 'Ann' });
    const deps = defaultDeps({ confCwd: join(base, 'conf') });
    const state = initialState({ baseDir: base, now: 1700000000, profile: store.profile(), sourceKinds: deps.sourceKinds() });
    app = render(<WizardFlow deps={deps} initial={state} store={store} onLeave={(c) => leftWith.push(c)} />);
  });
  after(() => {
    app.unmount();
    rmSync(base, { recursive: true, force: true });
  });

  test('1/10 Project: profile defaults, inline reasons, saved with the profile', async () => {
    let f = frame(app);
    assert.match(f, /1\/10 Project/);
    assert.match(f, /Vendor\s+ACME Corp/);
    await press(app, KEY.enter);
    assert.match(frame(app), /✖ Project name is required/, 'the inline reason names its field');
    await type(app, 'foo');
    await press(app, KEY.down);
    await type(app, 'proj');
    await press(app, KEY.down, KEY.down, KEY.down);
    await type(app, 'ann@');
    await press(app, KEY.enter);
    assert.match(frame(app), /✖ E-mail: "ann@" does not look like an e-mail address/);
    await type(app, 'example.com');
    await press(app, KEY.enter);
    f = await waitFor(app, (x) => x.includes('2/10 Kernel source'), 'step 2');
    assert.deepEqual(saved().project, { name: 'foo', vendor: 'ACME Corp', author: 'Ann', email: 'ann@example.com' });
    assert.equal(saved().wizard.step, 2);
    assert.equal(store.find('foo')?.step, 2);
    assert.equal(store.profile().email, 'ann@example.com', 'the profile keeps the e-mail for the next project');
  });

  test('2/10 Kernel source: unavailable kinds shown dimmed with why; bad path refused', async () => {
    let f = frame(app);
    assert.match(f, /\(•\) A directory/);
    assert.match(f, /\( \) A tarball/);
    assert.match(f, /\( \) A kernel git repository at a revision\n/);
    const noGit = render(<SourceStep state={initialState({ baseDir: base, now: 1, sourceKinds: sourceKindsFor({ git: false, tar: true }) })} />);
    assert.match(frame(noGit), /git repository at a revision — unavailable: git is not installed/);
    noGit.unmount();
    await press(app, KEY.down);
    await type(app, join(base, 'nowhere'));
    await press(app, KEY.enter);
    assert.match(frame(app), /nowhere is not a directory/);
    await press(app, ...Array(join(base, 'nowhere').length).fill(KEY.backspace));
    await type(app, join(base, 'linux'));
    await press(app, KEY.enter);
    f = await waitFor(app, (x) => x.includes('3/10 Driver directories') && x.includes('drivers'), 'step 3 with the tree');
    assert.deepEqual(saved().source, { kind: 'dir', path: join(base, 'linux') });
  });

  test('3/10 Driver directories: expand, filter, select, modules per directory; Esc back and forward', async () => {
    await press(app, KEY.esc);
    await waitFor(app, (x) => x.includes('2/10 Kernel source'), 'back at step 2');
    await press(app, KEY.enter);
    await waitFor(app, (x) => x.includes('3/10 Driver directories') && x.includes('drivers'), 'step 3 again');
    await press(app, KEY.down, KEY.down, KEY.right);
    let f = frame(app);
    assert.match(f, /▾ drivers/);
    assert.match(f, /▸ net/);
    await type(app, 'foo');
    f = frame(app);
    assert.match(f, /foo\s+foo\.ko/);
    assert.doesNotMatch(f, /Documentation/);
    await press(app, KEY.enter);
    assert.match(frame(app), /select at least one directory/);
    await press(app, KEY.down, KEY.down, KEY.down, KEY.space);
    assert.match(frame(app), /\[x\]\s+▸?\s*foo|\[x\]\s+foo/);
    await press(app, KEY.enter);
    f = await waitFor(app, (x) => x.includes('5/10 Package'), 'step 4');
    assert.deepEqual(saved().driverDirs, ['drivers/net/foo']);
  });

  test('5/10 Package: defaults read from MODULE_* lines; RPM rules inline', async () => {
    const f = await waitFor(app, (x) => x.includes('Foo network driver'), 'defaults');
    assert.match(f, /Name\s+foo/);
    assert.match(f, /Version\s+2\.1/);
    assert.match(f, /License\s+GPL-2\.0-only/);
    assert.match(f, /package: kmod-foo-<kernel release>, one per kernel/);
    await press(app, KEY.down);
    await type(app, '-1');
    await press(app, KEY.enter);
    assert.match(frame(app), /✖ Version: "2\.1-1" contains "-"/);
    await press(app, KEY.backspace, KEY.backspace, KEY.enter);
    await waitFor(app, (x) => x.includes('6/10 Firmware and extra files'), 'Extras');
    await press(app, KEY.enter);
    await waitFor(app, (x) => x.includes('7/10 Target kernels'), 'step 5');
    assert.equal(saved().package.version, '2.1');
    assert.equal(saved().package.vendor, 'ACME Corp');
  });

  test('7/10 Target kernels: every detected tree with usable or why not; add by path', async () => {
    let f = await waitFor(app, (x) => x.includes('Add a build tree'), 'kernel list');
    for (const k of detectedTrees()) assert.ok(f.includes(k.release ?? k.path), `lists ${k.release}`);
    for (const k of usable) assert.match(f, new RegExp(`\\[x\\] ${k.release!.replace(/[.+]/g, '\\$&')}`));
    // Enter on "+ Add a build tree by path…" opens its field (as space does), it does not leave the step.
    await press(app, ...Array(detectedTrees().length).fill(KEY.down), KEY.enter);
    f = frame(app);
    assert.match(f, /7\/10 Target kernels/);
    assert.match(f, /Enter add · Esc cancel/);
    await type(app, join(base, 'linux'));
    await press(app, KEY.enter);
    f = await waitFor(app, (x) => x.includes('cannot be used'), 'refused tree');
    assert.match(f, new RegExp(`${join(base, 'linux').replace(/[.+/]/g, '\\$&')}.*cannot be used`));
    await press(app, KEY.up, KEY.enter);
    await waitFor(app, (x) => x.includes('8/10 Signing keys'), 'step 6');
    assert.deepEqual(saved().kernels.map((k: { release: string }) => k.release), usable.map((k) => k.release));
  });

  test('8/10 Signing keys: a given certificate shows its subject and SHA-256 fingerprint', async () => {
    const key = join(base, 'mok.key');
    const cert = join(base, 'mok.pem');
    execFileSync('openssl', ['req', '-new', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '30', '-subj', '/CN=ACME module signing/O=ACME Corp']);
    const fp = execFileSync('openssl', ['x509', '-in', cert, '-noout', '-fingerprint', '-sha256'], { encoding: 'utf8' }).trim().split('=')[1];
    await press(app, KEY.right);
    assert.match(frame(app), /\(•\) An existing key and certificate/);
    await press(app, KEY.enter);
    assert.match(frame(app), /✖ Private key is required/);
    await type(app, key);
    await press(app, KEY.down);
    await type(app, cert);
    const f = await waitFor(app, (x) => x.includes('Fingerprint'), 'certificate details');
    assert.match(f, /Subject:\s+.*CN=ACME module signing/);
    assert.ok(f.includes(fp), `fingerprint ${fp}`);
    await press(app, KEY.up, KEY.up, KEY.left);
    assert.match(frame(app), /\(•\) No signing/);
    await press(app, KEY.enter);
    await waitFor(app, (x) => x.includes('9/10 Review'), 'step 7');
    assert.deepEqual(saved().signing, { mode: 'none' });
  });

  test('9/10 Review: every answer, the output paths and the replay command', async () => {
    const f = frame(app);
    assert.match(f, /Driver directories\s+drivers\/net\/foo/);
    assert.match(f, /kmod-foo-<kernel release> 2\.1-1/);
    assert.ok(f.includes(`dudforge build ${projectDir()}`));
    assert.ok(f.includes(join(projectDir(), 'out', 'dd-foo-2.1-1.iso')));
    await press(app, KEY.esc);
    await waitFor(app, (x) => x.includes('8/10 Signing keys'), 'back to 6');
    await press(app, KEY.enter);
    await waitFor(app, (x) => x.includes('9/10 Review'), 'review again');
    assert.deepEqual(leftWith, []);
  });

  test('Done: RPMs and ISO with sizes, verification, inst.dd and the OEMDRV label, mokutil when signed', () => {
    const done = render(
      <DoneStep
        result={{ ok: true, exitCode: 0, rpms: [{ path: '/o/kmod-foo-2.1-1.x86_64.rpm', bytes: 20480, release: 'r' }], iso: { path: '/o/dd-foo-2.1-1.iso', bytes: 3 * 1024 * 1024 }, verify: { ok: true, problems: [] }, srpms: [], failed: [], cancelled: false, signedModules: true, certDer: '/p/keys/signing_key.der' }}
      />,
    );
    const f = frame(done);
    assert.match(f, /RPMs in \/o\/\n\s+✔ kmod-foo-2\.1-1\.x86_64\.rpm  20\.0 KiB/);
    assert.match(f, /dd-foo-2\.1-1\.iso  3\.0 MiB/);
    assert.match(f, /passed every check/);
    assert.match(f, /inst\.dd=hd:LABEL=OEMDRV/);
    assert.match(f, /mokutil --import \/p\/keys\/signing_key\.der/);
    done.unmount();
    const unsigned = render(<DoneStep result={{ ok: false, exitCode: 1, rpms: [], srpms: [], cancelled: false, failed: [{ release: 'r2', firstError: 'x.c:1: error', logFile: '/l' }], signedModules: false }} />);
    assert.doesNotMatch(frame(unsigned), /mokutil/);
    assert.match(frame(unsigned), /✖ r2: x\.c:1: error/);
    unsigned.unmount();
  });
});
