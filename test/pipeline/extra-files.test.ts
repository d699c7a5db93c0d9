/**
 * Files a driver ships beside its modules, through the real binary: `new --yes` with
 * --modprobe-option, --load-at-boot, --udev-rules and --blacklist, `build` for one installed
 * kernel, the kmod and the SRPM's spec checked with rpm, and `dudforge verify` on the disk.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { installedKernels, removeDir, runCli, sh, tempDir, type CliResult } from '../helpers/cli.js';
import { needs } from '../helpers/needs.js';

const kernels = installedKernels();
const RULES = 'ACTION=="add", SUBSYSTEM=="net", DRIVERS=="dfx", ATTR{mtu}="9000"\n';

describe('extra files from `new` flags', { skip: needs(kernels.length >= 1, 'a kernel build tree') }, () => {
  let work: string;
  let driver: string;
  let project: string;
  let created: CliResult;
  let built: CliResult;
  const flags = (dir: string, extra: string[]) => [
    'new', dir, '--yes', '--source', `dir:${driver}`, '--kernel', kernels[0].release, '--vendor', 'Example', '--version', '1.0', ...extra,
  ];

  before(() => {
    work = tempDir('extras');
    driver = join(work, 'dfx');
    project = join(work, 'project');
    mkdirSync(driver);
    writeFileSync(join(driver, 'Makefile'), 'obj-m := dfx.o\n');
    writeFileSync(
      join(driver, 'dfx.c'),
      '#include <linux/module.h>\nstatic int __init dfx_init(void) { return 0; }\nstatic void __exit dfx_exit(void) {}\nmodule_init(dfx_init);\nmodule_exit(dfx_exit);\nMODULE_LICENSE("GPL");\nMODULE_DESCRIPTION("extra files test");\n',
    );
    writeFileSync(join(work, '60-dfx.rules'), RULES);
    created = runCli(flags(project, ['--modprobe-option', 'dfx mtu=9000 debug=1', '--load-at-boot', 'dfx', '--udev-rules', join(work, '60-dfx.rules'), '--blacklist', 'r8169']));
    if (created.status === 0) built = runCli(['build', project, '--plain']);
  });
  after(() => removeDir(work));

  test('new records the files in dudforge.json and says what it will ship', () => {
    assert.equal(created.status, 0, created.stdout + created.stderr);
    const answers = JSON.parse(readFileSync(join(project, 'dudforge.json'), 'utf8'));
    assert.deepEqual(answers.extraFiles, { modprobeOptions: ['dfx mtu=9000 debug=1'], loadAtBoot: ['dfx'], udevRules: join(work, '60-dfx.rules'), blacklist: ['r8169'] });
    assert.match(created.stderr, /ships \/etc\/modprobe\.d\/dfx\.conf \(%config\(noreplace\)\)/);
    assert.match(created.stderr, /ships \/usr\/lib\/udev\/rules\.d\/60-dfx\.rules\n/);
  });

  test('the kmod ships them (config files noreplace), the SRPM spec installs the same, verify accepts the disk', () => {
    assert.equal(built.status, 0, built.stdout + built.stderr);
    const out = join(project, 'out');
    const rpm = join(out, readdirSync(out).find((f) => f.startsWith('kmod-dfx-') && f.endsWith('.x86_64.rpm'))!);
    const list = sh('rpm', ['-qlp', rpm]).stdout.trim().split('\n');
    for (const p of ['/etc/modprobe.d/dfx.conf', '/etc/modprobe.d/dfx-blacklist.conf', '/etc/modules-load.d/dfx.conf', '/usr/lib/udev/rules.d/60-dfx.rules']) {
      assert.ok(list.includes(p), `${p} missing:\n${list.join('\n')}`);
    }
    const flags = sh('rpm', ['-qp', '--qf', '[%{FILEFLAGS:fflags} %{FILENAMES}\n]', rpm]).stdout;
    assert.match(flags, /^cn \/etc\/modprobe\.d\/dfx\.conf$/m);
    assert.match(flags, /^cn \/etc\/modprobe\.d\/dfx-blacklist\.conf$/m);
    assert.match(flags, /^cn \/etc\/modules-load\.d\/dfx\.conf$/m);
    assert.match(flags, /^ \/usr\/lib\/udev\/rules\.d\/60-dfx\.rules$/m);
    const x = join(work, 'x');
    mkdirSync(x);
    assert.equal(sh('sh', ['-c', `rpm2cpio '${rpm}' | cpio -idm --quiet`], { cwd: x }).status, 0);
    assert.match(readFileSync(join(x, 'etc/modprobe.d/dfx.conf'), 'utf8'), /^options dfx mtu=9000 debug=1$/m);
    assert.match(readFileSync(join(x, 'etc/modprobe.d/dfx-blacklist.conf'), 'utf8'), /^blacklist r8169$/m);
    assert.equal(readFileSync(join(x, 'usr/lib/udev/rules.d/60-dfx.rules'), 'utf8'), RULES);
    const srpm = join(out, readdirSync(out).find((f) => f.endsWith('.src.rpm'))!);
    const spec = sh('sh', ['-c', `rpm2cpio '${srpm}' | cpio -i --quiet --to-stdout dfx.spec`]).stdout;
    assert.match(spec, /^%config\(noreplace\) \/etc\/modprobe\.d\/dfx\.conf$/m);
    assert.match(spec, /^\/usr\/lib\/udev\/rules\.d\/60-dfx\.rules$/m);
    const iso = join(out, readdirSync(out).find((f) => f.endsWith('.iso'))!);
    const v = runCli(['verify', iso]);
    assert.equal(v.status, 0, v.stdout + v.stderr);
  });

  test('a binary udev rules file and blacklisting the package\'s own module are refused at new (exit 2)', () => {
    writeFileSync(join(work, 'bin.rules'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2]));
    const bin = runCli(flags(join(work, 'p2'), ['--udev-rules', join(work, 'bin.rules')]));
    assert.equal(bin.status, 2, bin.stderr);
    assert.match(bin.stderr, /--udev-rules .*bin\.rules: (not UTF-8 text|line 1 holds a control character)/);
    const own = runCli(flags(join(work, 'p3'), ['--blacklist', 'dfx']));
    assert.equal(own.status, 2, own.stderr);
    assert.match(own.stderr, /--blacklist dfx: the package ships that module itself/);
    const opt = runCli(flags(join(work, 'p4'), ['--modprobe-option', 'dfx']));
    assert.equal(opt.status, 2, opt.stderr);
    assert.match(opt.stderr, /extraFiles\.modprobeOptions/);
  });
});
