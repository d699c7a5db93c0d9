import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, readFileSync, mkdirSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildRpm, rpmFileName } from '../../src/rpm/package.js';
import { writeTar, type TarEntry } from '../../src/archive/tar.js';
import { kmodPackageSpec, renderKmodSpec, srpmSpec, parseSymvers, PROBE_KIT_DIR } from '../../src/kmod/index.js';
import { parseProbeFile } from '../../src/probes/index.js';
import { probeKitFiles } from '../../src/probes/kit.js';
import { generateSigningKey } from '../../src/sign/keygen.js';
import { EXTRA_FILES_DIR, extraFiles } from '../../src/kmod/extra-files.js';
import { installedKernels, DRIVER_SOURCES, readModules, makeAnswers, MODULE_FILES, type InstalledKernel } from './fixture.js';

const FIRMWARE = { path: 'dftest/dfk-fw.bin', bytes: Buffer.from('firmware bytes\n') };
// The driver includes the probe header, so a rebuild must pick the right compat/<release>/ copy.
const MAIN_WITH_COMPAT = `#include "dudforge-compat.h"\n#ifndef DFK_PROBED\n#error "dudforge-compat.h not found"\n#endif\n${DRIVER_SOURCES['dfk_main.c']}`;
// Files a driver ships beside its modules: user-editable ones are %config(noreplace), udev rules are not.
const UDEV_RULES = Buffer.from('# dftest\nACTION=="add", SUBSYSTEM=="misc", KERNEL=="dfk", MODE="0660", GROUP="dialout"\n');
const EXTRAS = { modprobeOptions: ['dfk_main debug=1 name="a b"'], loadAtBoot: ['dfk_main'], udevRules: '70-dfk.rules', blacklist: ['dummy'] };
const EXTRA_PATHS = ['/etc/modprobe.d/dftest-blacklist.conf', '/etc/modprobe.d/dftest.conf', '/etc/modules-load.d/dftest.conf', '/usr/lib/udev/rules.d/70-dftest.rules'];
const compatHeader = (release: string) => `/* probes for ${release} */\n#define DFK_PROBED 1\n`;

function run(cmd: string, args: string[], cwd?: string): string {
  return execFileSync(cmd, args, { encoding: 'utf8', cwd, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** modinfo fields except filename (the path differs by construction). */
function modinfo(ko: string): string {
  return run('modinfo', [ko])
    .split('\n')
    .filter((l) => !l.startsWith('filename:'))
    .join('\n');
}

interface Rebuilt {
  kernel: InstalledKernel;
  nativeDir: string;
  nativeRpm: string;
  rebuiltRpm: string;
}

describe('source RPM: rpmbuild --rebuild on this machine gives the same kmod, for each installed kernel', () => {
  const kernels = installedKernels();
  let work: string;
  let srpm: string;
  let srpmBytes: Buffer;
  let srpmAgain: Buffer;
  const rebuilt: Rebuilt[] = [];
  /** What the SRPM was made from, for the minimum-mode rebuild. */
  let made: { tarball: { name: string; bytes: Buffer }; probe: { name: string; bytes: Buffer }; top: string };

  before(async () => {
    assert.ok(kernels.length >= 1, 'no kernel build tree installed');
    work = mkdtempSync(join(tmpdir(), 'dudforge-srpm-'));
    const answers = makeAnswers(join(work, 'src'), kernels.map((k) => k.release), { requires: ['kmod'] });
    answers.extraFiles = EXTRAS;
    const extra = extraFiles('dftest', EXTRAS, MODULE_FILES, UDEV_RULES);
    const top = 'dftest-1.0';
    const sources = { ...DRIVER_SOURCES, 'dfk_main.c': MAIN_WITH_COMPAT };

    const entries: TarEntry[] = [
      { path: top, type: 'dir', mode: 0o755 },
      ...Object.entries(sources).map(([n, t]) => ({ path: `${top}/${n}`, type: 'file' as const, mode: 0o644, data: Buffer.from(t) })),
      { path: `${top}/firmware/${FIRMWARE.path}`, type: 'file', mode: 0o644, data: FIRMWARE.bytes },
      ...extra.map((f) => ({ path: `${top}/${EXTRA_FILES_DIR}${f.path}`, type: 'file' as const, mode: 0o644, data: f.data })),
      ...kernels.map((k) => ({ path: `${top}/compat/${k.release}/dudforge-compat.h`, type: 'file' as const, mode: 0o644, data: Buffer.from(compatHeader(k.release)) })),
    ];
    // One probe, always true: the header the kit answers for a kernel outside the set defines
    // DFK_PROBED as the shipped ones do.
    const probeText = 'code DFK_PROBED\n    include <linux/kernel.h>\n    body (void)0;\n';
    const probe = { name: 'dftest.probes', bytes: Buffer.from(probeText) };
    for (const f of probeKitFiles(parseProbeFile(probeText, probe.name))) {
      entries.push({ path: `${top}/${PROBE_KIT_DIR}/${f.path}`, type: 'file', mode: f.mode, data: f.data });
    }
    const tarball = { name: `${top}.tar.gz`, bytes: writeTar(entries, { mtime: answers.buildTime }) };
    made = { tarball, probe, top };
    const specText = renderKmodSpec({
      answers,
      kernels: kernels.map((k) => k.release),
      modules: MODULE_FILES,
      tarballName: tarball.name,
      topDir: top,
      hasCompat: true,
      hasProbeKit: true,
      firmware: [FIRMWARE.path],
      extraFiles: extra,
      extraSources: [probe.name],
      buildTime: answers.buildTime,
    });
    const sspec = srpmSpec({ answers, specText, sourcesTarball: tarball, extraSources: [probe], buildTime: answers.buildTime, buildHost: 'build.example.org' });
    srpm = join(work, rpmFileName(sspec));
    srpmBytes = await buildRpm(sspec);
    srpmAgain = await buildRpm(srpmSpec({ answers, specText, sourcesTarball: tarball, extraSources: [probe], buildTime: answers.buildTime, buildHost: 'build.example.org' }));
    writeFileSync(srpm, srpmBytes);

    for (const kernel of kernels) {
      // Native build: what the pipeline does (compat header by -I, prefix map on the source dir).
      const nativeDir = join(work, `native-${kernel.release}`);
      mkdirSync(join(nativeDir, 'compat'), { recursive: true });
      for (const [n, t] of Object.entries(sources)) writeFileSync(join(nativeDir, n), t);
      writeFileSync(join(nativeDir, 'compat/dudforge-compat.h'), compatHeader(kernel.release));
      run('make', ['-C', kernel.build, `M=${nativeDir}`, 'modules', '-j2', `KCFLAGS=-I${nativeDir}/compat -ffile-prefix-map=${nativeDir}/=`]);
      const spec = kmodPackageSpec({
        answers,
        kernel: { release: kernel.release, arch: 'x86_64' },
        modules: readModules(nativeDir),
        firmware: [FIRMWARE],
        symvers: parseSymvers(readFileSync(kernel.symvers, 'utf8')),
        kabiRequires: true,
        extraFiles: extra,
        buildTime: answers.buildTime,
        buildHost: 'build.example.org',
        sourceRpm: rpmFileName(sspec),
      });
      const nativeRpm = join(work, `native-${kernel.release}.rpm`);
      writeFileSync(nativeRpm, await buildRpm(spec));

      const topdir = join(work, `rpmbuild-${kernel.release}`);
      // Debian's rpm database does not know gcc/make/kmod: --nodeps skips the BuildRequires check.
      const r = spawnSync(
        'rpmbuild',
        ['--rebuild', '--nodeps', '--define', `_topdir ${topdir}`, '--define', `kernel_version ${kernel.release}`, '--define', `kernel_source ${kernel.build}`, srpm],
        { encoding: 'utf8' },
      );
      assert.equal(r.status, 0, (r.stdout + r.stderr).slice(-4000));
      const rpms = readdirSync(join(topdir, 'RPMS/x86_64'));
      assert.equal(rpms.length, 1, rpms.join(' '));
      rebuilt.push({ kernel, nativeDir, nativeRpm, rebuiltRpm: join(topdir, 'RPMS/x86_64', rpms[0]) });
    }
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  test('the SRPM: source package, spec flagged as such, flat files, reproducible bytes', () => {
    assert.equal(run('rpm', ['-qp', '--qf', '%{SOURCEPACKAGE}|%{NAME}-%{VERSION}-%{RELEASE}', srpm]), '1|dftest-1.0-1');
    assert.deepEqual(run('rpm', ['-qlp', srpm]).trim().split('\n').sort(), ['dftest-1.0.tar.gz', 'dftest.probes', 'dftest.spec', 'dudforge-ksyms.sh']);
    assert.doesNotMatch(run('rpm', ['-Kv', srpm]), /BAD|NOT OK/);
    assert.equal(run('rpm', ['-qp', '--qf', '[%{FILEFLAGS:fflags} %{FILENAMES}\n]', srpm]).split('\n').find((l) => l.endsWith('dftest.spec')), 's dftest.spec');
    assert.ok(srpmBytes.equals(srpmAgain));
  });

  test('the rebuilt RPM has the name (kmod-<name>-<uname -r>), version, release and file list of the native one', () => {
    const q = '%{NAME}|%{VERSION}|%{RELEASE}|%{ARCH}|%{SOURCERPM}|%{SUMMARY}|%{DESCRIPTION}';
    for (const b of rebuilt) {
      assert.equal(run('rpm', ['-qp', '--qf', q, b.rebuiltRpm]), run('rpm', ['-qp', '--qf', q, b.nativeRpm]));
      assert.ok(run('rpm', ['-qp', '--qf', q, b.rebuiltRpm]).startsWith(`kmod-dftest-${b.kernel.release}|1.0|1|`));
      assert.equal(run('rpm', ['-qlp', b.rebuiltRpm]), run('rpm', ['-qlp', b.nativeRpm]));
      assert.equal(run('rpm', ['-qcp', b.rebuiltRpm]), run('rpm', ['-qcp', b.nativeRpm]));
    }
  });

  test('same Provides, Requires (kernel() CRCs included), scriptlets and changelog', () => {
    const deps = (f: string, what: string) => run('rpm', ['-qp', what, f]).trim().split('\n').sort();
    const scripts = (f: string) => run('rpm', ['-qp', '--scripts', f]).replace(/\s+$/gm, '');
    for (const b of rebuilt) {
      assert.deepEqual(deps(b.rebuiltRpm, '--provides'), deps(b.nativeRpm, '--provides'));
      assert.deepEqual(deps(b.rebuiltRpm, '--requires'), deps(b.nativeRpm, '--requires'));
      assert.ok(deps(b.rebuiltRpm, '--requires').some((r) => r.startsWith('kernel(kfree) = 0x')));
      assert.ok(deps(b.rebuiltRpm, '--requires').includes(`kernel-uname-r = ${b.kernel.release}`));
      assert.equal(scripts(b.rebuiltRpm), scripts(b.nativeRpm));
      assert.equal(run('rpm', ['-qp', '--changelog', b.rebuiltRpm]), run('rpm', ['-qp', '--changelog', b.nativeRpm]));
    }
  });

  test('extra files: modprobe.d, modules-load.d and the blacklist are %config(noreplace), udev rules are not; rebuilt = native', () => {
    const attrs = (f: string) =>
      run('rpm', ['-qp', '--qf', '[%{FILEFLAGS:fflags} %{FILEMODES:perms} %{FILEUSERNAME}:%{FILEGROUPNAME} %{FILEDIGESTS} %{FILENAMES}\n]', f])
        .split('\n')
        .filter((l) => EXTRA_PATHS.some((p) => l.endsWith(` ${p}`)));
    for (const b of rebuilt) {
      for (const rpm of [b.nativeRpm, b.rebuiltRpm]) {
        const list = run('rpm', ['-qlp', rpm]).trim().split('\n');
        for (const p of EXTRA_PATHS) assert.ok(list.includes(p), `${p} missing from ${rpm}`);
        assert.deepEqual(run('rpm', ['-qp', '--configfiles', rpm]).trim().split('\n').sort(), ['/etc/depmod.d/dftest.conf', ...EXTRA_PATHS.slice(0, 3)].sort());
        const flags = Object.fromEntries(attrs(rpm).map((l) => [l.split(' ').pop(), l.split(' ')[0]]));
        assert.deepEqual(flags, { [EXTRA_PATHS[0]]: 'cn', [EXTRA_PATHS[1]]: 'cn', [EXTRA_PATHS[2]]: 'cn', [EXTRA_PATHS[3]]: '' });
      }
      assert.deepEqual(attrs(b.rebuiltRpm), attrs(b.nativeRpm));
      assert.equal(attrs(b.nativeRpm).length, 4);
    }
  });

  test('extra files: the kmods of every kernel (native and rebuilt mixed) install into one root without conflicts', () => {
    const root = join(work, 'root-extras');
    mkdirSync(root);
    run('rpm', ['--root', root, '--initdb']);
    // Alternate native and rebuilt kmods: their shared files must be identical whoever built them.
    const rpms = rebuilt.map((b, i) => (i % 2 ? b.rebuiltRpm : b.nativeRpm));
    const r = spawnSync('rpm', ['--root', root, '-i', '--nodeps', '--noscripts', ...rpms], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /conflicts/);
    assert.equal(readFileSync(join(root, 'etc/modprobe.d/dftest.conf'), 'utf8'), '# dftest: installed by kmod-dftest\noptions dfk_main debug=1 name="a b"\n');
    assert.equal(readFileSync(join(root, 'etc/modprobe.d/dftest-blacklist.conf'), 'utf8').split('\n').filter((l) => !l.startsWith('#')).join('\n'), 'blacklist dummy\n');
    assert.equal(readFileSync(join(root, 'etc/modules-load.d/dftest.conf'), 'utf8'), '# dftest: installed by kmod-dftest\ndfk_main\n');
    assert.deepEqual(readFileSync(join(root, 'usr/lib/udev/rules.d/70-dftest.rules')), UDEV_RULES);
    const owners = run('rpm', ['--root', root, '-qf', '/etc/modprobe.d/dftest.conf']).trim().split('\n');
    assert.equal(owners.length, rebuilt.length, owners.join('\n'));
    assert.equal(spawnSync('rpm', ['--root', root, '-Va', '--nodeps', '--nofiledigest'], { encoding: 'utf8' }).stdout.split('\n').filter((l) => /\/(etc|usr)\//.test(l)).join('\n'), '');
  });

  test('minimum mode: the rebuild is kmod-<name> with the kernel in its release and Requires kernel >=, as the native kmod', async () => {
    const b = rebuilt[0];
    const answers = makeAnswers(join(work, 'src'), [b.kernel.release], { requires: ['kmod'] });
    answers.packaging.match = 'minimum';
    const specText = renderKmodSpec({
      answers, kernels: [b.kernel.release], modules: MODULE_FILES, tarballName: made.tarball.name, topDir: made.top,
      hasCompat: true, hasProbeKit: true, firmware: [FIRMWARE.path], extraSources: [made.probe.name], buildTime: answers.buildTime,
    });
    const sspec = srpmSpec({ answers, specText, sourcesTarball: made.tarball, extraSources: [made.probe], buildTime: answers.buildTime, buildHost: 'build.example.org' });
    const minSrpm = join(work, `minimum-${rpmFileName(sspec)}`);
    writeFileSync(minSrpm, await buildRpm(sspec));
    const native = join(work, 'native-minimum.rpm');
    writeFileSync(native, await buildRpm(kmodPackageSpec({
      answers, kernel: { release: b.kernel.release, arch: 'x86_64' }, modules: readModules(b.nativeDir), firmware: [FIRMWARE],
      symvers: parseSymvers(readFileSync(b.kernel.symvers, 'utf8')), kabiRequires: true, buildTime: answers.buildTime, buildHost: 'build.example.org', sourceRpm: rpmFileName(sspec),
    })));
    const topdir = join(work, 'rpmbuild-minimum');
    const r = spawnSync('rpmbuild', ['--rebuild', '--nodeps', '--define', `_topdir ${topdir}`, '--define', `kernel_source ${b.kernel.build}`, minSrpm], { encoding: 'utf8' });
    assert.equal(r.status, 0, (r.stdout + r.stderr).slice(-4000));
    const rpm = join(topdir, 'RPMS/x86_64', readdirSync(join(topdir, 'RPMS/x86_64'))[0]);
    const q = '%{NAME}|%{VERSION}|%{RELEASE}';
    assert.equal(run('rpm', ['-qp', '--qf', q, rpm]), run('rpm', ['-qp', '--qf', q, native]));
    assert.match(run('rpm', ['-qp', '--qf', q, rpm]), /^kmod-dftest\|1\.0\|1\.k/);
    const deps = (f: string, what: string) => run('rpm', ['-qp', what, f]).trim().split('\n').sort();
    assert.deepEqual(deps(rpm, '--provides'), deps(native, '--provides'));
    assert.deepEqual(deps(rpm, '--requires'), deps(native, '--requires'));
    assert.ok(deps(rpm, '--requires').includes(`kernel >= ${b.kernel.release}`));
  });

  test('the rebuilt modules have the same modinfo (srcversion included) and undefined symbols', () => {
    for (const b of rebuilt) {
      const x = join(work, `x-${b.kernel.release}`);
      mkdirSync(x);
      execFileSync('sh', ['-c', `rpm2cpio '${b.rebuiltRpm}' | cpio -idm --quiet`], { cwd: x });
      for (const m of MODULE_FILES) {
        const mine = join(x, `lib/modules/${b.kernel.release}/extra/dftest/${m}`);
        const native = join(b.nativeDir, m);
        assert.equal(modinfo(mine), modinfo(native), m);
        assert.match(modinfo(mine), /^srcversion:/m);
        assert.match(modinfo(mine), new RegExp(`^vermagic:\\s+${b.kernel.release.replace(/[.+]/g, '\\$&')} `, 'm'));
        assert.equal(run('nm', ['-u', mine]), run('nm', ['-u', native]), m);
      }
      assert.deepEqual(readFileSync(join(x, 'lib/firmware', FIRMWARE.path)), FIRMWARE.bytes);
    }
  });

  test('with module_signing_key/cert the rebuild signs every module with the kernel\'s sign-file; a key without a certificate stops', async () => {
    const k = kernels[0];
    const keys = await generateSigningKey({ dir: join(work, 'keys'), subject: { commonName: 'dudforge srpm test key' } });
    const topdir = join(work, 'rpmbuild-signed');
    const base = ['--rebuild', '--nodeps', '--define', `_topdir ${topdir}`, '--define', `kernel_version ${k.release}`, '--define', `kernel_source ${k.build}`];
    const r = spawnSync('rpmbuild', [...base, '--define', `module_signing_key ${keys.key}`, '--define', `module_signing_cert ${keys.certPem}`, srpm], { encoding: 'utf8' });
    assert.equal(r.status, 0, (r.stdout + r.stderr).slice(-4000));
    const rpm = join(topdir, 'RPMS/x86_64', readdirSync(join(topdir, 'RPMS/x86_64'))[0]);
    const x = join(work, 'x-signed');
    mkdirSync(x);
    execFileSync('sh', ['-c', `rpm2cpio '${rpm}' | cpio -idm --quiet`], { cwd: x });
    const wantHash = /^CONFIG_MODULE_SIG_HASH="(.*)"$/m.exec(readFileSync(join(k.build, '.config'), 'utf8'))?.[1] ?? 'sha256';
    for (const m of MODULE_FILES) {
      const ko = join(x, `lib/modules/${k.release}/extra/dftest/${m}`);
      assert.equal(run('modinfo', ['-F', 'signer', ko]).trim(), 'dudforge srpm test key', m);
      assert.equal(run('modinfo', ['-F', 'sig_hashalgo', ko]).trim(), wantHash, m);
      assert.ok(readFileSync(ko).subarray(-28).toString().includes('~Module signature appended~'), m);
    }
    const noCert = spawnSync('rpmbuild', [...base, '--define', `module_signing_key ${keys.key}`, srpm], { encoding: 'utf8' });
    assert.notEqual(noCert.status, 0);
    assert.match(noCert.stderr, /module_signing_cert is not/);
  });

  test('a kernel outside the probed set gets its dudforge-compat.h answered by the probe kit in %build', () => {
    const topdir = join(work, 'rpmbuild-unknown');
    const r = spawnSync(
      'rpmbuild',
      ['--rebuild', '--nodeps', '--define', `_topdir ${topdir}`, '--define', 'kernel_version 9.9.9-unknown', '--define', `kernel_source ${kernels[0].build}`, srpm],
      { encoding: 'utf8' },
    );
    assert.equal(r.status, 0, (r.stdout + r.stderr).slice(-4000));
    assert.match(r.stderr, /no dudforge-compat\.h for kernel 9\.9\.9-unknown .*answering the probes for it/);
    const rpm = readdirSync(join(topdir, 'RPMS/x86_64'))[0];
    assert.match(run('rpm', ['-qlp', join(topdir, 'RPMS/x86_64', rpm)]), /\/lib\/modules\/9\.9\.9-unknown\/extra\/dftest\/dfk_main\.ko/);
    // dfk_main.c stops with #error unless the header defines DFK_PROBED: the module above is
    // proof that the answered header did (rpmbuild --rebuild removes its BUILD tree).
  });
});
