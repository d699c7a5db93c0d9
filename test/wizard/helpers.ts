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
