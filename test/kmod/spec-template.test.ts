import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderKmodSpec, specDate, specEscape, fillTemplate } from '../../src/kmod/spec-template.js';
import { kmodPackageName } from '../../src/kmod/naming.js';
import { isUserError } from '../../src/errors.js';
import { makeAnswers } from './fixture.js';

const KERNELS = ['5.14.0-570.12.1.el9_6.x86_64', '5.14.0-427.13.1.el9_4.x86_64'];

/** `rpmspec -P` (rpm's own spec parser) with the given --define pairs; returns the parsed text. */
function rpmspecParse(dir: string, text: string, defines: string[] = []): { ok: boolean; out: string; err: string } {
  const file = join(dir, `t${Math.random().toString(36).slice(2)}.spec`);
  writeFileSync(file, text);
  const r = spawnSync('rpmspec', ['-P', ...defines.flatMap((d) => ['--define', d]), file], { encoding: 'utf8' });
  return { ok: r.status === 0, out: r.stdout, err: r.stderr };
}

/** The spec's dependency-generator command line, expanded by rpm with the given defines. */
function findRequires(spec: string, defines: string[]): string {
  const line = spec.split('\n').find((l) => l.startsWith('%global __find_requires '));
  assert.ok(line);
  const value = line.slice('%global __find_requires '.length);
  const r = spawnSync('rpm', [...[...defines, 'SOURCE1 /s/dudforge-ksyms.sh'].flatMap((d) => ['--define', d]), '--eval', value], { encoding: 'utf8' });
  return r.stdout.trim();
}

describe('kmod spec text, parsed by rpmspec', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'dudforge-spec-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const base = (over: Parameters<typeof makeAnswers>[2] = {}) => {
    const a = makeAnswers('/src', KERNELS, { description: 'Uses 100% of %{name} literally.\nSecond line.', summary: 'A 50% driver', ...over });
    a.packaging.kabiRequires = 'auto';
    a.config = { CONFIG_DFK: 'm' };
    return a;
  };
  const render = (answers = base()) =>
    renderKmodSpec({ answers, kernels: KERNELS, modules: ['b.ko', 'a.ko'], tarballName: 'dftest-1.0.tar.gz', topDir: 'dftest-1.0', firmware: ['v/fw.bin'], buildTime: 1767225600 });

  test('default kernel: the first target; per-kernel package name and kernel-uname-r Requires; literal % kept', () => {
    const p = rpmspecParse(dir, render());
    assert.ok(p.ok, p.err);
    assert.match(p.out, /^%package -n kmod-dftest-5\.14\.0-570\.12\.1\.el9_6\.x86_64$/m);
    assert.match(p.out, /^Release: 1$/m);
    assert.match(p.out, /^Requires: kernel-uname-r = 5\.14\.0-570\.12\.1\.el9_6\.x86_64$/m);
    assert.match(p.out, /^%files -n kmod-dftest-5\.14\.0-570\.12\.1\.el9_6\.x86_64$/m);
    assert.match(p.out, /^Provides: kernel-modules = 5\.14\.0-570\.12\.1\.el9_6\.x86_64$/m);
    assert.match(p.out, /^Uses 100% of %\{name\} literally\.$/m);
    assert.match(p.out, /^Summary: A 50% driver$/m);
    assert.match(p.out, /^BuildRequires: kernel-devel-uname-r = 5\.14\.0-570\.12\.1\.el9_6\.x86_64$/m);
    assert.match(p.out, /-C \/usr\/src\/kernels\/5\.14\.0-570\.12\.1\.el9_6\.x86_64 /);
    assert.match(p.out, /CONFIG_DFK=m modules/);
    assert.equal(
      findRequires(render(), ['kernel_version 5.14.0-570.12.1.el9_6.x86_64', 'kernel_source /usr/src/kernels/5.14.0-570.12.1.el9_6.x86_64']),
      '/bin/sh /s/dudforge-ksyms.sh --requires /usr/src/kernels/5.14.0-570.12.1.el9_6.x86_64/Module.symvers on',
    );
    assert.match(p.out, /^\/lib\/modules\/5\.14\.0-570\.12\.1\.el9_6\.x86_64\/extra\/dftest\/a\.ko$/m);
    assert.match(p.out, /^Provides: firmware\(v\/fw\.bin\)$/m);
    assert.match(p.out, /^%dir \/lib\/firmware\/v$/m);
    assert.match(p.out, /printf '%s\\n' "\$m"/);
    assert.match(p.out, /^\* Thu Jan 01 2026 Test Author <test@example\.org> - 1\.0-1$/m);
  });

  test('firmware package: a noarch subpackage with the firmware and kernel-modules Provides; the kmod Requires it, carries none', () => {
    const answers = base();
    answers.packaging.firmwarePackage = true;
    const p = rpmspecParse(dir, renderKmodSpec({ answers, kernels: KERNELS, modules: ['a.ko'], tarballName: 'dftest-1.0.tar.gz', topDir: 'dftest-1.0', firmware: ['v/fw.bin'], buildTime: 1767225600 }), ['kernel_version 6.1.0-56-amd64']);
    assert.ok(p.ok, p.err);
    const [kmod, fw] = p.out.split(/^%package -n /m).slice(1);
    assert.match(kmod, /^Requires: kmod-dftest-firmware = 1\.0-1$/m);
    assert.doesNotMatch(kmod, /firmware\(/);
    assert.match(fw, /^kmod-dftest-firmware\nSummary: Firmware for kmod-dftest\nBuildArch: noarch\nProvides: kernel-modules = 6\.1\.0-56-amd64\nProvides: firmware\(v\/fw\.bin\)$/m);
    assert.match(p.out, /^Firmware files that the kmod-dftest packages load \(A 50% driver\)\.$/m);
    const files = p.out.split(/^%files -n /m).slice(1);
    assert.doesNotMatch(files[0], /\/lib\/firmware/);
    assert.match(files[1], /^kmod-dftest-firmware\n%dir \/lib\/firmware\/v\n\/lib\/firmware\/v\/fw\.bin$/m);
  });

  test('dkms.conf steps: a Source file the spec runs, BUILD_EXCLUSIVE asked while parsing; nothing of dkms.conf in the spec', () => {
    const answers = base();
    const canary = join(dir, 'canary');
    answers.dkms = { used: [], ignored: [], make: [{ command: `make %{name} %(touch ${canary})` }], patches: [{ file: 'x.patch' }], buildExclusive: { kernel: '^6\\.1\\.' } };
    const text = renderKmodSpec({
      answers, kernels: KERNELS, modules: ['a.ko'], tarballName: 'dftest-1.0.tar.gz', topDir: 'dftest-1.0', buildTime: 1767225600,
      extraSources: ['dftest.probes', 'dudforge-dkms.sh'], dkms: { script: 'dudforge-dkms.sh', patches: true },
    });
    assert.doesNotMatch(text, /touch|x\.patch|\^6/);
    const script = join(dir, 'dudforge-dkms.sh');
    writeFileSync(script, '#!/bin/sh\n[ "$1" = --excluded ] || exit 2\ncase "$kernelver" in 6.1.*) exit 1;; esac\necho reason; exit 0\n');
    for (const [release, excluded] of [['6.1.0-56-amd64', false], ['6.12.1', true]] as const) {
      const p = rpmspecParse(dir, text, [`kernel_version ${release}`, `kernel_source /k`, `_sourcedir ${dir}`]);
      assert.ok(p.ok, p.err);
      assert.match(p.out, /^Source3: dudforge-dkms\.sh$/m);
      assert.match(p.out, /^BuildRequires: patch$/m);
      if (excluded) {
        assert.doesNotMatch(p.out, /^%package/m);
        assert.match(p.out, /is excluded by dkms\.conf .*; nothing is built or packaged/);
      } else {
        assert.match(p.out, /^%package -n kmod-dftest-6\.1\.0-56-amd64$/m);
        assert.match(p.out, new RegExp(`^sh ${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/dudforge-dkms\\.sh \\S*make -C /k M="\\$PWD"`, 'm'));
        assert.match(p.out, /^export kernelver='6\.1\.0-56-amd64' kernel_source_dir='\/k' kernel_config='\/k\/\.config' arch='x86_64'$/m);
      }
    }
  });

  test('--define kernel_version and kernel_source: no kernel-devel BuildRequires, auto kABI off for non-RHEL', () => {
    const p = rpmspecParse(dir, render(), ['kernel_version 6.1.0-56-amd64', 'kernel_source /lib/modules/6.1.0-56-amd64/build']);
    assert.ok(p.ok, p.err);
    assert.match(p.out, /^%package -n kmod-dftest-6\.1\.0-56-amd64$/m);
    assert.match(p.out, /^Provides: kernel-modules = 6\.1\.0-56-amd64$/m);
    assert.match(p.out, /^Requires: kernel-uname-r = 6\.1\.0-56-amd64$/m);
    assert.doesNotMatch(p.out, /kernel-devel-uname-r/);
    assert.match(p.out, /-C \/lib\/modules\/6\.1\.0-56-amd64\/build /);
    assert.match(findRequires(render(), ['kernel_version 6.1.0-56-amd64', 'kernel_source /k']), /\/k\/Module\.symvers off$/);
    assert.match(p.out, /depmod" -a 6\.1\.0-56-amd64/);
  });

  test('the package name maps characters rpm refuses in a NAME as kmodPackageName does', () => {
    // rpm itself refuses '..' in a Provides version, so the spec is parsed with a release without it.
    const p = rpmspecParse(dir, render(), ['kernel_version 6.1~rc1^x+y-1', 'kernel_source /k']);
    assert.ok(p.ok, p.err);
    assert.equal(kmodPackageName('dftest', '6.1~rc1^x+y-1', 'exact'), 'kmod-dftest-6.1_rc1_x+y-1');
    assert.match(p.out, /^%package -n kmod-dftest-6\.1_rc1_x\+y-1$/m);
    // The spec's Lua and kmodPackageName agree, '..' and characters rpm refuses included.
    const line = render().split('\n').find((l) => l.startsWith('%global kmod_kernel_name '))!;
    for (const release of ['6.1...x~y-1', '6.12.118+deb12-amd64', '5.14.0-570.12.1.el9_6.x86_64', 'a..b..c']) {
      const r = spawnSync('rpm', ['--define', `kernel_version ${release}`, '--eval', line.slice('%global kmod_kernel_name '.length)], { encoding: 'utf8' });
      assert.equal(`kmod-dftest-${r.stdout.trim()}`, kmodPackageName('dftest', release, 'exact'), release);
    }
    assert.equal(kmodPackageName('dftest', '6.1...x~y-1', 'exact'), 'kmod-dftest-6.1._.x_y-1');
    assert.equal(kmodPackageName('dftest', '6.1.0-57-amd64', 'minimum'), 'kmod-dftest');
  });

  test('minimum policy: kmod-<name>, release with the kernel, >=, Requires kernel >= version-release; extra Requires are copied', () => {
    const a = base({ requires: ['kernel-core >= 5.14.0'] });
    a.packaging.match = 'minimum';
    const p = rpmspecParse(dir, render(a));
    assert.ok(p.ok, p.err);
    assert.match(p.out, /^%package -n kmod-dftest$/m);
    assert.match(p.out, /^Release: 1\.k5\.14\.0_570\.12\.1\.el9_6\.x86_64$/m);
    assert.match(p.out, /^Requires: kernel >= 5\.14\.0-570\.12\.1\.el9_6$/m);
    assert.doesNotMatch(p.out, /kernel-uname-r/);
    assert.match(p.out, /^Provides: kernel-modules >= 5\.14\.0-570\.12\.1\.el9_6\.x86_64$/m);
    assert.match(p.out, /^Requires: kernel-core >= 5\.14\.0$/m);
  });

  test('packaging.strip strips before the signing block; signing only with module_signing_key; clang kernels get LLVM=1', () => {
    const plain = rpmspecParse(dir, render());
    assert.ok(plain.ok, plain.err);
    assert.doesNotMatch(plain.out, /strip -g/);
    assert.doesNotMatch(plain.out, /sign-file/);
    assert.match(plain.out, /CONFIG_CC_IS_CLANG=y' \/usr\/src\/kernels\/[^ ]+\/\.config; then llvm=LLVM=1; fi/);
    assert.match(plain.out, / \$llvm \\$/m);
    const a = base();
    a.packaging.strip = true;
    const signed = rpmspecParse(dir, render(a), ['module_signing_key /k/key.pem', 'module_signing_cert /k/cert.pem']);
    assert.ok(signed.ok, signed.err);
    const strip = signed.out.indexOf("-exec strip -g {} +");
    const sign = signed.out.indexOf("scripts/sign-file \"${sig_hash:-sha256}\" '/k/key.pem' '/k/cert.pem' \"$ko\"");
    assert.ok(strip > 0 && sign > strip, signed.out);
  });

  test('a kernel without a shipped dudforge-compat.h: answered by the probe kit when the package has one, else an error', () => {
    const spec = (hasProbeKit: boolean) =>
      renderKmodSpec({ answers: base(), kernels: KERNELS, modules: ['a.ko'], tarballName: 't.tar.gz', topDir: 't', hasCompat: true, hasProbeKit, buildTime: 1767225600 });
    const withKit = rpmspecParse(dir, spec(true), ['kernel_source /k']);
    assert.ok(withKit.ok, withKit.err);
    assert.match(withKit.out, /sh dudforge-probes\/answer\.sh \/k "compat\/5\.14\.0-570\.12\.1\.el9_6\.x86_64\/dudforge-compat\.h" .*\$llvm \|\| exit 1/);
    assert.doesNotMatch(withKit.out, /error: this source package has no dudforge-compat\.h/);
    const without = rpmspecParse(dir, spec(false));
    assert.ok(without.ok, without.err);
    assert.match(without.out, /error: this source package has no dudforge-compat\.h/);
    assert.doesNotMatch(without.out, /answer\.sh/);
  });

  test('a --- description line is refused', () => {
    assert.throws(() => render(base({ description: 'a\n---\nb' })), isUserError);
  });

  test('helpers', () => {
    assert.equal(specDate(1767225600), 'Thu Jan 01 2026');
    assert.equal(specEscape('100%'), '100%%');
    assert.throws(() => fillTemplate('{{missing}}', {}));
    assert.equal(fillTemplate('a{{x}}b', { x: '1' }), 'a1b');
  });
});
