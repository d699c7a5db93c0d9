import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, readFileSync, mkdirSync, copyFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildRpm } from '../../src/rpm/package.js';
import { kmodPackageSpec } from '../../src/kmod/package.js';
import { kmodRelease } from '../../src/kmod/release.js';
import { kmodPackageName } from '../../src/kmod/naming.js';
import { parseSymvers, crcHex, exportsByModule } from '../../src/kmod/symvers.js';
import { readKernelModule } from '../../src/elf/ko.js';
import { kabiReport } from '../../src/kmod/kabi.js';
import { isUserError } from '../../src/errors.js';
import { installedKernels, buildDriver, readModules, makeAnswers, type InstalledKernel } from './fixture.js';
import { makeShellRoot, addStub, readToolLog } from './shell-root.js';

const FIRMWARE = { path: 'dftest/dfk-fw.bin', bytes: Buffer.from('firmware bytes\n') };

function run(cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/**
 * rpm -i/-e exit 0 even when a %post/%postun fails (it only warns), so the scriptlets' success is
 * read from stderr: no "scriptlet failed" and no other error line.
 */
function rpmTransaction(args: string[]): void {
  const r = spawnSync('rpm', args, { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const problems = r.stderr.split('\n').filter((l) => /scriptlet failed|^error:|^warning:/.test(l));
  assert.deepEqual(problems, [], r.stderr);
}

interface Built {
  kernel: InstalledKernel;
  dir: string;
  rpm: string;
  modules: ReturnType<typeof readModules>;
}

function specOptions(answers: ReturnType<typeof makeAnswers>, b: Built) {
  return {
    answers,
    kernel: { release: b.kernel.release, arch: 'x86_64' },
    modules: b.modules,
    firmware: [FIRMWARE],
    symvers: parseSymvers(readFileSync(b.kernel.symvers, 'utf8')),
    kabiRequires: true,
    buildTime: answers.buildTime,
    buildHost: 'build.example.org',
  };
}

describe('kmod RPMs built from a real module for each installed kernel', () => {
  let work: string;
  const built: Built[] = [];
  const kernels = installedKernels();

  before(async () => {
    assert.ok(kernels.length >= 1, 'no kernel build tree installed');
    work = mkdtempSync(join(tmpdir(), 'dudforge-kmod-'));
    const answers = makeAnswers(join(work, 'src'), kernels.map((k) => k.release));
    for (const kernel of kernels) {
      const dir = join(work, `build-${kernel.release}`);
      buildDriver(dir, kernel.build);
      const modules = readModules(dir);
      // What the pipeline feeds: the project's ELF reader plus the exports Kbuild lists in the
      // M= directory's Module.symvers. The assertions below use modprobe/nm (readModules) instead.
      const exports = exportsByModule(parseSymvers(readFileSync(join(dir, 'Module.symvers'), 'utf8')));
      const fromReader = modules.map((m) => ({
        name: m.name,
        bytes: m.bytes,
        info: { ...readKernelModule(m.bytes, m.name), exportedSymbols: exports.get(m.name.replace(/\.ko$/, '')) ?? [] },
      }));
      const spec = kmodPackageSpec({
        answers,
        kernel: { release: kernel.release, arch: 'x86_64' },
        modules: fromReader,
        firmware: [FIRMWARE],
        symvers: parseSymvers(readFileSync(kernel.symvers, 'utf8')),
        kabiRequires: true,
        buildTime: answers.buildTime,
        buildHost: 'build.example.org',
      });
      const rpm = join(work, `${spec.name}-${spec.version}-${spec.release}.${spec.arch}.rpm`);
      writeFileSync(rpm, await buildRpm(spec));
      built.push({ kernel, dir, rpm, modules });
    }
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  test('rpm -Kv checks every digest', () => {
    for (const b of built) assert.doesNotMatch(run('rpm', ['-Kv', b.rpm]), /BAD|NOT OK/);
  });

  test('Name kmod-<name>-<uname -r>, release the project\'s; Provides: kernel-modules = <uname -r>, kmod-<name> = EVR, kmod(<mod>.ko), firmware(<file>)', () => {
    for (const b of built) {
      assert.equal(run('rpm', ['-qp', '--qf', '%{NAME}|%{RELEASE}', b.rpm]), `kmod-dftest-${b.kernel.release}|1`);
      const provides = run('rpm', ['-qp', '--provides', b.rpm]).trim().split('\n');
      for (const line of [
        `kernel-modules = ${b.kernel.release}`,
        `kmod-dftest = 1.0-1`,
        `kmod-dftest-${b.kernel.release} = 1.0-1`,
        'kmod(dfk_main.ko)',
        'kmod(dfk_helper.ko)',
        `firmware(${FIRMWARE.path})`,
      ]) {
        assert.ok(provides.includes(line), `${line} missing from\n${provides.join('\n')}`);
      }
    }
  });

  test('Requires: kernel-uname-r = <uname -r>; kernel(<sym>) = CRC from the kernel Module.symvers, sibling export skipped', () => {
    for (const b of built) {
      const symvers = parseSymvers(readFileSync(b.kernel.symvers, 'utf8'));
      const requires = run('rpm', ['-qp', '--requires', b.rpm]).trim().split('\n');
      assert.ok(requires.includes(`kernel-uname-r = ${b.kernel.release}`), requires.join('\n'));
      const ksyms = requires.filter((r) => /^(kernel|ksym)\(/.test(r));
      const used = new Set(b.modules.flatMap((m) => m.info.versions.map((v) => v.symbol)));
      used.delete('dfk_helper_value');
      assert.equal(ksyms.length, used.size, ksyms.join('\n'));
      for (const sym of used) {
        const entry = symvers.get(sym);
        assert.ok(entry, `${sym} not exported by ${b.kernel.release}`);
        assert.ok(ksyms.includes(`kernel(${sym}) = ${crcHex(entry.crc)}`), `kernel(${sym}) = ${crcHex(entry.crc)} missing`);
      }
      assert.ok(!requires.some((r) => r.includes('dfk_helper_value')));
      assert.ok(requires.some((r) => r.startsWith('kernel(kfree) = 0x')));
    }
  });

  test('the scriptlets are there, run by /bin/sh', () => {
    for (const b of built) {
      const scripts = run('rpm', ['-qp', '--scripts', b.rpm]);
      assert.match(scripts, /postinstall scriptlet \(using \/bin\/sh\):/);
      assert.match(scripts, /postuninstall scriptlet \(using \/bin\/sh\):/);
      assert.ok(scripts.includes(`depmod" -a ${b.kernel.release}`));
      assert.ok(scripts.includes('weak-modules --add-modules'));
      assert.ok(scripts.includes('weak-modules --remove-modules'));
    }
  });

  test('files: modules under extra/<name>, depmod.d as %config, firmware, changelog', () => {
    for (const b of built) {
      const files = run('rpm', ['-qlp', b.rpm]).trim().split('\n');
      const dir = `/lib/modules/${b.kernel.release}/extra/dftest`;
      assert.deepEqual(files, [
        '/etc/depmod.d/dftest.conf',
        `/lib/firmware/${FIRMWARE.path}`,
        '/lib/firmware/dftest',
        `/lib/modules/${b.kernel.release}/extra/dftest`,
        `${dir}/dfk_helper.ko`,
        `${dir}/dfk_main.ko`,
      ].sort());
      assert.equal(run('rpm', ['-qcp', b.rpm]).trim(), '/etc/depmod.d/dftest.conf');
      const log = run('rpm', ['-qp', '--changelog', b.rpm]);
      assert.match(log, /^\* \w{3} \w{3} \d\d \d{4} Test Author <test@example\.org> - 1\.0-1\n/);
      assert.match(log, /- First build/);
    }
  });

  test('extracted modules are byte-identical and pass modinfo with the right vermagic', () => {
    for (const b of built) {
      const x = join(work, `x-${b.kernel.release}`);
      mkdirSync(x);
      execFileSync('sh', ['-c', `rpm2cpio '${b.rpm}' | cpio -idm --quiet`], { cwd: x });
      for (const m of b.modules) {
        const p = join(x, `lib/modules/${b.kernel.release}/extra/dftest/${m.name}`);
        assert.deepEqual(readFileSync(p), m.bytes);
        assert.equal(run('modinfo', ['-F', 'vermagic', p]).trim().split(' ')[0], b.kernel.release);
      }
    }
  });

  test('rpm --root install WITH scriptlets (no depmod in the root), rpm -V clean, rpm -e works', () => {
    for (const b of built) {
      const root = join(work, `root-${b.kernel.release}`);
      makeShellRoot(root);
      run('rpm', ['--root', root, '--initdb']);
      rpmTransaction(['--root', root, '-ivh', '--nodeps', b.rpm]);
      const name = kmodPackageName('dftest', b.kernel.release, 'exact');
      assert.equal(run('rpm', ['--root', root, '-V', '--nodeps', name]).trim(), '');
      rpmTransaction(['--root', root, '-e', name]);
      assert.ok(!existsSync(join(root, `lib/modules/${b.kernel.release}/extra/dftest/dfk_main.ko`)));
    }
  });

  test('rpm --root runs depmod -a <kver> on install and on erase, weak-modules when present', () => {
    const b = built[0];
    const root = join(work, 'root-stubs');
    makeShellRoot(root);
    addStub(root, 'depmod');
    addStub(root, 'weak-modules');
    run('rpm', ['--root', root, '--initdb']);
    rpmTransaction(['--root', root, '-ivh', '--nodeps', b.rpm]);
    const dir = `/lib/modules/${b.kernel.release}/extra/dftest`;
    const added = `weak-modules --add-modules\n  ${dir}/dfk_helper.ko\n  ${dir}/dfk_main.ko\ndepmod -a ${b.kernel.release}\n`;
    assert.equal(readToolLog(root), added);
    rpmTransaction(['--root', root, '-e', kmodPackageName('dftest', b.kernel.release, 'exact')]);
    // After erase the kernel's module dir still exists (we created /lib/modules/<kver>/extra), so depmod runs.
    assert.equal(readToolLog(root), `${added}weak-modules --remove-modules\n  ${dir}/dfk_helper.ko\n  ${dir}/dfk_main.ko\ndepmod -a ${b.kernel.release}\n`);
  });

  test('the kmods of all kernels install side by side (shared depmod.d file does not conflict)', () => {
    const root = join(work, 'root-all');
    makeShellRoot(root);
    run('rpm', ['--root', root, '--initdb']);
    rpmTransaction(['--root', root, '-ivh', '--nodeps', ...built.map((b) => b.rpm)]);
    assert.equal(run('rpm', ['--root', root, '-q', '--whatprovides', 'kmod-dftest']).trim().split('\n').length, built.length);
  });

  test('depmod honours the override lines: extra/<name> beats updates/, weak-updates/<name> beats kernel/', () => {
    const b = built[0];
    const kver = b.kernel.release;
    const conf = join(work, 'depmod-conf');
    mkdirSync(conf);
    execFileSync('sh', ['-c', `rpm2cpio '${b.rpm}' | cpio -idm --quiet ./etc/depmod.d/dftest.conf`], { cwd: conf });
    const confFile = join(conf, 'etc/depmod.d/dftest.conf');
    const depmodDep = (base: string, withConf: boolean) => {
      const args = ['-b', base, ...(withConf ? ['-C', confFile] : ['-C', join(conf, 'none.conf')]), kver];
      writeFileSync(join(conf, 'none.conf'), '');
      execFileSync('depmod', args, { stdio: ['ignore', 'pipe', 'pipe'] });
      return readFileSync(join(base, 'lib/modules', kver, 'modules.dep'), 'utf8');
    };
    const place = (base: string, rel: string) => {
      const to = join(base, 'lib/modules', kver, rel);
      mkdirSync(join(to, '..'), { recursive: true });
      copyFileSync(join(b.dir, 'dfk_helper.ko'), to);
    };
    const b1 = join(work, 'depmod1');
    place(b1, 'updates/dfk_helper.ko');
    place(b1, 'extra/dftest/dfk_helper.ko');
    assert.match(depmodDep(b1, false), /^updates\/dfk_helper\.ko:/m);
    assert.match(depmodDep(b1, true), /^extra\/dftest\/dfk_helper\.ko:/m);
    const b2 = join(work, 'depmod2');
    place(b2, 'kernel/drivers/misc/dfk_helper.ko');
    place(b2, 'weak-updates/dftest/dfk_helper.ko');
    assert.match(depmodDep(b2, false), /^kernel\/drivers\/misc\/dfk_helper\.ko:/m);
    assert.match(depmodDep(b2, true), /^weak-updates\/dftest\/dfk_helper\.ko:/m);
  });

  test('minimum policy (kmod-<name>, release with the kernel, Requires kernel >=), xz payload, greylist doc file and certificate', async () => {
    const b = built[0];
    const answers = makeAnswers(join(work, 'src'), [b.kernel.release]);
    answers.packaging.match = 'minimum';
    answers.packaging.compress = 'xz';
    const stablelist = join(work, 'kabi_stablelist_x86_64');
    writeFileSync(stablelist, '[rhel9_x86_64_stablelist]\n\tkfree\n\t_printk\n');
    const report = kabiReport({ stablelist, arch: 'x86_64', modules: b.modules.map((m) => m.info) });
    assert.ok(report.symbolsNotOnList.includes('misc_register'));
    assert.ok(!report.symbolsNotOnList.includes('kfree'));
    const spec = kmodPackageSpec({
      answers,
      kernel: { release: b.kernel.release, arch: 'x86_64' },
      modules: b.modules,
      firmware: [],
      symvers: parseSymvers(readFileSync(b.kernel.symvers, 'utf8')),
      kabiRequires: true,
      greylist: { listName: report.listName, symbols: report.symbolsNotOnList },
      certDer: { vendor: 'Example Vendor', bytes: Buffer.from([0x30, 0x82, 0x01, 0x00]) },
      buildTime: answers.buildTime,
      buildHost: 'build.example.org',
    });
    const rpm = join(work, 'minimum.rpm');
    writeFileSync(rpm, await buildRpm(spec));
    assert.ok(run('rpm', ['-qp', '--provides', rpm]).split('\n').includes(`kernel-modules >= ${b.kernel.release}`));
    assert.equal(run('rpm', ['-qp', '--qf', '%{NAME}|%{RELEASE}', rpm]), `kmod-dftest|${kmodRelease('1', b.kernel.release)}`);
    const requires = run('rpm', ['-qp', '--requires', rpm]).split('\n');
    assert.ok(requires.includes(`kernel >= ${b.kernel.release}`), requires.join('\n'));
    assert.ok(!requires.some((r) => r.startsWith('kernel-uname-r')));
    assert.equal(run('rpm', ['-qp', '--qf', '%{PAYLOADCOMPRESSOR}', rpm]), 'xz');
    assert.match(run('rpm', ['-qp', '--requires', rpm]), /rpmlib\(PayloadIsXz\) <= 5\.2-1/);
    assert.equal(run('rpm', ['-qdp', rpm]).trim(), '/usr/share/doc/kmod-dftest/greylist.txt');
    assert.ok(run('rpm', ['-qlp', rpm]).split('\n').includes('/etc/pki/example-vendor/dftest.der'));
    const x = join(work, 'x-minimum');
    mkdirSync(x);
    execFileSync('sh', ['-c', `rpm2cpio '${rpm}' | cpio -idm --quiet`], { cwd: x });
    const grey = readFileSync(join(x, 'usr/share/doc/kmod-dftest/greylist.txt'), 'utf8');
    assert.equal(grey, `[rhel9_x86_64_greylist]\n${report.symbolsNotOnList.map((s) => `\t${s}\n`).join('')}`);
  });

  test('the same inputs give byte-identical kmod RPMs', async () => {
    for (const b of built) {
      const answers = makeAnswers(join(work, 'other-src'), kernels.map((k) => k.release));
      const spec = kmodPackageSpec(specOptions(answers, b));
      const again = await buildRpm(spec);
      assert.ok(again.equals(await buildRpm(spec)));
      // Built from the tool-derived module info instead of the ELF reader: same requires, same bytes.
      assert.ok(again.equals(readFileSync(b.rpm)), b.kernel.release);
      // Bare module names (as the build step reports them) mean the same files.
      const bare = kmodPackageSpec({ ...specOptions(answers, b), modules: b.modules.map((m) => ({ ...m, name: m.name.replace(/\.ko$/, '') })) });
      assert.ok((await buildRpm(bare)).equals(again));
    }
  });

  test('a description with a --- line is refused as a user error', () => {
    const b = built[0];
    const answers = makeAnswers(join(work, 'src'), [b.kernel.release], { description: 'ok\n---\nmore' });
    assert.throws(
      () =>
        kmodPackageSpec({
          answers,
          kernel: { release: b.kernel.release, arch: 'x86_64' },
          modules: b.modules,
          firmware: [],
          kabiRequires: false,
          buildTime: 0,
          buildHost: 'h',
        }),
      (e) => isUserError(e) && /---/.test(e.message),
    );
  });
});
