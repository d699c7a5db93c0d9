/** Shared by the signing tests: temp dirs, a real hello-world module built per kernel tree. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { discoverKernels } from '../../src/kernel/discover.js';
import type { KernelTree } from '../../src/kernel/tree.js';

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `dudforge-sign-${prefix}-`));
}

export function removeDir(dir: string | undefined): void {
  if (dir) rmSync(dir, { recursive: true, force: true });
}

/** Kernel trees here that can build modules and have their own scripts/sign-file. */
export function signingKernels(): (KernelTree & { release: string; signFile: string })[] {
  return discoverKernels().filter((t): t is KernelTree & { release: string; signFile: string } => t.usable && !!t.release && !!t.signFile && !t.cross);
}

const HELLO_C = `#include <linux/module.h>
#include <linux/init.h>
static int __init dudsign_init(void) { return 0; }
static void __exit dudsign_exit(void) { }
module_init(dudsign_init);
module_exit(dudsign_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("dudforge signing test module");
`;

/** Build dudsign.ko against `tree` in `dir` with the real Kbuild; returns the .ko path. */
export async function buildHelloModule(tree: KernelTree, dir: string): Promise<string> {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'dudsign.c'), HELLO_C);
  writeFileSync(join(dir, 'Kbuild'), 'obj-m := dudsign.o\n');
  const args = ['-C', tree.path, `M=${dir}`, '-j2', 'modules', ...(tree.llvm ? ['LLVM=1'] : [])];
  const run = await execa('make', args, { reject: false, all: true, detached: false, timeout: 240_000 });
  if (run.failed) throw new Error(`building the test module for ${tree.release} failed:\n${run.all}`);
  return join(dir, 'dudsign.ko');
}
