import { UserError } from '../errors.js';

/**
 * The RPM release of the kmod for one kernel: `<project release>.k<kernel release>` with every
 * character RPM does not allow in a release ('-' above all) turned into '_'.
 *
 * Why this form: one package name (`kmod-<name>`) per driver, as ddiskit and kmodtool do, needs
 * a release that differs per kernel so that the RPMs of one disk get distinct file names and
 * NEVRAs; keeping the whole `uname -r` (not a hash) makes it readable and makes rpmvercmp order
 * the kmods like their kernels (`1.k6.1.0_56_amd64` < `1.k6.12.117+deb12_amd64`). The `k`
 * separates the project's release from the kernel's so that `1` + `6.1` never reads as `16.1`.
 */
export function kmodRelease(projectRelease: string, kernelRelease: string): string {
  if (!/^[A-Za-z0-9._+~^]+$/.test(projectRelease)) {
    throw new UserError(
      `package.release "${projectRelease}" is not a valid RPM release`,
      "use letters, digits, '.', '_', '+' (no '-', no spaces), e.g. 1 or 2.el9",
    );
  }
  if (kernelRelease === '') throw new Error('kmodRelease: empty kernel release');
  return `${projectRelease}.k${kernelRelease.replace(/[^A-Za-z0-9._+]/g, '_')}`;
}
