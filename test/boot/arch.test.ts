/**
 * What differs for aarch64 guests, without booting: which architecture a kernel is, the QEMU
 * command line on the virt board, the kernel image formats QEMU 7.2 can boot (headers written
 * here from their documented layout), and a busybox of the wrong machine refused.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { archOfKernel } from '../../src/boot/arch.js';
import { checkBootableImage } from '../../src/boot/kernel-image.js';
import { ATTACH_MODULES } from '../../src/boot/kernel-modules.js';
import { driveArgs, qemuArgs } from '../../src/boot/qemu.js';
import { readStaticBusybox } from '../../src/boot/tools.js';
import { UserError } from '../../src/errors.js';
import { removeDir, tempDir } from '../helpers/cli.js';
import { needs } from '../helpers/needs.js';

test('a kernel is aarch64 by its flavour or suffix, else by the one rpms/<arch> its RPMs come from', () => {
  assert.equal(archOfKernel('6.1.0-57-arm64'), 'aarch64');
  assert.equal(archOfKernel('6.12.118+deb12-arm64'), 'aarch64');
  assert.equal(archOfKernel('5.14.0-570.el9.aarch64'), 'aarch64');
  assert.equal(archOfKernel('5.14.0-570.el9.x86_64', ['rpms/aarch64/a.rpm']), 'x86_64');
  assert.equal(archOfKernel('6.1.0-57-amd64'), 'x86_64');
  assert.equal(archOfKernel('6.6.0-custom', ['rpms/aarch64/a.rpm']), 'aarch64');
  assert.equal(archOfKernel('6.6.0-custom', ['rpms/aarch64/a.rpm', 'rpms/x86_64/b.rpm']), 'x86_64');
  assert.equal(archOfKernel('6.6.0-custom'), 'x86_64');
});

test('aarch64 boots on virt with a PL011 console; the CD-ROM is a SCSI CD on virtio-scsi (no IDE on virt)', () => {
  const args = qemuArgs({ qemu: 'q', vmlinuz: '/k', initramfs: '/i', disk: '/d.iso', attach: 'cdrom', arch: 'aarch64', kvm: false, memoryMiB: 1024, cpus: 2, timeoutMs: 1 });
  assert.deepEqual(args.slice(0, 4), ['-M', 'virt', '-cpu', 'cortex-a57']);
  assert.ok(args.includes('console=ttyAMA0 panic=-1 quiet'));
  assert.ok(!args.includes('-vga'));
  assert.deepEqual(driveArgs('/d/a,b.iso', 'cdrom', 'aarch64'), ['-drive', 'file=/d/a,,b.iso,format=raw,if=none,id=dud,media=cdrom,readonly=on', '-device', 'virtio-scsi-pci,id=scsi0', '-device', 'scsi-cd,bus=scsi0.0,drive=dud']);
  assert.deepEqual(driveArgs('/d/x.iso', 'virtio', 'aarch64'), ['-drive', 'file=/d/x.iso,format=raw,if=none,id=dud,readonly=on', '-device', 'virtio-blk-pci,drive=dud']);
  assert.deepEqual(ATTACH_MODULES.aarch64.cdrom, ['virtio_pci', 'virtio_scsi', 'sr_mod', 'isofs']);
  const x86 = qemuArgs({ qemu: 'q', vmlinuz: '/k', initramfs: '/i', disk: '/d.iso', attach: 'cdrom', arch: 'x86_64', kvm: false, memoryMiB: 1024, cpus: 2, timeoutMs: 1 });
  assert.ok(x86.includes('console=ttyS0 panic=-1 quiet'));
});

test('an arm64 Image or Image.gz is booted as is; an EFI zboot image or anything else is refused', () => {
  const dir = tempDir('arm-image');
  try {
    const file = (name: string, head: Buffer): string => {
      const p = join(dir, name);
      writeFileSync(p, Buffer.concat([head, Buffer.alloc(64)]));
      return p;
    };
    const image = Buffer.alloc(64);
    image.write('MZ', 0, 'latin1');
    image.write('ARMd', 0x38, 'latin1'); // arm64 Image header magic "ARM\x64"
    const zboot = Buffer.alloc(64);
    zboot.write('MZ', 0, 'latin1');
    zboot.write('zimg', 4, 'latin1');
    zboot.write('gzip\0', 24, 'latin1');
    const k = (vmlinuz: string) => ({ release: '6.1.0-57-arm64', arch: 'aarch64' as const, vmlinuz, moduleDir: dir, origin: 'cache' as const });
    assert.doesNotThrow(() => checkBootableImage(k(file('Image', image))));
    assert.doesNotThrow(() => checkBootableImage(k(file('Image.gz', Buffer.from([0x1f, 0x8b, 8, 0])))));
    assert.throws(() => checkBootableImage(k(file('zboot', zboot))), (e: unknown) => e instanceof UserError && /EFI zboot image \(gzip-compressed\)/.test(e.message));
    assert.throws(() => checkBootableImage(k(file('bzImage', Buffer.from('not an arm64 image')))), (e: unknown) => e instanceof UserError && /not an arm64 kernel Image/.test(e.message));
  } finally {
    removeDir(dir);
  }
});

test("the host's x86-64 busybox is refused for an aarch64 guest", { skip: needs(existsSync('/bin/busybox'), 'busybox-static') }, () => {
  assert.doesNotThrow(() => readStaticBusybox('/bin/busybox', 'x86_64'));
  assert.throws(() => readStaticBusybox('/bin/busybox', 'aarch64'), (e: unknown) => e instanceof UserError && /not a statically linked aarch64 busybox/.test(e.message));
});
