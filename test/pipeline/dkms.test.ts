/**
 * A driver as DKMS maintainers ship it, built with the real binary for both installed kernels:
 * dkms.conf gives the package name and version (the sources' MODULE_VERSION is an #ifdef'd
 * __stringify of a macro only PRE_BUILD defines), MAKE[0] is the driver's own
 * `make -C ${kernel_source_dir} M=$(pwd)`, PATCH[0] applies to one kernel only, POST_BUILD runs
 * after make, and BUILD_EXCLUSIVE_KERNEL leaves the other kernel out: excluded, not failed.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { installedKernels, removeDir, runCli, sh, shOk, tempDir, type CliResult } from '../helpers/cli.js';
import { needs } from '../helpers/needs.js';
import { parseDkmsConf } from '../../src/import/dkms-conf.js';
import { readModuleInfoDefaults } from '../../src/import/module-info.js';

const kernels = installedKernels();
const hasRpmbuild = sh('rpmbuild', ['--version']).status === 0;
let work: string;
let driver: string;
let canary: string;
let project: string;
let created: CliResult;
let build: CliResult;
let answers: { package: { name: string; version: string }; dkms: Record<string, unknown> };

function write(path: string, text: string, mode?: number): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  if (mode) chmodSync(path, mode);
}

const reEscape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('a DKMS driver (dkms.conf)', { skip: needs(kernels.length >= 2, 'two kernel build trees') }, () => {
  const [built, excluded] = kernels;
  before(() => {
    work = tempDir('dkms');
    driver = join(work, 'acme-snap-3.4.5');
    canary = join(work, 'canary');
    project = join(work, 'project');
    write(join(driver, 'Makefile'), 'obj-m += acme_snap.o\nacme_snap-y := main.o\n');
    write(
      join(driver, 'main.c'),
      [
        '#include <linux/module.h>',
        '#include <linux/stringify.h>',
        '#include "snapshot.h"',
        'static int __init acme_init(void) { return 0; }',
        'static void __exit acme_exit(void) {}',
        'module_init(acme_init);',
        'module_exit(acme_exit);',
        'MODULE_LICENSE("GPL");',
        'MODULE_DESCRIPTION("ACME snapshot driver");',
        '#ifdef SNAPSHOT_VERSION',
        'MODULE_VERSION(__stringify(SNAPSHOT_VERSION));',
        '#endif',
        '',
      ].join('\n'),
    );
    write(
      join(driver, 'patches/describe.patch'),
      [
        '--- a/main.c',
        '+++ b/main.c',
        '@@ -8,3 +8,3 @@',
        ' MODULE_LICENSE("GPL");',
        '-MODULE_DESCRIPTION("ACME snapshot driver");',
        '+MODULE_DESCRIPTION("ACME snapshot driver, patched");',
        ' #ifdef SNAPSHOT_VERSION',
        '',
      ].join('\n'),
    );
    // PRE_BUILD writes the header main.c needs: the build fails unless it ran in the copy.
    write(join(driver, 'scripts/pre-build.sh'), '#!/bin/sh\nprintf "#define SNAPSHOT_VERSION 20261205.$1\\n" > snapshot.h\n', 0o755);
    write(join(driver, 'scripts/post-build.sh'), '#!/bin/sh\necho "post-build saw $(ls *.ko) $1"\n', 0o755);
    write(
      join(driver, 'dkms.conf'),
      [
        '# dkms.conf as the vendor ships it',
        'PACKAGE_NAME="acme-snap"',
        'PACKAGE_VERSION="3.4.5"',
        'BUILT_MODULE_NAME[0]="acme_snap"',
        'DEST_MODULE_LOCATION[0]="/kernel/drivers/misc"',
        "MAKE[0]='make -C ${kernel_source_dir} M=$(pwd)'",
        'CLEAN="make -C ${kernel_source_dir} M=$(pwd) clean"',
        'PATCH[0]="describe.patch"',
        `PATCH_MATCH[0]="^${reEscape(built.release)}$"`,
        `BUILD_EXCLUSIVE_KERNEL="^${reEscape(built.release)}$"`,
        'BUILD_EXCLUSIVE_CONFIG="CONFIG_MODULES"',
        'PRE_BUILD="scripts/pre-build.sh 7"',
        // Text rpm would expand or run if it reached the spec: the SRPM's rebuild must pass it on as it is.
        `POST_BUILD="scripts/post-build.sh '100% %{name} %(touch ${canary})'"`,
        'AUTOINSTALL="yes"',
        'if [ -n "$kernelver" ]; then STRIP[0]=no; fi',
        '',
      ].join('\n'),
    );
    created = runCli(['new', project, '--yes', '--source', `dir:${driver}`, '--vendor', 'ACME', '--build-time', '1700000000']);
    assert.equal(created.status, 0, created.stderr);
    answers = JSON.parse(readFileSync(join(project, 'dudforge.json'), 'utf8'));
    build = runCli(['build', project, '--plain']);
  });
  after(() => removeDir(work));

  test('new takes name and version from dkms.conf, never the unexpanded macro', () => {
    assert.equal(readModuleInfoDefaults(driver).version, undefined);
    assert.equal(answers.package.name, 'acme-snap');
    assert.equal(answers.package.version, '3.4.5');
    assert.match(created.stderr, /^info: version 3\.4\.5 \(from dkms\.conf\)$/m);
  });

  test('new says which keys it used and which it ignored, and shows what will run', () => {
    assert.deepEqual(answers.dkms.used, [
      'PACKAGE_NAME', 'PACKAGE_VERSION', 'BUILT_MODULE_NAME', 'DEST_MODULE_LOCATION', 'MAKE', 'PATCH', 'PATCH_MATCH',
      'BUILD_EXCLUSIVE_KERNEL', 'BUILD_EXCLUSIVE_CONFIG', 'PRE_BUILD', 'POST_BUILD',
    ]);
    assert.deepEqual(answers.dkms.ignored, ['CLEAN', 'AUTOINSTALL']);
    assert.match(created.stderr, /^info: dkms\.conf: used PACKAGE_NAME, PACKAGE_VERSION, /m);
    assert.match(created.stderr, /^info: dkms\.conf: ignored CLEAN, AUTOINSTALL/m);
    assert.match(created.stderr, /^warning: dkms\.conf: line 15: if \[ -n "\$kernelver" \].*not a simple assignment; ignored/m);
    assert.match(created.stderr, /^info: dkms\.conf: PRE_BUILD runs in each kernel's copy before make: scripts\/pre-build\.sh 7$/m);
    assert.match(created.stderr, /^info: dkms\.conf: POST_BUILD runs .*: scripts\/post-build\.sh '100% %\{name\} %\(touch .*\)'$/m);
    assert.match(created.stderr, /^info: dkms\.conf: MAKE\[0\] runs in each kernel's copy: make -C \$\{kernel_source_dir\} M=\$\(pwd\)$/m);
    assert.match(created.stderr, /builds only for kernel \/.*\/, config CONFIG_MODULES; other kernels are excluded, not failed/);
  });

  test('the excluded kernel is an info line and a summary line, not a failure; the other is packaged', () => {
    assert.equal(build.status, 0, build.stderr + build.stdout);
    assert.match(build.stderr, new RegExp(`${reEscape(excluded.release)}: excluded by dkms\\.conf BUILD_EXCLUSIVE_KERNEL`));
    assert.match(build.stdout, new RegExp(`– ${reEscape(excluded.release)}\\s+excluded by dkms\\.conf BUILD_EXCLUSIVE_KERNEL`));
    const rpms = readdirSync(join(project, 'out')).filter((f) => f.endsWith('.rpm') && !f.endsWith('.src.rpm'));
    assert.equal(rpms.length, 1, rpms.join(', '));
    assert.match(rpms[0], /^kmod-acme-snap-.+-3\.4\.5-1\./);
    const provides = sh('rpm', ['-qp', '--provides', join(project, 'out', rpms[0])]).stdout;
    assert.match(provides, new RegExp(`kernel-modules = ${reEscape(built.release)}`));
    assert.ok(readdirSync(join(project, 'out')).some((f) => f.endsWith('.iso')), 'a driver disk is written');
    assert.ok(!existsSync(join(project, '.dudforge', 'build', excluded.release)), 'nothing was built for the excluded kernel');
  });

  test('the driver\'s own MAKE ran with PATCH, PRE_BUILD and POST_BUILD in the kernel\'s copy', () => {
    const log = readFileSync(join(project, '.dudforge', 'logs', `${built.release}.log`), 'utf8');
    // MAKE[0] as dkms.conf writes it: the shell fills in ${kernel_source_dir} and $(pwd) in the copy.
    assert.match(log, /^dkms\.conf: running MAKE make -C \$\{kernel_source_dir\} M=\$\(pwd\)$/m);
    assert.match(log, new RegExp(`make -C ${reEscape(realpathSync(built.buildTree))}|Entering directory '${reEscape(realpathSync(built.buildTree))}`));
    assert.match(log, new RegExp(`CC \\[M\\]\\s+${reEscape(join(project, '.dudforge', 'build', built.release, 'src'))}/main\\.o|CC \\[M\\]\\s+main\\.o`));
    assert.match(log, /dkms\.conf: applying patches\/describe\.patch/);
    assert.match(log, /dkms\.conf: running PRE_BUILD scripts\/pre-build\.sh 7/);
    assert.match(log, /post-build saw acme_snap\.ko/);
    const ko = join(project, '.dudforge', 'build', built.release, 'modules', 'acme_snap.ko');
    assert.equal(sh('modinfo', ['-F', 'version', ko]).stdout.trim(), '20261205.7');
    assert.equal(sh('modinfo', ['-F', 'description', ko]).stdout.trim(), 'ACME snapshot driver, patched');
    assert.equal(sh('modinfo', ['-F', 'vermagic', ko]).stdout.split(' ')[0], built.release);
  });

  test('rpmbuild --rebuild of the source RPM runs the same PATCH, PRE_BUILD, MAKE and POST_BUILD', { skip: needs(hasRpmbuild, 'rpmbuild') }, () => {
    const srpm = readdirSync(join(project, 'out')).find((f) => f.endsWith('.src.rpm'));
    assert.ok(srpm, 'a source RPM is written');
    const srpmPath = join(project, 'out', srpm);
    assert.match(shOk('rpm', ['-qpl', srpmPath]), /^dudforge-dkms\.sh$/m);
    assert.match(shOk('rpm', ['-qp', '--requires', srpmPath]), /^patch$/m);
    const topdir = join(work, 'rpmbuild');
    const r = sh('rpmbuild', ['--rebuild', '--nodeps', '--define', `_topdir ${topdir}`, '--define', `kernel_version ${built.release}`, '--define', `kernel_source ${built.buildTree}`, srpmPath]);
    assert.equal(r.status, 0, r.stderr.slice(-3000));
    const out = r.stdout + r.stderr;
    assert.match(out, /dkms\.conf: applying patches\/describe\.patch/);
    assert.match(out, /dkms\.conf: running PRE_BUILD scripts\/pre-build\.sh 7/);
    assert.match(out, /dkms\.conf: running MAKE make -C \$\{kernel_source_dir\} M=\$\(pwd\)/);
    assert.ok(out.includes(`post-build saw acme_snap.ko 100% %{name} %(touch ${canary})`), 'POST_BUILD got its argument as dkms.conf wrote it');
    assert.ok(!existsSync(canary), 'rpm expanded nothing from dkms.conf');
    const rpmDir = join(topdir, 'RPMS', shOk('rpm', ['--eval', '%{_target_cpu}']).trim());
    const rebuilt = readdirSync(rpmDir).filter((f) => f.startsWith('kmod-acme-snap-'));
    assert.equal(rebuilt.length, 1, rebuilt.join(', '));
    const root = join(work, 'rebuilt-root');
    mkdirSync(root, { recursive: true });
    shOk('sh', ['-c', `rpm2cpio "$1" | (cd "$2" && cpio -idm --quiet)`, 'sh', join(rpmDir, rebuilt[0]), root]);
    const ko = join(root, 'lib', 'modules', built.release, 'extra', 'acme-snap', 'acme_snap.ko');
    // The patch and PRE_BUILD took effect in the rebuild as they did in dudforge's own build.
    assert.equal(sh('modinfo', ['-F', 'version', ko]).stdout.trim(), '20261205.7');
    assert.equal(sh('modinfo', ['-F', 'description', ko]).stdout.trim(), 'ACME snapshot driver, patched');
    assert.equal(sh('modinfo', ['-F', 'vermagic', ko]).stdout.split(' ')[0], built.release);
  });

  test('rpmbuild --rebuild for a kernel BUILD_EXCLUSIVE leaves out: a message, no package, no failure', { skip: needs(hasRpmbuild, 'rpmbuild') }, () => {
    const srpm = readdirSync(join(project, 'out')).find((f) => f.endsWith('.src.rpm'))!;
    const topdir = join(work, 'rpmbuild-excluded');
    const r = sh('rpmbuild', ['--rebuild', '--nodeps', '--define', `_topdir ${topdir}`, '--define', `kernel_version ${excluded.release}`, '--define', `kernel_source ${excluded.buildTree}`, join(project, 'out', srpm)]);
    assert.equal(r.status, 0, r.stderr.slice(-3000));
    assert.match(r.stderr, new RegExp(`dudforge: kernel ${reEscape(excluded.release)} is excluded by dkms\\.conf BUILD_EXCLUSIVE_KERNEL="\\^${reEscape(reEscape(built.release))}\\$"; nothing is built or packaged`));
    assert.doesNotMatch(r.stdout + r.stderr, /dkms\.conf: running MAKE/);
    assert.ok(!existsSync(join(topdir, 'RPMS')) || readdirSync(join(topdir, 'RPMS'), { recursive: true }).every((f) => !String(f).endsWith('.rpm')), 'no binary package');
  });

  test('dkms.conf forms: quoting, indexes, own variables, values that need the shell', () => {
    const conf = parseDkmsConf(
      [
        'PACKAGE_NAME=foo',
        'PACKAGE_VERSION="2.0"   # trailing comment',
        'BUILT_MODULE_NAME[1]="foo_b"',
        'BUILT_MODULE_LOCATION[1]=src/',
        'BUILT_MODULE_NAME[0]=$PACKAGE_NAME',
        'MAKE="make KVER=$kernelver -C src"',
        'MAKE[1]=\'make LEGACY=1\'',
        'MAKE_MATCH[1]="^4\\."',
        'REMAKE_INITRD=no',
        'BUILD_EXCLUSIVE_ARCH="$(uname -m)"',
        'BUILD_EXCLUSIVE_KERNEL=`uname -r`',
      ].join('\n'),
    );
    assert.equal(conf.packageVersion, '2.0');
    assert.deepEqual(conf.modules, [{ name: 'foo' }, { name: 'foo_b', location: 'src/' }]);
    assert.deepEqual(conf.make, [{ command: 'make KVER=$kernelver -C src' }, { command: 'make LEGACY=1', match: '^4\\.' }]);
    assert.deepEqual(conf.ignored, ['REMAKE_INITRD', 'BUILD_EXCLUSIVE_ARCH (not plain text)']);
    assert.equal(conf.buildExclusive, undefined);
    assert.match(conf.unparsed.join('\n'), /BUILD_EXCLUSIVE_ARCH: its value needs the shell \(\$\(uname -m\)\)/);
    assert.match(conf.unparsed.join('\n'), /line 11: BUILD_EXCLUSIVE_KERNEL=`uname -r`: not a simple assignment/);
  });
});
