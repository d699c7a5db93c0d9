/**
 * Hostile and unlucky input ends in a clear message, never a stack trace: each condition below
 * runs the real binary and must exit 2 with the path or field named in stderr, no "internal
 * error", no stack frame, and nothing written. Conditions that can be known before compiling are
 * refused before any compile: `new --yes` refuses them before dudforge.json exists, and `build`
 * refuses them before .dudforge/build (the compile tree) is created.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, installedKernels, removeDir, runCli, sh, tempDir, type CliResult } from '../helpers/cli.js';
import { needs } from '../helpers/needs.js';
import { packageRoot } from '../../src/paths.js';
import { fsUserError } from '../../src/fs-errors.js';
import { buildRpm, rpmFileName } from '../../src/rpm/index.js';
import { diskOf, FIXTURE_KERNELS, fakeModule, kmodSpec } from '../verify/disk-fixture.js';

const kernels = installedKernels();
const kernel = kernels[0];
const SAMPLE = join(packageRoot, 'assets', 'sample-driver');
const isRoot = process.getuid?.() === 0;
const hasSetpriv = sh('setpriv', ['--version']).status === 0;
const hasScript = sh('script', ['--version']).status === 0;
let work: string;

/** Exit 2, each needle in stderr, no internal error, no stack frame. */
function assertUserError(r: CliResult, ...needles: (string | RegExp)[]): void {
  assert.equal(r.status, 2, `exit ${r.status}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  assert.doesNotMatch(r.stderr, /internal error/);
  assert.doesNotMatch(r.stderr, /^\s+at .+:\d+:\d+\)?$/m, 'a stack frame');
  for (const n of needles) {
    if (typeof n === 'string') assert.ok(r.stderr.includes(n), `stderr names ${n}:\n${r.stderr}`);
    else assert.match(r.stderr, n);
  }
}

function newArgs(dir: string, ...extra: string[]): string[] {
  return ['new', dir, '--yes', '--source', `dir:${SAMPLE}`, '--kernel', kernel.release, ...extra];
}

/** A project: the answers `new --yes` wrote once (template), copied and changed by `mutate`. */
let template: Record<string, any>;
function project(name: string, mutate: (a: Record<string, any>) => void = () => {}): string {
  const dir = join(work, name);
  mkdirSync(dir);
  const answers = structuredClone(template);
  mutate(answers);
  writeFileSync(join(dir, 'dudforge.json'), JSON.stringify(answers, null, 2));
  return dir;
}

/** Refused before compiling: no compile tree, no output. */
function assertNothingBuilt(dir: string): void {
  assert.equal(existsSync(join(dir, '.dudforge', 'build')), false, 'nothing was compiled');
  assert.equal(existsSync(join(dir, 'out')), false, 'no output directory');
}

function asNobody(args: string[], cwd?: string): CliResult {
  const r = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, CLI, ...args], { encoding: 'utf8', cwd, env: { ...process.env, FORCE_COLOR: '0', HOME: '/nonexistent' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('hostile input: messages instead of stack traces', { skip: needs(kernels.length > 0, 'no kernel build tree installed') }, () => {
  before(() => {
    work = tempDir('hostile');
    chmodSync(work, 0o755); // other users (nobody) may look in, not write
    const r = runCli(newArgs(join(work, 'template'), '--build-time', '1700000000'));
    assert.equal(r.status, 0, r.stderr);
    template = JSON.parse(readFileSync(join(work, 'template', 'dudforge.json'), 'utf8'));
    assert.equal(template.source.kind, 'dir');
    template.source.path = SAMPLE; // the same source from any project directory
  });
  after(() => removeDir(work));

  describe('arguments: option values are values', () => {
    test('new --version 3.0 sets the package version; --summary -h and --description=-x are values', () => {
      const dir = join(work, 'args');
      const r = runCli(newArgs(dir, '--version', '3.0', '--summary', '-h', '--description=-x', '--url', '--help'));
      assert.equal(r.status, 0, r.stderr);
      const a = JSON.parse(readFileSync(join(dir, 'dudforge.json'), 'utf8'));
      assert.equal(a.package.version, '3.0');
      assert.equal(a.package.summary, '-h');
      assert.equal(a.package.description, '-x');
      assert.equal(a.package.url, '--help');
    });

    test('-V alone shows dudforge\'s version, --help where an option is expected shows help; nothing written', () => {
      const dir = join(work, 'args-show');
      const v = runCli(['new', dir, '--yes', '-V']);
      assert.equal(v.status, 0);
      assert.match(v.stdout, /^\d+\.\d+\.\d+\n$/);
      const h = runCli(['new', dir, '--yes', '--help']);
      assert.equal(h.status, 0);
      assert.match(h.stdout, /usage: dudforge new/);
      assert.match(h.stdout, /-V\s+show the version of dudforge/);
      assert.equal(existsSync(dir), false);
      const b = runCli(['build', '--version']);
      assert.equal(b.status, 0);
      assert.match(b.stdout, /^\d+\.\d+\.\d+\n$/);
    });

    test('a value starting with "-" reaches the option and its own check', () => {
      assertUserError(runCli(['build', join(work, 'none'), '--jobs', '-3']), '--jobs -3');
    });
  });

  describe('directories that cannot be written', { skip: needs(isRoot && hasSetpriv, 'root and setpriv (to run dudforge as nobody)') }, () => {
    test('new --yes into a directory this user may not write', () => {
      const locked = join(work, 'locked');
      mkdirSync(locked, { mode: 0o755 });
      const r = asNobody(newArgs(join(locked, 'p')));
      assertUserError(r, join(locked, 'p'), 'not writable');
      assert.deepEqual(readdirSync(locked), []);
    });

    test('build of a project this user may not write: refused before compiling', () => {
      const dir = project('locked-build');
      chmodSync(dir, 0o755);
      const r = asNobody(['build', dir, '--plain']);
      assertUserError(r, dir, 'not writable');
      assertNothingBuilt(dir);
    });

    test('build --out into a directory this user may not write', () => {
      const dir = project('locked-out');
      chmodSync(dir, 0o777);
      const locked = join(work, 'locked-out-target');
      mkdirSync(locked, { mode: 0o755 });
      const r = asNobody(['build', dir, '--plain', '--out', join(locked, 'out')]);
      assertUserError(r, join(locked, 'out'), 'not writable');
      assertNothingBuilt(dir);
    });
  });

  test('--out pointing at a file: new and build', () => {
    const file = join(work, 'a-file');
    writeFileSync(file, 'not a directory');
    assertUserError(runCli(newArgs(join(work, 'out-file'), '--out', file)), file, 'not a directory');
    assert.equal(existsSync(join(work, 'out-file', 'dudforge.json')), false);
    const dir = project('out-file-build');
    assertUserError(runCli(['build', dir, '--plain', '--out', join(file, 'sub')]), file, 'not a directory');
    assertNothingBuilt(dir);
  });

  test('firmware that is missing, a directory or a FIFO: new and build', () => {
    const fifo = join(work, 'fw.fifo');
    assert.equal(sh('mkfifo', [fifo]).status, 0);
    const cases: [string, string][] = [[join(work, 'no-such.bin'), 'does not exist'], [work, 'is a directory'], [fifo, 'not a regular file']];
    for (const [fw, why] of cases) {
      const dir = join(work, `fw-${why.replace(/\W/g, '')}`);
      assertUserError(runCli(newArgs(dir, '--firmware', fw), { timeoutMs: 60_000 }), fw, why);
      assert.equal(existsSync(join(dir, 'dudforge.json')), false);
    }
    const dir = project('fw-build', (a) => (a.firmware = [fifo]));
    assertUserError(runCli(['build', dir, '--plain'], { timeoutMs: 60_000 }), fifo, 'not a regular file');
    assertNothingBuilt(dir);
  });

  test('a 600-character version: named before compiling (file names over 255 bytes)', () => {
    const long = 'a'.repeat(600);
    assertUserError(runCli(newArgs(join(work, 'long-version'), '--version', long)), 'package.version', '255');
    const dir = project('long-version-build', (a) => (a.package.version = long));
    assertUserError(runCli(['build', dir, '--plain']), 'package.version', 'file name');
    assertNothingBuilt(dir);
  });

  test('build time past 2^32: --build-time, buildTime and SOURCE_DATE_EPOCH', () => {
    assertUserError(runCli(newArgs(join(work, 'time'), '--build-time', String(2 ** 32))), '--build-time');
    const dir = project('time-build', (a) => (a.buildTime = 2 ** 32));
    assertUserError(runCli(['build', dir, '--plain']), 'buildTime', '32-bit');
    assertNothingBuilt(dir);
    const ok = project('time-sde');
    assertUserError(runCli(['build', ok, '--plain'], { env: { SOURCE_DATE_EPOCH: String(2 ** 40) } }), 'SOURCE_DATE_EPOCH');
    assertNothingBuilt(ok);
  });

  test('a probe named with 100k characters', () => {
    const dir = project('long-probe');
    const probes = join(dir, 'long.probes');
    writeFileSync(probes, `code HAVE_${'X'.repeat(100_000)}\n  body return 0;\n`);
    const answers = JSON.parse(readFileSync(join(dir, 'dudforge.json'), 'utf8'));
    answers.probes = probes;
    writeFileSync(join(dir, 'dudforge.json'), JSON.stringify(answers));
    const r = runCli(['build', dir, '--plain']);
    assertUserError(r, `${probes}:1`, '100005 characters');
    assert.ok(r.stderr.length < 4000, 'the message does not repeat the name');
    assertNothingBuilt(dir);
  });

  test('an oversized description: 1 MiB in dudforge.json, 100k characters as a flag', () => {
    assertUserError(runCli(newArgs(join(work, 'desc'), '--description', 'd'.repeat(100_000))), 'package.description', '64 KiB');
    const dir = project('desc-build', (a) => (a.package.description = 'd'.repeat(1024 * 1024)));
    const r = runCli(['build', dir, '--plain']);
    assertUserError(r, 'package.description', '64 KiB');
    assert.ok(r.stderr.length < 4000);
    assertNothingBuilt(dir);
  });

  test('a long vendor with --ship-cert (it becomes /etc/pki/<vendor>/)', () => {
    const keys = join(work, 'keys');
    assertUserError(runCli(newArgs(join(work, 'vendor3000'), '--ship-cert', '--sign-generate', keys, '--vendor', 'v'.repeat(3000))), 'package.vendor');
    const r = runCli(newArgs(join(work, 'vendor1000'), '--ship-cert', '--sign-generate', keys, '--vendor', 'v'.repeat(1000)));
    assertUserError(r, 'package.vendor', '/etc/pki/');
    assert.equal(existsSync(keys), false);
  });

  test('verify rejects a disk whose RPM rpm could not install (a 300-byte file name)', async () => {
    const release = FIXTURE_KERNELS[0];
    const spec = kmodSpec(release, { files: [{ path: `/lib/modules/${release}/extra/${'d'.repeat(300)}/m.ko`, type: 'file', mode: 0o644, data: fakeModule(release) }] });
    const iso = join(work, 'uninstallable.iso');
    writeFileSync(iso, await diskOf([{ href: rpmFileName(spec), bytes: await buildRpm(spec) }]));
    const r = runCli(['verify', iso]);
    assert.equal(r.status, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /has a name of 300 bytes \(at most 255\): rpm cannot install the package/);
  });

  test('verify on a FIFO, a directory: refused by name, no hang', () => {
    const fifo = join(work, 'disk.fifo');
    assert.equal(sh('mkfifo', [fifo]).status, 0);
    assertUserError(runCli(['verify', fifo], { timeoutMs: 20_000 }), fifo, 'not a regular file');
    assertUserError(runCli(['verify', work], { timeoutMs: 20_000 }), work, 'not a regular file');
  });

  test('saved-project entries of the wrong type are skipped, not a crash', () => {
    const config = join(work, 'config');
    mkdirSync(join(config, 'dudforge-nodejs'), { recursive: true });
    const store = { storeVersion: 1, profile: { vendor: 7 }, projects: { '/x': 5, '/y': 'text', '/w': [1], '/z': { name: 'good', dir: '/z', step: 2, updatedAt: '2026-01-01T00:00:00.000Z' } } };
    const file = join(config, 'dudforge-nodejs', 'config.json');
    writeFileSync(file, JSON.stringify(store));
    const env = { XDG_CONFIG_HOME: config };
    const list = runCli(['projects'], { env });
    assert.equal(list.status, 0, list.stderr);
    assert.match(list.stdout, /^good\s/m);
    assert.ok(list.stderr.includes(file) && /skipped 3 entries/.test(list.stderr), list.stderr);
    const json = runCli(['projects', '--json'], { env });
    assert.deepEqual(JSON.parse(json.stdout).map((p: { name: string }) => p.name), ['good']);
    assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), store, 'the store is left as it was');
    if (hasScript) {
      // resume needs a terminal; script gives it one. The name matches no valid entry.
      const r = sh('script', ['-qec', `${process.execPath} ${CLI} resume nosuch`, '/dev/null'], { env: { ...process.env, ...env, FORCE_COLOR: '0' } });
      assert.equal(r.status, 2, r.stdout);
      assert.match(r.stdout, /no saved project named or at "nosuch"/);
      assert.doesNotMatch(r.stdout, /internal error|^\s+at /m);
    }
  });
});

describe('full and read-only file systems', { skip: needs(kernels.length > 0, 'no kernel build tree installed') }, () => {
  let fsWork: string;
  const mounts: string[] = [];
  const mount = (dir: string, opts: string): boolean => {
    mkdirSync(dir, { recursive: true });
    const ok = isRoot && sh('mount', ['-t', 'tmpfs', '-o', opts, 'tmpfs', dir]).status === 0;
    if (ok) mounts.push(dir);
    return ok;
  };
  before(() => {
    fsWork = tempDir('hostile-fs');
  });
  after(() => {
    for (const m of mounts.reverse()) sh('umount', [m]);
    removeDir(fsWork);
  });

  test('a read-only file system as the output directory (new --yes)', () => {
    const ro = join(fsWork, 'ro');
    if (!mount(ro, 'ro,size=1m')) {
      // No mount here: the mapping is judged on a real EROFS-free error instead, below.
      assert.match(fsUserError(Object.assign(new Error('x'), { code: 'EROFS', path: ro }))!.message, /read-only file system/);
      return;
    }
    assertUserError(runCli(newArgs(join(fsWork, 'p-ro'), '--out', join(ro, 'out'))), join(ro, 'out'), 'read-only file system');
    assert.equal(existsSync(join(fsWork, 'p-ro', 'dudforge.json')), false);
  });

  test('a full disk while writing artifacts: exit 2, the path and the size named, no partial file', () => {
    const tiny = join(fsWork, 'tiny');
    if (!mount(tiny, 'size=64k')) {
      // No tmpfs here: a real ENOSPC from /dev/full through the same mapping.
      let err: unknown;
      try {
        writeFileSync('/dev/full', Buffer.alloc(4096));
      } catch (e) {
        err = e;
      }
      const user = fsUserError(err, '/dev/full', 4096);
      assert.ok(user);
      assert.match(user.message, /no space left .* writing 0\.0 MiB to \/dev\/full/);
      return;
    }
    const dir = join(fsWork, 'full');
    mkdirSync(dir);
    cpSync(SAMPLE, join(dir, 'driver'), { recursive: true });
    assert.equal(runCli(['new', dir, '--yes', '--source', `dir:${join(dir, 'driver')}`, '--kernel', kernel.release, '--out', join(tiny, 'out'), '--no-srpm']).status, 0);
    const r = runCli(['build', dir, '--plain']);
    assertUserError(r, join(tiny, 'out'), /no space left on the device .* while writing [\d.]+ MiB to/, /MiB free there/);
    // Output is staged beside out/ and swapped in only after a good build: nothing is left, not even out/.
    assert.deepEqual(readdirSync(tiny), [], 'no stage, temp file or half-written out/ left');
  });
});
