/**
 * Finding a bootable image of a target kernel and its own modules, without ever installing a
 * kernel package on this machine (postinst hooks, initramfs, bootloader):
 *   1. installed: /boot/vmlinuz-<release> with /lib/modules/<release>/kernel;
 *   2. the kernel cache (<cache>/<release>/), filled by an earlier run;
 *   3. Debian: `apt-get download linux-image-<release>`, unpacked with `dpkg-deb --fsys-tarfile`
 *      into the cache (only the image and the module folders the boot test uses).
 * RHEL kernels come as kernel-core / kernel-modules RPMs (`--kernel-rpm`, kernel-rpm.ts).
 * An arm64 kernel is fetched as `linux-image-<release>:arm64` (apt must know the architecture:
 * `dpkg --add-architecture arm64`; nothing is installed). Debian's arm64 vmlinuz (6.1, 6.12) is
 * a plain arm64 `Image`, which QEMU 7.2's -kernel boots as is (a gzipped Image too); an EFI
 * zboot image (CONFIG_EFI_ZBOOT, "zimg" at offset 4) is refused: QEMU 7.2 cannot boot it.
 */
import { accessSync, closeSync, constants, existsSync, openSync, readSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { UserError } from '../errors.js';
import { ATTACH_MODULE_DIRS } from './kernel-modules.js';
import { findOnPath } from './tools.js';
import { ARCH, archOfKernel, type BootArch } from './arch.js';

export interface KernelImage {
  release: string;
  arch: BootArch;
  /** The kernel image QEMU boots with -kernel. */
  vmlinuz: string;
  /** The kernel's module directory (holds kernel/ and modules.builtin). */
  moduleDir: string;
  /** Where it was found: installed, cache, downloaded, rpm. */
  origin: 'installed' | 'cache' | 'downloaded' | 'rpm';
}

/** `--kernel-cache`, else DUDFORGE_KERNEL_CACHE, else $XDG_CACHE_HOME (or ~/.cache)/dudforge/kernels. */
export function kernelCacheDir(flag?: string): string {
  if (flag) return flag;
  if (process.env.DUDFORGE_KERNEL_CACHE) return process.env.DUDFORGE_KERNEL_CACHE;
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'dudforge', 'kernels');
}

/** Kernel releases are file names here and arguments to apt-get: refuse anything else. */
export function checkRelease(release: string): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9._+~-]*$/.test(release)) {
    throw new UserError(`--kernel ${JSON.stringify(release)} is not a kernel release`, 'give a release as `uname -r` prints it, e.g. 6.1.0-57-amd64');
  }
}

function readable(path: string): boolean {
  try {
    accessSync(path, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}

/** A kernel laid out as <root>/boot/vmlinuz-<release> + <root>/lib/modules/<release>/kernel. */
function underRoot(root: string, release: string): { vmlinuz: string; moduleDir: string } | undefined {
  const vmlinuz = join(root, 'boot', `vmlinuz-${release}`);
  const moduleDir = join(root, 'lib', 'modules', release);
  return existsSync(vmlinuz) && existsSync(join(moduleDir, 'kernel')) ? { vmlinuz, moduleDir } : undefined;
}

export interface FindKernelOptions {
  cacheDir: string;
  /** Fetch a missing Debian kernel with apt-get download (default true). */
  download: boolean;
  /** Progress lines (downloads take seconds). */
  log?: (line: string) => void;
  /** Default: from the release (arch.ts). */
  arch?: BootArch;
}

/** Refuse an image QEMU's -kernel cannot boot for this architecture, before booting it. */
export function checkBootableImage(image: KernelImage): KernelImage {
  if (image.arch !== 'aarch64') return image;
  const head = Buffer.alloc(64);
  const fd = openSync(image.vmlinuz, 'r');
  try {
    readSync(fd, head, 0, 64, 0);
  } finally {
    closeSync(fd);
  }
  if (head.toString('latin1', 0, 2) === 'MZ' && head.toString('latin1', 4, 8) === 'zimg') {
    throw new UserError(`${image.vmlinuz} is an EFI zboot image (${head.toString('latin1', 24, 32).replace(/\0.*$/, '')}-compressed): QEMU 7.2's -kernel cannot boot it`, 'give the plain arm64 Image of the kernel (or its Image.gz)');
  }
  const plain = head.readUInt32LE(0x38) === 0x644d5241; // "ARM\x64", the arm64 Image header magic
  const gzip = head[0] === 0x1f && head[1] === 0x8b;
  if (!plain && !gzip) throw new UserError(`${image.vmlinuz} is not an arm64 kernel Image (no ARM\\x64 magic, not gzip)`, `check that ${image.release} is an aarch64 kernel`);
  return image;
}

export async function findKernelImage(release: string, opts: FindKernelOptions): Promise<KernelImage> {
  checkRelease(release);
  const arch = opts.arch ?? archOfKernel(release);
  return checkBootableImage(await locate(release, arch, opts));
}

async function locate(release: string, arch: BootArch, opts: FindKernelOptions): Promise<KernelImage> {
  const installed = underRoot('/', release);
  // Debian installs /boot/vmlinuz-* readable by root only: other users get a fetched copy.
  if (installed && readable(installed.vmlinuz)) return { release, arch, ...installed, origin: 'installed' };
  const cached = underRoot(join(opts.cacheDir, release), release);
  if (cached) return { release, arch, ...cached, origin: 'cache' };
  if (!opts.download) {
    throw new UserError(
      installed
        ? `${installed.vmlinuz} is not readable by this user, and ${join(opts.cacheDir, release)} holds no copy`
        : `no image of kernel ${release}: neither /boot/vmlinuz-${release} with /lib/modules/${release}/kernel nor ${join(opts.cacheDir, release)}`,
      'drop --no-download to fetch it with apt-get download, or give --kernel-rpm for a RHEL kernel',
    );
  }
  await downloadDebianKernel(release, arch, opts);
  const fetched = underRoot(join(opts.cacheDir, release), release);
  if (!fetched) throw new UserError(`linux-image-${release} has no boot/vmlinuz-${release} or lib/modules/${release}/kernel`, 'give a kernel image package of the usual Debian layout');
  return { release, arch, ...fetched, origin: 'downloaded' };
}

function requireTool(tool: string, pkg: string): void {
  if (!findOnPath(tool)) throw new UserError(`${tool} is not installed (needed to fetch a kernel image)`, `apt-get install ${pkg}, or give --kernel-rpm`);
}

/**
 * apt-get download + dpkg-deb into a private folder of the cache, then one rename: two runs at
 * once, or a run stopped half-way, never leave a half-extracted kernel where the next run looks.
 */
async function downloadDebianKernel(release: string, arch: BootArch, opts: FindKernelOptions): Promise<void> {
  requireTool('apt-get', 'apt');
  requireTool('dpkg-deb', 'dpkg');
  mkdirSync(opts.cacheDir, { recursive: true });
  const work = await mkdtemp(join(opts.cacheDir, `.tmp-${release}-`));
  try {
    // A foreign architecture's package needs its qualifier (apt picks the host's otherwise).
    const pkg = `linux-image-${release}${arch === 'aarch64' ? `:${ARCH[arch].debian}` : ''}`;
    opts.log?.(`fetching ${pkg} with apt-get download (once; cached in ${opts.cacheDir})`);
    const dl = await execa('apt-get', ['download', pkg], { cwd: work, reject: false, all: true });
    const deb = dl.exitCode === 0 ? readdirSync(work).find((f) => f.endsWith('.deb')) : undefined;
    if (!deb) {
      throw new UserError(
        `apt-get download ${pkg} failed: ${(dl.all ?? '').split('\n').filter((l) => /^E:/.test(l)).join(' ') || `exit ${dl.exitCode}`}`,
        `check the release, run apt-get update, or for a RHEL kernel give --kernel-rpm`,
      );
    }
    const root = join(work, 'root');
    mkdirSync(root);
    // Only what a boot needs: the image, the module lists and the folders of the storage modules.
    const members = [`./boot/vmlinuz-${release}`, `./lib/modules/${release}/modules.*`, ...ATTACH_MODULE_DIRS.map((d) => `./lib/modules/${release}/kernel/${d}`)];
    const x = await execa('sh', ['-c', 'dpkg-deb --fsys-tarfile "$0" | tar -x -C "$1" --wildcards --no-wildcards-match-slash "$@" 2>&1; exit 0', join(work, deb), root, ...members], { reject: false });
    if (!existsSync(join(root, 'boot', `vmlinuz-${release}`))) {
      throw new UserError(`${deb} could not be unpacked: ${x.stdout || x.stderr}`, 'check free space in the kernel cache');
    }
    const target = join(opts.cacheDir, release);
    rmSync(join(work, deb), { force: true });
    try {
      renameSync(root, target);
    } catch (err) {
      // Another run put the same kernel there first: theirs is as good as ours.
      if (!underRoot(target, release)) throw err;
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
