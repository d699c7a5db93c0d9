/**
 * SIGKILL of dudforge, which runs none of its own handlers: 2 s later no make, cc1 or anything
 * else of that build runs (the reaper kills the make process groups when dudforge's pipe to it
 * closes), its staged output and probe directories are gone, and the next run takes over the
 * lock it left.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installedKernels, removeDir, runCli, tempDir } from '../helpers/cli.js';
import { needs } from '../helpers/needs.js';
import { pollUntil, processesIn, startCli, writeModule, writeSlowDriver } from './helpers.js';

const kernels = installedKernels();
let work: string;

function project(name: string, extra: object = {}): string {
  const dir = join(work, name);
  writeSlowDriver(join(dir, 'drv'), 40);
  const answers = {
    schemaVersion: 1,
    project: { name },
    source: { kind: 'dir', path: join(dir, 'drv') },
    package: { name: 'slowdrv', version: '1', release: '1', vendor: 'T', license: 'GPL-2.0-only', summary: 's', description: 's' },
    kernels: kernels.map((k) => ({ release: k.release, buildTree: k.buildTree })),
    signing: { mode: 'none' },
    packaging: { match: 'exact', compress: 'gzip', kabiRequires: 'auto', srpm: true, strip: false },
    output: { dir: 'out' },
    buildTime: 1700000000,
    ...extra,
  };
  writeFileSync(join(dir, 'dudforge.json'), JSON.stringify(answers));
  return dir;
}

const leftoversBeside = (dir: string) => readdirSync(dir).filter((n) => n.startsWith('.out.'));

describe('SIGKILL of dudforge', { skip: needs(kernels.length > 0, 'no kernel build tree installed') }, () => {
  before(() => {
    work = tempDir('kill');
  });
  after(() => removeDir(work));

  test('during compile: no make/cc1 of the build 2 s later; the next run takes the lock over', async () => {
    const dir = project('compile');
    const run = startCli(['build', dir, '--plain', '--jobs', '2'], {});
    try {
      await run.waitFor(/compiled 1\//, 180_000);
      assert.ok(processesIn(dir).some((p) => /\bmake\b/.test(p)), 'make is running');
      run.child.kill('SIGKILL');
      await run.exited;
      const t0 = Date.now();
      const gone = await pollUntil(() => processesIn(dir).length === 0, 2000);
      const seconds = (Date.now() - t0) / 1000;
      const left = processesIn(dir);
      assert.ok(gone, `processes of the build 2 s after SIGKILL:\n${left.join('\n')}`);
      process.stderr.write(`# SIGKILL during compile: build processes gone after ${seconds.toFixed(2)} s; left at 2 s: ${left.length}\n`);
      assert.ok(await pollUntil(() => leftoversBeside(dir).length === 0, 2000), `stage left beside out/: ${leftoversBeside(dir)}`);
      assert.ok(!existsSync(join(dir, 'out')), 'no output directory appeared');
      const lock = JSON.parse(readFileSync(join(dir, '.dudforge', 'lock'), 'utf8'));
      assert.equal(lock.pid, run.child.pid, 'the killed run left its lock');
    } finally {
      run.child.kill('SIGKILL');
    }
    // The next run (a quick one: the driver now fails at once) is not blocked by that lock.
    writeModule(join(dir, 'drv'), 'slowdrv', 'broken');
    const next = runCli(['build', dir, '--plain', '--jobs', '2']);
    assert.equal(next.status, 1, next.stderr);
    assert.doesNotMatch(next.stderr, /being built by/);
    assert.ok(!existsSync(join(dir, '.dudforge', 'lock')));
    assert.deepEqual(leftoversBeside(dir), []);
  });

  test('during the probe step: its probe directory and its makes are gone 2 s later', async () => {
    const probes = join(work, 'slow.probes');
    writeFileSync(probes, Array.from({ length: 12 }, (_, i) => `symbol no_such_symbol_${i}\n    include <linux/module.h>\n    include <linux/fs.h>\n    include <linux/netdevice.h>\n`).join('\n'));
    const dir = project('probe', { probes });
    const run = startCli(['build', dir, '--plain', '--jobs', '2'], {});
    const mine = () => readdirSync(tmpdir()).filter((n) => n.startsWith(`dudforge-probes-${run.child.pid}-`));
    try {
      assert.ok(await pollUntil(() => mine().length > 0 || run.child.exitCode !== null, 180_000, 20), 'a probe directory appeared');
      assert.equal(run.child.exitCode, null, run.stderr());
      run.child.kill('SIGKILL');
      await run.exited;
      const gone = await pollUntil(() => mine().length === 0 && processesIn(dir).length === 0 && processesIn(tmpdir() + '/dudforge-probes-' + run.child.pid).length === 0, 2000);
      assert.ok(gone, `left 2 s after SIGKILL: ${mine().join(', ')} ${processesIn(dir).join('\n')}`);
    } finally {
      run.child.kill('SIGKILL');
    }
  });
});
