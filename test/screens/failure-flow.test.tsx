/**
 * A real build that fails on one installed kernel, through the wizard: a driver that includes
 * <asm/unaligned.h> builds on a kernel before 6.12 and fails on 6.12 or newer (the header moved).
 * The failure screen names that kernel and its first error (in the user's file, with the known
 * API change), `l` shows the real log, retry compiles only the failed kernel (the other comes
 * from the build cache), and "write the disk with the kernels that built" leaves out/ with the
 * ISO and PARTIAL-BUILD.txt.
 */
import { writeOldUnalignedDriver } from '../helpers/old-api-driver.js';
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { render } from 'ink-testing-library';
import { WizardApp } from '../../screens/App.js';
import { defaultDeps } from '../../src/wizard/deps.js';
import { needs } from '../helpers/needs.js';
import { frame, KEY, press, savedAnswers, settle, waitFor } from './helpers.js';
import { installedKernels, tempDir } from '../wizard/helpers.js';

const usable = installedKernels().filter((k) => k.usable && k.release);
const is612 = (r: string) => {
  const [a, b] = r.split('.').map(Number);
  return a > 6 || (a === 6 && b >= 12);
};
const newer = usable.find((k) => is612(k.release!))?.release;
const older = usable.find((k) => !is612(k.release!))?.release;
const base = tempDir('dudforge-failure-flow-');
after(() => rmSync(base, { recursive: true, force: true }));

const esc = (s: string) => s.replace(/[.+]/g, '\\$&');


test(
  'one kernel fails: the failure screen, its log, retry from the cache, then the disk with the kernel that built',
  { skip: needs(newer !== undefined && older !== undefined, 'a kernel build tree before 6.12 and one of 6.12 or newer'), timeout: 600_000 },
  async () => {
    const driver = join(base, 'driver');
    writeOldUnalignedDriver(driver);
    const projectDir = join(base, 'proj');
    let exit: { code: number; note?: string } | undefined;
    const app = render(
      <WizardApp
        deps={defaultDeps({ confCwd: join(base, 'conf') })}
        start={{ screen: 'new', projectDir, prefill: { project: { name: 'oldapi', vendor: 'ACME' }, source: { kind: 'dir', path: driver } } }}
        baseDir={base}
        onExit={(code, note) => (exit = { code, note })}
      />,
    );
    await press(app, KEY.enter);
    await waitFor(app, (f) => f.includes('2/10 Kernel source'), 'step 2');
    await press(app, KEY.enter);
    await waitFor(app, (f) => f.includes('3/10 Driver directories') && f.includes('oldapi.ko'), 'step 3');
    await press(app, KEY.enter);
    await waitFor(app, (f) => f.includes('5/10 Package') && /Name\s+oldapi/.test(f), 'step 5 with defaults');
    await press(app, KEY.enter);
    await waitFor(app, (f) => f.includes('6/10 Firmware'), 'step 6');
    await press(app, KEY.enter);
    let f = await waitFor(app, (x) => x.includes('7/10 Target kernels') && x.includes('Add a build tree'), 'step 5');
    assert.ok(f.includes(`[x] ${newer!}`) && f.includes(`[x] ${older!}`), f);
    await press(app, KEY.enter);
    await waitFor(app, (x) => x.includes('8/10 Signing keys'), 'step 6');
    await press(app, KEY.enter);
    await waitFor(app, (x) => x.includes('9/10 Review'), 'step 7');
    await press(app, KEY.enter);
    await waitFor(app, (x) => x.includes('10/10 Build'), 'the board');

    // The failure screen, not Done.
    f = await waitFor(app, (x) => x.includes('Build failed') || x.includes('Done') || x.includes('9/10 Review'), 'the end of the build', 540_000);
    const flat = f.replace(/\s+/g, ' ');
    const total = usable.length;
    assert.match(flat, new RegExp(`✖ Build failed: 1 of ${total} kernels`), f);
    assert.doesNotMatch(f, /Done/);
    assert.match(flat, new RegExp(`✖ ${esc(newer!)}`));
    // The first error, in the user's file (not the internal copy), and the change it hit.
    assert.match(flat, new RegExp(`${esc(join(driver, 'oldapi.c'))}:2:\\d+: fatal error: asm/unaligned\\.h: No such file or directory`), f);
    assert.doesNotMatch(f, /\.dudforge\/build/);
    assert.match(flat, /known kernel API change \(6\.12\)/);
    assert.match(flat, new RegExp(`✔ (built: )?${esc(older!)}`));
    assert.match(flat, /w write the disk with (the 1 kernel that|what) built/);

    // The log, one key away (once the screen's key handler is in place: effects run after the frame).
    await settle();
    await press(app, 'l');
    f = await waitFor(app, (x) => x.includes(`Log of ${newer!}`), 'the log pane');
    // The real log of that kernel, opened at its error (long lines are cut at the width).
    assert.match(f, /oldapi\.c:2:10: fat/);
    assert.match(f, /#include <asm\/unaligned\.h>/);
    await press(app, KEY.esc);
    await waitFor(app, (x) => x.includes('Build failed'), 'the failure screen again');

    // Retry: the kernel that built comes from the cache; the failed one is compiled again.
    await press(app, 'r');
    await waitFor(app, (x) => x.includes('10/10 Build'), 'the board of the retry');
    f = await waitFor(app, (x) => x.includes('Build failed'), 'the failure screen after the retry', 300_000);
    await settle();
    const logs = join(projectDir, '.dudforge', 'logs');
    assert.match(readFileSync(join(logs, `${older!}.log`), 'utf8'), /^cached build/, 'the kernel that built was not compiled again');
    assert.match(readFileSync(join(logs, `${newer!}.log`), 'utf8'), /asm\/unaligned\.h: No such file or directory/);
    assert.ok(!existsSync(join(projectDir, 'out')), 'nothing written yet');

    // Write the disk with the kernels that built.
    await press(app, 'w');
    await waitFor(app, (x) => x.includes('10/10 Build'), 'the board of the partial write');
    f = await waitFor(app, (x) => x.includes('Partial disk') || x.includes('9/10 Review'), 'the partial disk', 300_000);
    await settle();
    const out = join(projectDir, 'out');
    const files = readdirSync(out);
    const iso = files.find((n) => n.endsWith('.iso'));
    assert.ok(iso, `an ISO in out/: ${files.join(' ')}`);
    assert.ok(files.includes('PARTIAL-BUILD.txt'), files.join(' '));
    assert.match(readFileSync(join(out, 'PARTIAL-BUILD.txt'), 'utf8'), new RegExp(esc(newer!)));
    assert.deepEqual(
      files.filter((n) => n.startsWith('kmod-')).map((n) => (n.includes(older!) ? 'older' : n)),
      ['older'],
      'one kmod, for the kernel that built',
    );
    assert.match(frame(app).replace(/\s+/g, ''), new RegExp(esc(join(out, iso!)).replace(/\//g, '\\/')));
    assert.match(f.replace(/\s+/g, ' '), /Partial disk: 1 of \d+ kernels failed/);

    const saved = await savedAnswers(projectDir, (d) => d.wizard?.lastResult === 'failed');
    assert.equal(saved.wizard.lastResult, 'failed');
    await press(app, 'q');
    assert.equal(exit?.code, 1);
    assert.match(exit?.note ?? '', /dudforge resume oldapi/);
    app.unmount();
  },
);
