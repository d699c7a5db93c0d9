/**
 * MODULE_FIRMWARE declarations: read from a driver written by the test (literals, a `#define`
 * indirection, a prefix macro, one function-like macro we cannot evaluate), found in a firmware
 * tree made by the test (a plain file, a link as linux-firmware has them, an .xz copy), listed and
 * shipped by the real binary's `new --ship-declared-firmware`, and checked in the built kmod with rpm.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { declaredFirmware, locateFirmware } from '../../src/import/declared-firmware.js';
import { installedKernels, removeDir, runCli, sh, tempDir } from '../helpers/cli.js';
import { needs } from '../helpers/needs.js';

const kernels = installedKernels();

const DRIVER = `#include <linux/module.h>
#include "dfw.h"
#define FW_DIR "acme/"
#define FIRMWARE_B FW_DIR "dfw-b.bin"
#define DFW_FW(api) "acme/dfw-" __stringify(api) ".ucode"
static int __init dfw_init(void) { return 0; }
static void __exit dfw_exit(void) {}
module_init(dfw_init);
module_exit(dfw_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("declared firmware test");
MODULE_FIRMWARE(FIRMWARE_A);
MODULE_FIRMWARE(FIRMWARE_B);
MODULE_FIRMWARE("acme/dfw-c.bin");
MODULE_FIRMWARE("acme/dfw-missing.bin");
/* MODULE_FIRMWARE("acme/commented-out.bin"); */
MODULE_FIRMWARE(DFW_FW(7));
`;

describe('MODULE_FIRMWARE: declared, found, shipped', () => {
  let work: string;
  let driver: string;
  let fwTree: string;
  before(() => {
    work = tempDir('declared-fw');
    driver = join(work, 'dfw');
    fwTree = join(work, 'firmware');
    mkdirSync(driver);
    writeFileSync(join(driver, 'Makefile'), 'obj-m := dfw.o\n');
    writeFileSync(join(driver, 'dfw.c'), DRIVER);
    writeFileSync(join(driver, 'dfw.h'), '#define FIRMWARE_A "acme/dfw-a.bin"\n');
    mkdirSync(join(fwTree, 'acme'), { recursive: true });
    writeFileSync(join(fwTree, 'acme/dfw-a.bin'), 'firmware A\n');
    // linux-firmware's WHENCE links: the name the driver asks for is a link to the real file.
    writeFileSync(join(fwTree, 'acme/dfw-b-v2.bin'), 'firmware B\n');
    symlinkSync('dfw-b-v2.bin', join(fwTree, 'acme/dfw-b.bin'));
    writeFileSync(join(fwTree, 'acme/dfw-c.bin.xz'), 'not really xz\n');
  });
  after(() => removeDir(work));

  test('the declarations are read through #define indirections; a function-like macro is reported, not guessed', () => {
    const d = declaredFirmware(driver);
    assert.deepEqual(d.names, ['acme/dfw-a.bin', 'acme/dfw-b.bin', 'acme/dfw-c.bin', 'acme/dfw-missing.bin']);
    assert.deepEqual(d.unresolved, ['DFW_FW(7)']);
  });

  test('each is found in the tree (a link followed to its file, a compressed copy by its .xz name) or named missing', () => {
    const l = locateFirmware(declaredFirmware(driver).names, [join(work, 'nowhere'), fwTree]);
    assert.deepEqual(l.found.map((f) => [f.name, f.file]), [
      ['acme/dfw-a.bin', join(fwTree, 'acme/dfw-a.bin')],
      ['acme/dfw-b.bin', join(fwTree, 'acme/dfw-b-v2.bin')],
      ['acme/dfw-c.bin.xz', join(fwTree, 'acme/dfw-c.bin.xz')],
    ]);
    assert.deepEqual(l.missing, ['acme/dfw-missing.bin']);
  });

  test('new lists them and names the missing one; with --ship-declared-firmware the kmod ships and provides the found ones', { skip: needs(kernels.length >= 1, 'a kernel build tree') }, () => {
    const base = ['--yes', '--source', `dir:${driver}`, '--kernel', kernels[0].release, '--vendor', 'Example', '--version', '1.0', '--firmware-tree', fwTree];
    const listed = runCli(['new', join(work, 'p-list'), ...base]);
    assert.equal(listed.status, 0, listed.stderr);
    assert.match(listed.stderr, /MODULE_FIRMWARE: the driver declares 4 file\(s\); 3 found in .*, 1 missing/);
    assert.match(listed.stderr, /warning: firmware missing from .*: acme\/dfw-missing\.bin;/);
    assert.match(listed.stderr, /warning: MODULE_FIRMWARE: 1 declaration\(s\) could not be read as a string \(DFW_FW\(7\)\)/);
    assert.match(listed.stderr, /--ship-declared-firmware/);
    assert.equal(JSON.parse(readFileSync(join(work, 'p-list/dudforge.json'), 'utf8')).firmware, undefined);

    const project = join(work, 'p-ship');
    const shipped = runCli(['new', project, ...base, '--ship-declared-firmware']);
    assert.equal(shipped.status, 0, shipped.stderr);
    const b = runCli(['build', project, '--plain']);
    assert.equal(b.status, 0, b.stdout + b.stderr);
    const out = join(project, 'out');
    const rpm = join(out, readdirSync(out).find((f) => f.startsWith('kmod-dfw-') && f.endsWith('.x86_64.rpm'))!);
    const files = sh('rpm', ['-qlp', rpm]).stdout.split('\n');
    for (const f of ['/lib/firmware/acme/dfw-a.bin', '/lib/firmware/acme/dfw-b.bin', '/lib/firmware/acme/dfw-c.bin.xz']) assert.ok(files.includes(f), `${f} missing:\n${files.join('\n')}`);
    assert.ok(!files.some((f) => f.includes('missing')));
    const provides = sh('rpm', ['-qp', '--provides', rpm]).stdout;
    assert.match(provides, /^firmware\(acme\/dfw-b\.bin\)$/m);
    const x = join(work, 'x');
    mkdirSync(x);
    sh('sh', ['-c', `rpm2cpio '${rpm}' | cpio -idm --quiet`], { cwd: x });
    assert.equal(readFileSync(join(x, 'lib/firmware/acme/dfw-b.bin'), 'utf8'), 'firmware B\n');
    // What the built module declares (modinfo) is what new read from the sources.
    const ko = join(x, `lib/modules/${kernels[0].release}/extra/dfw/dfw.ko`);
    const fromModinfo = sh('modinfo', ['-F', 'firmware', ko]).stdout.trim().split('\n').sort();
    assert.deepEqual(fromModinfo, ['acme/dfw-7.ucode', ...declaredFirmware(driver).names].sort());
  });
});
