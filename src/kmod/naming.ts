/**
 * Which package a kmod is, and what it needs from the installed system (docs/kmod-packages.md).
 *
 * The installer's second stage installs a loaded driver into the new system by the package
 * NAME of the RPM it loaded, and dnf takes the best EVR of that name whose Requires it can
 * satisfy. So the name and the kernel Requires together must leave dnf exactly one choice:
 *
 * - `exact` (one package per kernel, Fedora/RPM Fusion kmodtool): `kmod-<name>-<uname -r>`,
 *   `Requires: kernel-uname-r = <uname -r>`; the release is the project's own.
 * - `minimum` (one package per kABI stream, RHEL kmodtool + weak-modules): `kmod-<name>`,
 *   `Requires: kernel >= <version>-<release>` of the stream's base kernel (plus the kernel(sym)
 *   Requires when kABI Requires are on); the release carries the kernel (`1.k<uname -r>`) so
 *   that the kmods of two streams never share one NEVRA.
 */
import { RPMSENSE } from '../rpm/sense.js';
import type { RpmDependency } from '../rpm/types.js';
import { kmodRelease, checkProjectRelease } from './release.js';

export type KmodMatch = 'exact' | 'minimum';

/**
 * A kernel release as a part of an RPM name. rpm allows letters, digits and `. - _ + % { }` in a
 * NAME and refuses the sequence `..`; `%{}` would be macro syntax in a spec, so everything
 * outside `[A-Za-z0-9._+-]` becomes `_`, and the second dot of any `..` becomes `_`. Real
 * releases (`6.1.0-57-amd64`, `6.12.118+deb12-amd64`, `5.14.0-570.12.1.el9_6.x86_64`) pass
 * through unchanged, as kmodtool names them. The spec template applies the same rule in Lua.
 */
export function rpmNamePart(kernelRelease: string): string {
  if (kernelRelease === '') throw new Error('rpmNamePart: empty kernel release');
  let s = kernelRelease.replace(/[^A-Za-z0-9._+-]/g, '_');
  while (s.includes('..')) s = s.replace('..', '._');
  return s;
}

/** The kmod's package name: `kmod-<name>-<uname -r>` (exact) or `kmod-<name>` (minimum). */
export function kmodPackageName(name: string, kernelRelease: string, match: KmodMatch): string {
  return match === 'exact' ? `kmod-${name}-${rpmNamePart(kernelRelease)}` : `kmod-${name}`;
}

/** The kmod's RPM release: the project's (exact) or `<project release>.k<kernel>` (minimum). */
export function kmodPackageRelease(projectRelease: string, kernelRelease: string, match: KmodMatch): string {
  if (match === 'minimum') return kmodRelease(projectRelease, kernelRelease);
  checkProjectRelease(projectRelease);
  return projectRelease;
}

/**
 * `<version>-<release>` of the kernel package behind a `uname -r`: RHEL and Fedora kernels end
 * their release with `.<arch>` (`5.14.0-570.12.1.el9_6.x86_64` is kernel 5.14.0-570.12.1.el9_6);
 * a release without that suffix (Debian's `6.1.0-57-amd64`) is taken as it is.
 */
export function kernelVersionRelease(kernelRelease: string, arch: string): string {
  return kernelRelease.endsWith(`.${arch}`) ? kernelRelease.slice(0, -(arch.length + 1)) : kernelRelease;
}

/**
 * The Requires that bind a kmod to its kernel in the installed system: RHEL and Fedora
 * kernel-core provide `kernel-uname-r = <uname -r>` and `kernel = <version>-<release>`.
 */
export function kernelRequires(kernelRelease: string, arch: string, match: KmodMatch): RpmDependency {
  return match === 'exact'
    ? { name: 'kernel-uname-r', flags: RPMSENSE.EQUAL, version: kernelRelease }
    : { name: 'kernel', flags: RPMSENSE.GREATER | RPMSENSE.EQUAL, version: kernelVersionRelease(kernelRelease, arch) };
}
