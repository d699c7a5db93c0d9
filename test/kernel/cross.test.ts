/**
 * Other architectures from an x86_64 host: Debian's arm64 header packages (fetched into the cache
 * by `dudforge kernels --fetch`, as .ci/run does), the cross compiler the tree's config names,
 * and one disk holding rpms/x86_64/ and rpms/aarch64/, each judged by the real tools.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crossFor, gccMajor, hostRpmArch } from '../../src/kernel/cross.js';
import { parseKernelConfig } from '../../src/kernel/config.js';
import { debianArchOf } from '../../src/kernel/fetch.js';
import { discoverKernels } from '../../src/kernel/discover.js';
import { writeDisk } from '../../src/disk/write.js';
import { verifyDisk } from '../../src/verify/verify.js';
import { installedKernels, removeDir, runCli, sh, shOk, tempDir } from '../helpers/cli.js';
import { needs } from '../helpers/needs.js';
import { packageRoot } from '../../src/paths.js';

const arm64 = ['CONFIG_ARM64=y', 'CONFIG_64BIT=y'];
const cfg = (...lines: string[]) => parseKernelConfig(lines.join('\n'));

describe('cross toolchains, from the tree config', () => {
  test('gcc major version from CONFIG_CC_VERSION_TEXT', () => {
    assert.equal(gccMajor('gcc-12 (Debian 12.2.0-14+deb12u1) 12.2.0'), 12);
    assert.equal(gccMajor('aarch64-linux-gnu-gcc-12 (Debian 12.2.0-14+deb12u1) 12.2.0'), 12);
    assert.equal(gccMajor('gcc (GCC) 14.2.1'), 14);
    assert.equal(gccMajor('gcc (GCC) 11.5.0 20240719 (Red Hat 11.5.0-5)'), 11);
    assert.equal(gccMajor('Debian clang version 14.0.6'), undefined);
  });

  test('a tree of the host architecture needs nothing', () => {
    assert.equal(hostRpmArch(), 'x86_64');
    assert.deepEqual(crossFor(cfg('CONFIG_X86_64=y', 'CONFIG_X86=y')), { kind: 'native' });
  });

  test('an arm64 tree needs ARCH, CROSS_COMPILE and the cross gcc of its own version', { skip: needs(sh('sh', ['-c', 'command -v aarch64-linux-gnu-gcc-12']).status === 0, 'gcc-12-aarch64-linux-gnu') }, () => {
    const r = crossFor(cfg(...arm64, 'CONFIG_CC_VERSION_TEXT="gcc-12 (Debian 12.2.0-14+deb12u1) 12.2.0"'));
    assert.equal(r.kind, 'cross');
    if (r.kind !== 'cross') return;
    assert.deepEqual(r.toolchain.makeVars, ['ARCH=arm64', 'CROSS_COMPILE=aarch64-linux-gnu-']);
    assert.equal(r.toolchain.compiler, 'aarch64-linux-gnu-gcc-12');
  });

  test('a compiler version not installed names the Debian package to install', () => {
    const r = crossFor(cfg(...arm64, 'CONFIG_CC_VERSION_TEXT="aarch64-linux-gnu-gcc-99 (Debian 99.1.0-1) 99.1.0"'));
    assert.equal(r.kind, 'unusable');
    if (r.kind === 'unusable') assert.match(r.reason, /aarch64-linux-gnu-gcc-99 is not installed \(apt-get install gcc-99-aarch64-linux-gnu\)/);
  });

  test('an architecture no driver disk holds is refused with the list', () => {
    const r = crossFor(cfg('CONFIG_RISCV=y', 'CONFIG_64BIT=y'));
    assert.equal(r.kind, 'unusable');
    if (r.kind === 'unusable') assert.match(r.reason, /a riscv64 kernel: dudforge builds for x86_64, aarch64, ppc64le, s390x/);
  });

  test('a clang-built foreign kernel cross-compiles with ARCH alone', () => {
    const r = crossFor(cfg(...arm64, 'CONFIG_CC_IS_CLANG=y', 'CONFIG_CC_VERSION_TEXT="clang version 17"'));
    assert.equal(r.kind, 'cross');
    if (r.kind === 'cross') assert.deepEqual(r.toolchain.makeVars, ['ARCH=arm64']);
  });

  test('Debian release flavours name their architecture', () => {
    assert.equal(debianArchOf('6.1.0-57-arm64'), 'arm64');
    assert.equal(debianArchOf('6.12.118+deb12-cloud-arm64'), 'arm64');
    assert.equal(debianArchOf('6.1.0-57-amd64'), 'amd64');
    assert.throws(() => debianArchOf('5.14.0-570.el9.x86_64'), /not a Debian kernel release with an architecture flavour/);
  });
});

/** A directory that passes for a build tree up to its architecture. */
function fakeTree(dir: string, release: string, config: string[]): string {
  for (const d of ['include/generated', 'include/config', 'scripts/basic']) mkdirSync(join(dir, d), { recursive: true });
  writeFileSync(join(dir, 'Makefile'), 'all:\n');
  writeFileSync(join(dir, '.config'), `${config.join('\n')}\n`);
  writeFileSync(join(dir, 'include/generated/utsrelease.h'), `#define UTS_RELEASE "${release}"\n`);
  writeFileSync(join(dir, 'include/generated/autoconf.h'), '\n');
  writeFileSync(join(dir, 'include/config/kernel.release'), `${release}\n`);
  writeFileSync(join(dir, 'scripts/basic/fixdep'), '');
  return dir;
}

describe('foreign trees on the command line', () => {
  let work: string;
  before(() => {
    work = tempDir('cross-cli');
  });
  after(() => removeDir(work));

  test('`kernels` lists a foreign tree with its architecture and why it cannot build; `new` refuses it, exit 2', () => {
    const riscv = fakeTree(join(work, 'riscv'), '6.6.0-1-riscv64', ['CONFIG_RISCV=y', 'CONFIG_64BIT=y']);
    const gcc99 = fakeTree(join(work, 'gcc99'), '6.1.0-99-arm64', [...arm64, 'CONFIG_CC_VERSION_TEXT="gcc-99 (Debian 99.1.0-1) 99.1.0"']);
    const listed = runCli(['kernels', '--kernel-dir', riscv, '--kernel-dir', gcc99]);
    assert.equal(listed.status, 0, listed.stderr);
    assert.match(listed.stdout, /6\.6\.0-1-riscv64\s+riscv64\s+no: a riscv64 kernel: dudforge builds for x86_64, aarch64, ppc64le, s390x/);
    assert.match(listed.stdout, /6\.1\.0-99-arm64\s+aarch64\s+no: .*apt-get install gcc-99-aarch64-linux-gnu/);
    for (const [tree, why] of [[riscv, /riscv64 kernel/], [gcc99, /apt-get install gcc-99-aarch64-linux-gnu/]] as const) {
      mkdirSync(join(work, 'driver'), { recursive: true });
      const r = runCli(['new', join(work, `p-${tree.split('/').pop()}`), '--yes', '--source', `dir:${join(packageRoot, 'assets', 'sample-driver')}`, '--kernel-dir', tree, '--vendor', 'X']);
      assert.equal(r.status, 2, r.stdout + r.stderr);
      assert.match(r.stderr, why);
      assert.doesNotMatch(r.stderr, /internal error/);
    }
  });
});

const foreign = discoverKernels().filter((t) => t.usable && t.cross && t.arch === 'aarch64' && t.release);

describe('one disk, two architectures', { skip: needs(foreign.length >= 1 && installedKernels().length >= 1, 'arm64 build trees (dudforge kernels --fetch <release>-arm64, as .ci/run does) and gcc-12-aarch64-linux-gnu') }, () => {
  let work: string;
  let out: string;
  before(() => {
    work = tempDir('cross');
    const project = join(work, 'project');
    mkdirSync(project);
    cpSync(join(packageRoot, 'assets', 'sample-driver'), join(project, 'driver'), { recursive: true });
    const kernels = [...installedKernels().map((k) => k.release), ...foreign.map((t) => t.release!)];
    const created = runCli([
      'new', project, '--yes', '--source', `dir:${join(project, 'driver')}`, '--probes', join(project, 'driver', 'dudforge.probes'),
      '--vendor', 'Cross Inc', '--build-time', '1700000000', '--sign-generate', join(work, 'keys'),
      ...kernels.flatMap((k) => ['--kernel', k]),
    ]);
    assert.equal(created.status, 0, created.stderr);
    const built = runCli(['build', project, '--plain']);
    assert.equal(built.status, 0, built.stdout + built.stderr);
    out = join(project, 'out');
  });
  after(() => removeDir(work));

  test('each kmod: RPM arch, file name, ELF machine and vermagic agree; modules signed on the host', () => {
    const rpms = readdirSync(out).filter((f) => f.endsWith('.rpm') && !f.endsWith('.src.rpm'));
    const arm = rpms.filter((f) => f.endsWith('.aarch64.rpm'));
    assert.equal(arm.length, foreign.length);
    assert.equal(rpms.filter((f) => f.endsWith('.x86_64.rpm')).length, installedKernels().length);
    for (const f of rpms) {
      const rpm = join(out, f);
      const arch = shOk('rpm', ['-qp', '--qf', '%{ARCH}', rpm]);
      assert.ok(f.endsWith(`.${arch}.rpm`), `${f}: ARCH ${arch}`);
      const x = join(work, `x-${f}`);
      mkdirSync(x);
      shOk('sh', ['-c', `rpm2cpio "${rpm}" | cpio -idm --quiet`], { cwd: x });
      const ko = shOk('find', [x, '-name', '*.ko']).trim();
      const header = shOk('readelf', ['-h', ko]);
      assert.match(header, arch === 'aarch64' ? /Machine:\s+AArch64/ : /Machine:\s+Advanced Micro Devices X86-64/);
      const vermagic = shOk('modinfo', ['-F', 'vermagic', ko]);
      assert.match(vermagic, arch === 'aarch64' ? / aarch64\s*$/ : /^\S+-amd64 /);
      assert.match(shOk('modinfo', ['-F', 'signer', ko]), /\S/, `${ko} is signed`);
    }
  });

  test('the disk holds rpms/x86_64 and rpms/aarch64, each a dnf repository of its own, and verify accepts it', () => {
    const iso = join(out, readdirSync(out).find((f) => f.endsWith('.iso'))!);
    const x = join(work, 'iso');
    shOk('xorriso', ['-osirrox', 'on', '-indev', iso, '-extract', '/', x]);
    assert.deepEqual(readdirSync(join(x, 'rpms')).sort(), ['aarch64', 'x86_64']);
    for (const arch of ['x86_64', 'aarch64']) {
      const root = join(work, `dnf-${arch}`);
      const q = shOk('dnf', [
        '-q', `--installroot=${root}`, '--releasever=9', `--forcearch=${arch}`, '--setopt=reposdir=/dev/null', `--repofrompath=dd,file://${join(x, 'rpms', arch)}`,
        '--repo=dd', '--nogpgcheck', 'repoquery', '--qf', '%{arch}', '*',
      ]);
      const arches = [...new Set(q.trim().split('\n').filter(Boolean))];
      assert.deepEqual(arches, [arch], `${arch} repository lists only ${arch} packages`);
    }
    const v = runCli(['verify', iso, '--signed']);
    assert.equal(v.status, 0, v.stdout + v.stderr);
    for (const t of foreign) assert.match(v.stdout, new RegExp(`kernel ${t.release!.replace(/[.+]/g, '\\$&')}: accepts rpms/aarch64/`));
  });

  test('verify refuses an x86_64 kmod put into rpms/aarch64', async () => {
    const rpm = readdirSync(out).find((f) => f.endsWith('.x86_64.rpm'))!;
    const iso = join(work, 'wrong-arch.iso');
    await writeDisk({ isoPath: iso, rpms: [{ fileName: rpm, arch: 'aarch64', bytes: readFileSync(join(out, rpm)) }], buildTime: 1700000000 });
    const report = await verifyDisk(iso);
    assert.equal(report.ok, false);
    assert.ok(report.problems.some((p) => /built for x86_64, but it lies in rpms\/aarch64\//.test(p)), report.problems.join('\n'));
    assert.ok(report.problems.some((p) => /is an ELF module for machine 62, not aarch64 \(183\)/.test(p)), report.problems.join('\n'));
  });
});
