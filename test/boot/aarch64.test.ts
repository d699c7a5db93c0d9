/**
 * `dudforge boot-test` on aarch64 kernels from this x86_64 host: the sample driver cross-built
 * for a fetched arm64 build tree boots Debian's arm64 kernel (fetched with `:arm64`, with an
 * arm64 busybox-static) under qemu-system-aarch64 (virt, TCG), the disk as a SCSI CD on
 * virtio-scsi and as a virtio-blk disk, and the module loads; a module built for another arm64
 * kernel fails to load, and the kernel says why.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { discoverKernels } from '../../src/kernel/discover.js';
import { buildRpm, readRpm, readRpmPayload, rpmFileName, RPMSENSE } from '../../src/rpm/index.js';
import { writeDisk } from '../../src/disk/write.js';
import { packageRoot } from '../../src/paths.js';
import { removeDir, runCli, sh, tempDir, type CliResult } from '../helpers/cli.js';
import { needs } from '../helpers/needs.js';
import type { BootTestReport } from '../../src/boot/run.js';

const arm64 = discoverKernels().filter((t) => t.usable && t.arch === 'aarch64').map((t) => t.release!).filter(Boolean);
const haveQemu = sh('sh', ['-c', 'command -v qemu-system-aarch64']).status === 0;
const skip = needs(arm64.length >= 2 && haveQemu, 'two fetched arm64 build trees (dudforge kernels --fetch), their cross gcc and qemu-system-arm');

let work: string;
let iso: string;
let wrongIso: string;
let built: CliResult;

function bootTest(args: string[]): { r: CliResult; report?: BootTestReport } {
  const r = runCli(['boot-test', ...args, '--json'], { timeoutMs: 600_000 });
  let report: BootTestReport | undefined;
  try {
    report = JSON.parse(r.stdout) as BootTestReport;
  } catch {
    /* bad input prints no report */
  }
  return { r, report };
}

describe('dudforge boot-test on aarch64', { skip }, () => {
  before(async () => {
    work = tempDir('boot-arm');
    const sample = join(packageRoot, 'assets', 'sample-driver');
    const project = join(work, 'P');
    const made = runCli(['new', project, '--yes', '--source', `dir:${sample}`, '--probes', join(sample, 'dudforge.probes'), '--vendor', 'X', '--kernel', arm64[0]]);
    assert.equal(made.status, 0, made.stdout + made.stderr);
    built = runCli(['build', project], { timeoutMs: 600_000 });
    const out = join(project, 'out');
    iso = join(out, readdirSync(out).find((f) => f.endsWith('.iso')) ?? 'missing.iso');
    // The aarch64 module built for arm64[0], in an RPM that claims arm64[1].
    const rpmFile = join(out, readdirSync(out).find((f) => f.endsWith('.aarch64.rpm')) ?? 'missing.rpm');
    const ko = (await readRpmPayload(readFileSync(rpmFile))).find((e) => e.path.endsWith('.ko'));
    assert.ok(ko && readRpm(readFileSync(rpmFile)).provides().some((p) => p.name === 'kernel-modules' && p.version === arm64[0]));
    const claimed = arm64[1];
    const spec = {
      name: 'kmod-dudforge-dummy', version: '1.0.0', release: `1.k${claimed.replace(/-/g, '_')}`,
      summary: 'a module built for another kernel', description: `built for ${arm64[0]}, claims ${claimed}`,
      license: 'GPL-2.0-only', buildHost: 'test', buildTime: 1767225600, arch: 'aarch64', compression: 'gzip' as const,
      provides: [{ name: 'kernel-modules', flags: RPMSENSE.EQUAL, version: claimed }],
      requires: [],
      files: [{ path: `/lib/modules/${claimed}/extra/dudforge-dummy/dudforge_dummy.ko`, type: 'file' as const, mode: 0o644, data: Buffer.from(ko.data) }],
    };
    wrongIso = join(work, 'wrong-kernel.iso');
    await writeDisk({ rpms: [{ fileName: rpmFileName(spec), arch: 'aarch64', bytes: await buildRpm(spec) }], buildTime: spec.buildTime, isoPath: wrongIso });
  });
  after(() => removeDir(work));

  test('the sample disk loads its aarch64 module, the disk as a CD-ROM (virtio-scsi) and as a virtio disk', (t) => {
    assert.equal(built.status, 0, built.stdout + built.stderr);
    for (const [attach, device] of [['cdrom', /^\/dev\/sr0$/], ['virtio', /^\/dev\/vda$/]] as const) {
      const { r, report } = bootTest([iso, '--attach', attach]);
      assert.equal(r.status, 0, r.stdout + r.stderr);
      assert.equal(report!.kernels.length, 1);
      const [k] = report!.kernels;
      t.diagnostic(`${k.release} (${attach}): ${k.seconds.toFixed(1)} s (kernel image: ${k.origin})`);
      assert.equal(k.release, arm64[0]);
      assert.equal(k.arch, 'aarch64');
      assert.equal(k.accel, 'tcg');
      assert.ok(k.ok, JSON.stringify(k));
      assert.match(k.disk?.device ?? '', device);
      const [m] = k.modules;
      assert.equal(m.name, 'dudforge_dummy');
      assert.match(m.rpm, /\.aarch64\.rpm$/);
      assert.equal(m.flags, 'OE');
      assert.match(m.vermagic ?? '', new RegExp(`^${arm64[0].replace(/[.+]/g, '\\$&')} .*aarch64`));
      assert.ok(k.dmesg.some((l) => /dudforge_dummy: loading out-of-tree module taints kernel/.test(l)), k.dmesg.join('\n'));
      assert.ok(k.seconds < 120, `a boot takes ${k.seconds} s`);
    }
  });

  test('an aarch64 module built for another kernel fails to load (exit 1, the kernel says why)', (t) => {
    const { r, report } = bootTest([wrongIso]);
    assert.equal(r.status, 1, r.stdout + r.stderr);
    const [k] = report!.kernels;
    t.diagnostic(`${k.release}: ${k.seconds.toFixed(1)} s (kernel image: ${k.origin})`);
    assert.equal(k.release, arm64[1]);
    assert.equal(k.arch, 'aarch64');
    assert.equal(k.failure, undefined, 'the boot itself worked: the disk was found and unpacked');
    assert.equal(k.modules[0].loaded, false);
    assert.match(k.modules[0].error ?? '', /Exec format error|Invalid module format|invalid/i);
    assert.ok(k.dmesg.some((l) => /dudforge_dummy/.test(l)), `the kernel's complaint is shown: ${k.dmesg.join('\n')}`);
  });

  test('without qemu-system-aarch64, exit 2 names the Debian package qemu-system-arm', () => {
    const noQemu = runCli(['boot-test', iso], { env: { PATH: '/nonexistent' } });
    assert.equal(noQemu.status, 2, noQemu.stderr);
    assert.match(noQemu.stderr, /qemu-system-aarch64 is not installed[\s\S]*apt-get install qemu-system-arm/);
  });
});
