/**
 * Shared by the Kbuild tests: the installed kernels, and a build copy of the sample driver
 * with the compat header a probe run would write, decided here by reading the kernel's own
 * headers (not by its version number).
 */
import { cpSync, existsSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { discoverKernels } from '../../src/kernel/discover.js';
import type { KernelTree } from '../../src/kernel/tree.js';
import { assetsDir } from '../../src/paths.js';

export function usableKernels(): KernelTree[] {
  const trees = discoverKernels().filter((t) => t.usable && !t.cross);
  if (trees.length === 0) throw new Error('no usable kernel build tree here: install linux-headers (see .ci/run)');
  return trees;
}

/**
 * A header of the kernel's source half. Debian splits a build tree into `<release>` (config,
 * generated files) and `-common` (the headers), joined by the tree's one-line Makefile
 * `include <common>/Makefile` and by /lib/modules/<release>/source.
 */
export function kernelHeader(tree: KernelTree, relPath: string): string {
  const candidates = [tree.path];
  const makefile = readFileSync(join(tree.path, 'Makefile'), 'utf8');
  const inc = /^include\s+(\S+)\/Makefile\s*$/m.exec(makefile);
  if (inc) candidates.push(inc[1]);
  if (tree.release && existsSync(`/lib/modules/${tree.release}/source`)) candidates.push(realpathSync(`/lib/modules/${tree.release}/source`));
  for (const dir of candidates) {
    const p = join(dir, relPath);
    if (existsSync(p)) return readFileSync(p, 'utf8');
  }
  throw new Error(`${relPath} not found for ${tree.path}`);
}

/** The defines dudforge.probes will produce, read from the kernel's headers. */
export function compatDefines(tree: KernelTree): string[] {
  const classH = kernelHeader(tree, 'include/linux/device/class.h');
  const stringH = kernelHeader(tree, 'include/linux/string.h');
  const defines: string[] = [];
  if (/\bclass_create\(const char \*name\)/.test(classH)) defines.push('HAVE_1_ARG_CLASS_CREATE');
  if (/#define class_create\(owner, name\)/.test(classH)) defines.push('HAVE_2_ARG_CLASS_CREATE');
  if (/\bsize_t strlcpy\(/.test(stringH)) defines.push('HAVE_STRLCPY');
  return defines;
}

/** Copy assets/sample-driver to `dest` and write its dudforge-compat.h for `tree`. */
export function sampleDriverCopy(tree: KernelTree, dest: string): string {
  cpSync(join(assetsDir, 'sample-driver'), dest, { recursive: true });
  const header = ['/* written by the test, as the probe engine would */', ...compatDefines(tree).map((d) => `#define ${d} 1`), ''];
  writeFileSync(join(dest, 'dudforge-compat.h'), header.join('\n'));
  return dest;
}

