import { moduleNameOf } from './module-imports.js';

export interface DepmodConfOptions {
  /** Driver name: the modules live in /lib/modules/<kver>/extra/<pkgName>/. */
  pkgName: string;
  /** Module file names or names (`foo.ko`, `foo`). */
  modules: string[];
  /** The kernel the package was built for. Part of the contract, deliberately not written into the file (see below). */
  kernelRelease: string;
}

/**
 * `/etc/depmod.d/<name>.conf`: for each module, an `override` that makes depmod pick our copy
 * over a same-named in-tree module.
 *
 * - `override <mod> * extra/<name>`: where this package installs the module for its own kernel.
 *   kmod already searches `extra` before the in-tree `kernel/` tree, so this line mostly pins
 *   the choice against another package's copy in `updates/`.
 * - `override <mod> * weak-updates/<name>`: where RHEL's weak-modules links the module into
 *   other kABI-compatible kernels; without it the in-tree module of those kernels would win
 *   (kmod's order is `updates extra built-in weak-updates`). ddiskit writes this line.
 *
 * The kernel version field is `*` on purpose: depmod matches it with fnmatch against the kernel
 * being indexed, and the file is shared by the kmods of one driver built for several kernels. If
 * the text differed per kernel, two of them could not be installed side by side (rpm reports a
 * file conflict on /etc/depmod.d/<name>.conf). Overrides for a module that is absent from a
 * kernel's tree are ignored by depmod, so `*` is harmless for kernels without our modules.
 */
export function depmodConf(opts: DepmodConfOptions): string {
  const names = [...new Set(opts.modules.map(moduleNameOf))].sort();
  const lines = [`# kmod-${opts.pkgName}: prefer this package's modules over in-tree ones (written by dudforge)`];
  for (const mod of names) {
    lines.push(`override ${mod} * extra/${opts.pkgName}`);
    lines.push(`override ${mod} * weak-updates/${opts.pkgName}`);
  }
  return lines.join('\n') + '\n';
}
