/**
 * Hostile runs of the real binary against one project (a small module built once, then from
 * the build cache): a failed rebuild leaves out/ exactly the previous good set; a killed swap is
 * put back by the next run; out/ with someone else's files is refused; two builds of one project
 * exclude each other (exit 2 naming the holder, --wait waits, a dead holder's lock is taken
 * over); SIGTERM/SIGINT before each step end with 143/130 and no ISO.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { installedKernels, removeDir, runCli, tempDir } from '../helpers/cli.js';
import { needs } from '../helpers/needs.js';
import { deadProcessTag, isoFiles, snapshot, startCli, writeModule } from './helpers.js';

const kernels = installedKernels();
const haveTools = spawnSync('bsdtar', ['--version']).status === 0;
let work: string;
let project: string;
let out: string;

function answers(): object {
  return {
    schemaVersion: 1,
    project: { name: 'hostile' },
    source: { kind: 'dir', path: join(project, 'drv') },
    package: { name: 'hdrv', version: '1', release: '1', vendor: 'T', license: 'GPL-2.0-only', summary: 's', description: 's' },
    kernels: kernels.map((k) => ({ release: k.release, buildTree: k.buildTree })),
    signing: { mode: 'none' },
    packaging: { match: 'exact', compress: 'gzip', kabiRequires: 'auto', srpm: true, strip: false },
    output: { dir: 'out' },
    buildTime: 1700000000,
  };
}

const build = (...args: string[]) => runCli(['build', project, '--plain', '--jobs', '2', ...args], { env: { DUDFORGE_TEST_HOLD: undefined } });

describe('hostile output and locking', { skip: needs(kernels.length > 0 && haveTools, 'no kernel build tree or bsdtar installed') }, () => {
  let good: Map<string, string>;

  before(() => {
    work = tempDir('hostile');
    project = join(work, 'proj');
    out = join(project, 'out');
    writeModule(join(project, 'drv'), 'hdrv', 'ok');
    writeFileSync(join(project, 'dudforge.json'), JSON.stringify(answers()));
    const r = build();
    assert.equal(r.status, 0, r.stderr + r.stdout);
    good = snapshot(out);
  });
  after(() => removeDir(work));

  test('a good build: out/ holds its manifest, and the ISO carries exactly the RPMs beside it', () => {
    assert.ok(good.has('.dudforge-output.json'));
    const iso = [...good.keys()].find((n) => n.endsWith('.iso'))!;
    const inIso = isoFiles(join(out, iso), work);
    const rpmsBeside = [...good].filter(([n]) => n.endsWith('.rpm'));
    assert.equal(rpmsBeside.length, kernels.length + 1);
    for (const [name, sha] of rpmsBeside) assert.equal(inIso.get(name), sha, `${name} in the ISO is the one beside it`);
    assert.deepEqual(readdirSync(project).filter((n) => n.startsWith('.out.')), [], 'no stage left beside out/');
    assert.ok(!existsSync(join(project, '.dudforge', 'lock')), 'lock released');
  });

  test('a failed rebuild leaves out/ exactly the previous good set', () => {
    writeModule(join(project, 'drv'), 'hdrv', 'broken');
    try {
      const r = build();
      assert.equal(r.status, 1, r.stderr);
      assert.match(r.stdout + r.stderr, /left as it was|as it was before this run/);
      assert.deepEqual(snapshot(out), good);
      assert.deepEqual(readdirSync(project).filter((n) => n.startsWith('.out.')), []);
    } finally {
      writeModule(join(project, 'drv'), 'hdrv', 'ok');
    }
  });

  test('--allow-partial with one kernel failing writes a set that says it is partial', { skip: kernels.length < 2 ? 'needs two kernels' : false }, () => {
    writeModule(join(project, 'drv'), 'hdrv', 'fails-on', kernels[0].release);
    try {
      const partialOut = join(work, 'partial-out');
      const r = build('--allow-partial', '--out', partialOut);
      assert.equal(r.status, 1, r.stderr);
      const files = snapshot(partialOut);
      assert.ok(files.has('PARTIAL-BUILD.txt'));
      assert.match(readFileSync(join(partialOut, 'PARTIAL-BUILD.txt'), 'utf8'), new RegExp(kernels[0].release.replace(/[.+]/g, '\\$&')));
      assert.match(r.stdout, /PARTIAL/);
      const iso = [...files.keys()].find((n) => n.endsWith('.iso'))!;
      const inIso = isoFiles(join(partialOut, iso), work);
      for (const [name, sha] of files) if (name.endsWith('.rpm')) assert.equal(inIso.get(name), sha);
      assert.equal([...files.keys()].filter((n) => n.startsWith('kmod-')).length, kernels.length - 1);
      // The next good build replaces the whole partial set, note included.
      writeModule(join(project, 'drv'), 'hdrv', 'ok');
      assert.equal(build('--out', partialOut).status, 0);
      assert.ok(!existsSync(join(partialOut, 'PARTIAL-BUILD.txt')));
    } finally {
      writeModule(join(project, 'drv'), 'hdrv', 'ok');
    }
  });

  test('a run killed between the two renames: the next run puts the previous set back and removes the leftovers', () => {
    const dead = deadProcessTag();
    renameSync(out, join(project, `.out.old-${dead}`));
    mkdirSync(join(project, `.out.stage-${dead}`));
    writeFileSync(join(project, `.out.stage-${dead}`, 'half.iso'), Buffer.alloc(1 << 20));
    const probeDir = join(tmpdir(), `dudforge-probes-${dead}-abc123`);
    mkdirSync(probeDir);
    writeModule(join(project, 'drv'), 'hdrv', 'broken');
    try {
      const r = build();
      assert.equal(r.status, 1, r.stderr);
      assert.match(r.stderr, /restored/);
      assert.deepEqual(snapshot(out), good);
      assert.deepEqual(readdirSync(project).filter((n) => n.startsWith('.out.')), []);
      assert.ok(!existsSync(probeDir), 'the dead run\'s probe directory is removed');
    } finally {
      writeModule(join(project, 'drv'), 'hdrv', 'ok');
      rmSync(probeDir, { recursive: true, force: true });
    }
  });

  test('an output directory holding files dudforge did not write is refused (exit 2, nothing built)', () => {
    const other = join(work, 'users-out');
    mkdirSync(other, { recursive: true });
    writeFileSync(join(other, 'notes.txt'), 'mine');
    const r = build('--out', other);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /notes\.txt/);
    assert.deepEqual(readdirSync(other), ['notes.txt']);
  });

  test('a second build of the project exits 2 naming the holder; --wait waits for it', async () => {
    const first = startCli(['build', project, '--plain', '--jobs', '2'], { DUDFORGE_TEST_HOLD: 'package' });
    try {
      await first.waitFor(/holding before package/, 120_000);
      const second = build();
      assert.equal(second.status, 2, second.stderr);
      assert.match(second.stderr, new RegExp(`process ${first.child.pid}\\b`));
      assert.match(second.stderr, /--wait/);

      const waiter = startCli(['build', project, '--plain', '--jobs', '2', '--wait'], {});
      await waiter.waitFor(new RegExp(`waiting for process ${first.child.pid}\\b`), 60_000);
      assert.equal(waiter.child.exitCode, null, 'still waiting while the first run holds the lock');
      first.child.kill('SIGTERM');
      assert.equal(await first.exited, 143);
      assert.equal(await waiter.exited, 0, waiter.stderr());
      assert.deepEqual(snapshot(out), good, 'the same answers give the same bytes');
    } finally {
      first.child.kill('SIGKILL');
    }
  });

  test('a lock left by a process that is gone is taken over', () => {
    const [pid, start] = deadProcessTag().split('-');
    writeFileSync(join(project, '.dudforge', 'lock'), JSON.stringify({ pid: Number(pid), start, host: hostname(), since: 'then' }));
    const r = build();
    assert.equal(r.status, 0, r.stderr);
    assert.ok(!existsSync(join(project, '.dudforge', 'lock')));
  });

  for (const [signal, code] of [['SIGTERM', 143], ['SIGINT', 130]] as const) {
    const points = signal === 'SIGTERM' ? ['build', 'sign', 'package', 'repodata', 'disk', 'verify'] : ['package'];
    for (const point of points) {
      test(`${signal} before the ${point} step: exit ${code}, no ISO, no stage left`, async () => {
        const fresh = join(work, `out-${signal}-${point}`);
        const run = startCli(['build', project, '--plain', '--jobs', '2', '--out', fresh], { DUDFORGE_TEST_HOLD: point });
        try {
          await run.waitFor(new RegExp(`holding before ${point}`), 120_000);
          run.child.kill(signal);
          assert.equal(await run.exited, code, run.stderr());
        } finally {
          run.child.kill('SIGKILL');
        }
        assert.ok(!existsSync(fresh) || readdirSync(fresh).length === 0, `nothing in ${fresh}`);
        assert.deepEqual(readdirSync(work).filter((n) => n.startsWith('.')), [], 'no stage left beside it');
        assert.ok(!existsSync(join(project, '.dudforge', 'lock')), 'lock released');
      });
    }
  }
});
