/**
 * The pieces of a boot that need no QEMU: the initramfs as GNU cpio reads it, the guest script
 * as busybox's shell parses it, the console parser on interleaved output, the QEMU drive options.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseConsole, relevantDmesg, taintLetters } from '../../src/boot/console.js';
import { guestInit } from '../../src/boot/guest-script.js';
import { buildInitramfs } from '../../src/boot/initramfs.js';
import { driveArgs } from '../../src/boot/qemu.js';
import { removeDir, sh, tempDir } from '../helpers/cli.js';
import { needs } from '../helpers/needs.js';

const plan = { release: '6.1.0-57-amd64', storageModules: ['/lib/modules/6.1.0-57-amd64/kernel/drivers/ata/libata.ko'], rpms: ['rpms/x86_64/kmod-a-1-1.x86_64.rpm'], modules: ['a_b'], diskWaitSeconds: 5, nonce: 'abc123' };

test('GNU cpio reads the initramfs: /init and busybox executable, /dev/console a character device, modules in place', () => {
  const cpio = buildInitramfs({ busybox: Buffer.from('not really busybox'), init: guestInit(plan), files: [{ path: '/lib/modules/6.1.0-57-amd64/kernel/drivers/ata/libata.ko', data: Buffer.from('ko') }] });
  const dir = tempDir('initramfs');
  try {
    writeFileSync(join(dir, 'i.cpio'), cpio);
    const list = sh('cpio', ['-itv', '-F', join(dir, 'i.cpio')]);
    assert.equal(list.status, 0, list.stderr);
    assert.match(list.stdout, /^crw------- .* 5,\s+1 .* dev\/console$/m);
    assert.match(list.stdout, /^-rwxr-xr-x .* init$/m);
    assert.match(list.stdout, /^-rwxr-xr-x .* bin\/busybox$/m);
    assert.match(list.stdout, /^drwxr-xr-x .* lib\/modules\/6\.1\.0-57-amd64\/kernel\/drivers\/ata$/m);
    assert.match(list.stdout, /^-rw-r--r-- .* lib\/modules\/6\.1\.0-57-amd64\/kernel\/drivers\/ata\/libata\.ko$/m);
  } finally {
    removeDir(dir);
  }
});

test('busybox sh parses the guest script', { skip: needs(existsSync('/bin/busybox'), 'busybox-static') }, () => {
  const r = sh('/bin/busybox', ['sh', '-n', '-c', guestInit(plan)]);
  assert.equal(r.status, 0, r.stderr);
  assert.throws(() => guestInit({ ...plan, modules: ['a; reboot'] }), /unsafe word/);
});

test('the console parser reads markers of this run only, even after a kernel message on the same line', () => {
  const m = '@@DUD-abc123';
  const text = [
    'SeaBIOS noise', `${m} start`, `${m} uname 6.1.0-57-amd64`, `[    1.2] ata1: something${m} disk /dev/sr0 0.3 s`,
    `${m} unpacked rpms/x86_64/a.rpm`, '@@DUD-other fail spoofed', `${m} modprobe-fail a_b modprobe: can't load module a_b (extra/a/a_b.ko): Exec format error`,
    `${m} begin proc-modules`, 'a_b 12288 0 - Live 0xffffffffc03d0000 (OE)', 'sr_mod 28672 1 - Live 0xffffffffc03a9000', `${m} end proc-modules`,
    `${m} tainted 12288`, `${m} begin dmesg`, '[    9.1] a_b: loading out-of-tree module taints kernel.', '[    9.2] random: crng init done', `${m} end dmesg`, `${m} done`,
  ].join('\r\n');
  const r = parseConsole(text, 'abc123');
  assert.equal(r.uname, '6.1.0-57-amd64');
  assert.deepEqual(r.disk, { device: '/dev/sr0', waited: '0.3 s' });
  assert.deepEqual(r.unpacked, ['rpms/x86_64/a.rpm']);
  assert.deepEqual(r.failures, [], 'a marker with another nonce is ignored');
  assert.deepEqual(r.modprobe, [{ module: 'a_b', ok: false, message: "modprobe: can't load module a_b (extra/a/a_b.ko): Exec format error" }]);
  assert.deepEqual(r.procModules, [{ name: 'a_b', flags: 'OE' }, { name: 'sr_mod', flags: '' }]);
  assert.equal(r.tainted, 12288);
  assert.equal(taintLetters(12288), 'O E');
  assert.deepEqual(relevantDmesg(r.dmesg, ['a_b']), ['[    9.1] a_b: loading out-of-tree module taints kernel.']);
  assert.ok(r.finished);
  assert.equal(parseConsole(text.replace(`${m} done`, ''), 'abc123').finished, false);
});

test('QEMU drive options: IDE CD-ROM or virtio, commas in the path doubled', () => {
  assert.deepEqual(driveArgs('/d/a,b.iso', 'cdrom'), ['-drive', 'file=/d/a,,b.iso,media=cdrom,readonly=on']);
  assert.deepEqual(driveArgs('/d/x.iso', 'virtio'), ['-drive', 'file=/d/x.iso,format=raw,if=virtio,readonly=on']);
});
