import { UserError } from '../errors.js';

/** Refuse a project release rpm would refuse (or that would split the kmod's EVR). */
export function checkProjectRelease(projectRelease: string): void {
  if (!/^[A-Za-z0-9._+~^]+$/.test(projectRelease)) {
    throw new UserError(
      `package.release "${projectRelease}" is not a valid RPM release`,
      "use letters, digits, '.', '_', '+' (no '-', no spaces), e.g. 1 or 2.el9",
    );
  }
}

/**
 * The RPM release of a `minimum` (kABI stream) kmod: `<project release>.k<kernel release>` with every
 * character RPM does not allow in a release ('-' above all) turned into '_'.
 *
 * Why this form: a `minimum` kmod is named `kmod-<name>` whatever its kernel (RHEL kmodtool), so
 * the release tells the kmods of two kABI streams apart (distinct NEVRAs and file names); keeping
 * the whole `uname -r` (not a hash) makes it readable and makes rpmvercmp order the kmods like
 * their kernels (`1.k6.1.0_56_amd64` < `1.k6.12.117+deb12_amd64`). The `k`
 * separates the project's release from the kernel's so that `1` + `6.1` never reads as `16.1`.
 */
export function kmodRelease(projectRelease: string, kernelRelease: string): string {
  checkProjectRelease(projectRelease);
  if (kernelRelease === '') throw new Error('kmodRelease: empty kernel release');
  return `${projectRelease}.k${kernelRelease.replace(/[^A-Za-z0-9._+]/g, '_')}`;
}
