/**
 * RHEL/Fedora kernels come as RPMs: kernel-core carries the image at
 * /lib/modules/<release>/vmlinuz (RHEL 8+, Fedora) with modules.builtin and the core modules,
 * kernel-modules-core / kernel-modules the rest. They are read with dudforge's own RPM reader
 * and laid out in a scratch folder the way an installed kernel is (boot/vmlinuz-<release>,
 * lib/modules/<release>/…); the caller removes the folder after the boots.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { UserError } from '../errors.js';
import { readRpm, readRpmPayload } from '../rpm/reader.js';
import type { KernelImage } from './kernel-image.js';
import { archOfKernel } from './arch.js';

const KERNEL_FILE = /^(?:\/usr)?\/lib\/modules\/([^/]+)\/(vmlinuz|modules\.builtin|kernel\/.+\.ko(?:\.xz|\.gz|\.zst)?)$/;
const S_IFMT = 0o170000;
const S_IFREG = 0o100000;

export async function kernelsFromRpms(files: string[], scratch: string): Promise<KernelImage[]> {
  const releases = new Set<string>();
  for (const file of files) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(file);
      readRpm(bytes);
    } catch (err) {
      throw new UserError(`--kernel-rpm ${file} is not a readable RPM: ${(err as Error).message}`, 'give the kernel-core (and kernel-modules-core / kernel-modules) RPM of the target kernel');
    }
    let found = 0;
    for (const e of await readRpmPayload(bytes)) {
      const m = KERNEL_FILE.exec(e.path);
      if (!m || (e.mode & S_IFMT) !== S_IFREG) continue;
      const [, release, rel] = m;
      const target = rel === 'vmlinuz' ? join(scratch, 'boot', `vmlinuz-${release}`) : join(scratch, 'lib', 'modules', release, rel);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, e.data);
      releases.add(release);
      found++;
    }
    if (!found) throw new UserError(`--kernel-rpm ${file} holds no kernel image or module under /lib/modules/<release>/`, 'give the kernel-core RPM (and kernel-modules-core / kernel-modules)');
  }
  const images: KernelImage[] = [];
  for (const release of [...releases].sort()) {
    const vmlinuz = join(scratch, 'boot', `vmlinuz-${release}`);
    if (!existsSync(vmlinuz)) throw new UserError(`no /lib/modules/${release}/vmlinuz in the --kernel-rpm files`, `add the kernel-core RPM of ${release}`);
    images.push({ release, arch: archOfKernel(release), vmlinuz, moduleDir: join(scratch, 'lib', 'modules', release), origin: 'rpm' });
  }
  return images;
}
