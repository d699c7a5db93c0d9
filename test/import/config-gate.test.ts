/**
 * A module switched on by a CONFIG_ symbol only the driver's outer Makefile sets (for its own
 * `$(MAKE) -C $(KDIR) M=…` call): Kbuild run directly leaves it out. `new` says which symbol gates
 * which module (or subdirectory) on each kernel and which --config builds it; the real build
 * proves both sides: without the flag no .ko, with it the kmod.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { installedKernels, removeDir, runCli, sh, tempDir } from '../helpers/cli.js';
import { needs } from '../helpers/needs.js';

const kernels = installedKernels();
const source = (name: string) =>
  `#include <linux/module.h>\nstatic int __init ${name}_init(void) { return 0; }\nstatic void __exit ${name}_exit(void) {}\nmodule_init(${name}_init);\nmodule_exit(${name}_exit);\nMODULE_LICENSE("GPL");\nMODULE_DESCRIPTION("${name}");\n`;
const OUTER = 'ifneq ($(KERNELRELEASE),)\nobj-$(CONFIG_DFG) += dfg.o\nelse\nKDIR ?= /lib/modules/$(shell uname -r)/build\nCONFIG_DFG ?= m\nexport CONFIG_DFG\nall:\n\t$(MAKE) -C $(KDIR) M=$(CURDIR) modules\nendif\n';

describe('config-gated modules', { skip: needs(kernels.length >= 1, 'a kernel build tree') }, () => {
  let work: string;
  let driver: string;
  const esc = (s: string) => s.replace(/[.+]/g, '\\$&');
  const base = (dir: string) => ['new', dir, '--yes', '--source', `dir:${driver}`, '--kernel', kernels[0].release, '--vendor', 'Example', '--version', '1.0'];
  before(() => {
    work = tempDir('gate');
    driver = join(work, 'dfg');
    mkdirSync(driver);
    writeFileSync(join(driver, 'Makefile'), OUTER);
    writeFileSync(join(driver, 'dfg.c'), source('dfg'));
  });
  after(() => removeDir(work));

  test('new names the symbol, the outer Makefile that sets it and the --config; the build indeed makes no .ko', () => {
    const project = join(work, 'plain');
    const r = runCli(base(project));
    assert.equal(r.status, 0, r.stderr);
    const k = esc(kernels[0].release);
    assert.match(r.stderr, new RegExp(`^warning: ${k}: dfg: CONFIG_DFG is not set in this kernel's config \\(the driver's own Makefile sets CONFIG_DFG=m for its make call; dudforge runs Kbuild directly\\), so it is not built; --config CONFIG_DFG=m builds it$`, 'm'));
    assert.match(r.stderr, new RegExp(`^warning: ${k}: no module of the driver is enabled, so the build would compile and report "built no \\.ko"; give --config CONFIG_DFG=m$`, 'm'));
    const b = runCli(['build', project, '--plain']);
    assert.notEqual(b.status, 0);
    assert.match(b.stdout + b.stderr, /built no \.ko/);
  });

  test('with --config CONFIG_DFG=m new is quiet about it and the kmod holds dfg.ko', () => {
    const project = join(work, 'gated-on');
    const r = runCli([...base(project), '--config', 'CONFIG_DFG=m']);
    assert.equal(r.status, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /CONFIG_DFG/);
    const b = runCli(['build', project, '--plain']);
    assert.equal(b.status, 0, b.stdout + b.stderr);
    const out = join(project, 'out');
    const rpm = join(out, readdirSync(out).find((f) => f.startsWith('kmod-dfg-') && f.endsWith('.x86_64.rpm'))!);
    assert.match(sh('rpm', ['-qlp', rpm]).stdout, new RegExp(`^/lib/modules/${esc(kernels[0].release)}/extra/dfg/dfg\\.ko$`, 'm'));
  });

  test('a gated subdirectory is named with its symbol', () => {
    const d = join(work, 'dfsub');
    mkdirSync(join(d, 'sub'), { recursive: true });
    writeFileSync(join(d, 'Makefile'), 'obj-m += dfcore.o\nobj-$(CONFIG_DFSUB) += sub/\n');
    writeFileSync(join(d, 'dfcore.c'), source('dfcore'));
    writeFileSync(join(d, 'sub/Makefile'), 'obj-m += dfs.o\n');
    writeFileSync(join(d, 'sub/dfs.c'), source('dfs'));
    const r = runCli(['new', join(work, 'p-sub'), '--yes', '--source', `dir:${d}`, '--kernel', kernels[0].release, '--vendor', 'Example', '--version', '1.0']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /warning: .*: the subdirectory sub\/? is gated by CONFIG_DFSUB, which neither this kernel's config nor --config sets: its modules are not built; --config CONFIG_DFSUB=m builds them/);
  });
});
