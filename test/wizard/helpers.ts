/** Shared fixtures for the wizard tests: a driver tree written from text, real kernel trees. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { discoverKernels } from '../../src/kernel/discover.js';
import type { KernelChoice } from '../../src/wizard/state.js';

export function tempDir(prefix = 'dudforge-wizard-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A small "kernel source tree": drivers/net/foo (module foo from two files), drivers/misc (no module). */
export function writeDriverTree(root: string): void {
  const foo = join(root, 'drivers', 'net', 'foo');
  mkdirSync(foo, { recursive: true });
  mkdirSync(join(root, 'drivers', 'misc'), { recursive: true });
  mkdirSync(join(root, 'Documentation'), { recursive: true });
  writeFileSync(join(root, 'Makefile'), 'obj-y += drivers/\n');
  writeFileSync(join(root, 'Documentation', 'README'), 'docs\n');
  writeFileSync(join(root, 'drivers', 'Makefile'), 'obj-y += net/\n');
  writeFileSync(join(root, 'drivers', 'misc', 'Makefile'), '# nothing here\n');
  writeFileSync(join(foo, 'Makefile'), 'obj-m += foo.o\nfoo-y := foo_main.o foo_util.o\n');
  writeFileSync(
    join(foo, 'foo_main.c'),
    '#include <linux/module.h>\nMODULE_LICENSE("GPL");\nMODULE_DESCRIPTION("Foo network driver");\nMODULE_VERSION("2.1");\n',
  );
  writeFileSync(join(foo, 'foo_util.c'), 'int foo_util(void) { return 0; }\n');
}

/**
 * A kernel-tree-shaped source whose drivers/net/acme builds four modules: acme_core (declaring
 * firmware acme/core.bin and acme/missing.bin), acme_extra, dummy (CONFIG_DUMMY: the kernel ships
 * its own) and acme_gated (CONFIG_ACME_GATED, set only by the outer Makefile). Returns the directory.
 */
export function writeMultiModuleTree(root: string): string {
  const dir = join(root, 'drivers', 'net', 'acme');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(root, 'Makefile'), 'obj-y += drivers/\n');
  // The outer Makefile sets CONFIG_ACME_GATED for its own make call; Kbuild with M= never sees it.
  writeFileSync(
    join(dir, 'Makefile'),
    'ifneq ($(KERNELRELEASE),)\nobj-m += acme_core.o\nobj-m += acme_extra.o\nobj-$(CONFIG_DUMMY) += dummy.o\nobj-$(CONFIG_ACME_GATED) += acme_gated.o\nelse\nCONFIG_ACME_GATED ?= m\nexport CONFIG_ACME_GATED\nendif\n',
  );
  for (const m of ['acme_core', 'acme_extra', 'dummy', 'acme_gated']) {
    const fw = m === 'acme_core' ? '#define ACME_FW "acme/core.bin"\nMODULE_FIRMWARE(ACME_FW);\nMODULE_FIRMWARE("acme/missing.bin");\n' : '';
    writeFileSync(join(dir, `${m}.c`), `#include <linux/module.h>\nstatic int __init ${m}_init(void) { return 0; }\nstatic void __exit ${m}_exit(void) {}\nmodule_init(${m}_init);\nmodule_exit(${m}_exit);\nMODULE_LICENSE("GPL");\nMODULE_DESCRIPTION("${m}");\nMODULE_VERSION("1.2");\n${fw}`);
  }
  return dir;
}

/** A standalone out-of-tree module directory. */
export function writeModuleDir(dir: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'Makefile'), 'obj-m += bar.o\n');
  writeFileSync(join(dir, 'bar.c'), '#include <linux/module.h>\nMODULE_LICENSE("GPL v2");\nMODULE_DESCRIPTION("Bar demo");\nMODULE_VERSION("1.0");\n');
}

/** The host's own kernel build trees (the ones step 5 selects by default). */
export function installedKernels(): KernelChoice[] {
  return detectedTrees().filter((t) => !t.foreign);
}

/** Every build tree step 5 lists: the host's, and other architectures' (fetched, unselected). */
export function detectedTrees(): KernelChoice[] {
  return discoverKernels().map((t) => ({
    ...(t.cross ? { foreign: true } : {}),
    path: t.foundVia[0] ?? t.path,
    release: t.release,
    arch: t.arch,
    usable: t.usable,
    reason: t.reason,
    hasSymvers: t.hasSymvers,
    signFile: t.signFile,
  }));
}
