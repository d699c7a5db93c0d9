/**
 * Bad input gives exit code 2, a message that names each bad field or path, and builds nothing.
 * A compile error in one kernel's build still gives the other kernels' RPMs, exit 1 and no ISO.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { installedKernels, removeDir, runCli, tempDir } from '../helpers/cli.js';
import { packageRoot } from '../../src/paths.js';
import { needs } from '../helpers/needs.js';

const kernels = installedKernels();
const SAMPLE = join(packageRoot, 'assets', 'sample-driver');
let work: string;

function goodAnswers(dir: string): Record<string, unknown> {
  return {
    schemaVersion: 1,
    project: { name: 'demo' },
    source: { kind: 'dir', path: join(dir, 'driver') },
    package: { name: 'dudforge-dummy', version: '1.0.0', release: '1', vendor: 'Test', license: 'GPL-2.0-only', summary: 'a test', description: 'a test driver' },
    kernels: kernels.map((k) => ({ release: k.release, buildTree: k.buildTree })),
    probes: join(dir, 'driver', 'dudforge.probes'),
    signing: { mode: 'none' },
    packaging: { match: 'exact', compress: 'gzip', kabiRequires: 'auto', srpm: false, strip: false },
    output: { dir: 'out' },
    buildTime: 1700000000,
  };
}

function project(name: string, mutate: (a: Record<string, any>) => void): string {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  cpSync(SAMPLE, join(dir, 'driver'), { recursive: true });
  const a = goodAnswers(dir);
  mutate(a);
  writeFileSync(join(dir, 'dudforge.json'), JSON.stringify(a, null, 2));
  return dir;
}

describe('bad input', { skip: needs(kernels.length > 0, 'no kernel build tree installed') }, () => {
  before(() => {
    work = tempDir('badinput');
  });
  after(() => removeDir(work));

  test('answers-file errors name every bad field, exit 2, build nothing', () => {
    const dir = project('fields', (a) => {
      a.colour = 'blue';
      a.package.version = '1.0-rc1';
      a.package.name = 'my driver';
      delete a.package.license;
      a.package.description = 'line one\n---\nline three';
      a.packaging.compress = 'zstd';
    });
    const r = runCli(['build', dir, '--plain']);
    assert.equal(r.status, 2, r.stderr);
    for (const field of ['colour: unknown key', 'package.version', 'package.name', 'package.license: is required', 'package.description', 'packaging.compress']) {
      assert.ok(r.stderr.includes(field), `names ${field}:\n${r.stderr}`);
    }
    assert.match(r.stderr, /"1\.0-rc1" contains "-"/);
    assert.match(r.stderr, /nothing was built/);
    assert.equal(existsSync(join(dir, 'out')), false);
    assert.equal(existsSync(join(dir, '.dudforge')), false);
  });

  test('a newer schema version and broken JSON are reported with the file path', () => {
    const newer = project('newer', (a) => (a.schemaVersion = 99));
    const r1 = runCli(['build', newer]);
    assert.equal(r1.status, 2);
    assert.match(r1.stderr, /newer dudforge/);
    const broken = join(work, 'broken');
    mkdirSync(broken);
    writeFileSync(join(broken, 'dudforge.json'), '{"schemaVersion": 1,');
    const r2 = runCli(['build', broken]);
    assert.equal(r2.status, 2);
    assert.ok(r2.stderr.includes(join(broken, 'dudforge.json')), r2.stderr);
    assert.match(r2.stderr, /not valid JSON/);
  });

  test('a driver source that is a file, not a directory, is called that (not "does not exist")', () => {
    const file = join(work, 'a-file.c');
    writeFileSync(file, 'int x;\n');
    const r = runCli(['new', join(work, 'file-source'), '--yes', '--source', `dir:${file}`, '--vendor', 'A']);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /driver source directory .*a-file\.c is not a directory/);
    assert.match(r.stderr, /--source dir:PATH/);
  });

  test('a build tree that does not exist, or is not a build tree, is named with a next step', () => {
    const dir = project('trees', (a) => {
      a.kernels = [
        { release: '9.9.9-nothere', buildTree: join(work, 'no-such-tree') },
        { release: '9.9.8-empty', buildTree: work },
      ];
    });
    const r = runCli(['build', dir]);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /kernels\[0\]\.buildTree: .*no-such-tree does not exist/);
    assert.match(r.stderr, /kernels\[1\]\.buildTree: .*not a kernel build tree/);
    assert.match(r.stderr, /dudforge kernels/);
    assert.equal(existsSync(join(dir, 'out')), false);
  });

  test('a driver directory without Makefile or Kbuild is refused before building', () => {
    const dir = project('nomake', (a) => {
      a.source.path = join(work, 'nomake', 'empty-driver');
    });
    mkdirSync(join(dir, 'empty-driver'));
    writeFileSync(join(dir, 'empty-driver', 'x.c'), 'int x;\n');
    const r = runCli(['build', dir]);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /empty-driver/);
    assert.match(r.stderr, /Makefile|Kbuild/);
  });

  test('the demo for a kernel that is not installed exits 2 and says what to install', () => {
    const r = runCli(['demo', '--out', join(work, 'nodemo'), '--kernel', '0.0.1-nothere-amd64']);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /0\.0\.1-nothere-amd64/);
    assert.match(r.stderr, /apt-get install linux-headers-0\.0\.1-nothere-amd64|dnf install kernel-devel-0\.0\.1-nothere-amd64/);
    assert.equal(existsSync(join(work, 'nodemo', 'out')), false);
  });

  test('unknown flags and commands exit 2 with a pointer to --help', () => {
    const r = runCli(['build', '--frobnicate']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--help/);
    const r2 = runCli(['nonsense']);
    assert.equal(r2.status, 2);
    const r3 = runCli(['build', '--jobs', 'many']);
    assert.equal(r3.status, 2);
    assert.match(r3.stderr, /--jobs many/);
  });

  test('--help and --version work on every subcommand', () => {
    const version = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')).version;
    for (const cmd of ['new', 'build', 'demo', 'kernels', 'verify', 'probe', 'projects', 'resume']) {
      const h = runCli([cmd, '--help']);
      assert.equal(h.status, 0, `${cmd} --help: ${h.stderr}`);
      assert.match(h.stdout, new RegExp(`usage: dudforge ${cmd}`));
      const v = runCli([cmd, '--version']);
      assert.equal(v.stdout.trim(), version);
    }
  });

  test('a compile error in one kernel: the others still build, exit 1, and out/ is not touched (no RPMs, no ISO)', { skip: needs(kernels.length >= 2, 'two kernel build trees') }, () => {
    const dir = project('one-fails', () => {});
    // Break the build for the newest kernel only.
    const newest = kernels[kernels.length - 1].release;
    const main = join(dir, 'driver', 'main.c');
    const [major, minor] = newest.split('.').map(Number);
    writeFileSync(main, `#include <linux/version.h>\n#if LINUX_VERSION_CODE >= KERNEL_VERSION(${major}, ${minor}, 0)\nint injected_failure = undeclared_symbol_for_test;\n#endif\n${readFileSync(main, 'utf8')}`);
    const r = runCli(['build', dir, '--plain']);
    assert.equal(r.status, 1, r.stdout + r.stderr);
    // out/ holds one consistent set or nothing new: RPMs without their disk would be neither.
    assert.ok(!existsSync(join(dir, 'out')), 'no output directory');
    assert.match(r.stdout, /--allow-partial/);
    for (const k of kernels.slice(0, -1)) assert.match(r.stderr, new RegExp(`${k.release.replace(/[.+]/g, '\\$&')}.*(done|built|✔)`), `${k.release} still built`);
    assert.match(r.stdout, new RegExp(`✖ ${newest.replace(/[.+]/g, '\\$&')}.*undeclared_symbol_for_test`));
    assert.match(r.stdout, /full log: .*\.log/);
    const log = /full log: (\S+)/.exec(r.stdout)![1];
    assert.match(readFileSync(log, 'utf8'), /error:/);
  });
});
