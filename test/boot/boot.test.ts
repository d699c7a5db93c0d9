/**
 * `dudforge boot-test` end to end with the real binary: the demo disk built for every installed
 * kernel boots each kernel in QEMU (TCG) with the disk as a CD-ROM and loads the module; one
 * kernel also from a RHEL-style kernel-core RPM (made here from its image and modules) with the
 * disk as a virtio disk; a disk whose RPM claims one kernel but carries a
 * module built for another must fail to load; bad input exits 2 without booting; a boot that
 * overruns its timeout leaves no QEMU and no temp file.
 */
import { execFileSync } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { installedKernels, removeDir, runCli, sh, tempDir, type CliResult } from '../helpers/cli.js';
import { needs } from '../helpers/needs.js';
import { buildRpm, readRpm, readRpmPayload, rpmFileName, RPMSENSE, type RpmFileEntry } from '../../src/rpm/index.js';
import { writeDisk } from '../../src/disk/write.js';
import { isStaticElf } from '../../src/boot/tools.js';
import { findKernelImage, kernelCacheDir } from '../../src/boot/kernel-image.js';
import type { BootTestReport } from '../../src/boot/run.js';

const kernels = installedKernels();
const haveQemu = sh('sh', ['-c', 'command -v qemu-system-x86_64']).status === 0;
const haveBusybox = existsSync('/bin/busybox') && isStaticElf(readFileSync('/bin/busybox'));
const skip = needs(kernels.length >= 2 && haveQemu && haveBusybox, 'two kernel build trees, qemu-system-x86 and busybox-static');

let work: string;
let iso: string;
let wrongIso: string;
let kmodRpm: string;
let demo: CliResult;

function bootTest(args: string[], env: Record<string, string> = {}): { r: CliResult; report?: BootTestReport } {
  const r = runCli(['boot-test', ...args, '--json'], { timeoutMs: 600_000, env });
  let report: BootTestReport | undefined;
  try {
    report = JSON.parse(r.stdout) as BootTestReport;
  } catch {
    /* bad input prints no report */
  }
  return { r, report };
}

/** A disk whose only RPM Provides kernel-modules = `claimed` but carries the module built for `builtFor`. */
async function wrongKernelDisk(out: string, builtFor: string, claimed: string, isoPath: string): Promise<void> {
  const rpmFile = readdirSync(out).map((f) => join(out, f)).find((f) => f.endsWith('.x86_64.rpm')
    && readRpm(readFileSync(f)).provides().some((p) => p.name === 'kernel-modules' && p.version === builtFor));
  assert.ok(rpmFile, `the demo wrote an RPM for ${builtFor}`);
  const ko = (await readRpmPayload(readFileSync(rpmFile))).find((e) => e.path.endsWith('.ko'));
  assert.ok(ko, 'the RPM carries a .ko');
  const spec = {
    name: 'kmod-dudforge-dummy', version: '1.0.0', release: `1.k${claimed.replace(/-/g, '_')}`,
    summary: 'a module built for another kernel', description: `built for ${builtFor}, claims ${claimed}`,
    license: 'GPL-2.0-only', buildHost: 'test', buildTime: 1767225600, arch: 'x86_64', compression: 'gzip' as const,
    provides: [{ name: 'kernel-modules', flags: RPMSENSE.EQUAL, version: claimed }],
    requires: [],
    files: [{ path: `/lib/modules/${claimed}/extra/dudforge-dummy/dudforge_dummy.ko`, type: 'file' as const, mode: 0o644, data: Buffer.from(ko.data) }],
  };
  const bytes = await buildRpm(spec);
  await writeDisk({ rpms: [{ fileName: rpmFileName(spec), arch: 'x86_64', bytes }], buildTime: spec.buildTime, isoPath });
}

describe('dudforge boot-test', { skip }, () => {
  before(async () => {
    work = tempDir('boot');
    demo = runCli(['demo', '--out', join(work, 'project'), '--plain']);
    const out = join(work, 'project', 'out');
    iso = join(out, readdirSync(out).find((f) => f.endsWith('.iso')) ?? 'missing.iso');
    wrongIso = join(work, 'wrong-kernel.iso');
    kmodRpm = join(out, readdirSync(out).find((f) => f.endsWith('.x86_64.rpm')) ?? 'missing.rpm');
    await wrongKernelDisk(out, kernels[0].release, kernels[1].release, wrongIso);
  });
  after(() => removeDir(work));

  test('the demo disk, attached as a CD-ROM, loads its module on every kernel it was built for', (t) => {
    assert.equal(demo.status, 0, demo.stdout + demo.stderr);
    const { r, report } = bootTest([iso, '--parallel', '2']);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.ok(report);
    assert.deepEqual(report.kernels.map((k) => k.release).sort(), kernels.map((k) => k.release).sort());
    for (const k of report.kernels) {
      t.diagnostic(`${k.release}: ${k.seconds.toFixed(1)} s (kernel image: ${k.origin})`);
      assert.ok(k.ok, JSON.stringify(k));
      assert.match(k.disk?.device ?? '', /^\/dev\/sr\d$/);
      assert.equal(k.modules.length, 1);
      const [m] = k.modules;
      assert.equal(m.name, 'dudforge_dummy');
      assert.ok(m.loaded);
      assert.equal(m.flags, 'OE', 'out-of-tree and unsigned, as /proc/modules says');
      assert.equal(m.vermagic?.split(' ')[0], k.release);
      assert.equal(m.signer, undefined);
      assert.ok(k.dmesg.some((l) => /dudforge_dummy: loading out-of-tree module taints kernel/.test(l)), k.dmesg.join('\n'));
      assert.ok(k.dmesg.some((l) => /module verification failed/.test(l)), 'the kernel says the module is unsigned');
      assert.ok(k.seconds < 120, `a boot takes ${k.seconds} s`);
    }
  });

  test('a RHEL-style kernel-core RPM (image at /lib/modules/<release>/vmlinuz, .ko.xz modules) boots with the disk as a virtio disk', async (t) => {
    const release = kernels[kernels.length - 1].release;
    const image = await findKernelImage(release, { cacheDir: kernelCacheDir(), download: true });
    const files: RpmFileEntry[] = [
      { path: `/lib/modules/${release}/vmlinuz`, type: 'file', mode: 0o755, data: readFileSync(image.vmlinuz) },
      { path: `/lib/modules/${release}/modules.builtin`, type: 'file', mode: 0o644, data: readFileSync(join(image.moduleDir, 'modules.builtin')) },
    ];
    for (const dir of ['drivers/block', 'drivers/virtio', 'drivers/cdrom', 'fs/isofs']) {
      const abs = join(image.moduleDir, 'kernel', dir);
      if (!existsSync(abs)) continue;
      for (const f of readdirSync(abs).filter((n) => /\.ko(\.xz)?$/.test(n))) {
        // RHEL ships its modules xz-compressed: compress the plain ones of an older kernel.
        const raw = readFileSync(join(abs, f));
        const data = f.endsWith('.xz') ? raw : execFileSync('xz', ['-c'], { input: raw, maxBuffer: 64 << 20 });
        files.push({ path: `/lib/modules/${release}/kernel/${dir}/${f.endsWith('.xz') ? f : `${f}.xz`}`, type: 'file', mode: 0o644, data });
      }
    }
    const spec = {
      name: 'kernel-core', version: '6.12', release: '1.test', summary: 'a kernel-core look-alike', description: 'kernel image and core modules',
      license: 'GPL-2.0-only', buildHost: 'test', buildTime: 1767225600, arch: 'x86_64', compression: 'gzip' as const,
      provides: [{ name: 'kernel-uname-r', flags: RPMSENSE.EQUAL, version: release }], requires: [], files,
    };
    const kernelCore = join(work, rpmFileName(spec));
    writeFileSync(kernelCore, await buildRpm(spec));
    const tmp = join(work, 'tmp-rpm');
    mkdirSync(tmp);
    const { r, report } = bootTest([iso, '--attach', 'virtio', '--kernel-rpm', kernelCore], { TMPDIR: tmp });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.deepEqual(readdirSync(tmp), [], 'the unpacked kernel and the initramfs were removed');
    assert.equal(report?.attach, 'virtio');
    assert.equal(report!.kernels.length, 1, 'without --kernel, the kernel of the RPMs is booted');
    const [k] = report!.kernels;
    t.diagnostic(`${release} from a kernel-core RPM (virtio): ${k.seconds.toFixed(1)} s`);
    assert.equal(k.release, release);
    assert.equal(k.origin, 'rpm');
    assert.ok(k.ok, JSON.stringify(k));
    assert.equal(k.disk?.device, '/dev/vda');
  });

  test('a module built for another kernel fails to load (exit 1, the kernel says why)', () => {
    const { r, report } = bootTest([wrongIso]);
    assert.equal(r.status, 1, r.stdout + r.stderr);
    const [k] = report!.kernels;
    assert.equal(k.release, kernels[1].release);
    assert.equal(k.ok, false);
    assert.equal(k.failure, undefined, 'the boot itself worked: the disk was found and unpacked');
    assert.equal(k.modules[0].loaded, false);
    assert.match(k.modules[0].error ?? '', /Exec format error|Invalid module format|invalid/i);
    assert.equal(k.modules[0].vermagic?.split(' ')[0], kernels[0].release);
    assert.ok(k.dmesg.some((l) => /dudforge_dummy/.test(l)), `the kernel's complaint is shown: ${k.dmesg.join('\n')}`);
  });

  test('bad input exits 2 naming the input, without booting', () => {
    const missing = runCli(['boot-test', join(work, 'nope.iso')]);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /nope\.iso does not exist/);
    const attach = runCli(['boot-test', iso, '--attach', 'floppy']);
    assert.equal(attach.status, 2);
    assert.match(attach.stderr, /--attach floppy is not one of cdrom, virtio/);
    const unknown = runCli(['boot-test', iso, '--kernel', '9.9.9-nope', '--no-download', '--kernel-cache', join(work, 'cache')]);
    assert.equal(unknown.status, 2, unknown.stderr);
    assert.match(unknown.stderr, /no image of kernel 9\.9\.9-nope/);
    const notDebian = runCli(['boot-test', iso, '--kernel', '9.9.9-nope', '--kernel-cache', join(work, 'cache')]);
    assert.equal(notDebian.status, 2, notDebian.stderr);
    assert.match(notDebian.stderr, /apt-get download linux-image-9\.9\.9-nope failed/);
    assert.deepEqual(readdirSync(join(work, 'cache')), [], 'a failed fetch leaves nothing in the kernel cache');
    const noQemu = runCli(['boot-test', iso], { env: { PATH: '/nonexistent' } });
    assert.equal(noQemu.status, 2, noQemu.stderr);
    assert.match(noQemu.stderr, /apt-get install qemu-system-x86/);
    const rpm = runCli(['boot-test', iso, '--kernel-rpm', join(work, 'kernel-core.rpm')]);
    assert.equal(rpm.status, 2);
    assert.match(rpm.stderr, /--kernel-rpm \S*kernel-core\.rpm does not exist/);
    const notKernel = runCli(['boot-test', iso, '--kernel-rpm', kmodRpm]);
    assert.equal(notKernel.status, 2, notKernel.stderr);
    assert.match(notKernel.stderr, /holds no kernel image or module under \/lib\/modules\/<release>\//);
  });

  test('a boot that overruns --timeout is stopped: exit 1, no QEMU left, no temp file', () => {
    const tmp = join(work, 'tmp');
    mkdirSync(tmp);
    const { r, report } = bootTest([iso, '--kernel', kernels[0].release, '--timeout', '2'], { TMPDIR: tmp });
    assert.equal(r.status, 1, r.stdout + r.stderr);
    assert.match(report!.kernels[0].failure ?? '', /no result within 2 s/);
    assert.deepEqual(readdirSync(tmp), [], 'the initramfs was removed');
    const left = sh('pgrep', ['-f', tmp]);
    assert.equal(left.stdout.trim(), '', 'no QEMU process outlives the run');
  });
});
