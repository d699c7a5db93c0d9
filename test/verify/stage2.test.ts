/**
 * The installer's second stage with the real dnf: the disk's rpms/x86_64 is a repository, and
 * the packages the installer loaded are installed BY NAME into a new root next to a kernel
 * package, as anaconda does (docs/kmod-packages.md). One sample-driver build for every
 * installed kernel (the real binary), rebuilt from the build cache with kABI Requires on and in
 * `minimum` mode; the kernel packages are stubs built here with rpmbuild.
 *
 * Scriptlets: run, not skipped. Each root gets a real /bin/sh (the host's, with its libraries)
 * and a stub depmod that logs its arguments, and the stub repository has a `bash` package that
 * provides /bin/sh (what the scriptlet interpreter Requires resolve to). So %post runs chrooted
 * as on a real system, and the test checks that it ran `depmod -a` for the right kernel. dnf
 * exits 0 even when a scriptlet fails, so its output is checked for scriptlet errors too.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { installedKernels, removeDir, runCli, sh, shOk, tempDir } from '../helpers/cli.js';
import { needs } from '../helpers/needs.js';
import { addStub, makeShellRoot, readToolLog } from '../kmod/shell-root.js';
import { parseSymvers, crcHex, kernelVersionRelease } from '../../src/kmod/index.js';
import { buildRpm, readRpmPayload, RPMSENSE, rpmFileName, type RpmPackageSpec } from '../../src/rpm/index.js';
import { buildRepodata } from '../../src/repodata/index.js';
import { buildIsoBuffer, type IsoEntry } from '../../src/iso/index.js';
import { verifyDisk } from '../../src/verify/verify.js';

const kernels = installedKernels();
const tools = ['rpmbuild', 'dnf', 'createrepo_c', 'bsdtar', 'chroot', 'ldd'].filter((t) => sh('sh', ['-c', `command -v ${t}`]).status !== 0);
const DRIVER = 'kmod-dudforge-dummy';
let work: string;
/** Extracted disks: out dir → its rpms/x86_64. */
const repos = new Map<string, string>();
let runs = 0;

/** Extract a built disk with bsdtar and return its rpms/x86_64 directory. */
function extractDisk(outDir: string): string {
  const iso = join(outDir, readdirSync(outDir).find((f) => f.endsWith('.iso'))!);
  const dir = `${outDir}-disk`;
  mkdirSync(dir);
  shOk('bsdtar', ['-xf', iso, '-C', dir]);
  return join(dir, 'rpms', 'x86_64');
}

interface StubKernel {
  release: string;
  /** `kernel = …` and `kernel-core = …` (default: the release's version-release). */
  vr?: string;
  /** kernel(sym) = crc Provides. */
  symbols?: Map<string, string>;
}

function rpmbuild(dir: string, name: string, spec: string): string {
  const top = join(dir, `top-${name}`);
  writeFileSync(join(dir, `${name}.spec`), spec);
  shOk('rpmbuild', ['-bb', '--define', `_topdir ${top}`, join(dir, `${name}.spec`)]);
  const out = join(top, 'RPMS', 'x86_64');
  return join(out, readdirSync(out)[0]);
}

/**
 * A repository with a stub kernel-core (Provides as RHEL's kernel-core: kernel-uname-r,
 * kernel = version-release, kernel(sym) = crc) and a stub bash that provides /bin/sh.
 */
function stubRepo(k: StubKernel): string {
  const dir = join(work, `stub-${++runs}`);
  mkdirSync(dir);
  const vr = k.vr ?? kernelVersionRelease(k.release, 'x86_64');
  const [version, ...rest] = vr.split('-');
  const head = (name: string, v: string, r: string) =>
    `%define _wrong_version_format_terminate_build 0\nName: ${name}\nVersion: ${v}\nRelease: ${r}\nSummary: stub\nLicense: GPL-2.0-only\nBuildArch: x86_64\n`;
  const provides = [
    `kernel-uname-r = ${k.release}`,
    `kernel = ${vr}`,
    ...[...(k.symbols ?? new Map())].map(([s, crc]) => `kernel(${s}) = ${crc}`),
  ];
  const kernel = rpmbuild(dir, 'kernel-core', `${head('kernel-core', version, rest.join('_') || '1')}${provides.map((p) => `Provides: ${p}\n`).join('')}%description\nstub\n%files\n`);
  const bash = rpmbuild(dir, 'bash', `${head('bash', '5.2', '1')}Provides: /bin/sh\n%description\nstub\n%files\n`);
  const repo = join(dir, 'repo');
  mkdirSync(repo);
  for (const f of [kernel, bash]) writeFileSync(join(repo, f.split('/').pop()!), readFileSync(f));
  shOk('createrepo_c', ['--quiet', repo]);
  return repo;
}

/** A new root with /bin/sh and a logging depmod, then `dnf install` from the stub and disk repos. */
function dnfInstall(stub: string, disk: string, names: string[]) {
  const root = join(work, `root-${++runs}`);
  makeShellRoot(root);
  addStub(root, 'depmod');
  const r = sh('dnf', [
    `--installroot=${root}`, '--setopt=reposdir=/dev/null', `--setopt=cachedir=${root}-cache`,
    `--repofrompath=k,file://${stub}`, `--repofrompath=dd,file://${disk}`, '--nogpgcheck',
    '--releasever=9', '--forcearch=x86_64', '--setopt=install_weak_deps=False', '-y', 'install', 'kernel-core', ...names,
  ]);
  return { root, ...r, output: r.stdout + r.stderr };
}

/** What the installer loads for a kernel: the RPMs that provide `kernel-modules = <release>` or `>= <release>` (read by rpm). */
function loadedNames(disk: string, release: string): string[] {
  return readdirSync(disk)
    .filter((f) => f.endsWith('.rpm'))
    .map((f) => join(disk, f))
    .filter((f) => shOk('rpm', ['-qp', '--provides', f]).split('\n').some((p) => p === `kernel-modules = ${release}` || p === `kernel-modules >= ${release}`))
    .map((f) => shOk('rpm', ['-qp', '--qf', '%{NAME}', f]));
}

/** Installed module paths per package, by rpm. */
function installedModules(root: string, name: string): string[] {
  return shOk('rpm', [`--root=${root}`, '-ql', name]).split('\n').filter((p) => p.endsWith('.ko'));
}

function assertInstalledFor(r: ReturnType<typeof dnfInstall>, name: string, release: string): void {
  assert.equal(r.status, 0, r.output);
  assert.doesNotMatch(r.output, /scriptlet failed|error:/i, r.output);
  const modules = installedModules(r.root, name);
  assert.ok(modules.length > 0, `${name} installs modules`);
  for (const m of modules) assert.ok(m.startsWith(`/lib/modules/${release}/`), `${m} belongs to kernel ${release}`);
  assert.match(readToolLog(r.root), new RegExp(`^depmod -a ${release.replace(/[.+]/g, '\\$&')}$`, 'm'), 'the %post scriptlet ran depmod for the kmod\'s kernel');
}

/** The modules the installed kmod(s) of a root carry, by kernel release. */
function installedReleases(root: string): string[] {
  const names = shOk('rpm', [`--root=${root}`, '-qa', '--qf', '%{NAME}\n']).split('\n').filter((n) => n.startsWith('kmod-'));
  return [...new Set(names.flatMap((n) => installedModules(root, n).map((m) => m.split('/')[3])))];
}

describe('stage 2: dnf installs the loaded kmods by name into the new system', {
  skip: needs(kernels.length >= 2, 'two kernel build trees needed (run .ci/run --install-only)') || needs(tools.length === 0, `missing ${tools.join(', ')}`),
}, () => {
  before(() => {
    work = tempDir('stage2');
    const project = join(work, 'project');
    const demo = runCli(['demo', '--out', project, '--plain']);
    assert.equal(demo.status, 0, demo.stdout + demo.stderr);
    repos.set('exact', extractDisk(join(project, 'out')));
    // The same project with kABI Requires on, and in minimum mode for one kernel (the build
    // cache has the modules: only packaging runs again).
    const answers = JSON.parse(readFileSync(join(project, 'dudforge.json'), 'utf8'));
    const firmwareFile = join(work, 'dudforge-dummy-fw.bin');
    writeFileSync(firmwareFile, 'dummy firmware\n');
    const variants: Record<string, object> = {
      kabi: { ...answers, packaging: { ...answers.packaging, kabiRequires: 'on' } },
      firmware: { ...answers, firmware: [firmwareFile], packaging: { ...answers.packaging, firmwarePackage: true } },
      minimum: { ...answers, kernels: answers.kernels.slice(0, 1), packaging: { ...answers.packaging, match: 'minimum', kabiRequires: 'on' } },
    };
    for (const [name, doc] of Object.entries(variants)) {
      writeFileSync(join(project, `${name}.json`), JSON.stringify(doc));
      const r = runCli(['build', project, '--answers', join(project, `${name}.json`), '--out', join(work, name), '--plain']);
      assert.equal(r.status, 0, r.stdout + r.stderr);
      repos.set(name, extractDisk(join(work, name)));
    }
  });
  after(() => removeDir(work));

  test('each kernel: the names the installer loads install that kernel\'s modules, scriptlets included', () => {
    const disk = repos.get('exact')!;
    for (const k of kernels) {
      const names = loadedNames(disk, k.release);
      assert.deepEqual(names, [`${DRIVER}-${k.release}`], 'one per-kernel package, named after the kernel');
      const r = dnfInstall(stubRepo({ release: k.release }), disk, names);
      assertInstalledFor(r, names[0], k.release);
      assert.deepEqual(installedReleases(r.root), [k.release]);
    }
  });

  test('the old bug is gone: asking for the plain kmod-<name> gives the kernel\'s own kmod too', () => {
    const disk = repos.get('exact')!;
    for (const k of kernels) {
      const r = dnfInstall(stubRepo({ release: k.release }), disk, [DRIVER]);
      assertInstalledFor(r, `${DRIVER}-${k.release}`, k.release);
      assert.deepEqual(installedReleases(r.root), [k.release]);
    }
  });

  test('a kernel package of another release does not satisfy the kmod (Requires: kernel-uname-r)', () => {
    const disk = repos.get('exact')!;
    const [a, b] = [kernels[0].release, kernels[kernels.length - 1].release];
    const r = dnfInstall(stubRepo({ release: a }), disk, [`${DRIVER}-${b}`]);
    assert.notEqual(r.status, 0, r.output);
    assert.ok(r.output.includes(`kernel-uname-r = ${b}`), r.output);
  });

  test('kABI Requires on: kernel(sym) = CRC from the kernel\'s Module.symvers satisfies them; one wrong CRC does not', () => {
    const disk = repos.get('kabi')!;
    for (const k of kernels) {
      const [name] = loadedNames(disk, k.release);
      const rpm = join(disk, readdirSync(disk).find((f) => f.startsWith(`${name}-`))!);
      const wanted = shOk('rpm', ['-qp', '--requires', rpm]).split('\n').map((l) => /^kernel\((\S+)\) = /.exec(l)?.[1]).filter((s): s is string => !!s);
      assert.ok(wanted.length > 0, 'the kmod carries kernel(sym) Requires');
      const symvers = parseSymvers(readFileSync(join(k.buildTree, 'Module.symvers'), 'utf8'), new Set(wanted));
      const symbols = new Map(wanted.map((s) => [s, crcHex(symvers.get(s)!.crc)]));
      assertInstalledFor(dnfInstall(stubRepo({ release: k.release, symbols }), disk, [name]), name, k.release);
      const bad = new Map(symbols).set(wanted[0], '0xdeadbeef');
      const r = dnfInstall(stubRepo({ release: k.release, symbols: bad }), disk, [name]);
      assert.notEqual(r.status, 0, r.output);
      assert.ok(r.output.includes(`kernel(${wanted[0]})`), r.output);
    }
  });

  test('minimum mode: kmod-<name> installs with a kernel of its stream or later, not with an older one', () => {
    const disk = repos.get('minimum')!;
    const k = kernels[0];
    const names = loadedNames(disk, k.release);
    assert.deepEqual(names, [DRIVER]);
    const rpm = join(disk, readdirSync(disk).find((f) => f.endsWith('.rpm'))!);
    const requires = shOk('rpm', ['-qp', '--requires', rpm]).split('\n');
    assert.ok(requires.includes(`kernel >= ${kernelVersionRelease(k.release, 'x86_64')}`), requires.join('\n'));
    const wanted = requires.map((l) => /^kernel\((\S+)\) = /.exec(l)?.[1]).filter((s): s is string => !!s);
    const symvers = parseSymvers(readFileSync(join(k.buildTree, 'Module.symvers'), 'utf8'), new Set(wanted));
    const symbols = new Map(wanted.map((s) => [s, crcHex(symvers.get(s)!.crc)]));
    assertInstalledFor(dnfInstall(stubRepo({ release: k.release, symbols }), disk, names), DRIVER, k.release);
    // A later kernel of the same kABI (same symbol CRCs): weak-modules' case.
    const later = dnfInstall(stubRepo({ release: `${k.release}.1`, vr: `${kernelVersionRelease(k.release, 'x86_64')}.1`, symbols }), disk, names);
    assert.equal(later.status, 0, later.output);
    const older = dnfInstall(stubRepo({ release: '1.0-1', vr: '1.0-1', symbols }), disk, names);
    assert.notEqual(older.status, 0, older.output);
    assert.match(older.output, /kernel >= /);
  });

  test('before: same-named kmods without kernel Requires (the old naming) give a 6.1 root the newer kernel\'s kmod; verify flags it', async () => {
    // The old packaging, rebuilt from this disk's modules: one name, the kernel in the release only.
    const disk = repos.get('exact')!;
    const specs: RpmPackageSpec[] = [];
    for (const k of kernels) {
      const rpm = readFileSync(join(disk, readdirSync(disk).find((f) => f.startsWith(`${DRIVER}-${k.release}-`))!));
      const ko = (await readRpmPayload(rpm)).find((e) => e.path.endsWith('.ko'))!;
      specs.push({
        name: DRIVER, version: '1.0.0', release: `1.k${k.release.replace(/[^A-Za-z0-9._+]/g, '_')}`, summary: 'old naming', description: 'old naming',
        license: 'GPL-2.0-only', buildHost: 'test', buildTime: 1767225600, arch: 'x86_64', compression: 'gzip', requires: [],
        provides: [{ name: 'kernel-modules', flags: RPMSENSE.EQUAL, version: k.release }],
        files: [{ path: ko.path, type: 'file', mode: 0o644, data: ko.data }],
      });
    }
    const old = join(work, 'old-disk');
    mkdirSync(old);
    const built = await Promise.all(specs.map(async (s) => ({ href: rpmFileName(s), bytes: await buildRpm(s) })));
    for (const b of built) writeFileSync(join(old, b.href), b.bytes);
    shOk('createrepo_c', ['--quiet', old]);
    const newest = [...kernels].sort((x, y) => Number(shOk('rpm', ['--eval', `%{lua: print(rpm.vercmp("${x.release}", "${y.release}"))}`]).trim()))
      .pop()!.release;
    const target = kernels.find((k) => k.release !== newest)!.release;
    const r = dnfInstall(stubRepo({ release: target }), old, [DRIVER]);
    assert.equal(r.status, 0, r.output);
    assert.deepEqual(installedReleases(r.root), [newest], `dnf gave the kernel ${target} root the kmod of ${newest}`);

    const entries: IsoEntry[] = [{ path: 'rhdd3', type: 'file', source: Buffer.from('Driver Update Disk version 3') }];
    for (const b of built) entries.push({ path: `rpms/x86_64/${b.href}`, type: 'file', source: b.bytes });
    for (const f of buildRepodata(built, { timestamp: 1767225600 })) entries.push({ path: `rpms/x86_64/${f.path}`, type: 'file', source: f.data });
    const report = await verifyDisk(await buildIsoBuffer(entries, { volumeId: 'OEMDRV', time: 1767225600 }));
    const flagged = report.problems.filter((p) => p.startsWith(`kernel ${target}: the installer loads`));
    assert.equal(flagged.length, 1, report.problems.join('\n'));
    assert.ok(flagged[0].includes(`dnf picks rpms/x86_64/${rpmFileName(specs.find((s) => s.provides[0].version === newest)!)}`), flagged[0]);
    assert.equal(report.kernels.find((k) => k.release === target)!.installs[0].file, `rpms/x86_64/${rpmFileName(specs.find((s) => s.provides[0].version === newest)!)}`);
  });

  test('firmware package: stage 1 loads it with the kmod, and dnf brings it along when asked for the kmod alone', async () => {
    const disk = repos.get('firmware')!;
    const fwRpm = join(disk, readdirSync(disk).find((f) => f.startsWith(`${DRIVER}-firmware-`))!);
    assert.match(fwRpm, /\.noarch\.rpm$/);
    const provides = shOk('rpm', ['-qp', '--provides', fwRpm]).split('\n').filter(Boolean);
    for (const k of kernels) assert.ok(provides.includes(`kernel-modules = ${k.release}`), provides.join('\n'));
    assert.ok(provides.includes('firmware(dudforge-dummy-fw.bin)'), provides.join('\n'));
    assert.ok(provides.includes(`${DRIVER}-firmware = 1.0.0-1`), provides.join('\n'));
    assert.deepEqual(shOk('rpm', ['-qpl', fwRpm]).trim().split('\n'), ['/lib/firmware/dudforge-dummy-fw.bin']);
    assert.doesNotMatch(shOk('rpm', ['-qp', '--configfiles', fwRpm]), /firmware/, 'firmware is not %config');
    for (const k of kernels) {
      const kmod = join(disk, readdirSync(disk).find((f) => f.startsWith(`${DRIVER}-${k.release}-`))!);
      assert.ok(shOk('rpm', ['-qp', '--requires', kmod]).split('\n').includes(`${DRIVER}-firmware = 1.0.0-1`));
      assert.doesNotMatch(shOk('rpm', ['-qpl', kmod]), /\/lib\/firmware/, 'the kmod carries no firmware');
      assert.deepEqual(loadedNames(disk, k.release).sort(), [`${DRIVER}-${k.release}`, `${DRIVER}-firmware`].sort(), 'stage 1 extracts both');
      const r = dnfInstall(stubRepo({ release: k.release }), disk, [`${DRIVER}-${k.release}`]);
      assertInstalledFor(r, `${DRIVER}-${k.release}`, k.release);
      assert.equal(shOk('rpm', [`--root=${r.root}`, '-q', '--qf', '%{NAME}-%{VERSION}-%{RELEASE}', `${DRIVER}-firmware`]), `${DRIVER}-firmware-1.0.0-1`);
      assert.equal(readFileSync(join(r.root, 'lib/firmware/dudforge-dummy-fw.bin'), 'utf8'), 'dummy firmware\n');
    }
    const out = join(work, 'firmware');
    const report = await verifyDisk(join(out, readdirSync(out).find((f) => f.endsWith('.iso'))!));
    assert.deepEqual(report.problems, []);
    for (const k of report.kernels) assert.deepEqual(k.installs.map((i) => i.name).sort(), [`${DRIVER}-${k.release}`, `${DRIVER}-firmware`].sort());
  });

  test('firmware package: rpmbuild --rebuild of the source RPM makes the same noarch subpackage, which the kmod Requires', () => {
    const out = join(work, 'firmware');
    const srpm = join(out, readdirSync(out).find((f) => f.endsWith('.src.rpm'))!);
    const k = kernels[0];
    const topdir = join(work, 'rebuild-firmware');
    shOk('rpmbuild', ['--rebuild', '--nodeps', '--define', `_topdir ${topdir}`, '--define', `kernel_version ${k.release}`, '--define', `kernel_source ${k.buildTree}`, srpm]);
    const noarch = readdirSync(join(topdir, 'RPMS', 'noarch'));
    assert.deepEqual(noarch, [`${DRIVER}-firmware-1.0.0-1.noarch.rpm`]);
    const fw = join(topdir, 'RPMS', 'noarch', noarch[0]);
    const provides = shOk('rpm', ['-qp', '--provides', fw]).split('\n').filter(Boolean).sort();
    assert.deepEqual(provides, [`${DRIVER}-firmware = 1.0.0-1`, `kernel-modules = ${k.release}`, 'firmware(dudforge-dummy-fw.bin)'].sort());
    assert.deepEqual(shOk('rpm', ['-qpl', fw]).trim().split('\n'), ['/lib/firmware/dudforge-dummy-fw.bin']);
    const kmod = join(topdir, 'RPMS', 'x86_64', readdirSync(join(topdir, 'RPMS', 'x86_64')).find((f) => f.startsWith(`${DRIVER}-${k.release}-`))!);
    assert.ok(shOk('rpm', ['-qp', '--requires', kmod]).split('\n').includes(`${DRIVER}-firmware = 1.0.0-1`));
    assert.doesNotMatch(shOk('rpm', ['-qpl', kmod]), /\/lib\/firmware/);
  });

  test('firmware package: dudforge disk puts it beside the kmods, and the disk verifies', async () => {
    const iso = join(work, 'firmware-joined.iso');
    const r = runCli(['disk', iso, join(work, 'firmware')]);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /, firmware package/);
    const report = await verifyDisk(iso);
    assert.deepEqual(report.problems, []);
    assert.ok(report.rpms.some((x) => x.file === `rpms/x86_64/${DRIVER}-firmware-1.0.0-1.noarch.rpm` && x.firmware.includes('/lib/firmware/dudforge-dummy-fw.bin')));
  });

  test('firmware package: verify says so when the disk lacks it or has another version', async () => {
    const disk = repos.get('firmware')!;
    const files = readdirSync(disk).filter((f) => f.endsWith('.rpm') && !f.startsWith(`${DRIVER}-firmware-`));
    const built = files.map((f) => ({ href: f, bytes: readFileSync(join(disk, f)) }));
    const entries: IsoEntry[] = [{ path: 'rhdd3', type: 'file', source: Buffer.from('Driver Update Disk version 3') }];
    for (const b of built) entries.push({ path: `rpms/x86_64/${b.href}`, type: 'file', source: b.bytes });
    for (const f of buildRepodata(built, { timestamp: 1767225600 })) entries.push({ path: `rpms/x86_64/${f.path}`, type: 'file', source: f.data });
    const report = await verifyDisk(await buildIsoBuffer(entries, { volumeId: 'OEMDRV', time: 1767225600 }));
    // No distribution has the kmod's firmware package: without it on the disk, dnf cannot install the kmod.
    for (const k of kernels) {
      assert.ok(report.problems.some((p) => p.startsWith(`kernel ${k.release}: `) && p.includes(`requires "${DRIVER}-firmware = 1.0.0-1", which no package on the disk provides (at that version)`)), report.problems.join('\n'));
    }
    const other = await buildRpm({
      name: `${DRIVER}-firmware`, version: '1.0.0', release: '2', summary: 'other', description: 'other', license: 'GPL-2.0-only',
      buildHost: 'test', buildTime: 1767225600, arch: 'noarch', compression: 'gzip', requires: [],
      provides: kernels.map((k) => ({ name: 'kernel-modules', flags: RPMSENSE.EQUAL, version: k.release })),
      files: [{ path: '/lib/firmware/dudforge-dummy-fw.bin', type: 'file', mode: 0o644, data: Buffer.from('x') }],
    });
    const withOther = [...built, { href: `${DRIVER}-firmware-1.0.0-2.noarch.rpm`, bytes: other }];
    const entries2: IsoEntry[] = [{ path: 'rhdd3', type: 'file', source: Buffer.from('Driver Update Disk version 3') }];
    for (const b of withOther) entries2.push({ path: `rpms/x86_64/${b.href}`, type: 'file', source: b.bytes });
    for (const f of buildRepodata(withOther, { timestamp: 1767225600 })) entries2.push({ path: `rpms/x86_64/${f.path}`, type: 'file', source: f.data });
    const report2 = await verifyDisk(await buildIsoBuffer(entries2, { volumeId: 'OEMDRV', time: 1767225600 }));
    assert.ok(report2.problems.some((p) => p.includes(`requires "${DRIVER}-firmware = 1.0.0-1", which no package on the disk provides (at that version)`)), report2.problems.join('\n'));
  });

  test('dudforge verify agrees: each kernel installs its own per-kernel package', async () => {
    for (const name of ['exact', 'kabi', 'minimum']) {
      const out = name === 'exact' ? join(work, 'project', 'out') : join(work, name);
      const report = await verifyDisk(join(out, readdirSync(out).find((f) => f.endsWith('.iso'))!));
      assert.deepEqual(report.problems, [], name);
      for (const k of report.kernels) {
        assert.equal(k.installs.length, 1);
        assert.ok(k.installs[0].file?.includes(name === 'minimum' ? `${DRIVER}-1.0.0-1.k` : `${DRIVER}-${k.release}-1.0.0-1.`), `${name}: ${k.installs[0].file}`);
      }
    }
  });
});
