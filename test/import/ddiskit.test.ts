/**
 * A ddiskit project (module.config + src/ + firmware/), written by the test, becomes a dudforge
 * project with `new --yes --from-ddiskit`: every key is reported used or ignored, `{key}` and
 * `{section.key}` references are expanded, flags win over the file, and the real build of the
 * result ships the firmware and the dependencies the file names.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SAMPLE_DRIVER_DIR } from '../../src/cli/commands/demo.js';
import { installedKernels, removeDir, runCli, sh, shOk, tempDir, type CliResult } from '../helpers/cli.js';
import { needs } from '../helpers/needs.js';

const kernels = installedKernels();
let work: string;
let kit: string;
let created: CliResult;
let answers: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const MODULE_CONFIG = `# ddiskit module.config
[defaults]
tar_all = False
git_dir =

[global]
module_vendor = ACME Corp
module_author = Ada Lovelace
module_author_email = ada@example.org
include_srpm = False

[spec_file]
module_name = dudforge_dummy
module_version = 2.4.1
module_rpm_release = 3
rpm_dist = el9
kernel_version = 5.14.0-70.13.1.el9_0
kernel_arch = x86_64
module_build_dir = src
summary = {module_name} driver from {global.module_vendor}
description = The {module_name} driver, version {module_version}.
  Built with dudforge.
firmware_include = True
firmware_version = 1
dependencies = acme-tools, bash >= 4
build_extra_cflags = -DDEBUG
git_hash = {defaults.nothing}
`;

describe('new --from-ddiskit module.config', { skip: needs(kernels.length > 0, 'no kernel build tree installed') }, () => {
  before(() => {
    work = tempDir('ddiskit');
    kit = join(work, 'acme-kit');
    cpSync(SAMPLE_DRIVER_DIR, join(kit, 'src'), { recursive: true });
    mkdirSync(join(kit, 'firmware'));
    writeFileSync(join(kit, 'firmware', 'acme-fw.bin'), Buffer.from([0xac, 0x3e, 0, 1]));
    writeFileSync(join(kit, 'module.config'), MODULE_CONFIG);
    created = runCli(['new', join(work, 'project'), '--yes', '--from-ddiskit', join(kit, 'module.config'), '--kernel', kernels[0].release, '--build-time', '1700000000']);
    answers = created.status === 0 ? JSON.parse(readFileSync(join(work, 'project', 'dudforge.json'), 'utf8')) : {};
  });
  after(() => removeDir(work));

  test('the answers carry the module.config values, references expanded', () => {
    assert.equal(created.status, 0, created.stderr);
    assert.equal(answers.package.name, 'dudforge-dummy');
    assert.equal(answers.package.version, '2.4.1');
    assert.equal(answers.package.release, '3');
    assert.equal(answers.package.vendor, 'ACME Corp');
    assert.deepEqual([answers.project.author, answers.project.email], ['Ada Lovelace', 'ada@example.org']);
    assert.equal(answers.package.summary, 'dudforge_dummy driver from ACME Corp');
    assert.equal(answers.package.description, 'The dudforge_dummy driver, version 2.4.1.\nBuilt with dudforge.');
    assert.deepEqual(answers.package.requires, ['acme-tools', 'bash >= 4']);
    assert.equal(answers.packaging.srpm, false);
    assert.deepEqual(answers.source, { kind: 'dir', path: join(kit, 'src') });
    assert.deepEqual(answers.firmware, [join(kit, 'firmware', 'acme-fw.bin')]);
  });

  test('new says which keys it used and which it ignored, and why', () => {
    assert.match(created.stderr, /^info: module\.config: used global\.module_vendor, global\.module_author, global\.module_author_email, global\.include_srpm, spec_file\.module_name, spec_file\.module_version, spec_file\.module_rpm_release, spec_file\.summary, spec_file\.description, spec_file\.kernel_version, spec_file\.kernel_arch, spec_file\.dependencies, spec_file\.module_build_dir, spec_file\.firmware_include$/m);
    assert.match(created.stderr, /^info: module\.config: ignored defaults\.git_dir \(empty\)$/m);
    assert.match(created.stderr, /^info: module\.config: ignored spec_file\.rpm_dist \(dudforge writes the kernel into each kmod release itself\)$/m);
    assert.match(created.stderr, /^info: module\.config: ignored spec_file\.build_extra_cflags \(/m);
    assert.match(created.stderr, /^info: module\.config: ignored defaults\.tar_all \(not used by dudforge\)$/m);
    assert.match(created.stderr, /^warning: module\.config: spec_file: \{defaults\.nothing\} names no key; left as written$/m);
    assert.match(created.stderr, /^info: version 2\.4\.1 \(from module\.config\)$/m);
  });

  test('flags win; kernel_version without a build tree here is a warning, not an error', () => {
    const r = runCli(['new', join(work, 'project2'), '--yes', '--from-ddiskit', join(kit, 'module.config'), '--release', '9', '--name', 'acme']);
    assert.equal(r.status, 0, r.stderr);
    const a = JSON.parse(readFileSync(join(work, 'project2', 'dudforge.json'), 'utf8'));
    assert.equal(a.package.release, '9');
    assert.equal(a.package.name, 'acme');
    assert.equal(a.package.version, '2.4.1');
    assert.equal(a.kernels.length, kernels.length);
    assert.match(r.stderr, /^warning: module\.config: kernel_version 5\.14\.0-70\.13\.1\.el9_0 has no usable build tree here; targeting every usable kernel/m);
    const bad = runCli(['new', join(work, 'project3'), '--yes', '--from-ddiskit', join(kit, 'missing.config')]);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--from-ddiskit .*missing\.config: cannot read it \(ENOENT\)/);
  });

  test('[defaults] git_dir and git_revision make a git source with module_build_dir as the driver directory', () => {
    const repo = join(work, 'kit-repo');
    cpSync(kit, repo, { recursive: true });
    writeFileSync(join(repo, 'module.config'), MODULE_CONFIG.replace('git_dir =', 'git_dir = .\ngit_revision = v2.4.1'));
    const git = (...a: string[]) => shOk('git', ['-C', repo, '-c', 'user.name=T', '-c', 'user.email=t@example.org', ...a]);
    shOk('git', ['init', '-q', repo]);
    git('add', '-A');
    git('commit', '-qm', 'kit');
    git('tag', 'v2.4.1');
    const r = runCli(['new', join(work, 'project4'), '--yes', '--from-ddiskit', join(repo, 'module.config'), '--kernel', kernels[0].release]);
    assert.equal(r.status, 0, r.stderr);
    const a = JSON.parse(readFileSync(join(work, 'project4', 'dudforge.json'), 'utf8'));
    assert.equal(a.source.kind, 'git');
    assert.equal(a.source.rev, 'v2.4.1');
    assert.deepEqual(a.driverDirs, ['src']);
  });

  test('the real build ships the firmware and Requires what dependencies names', () => {
    const build = runCli(['build', join(work, 'project'), '--plain']);
    assert.equal(build.status, 0, build.stderr + build.stdout);
    const out = join(work, 'project', 'out');
    const rpm = readdirSync(out).find((f) => /^kmod-dudforge-dummy-.+-2\.4\.1-3\..*\.rpm$/.test(f));
    assert.ok(rpm, readdirSync(out).join(', '));
    assert.ok(!readdirSync(out).some((f) => f.endsWith('.src.rpm')), 'include_srpm = False: no source RPM');
    const files = sh('rpm', ['-qpl', join(out, rpm!)]).stdout;
    assert.match(files, /^\/lib\/firmware\/acme-fw\.bin$/m);
    const requires = sh('rpm', ['-qp', '--requires', join(out, rpm!)]).stdout;
    assert.match(requires, /^acme-tools$/m);
    assert.match(requires, /^bash >= 4$/m);
    assert.match(sh('rpm', ['-qp', '--qf', '%{VENDOR}|%{SUMMARY}', join(out, rpm!)]).stdout, /^ACME Corp\|dudforge_dummy driver from ACME Corp$/);
  });
});
