/**
 * Copies of an installed kernel build tree, for benches and cache tests that need more kernels
 * (or a changed tree identity) than this machine has. Debian's per-flavour header directory is
 * small (.config, Module.symvers, include/generated, arch/…/include, a Makefile that includes
 * the shared -common tree, and relative symlinks to the kbuild scripts): the copy keeps all of
 * it and makes the symlinks absolute, so Kbuild builds against it exactly as against the
 * original. A copy may carry another kernel release (its modules then say so in their vermagic)
 * or a changed Module.symvers.
 */
import { cpSync, existsSync, lstatSync, readdirSync, readFileSync, readlinkSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export interface TreeCopyOptions {
  /** Give the copy this kernel release (UTS_RELEASE, and kernel.release when it held the old one). */
  release?: string;
}

/** Copy the build tree `tree` to `dest` (which must not exist) and return dest. */
export function copyBuildTree(tree: string, dest: string, opts: TreeCopyOptions = {}): string {
  const src = realpathSync(tree);
  if (existsSync(dest)) throw new Error(`${dest} exists`);
  cpSync(src, dest, { recursive: true, verbatimSymlinks: true });
  // Top-level relative symlinks (scripts -> ../../lib/linux-kbuild-X/scripts) would dangle.
  for (const name of readdirSync(dest)) {
    const p = join(dest, name);
    if (!lstatSync(p).isSymbolicLink()) continue;
    const target = readlinkSync(p);
    if (target.startsWith('/')) continue;
    rmSync(p);
    symlinkSync(resolve(dirname(join(src, name)), target), p);
  }
  if (opts.release) {
    const uts = join(dest, 'include/generated/utsrelease.h');
    const old = /#define\s+UTS_RELEASE\s+"([^"]+)"/.exec(readFileSync(uts, 'utf8'))?.[1];
    writeFileSync(uts, `#define UTS_RELEASE "${opts.release}"\n`);
    const rel = join(dest, 'include/config/kernel.release');
    if (existsSync(rel) && readFileSync(rel, 'utf8').trim() === old) writeFileSync(rel, `${opts.release}\n`);
  }
  return dest;
}
