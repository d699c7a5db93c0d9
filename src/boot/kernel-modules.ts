/**
 * A target kernel's own modules: which ones the boot test's initramfs needs to reach the disk
 * (storage driver, CD-ROM, iso9660) and to satisfy the driver's `depends=`, in load order.
 *
 * Dependencies come from each module's `.modinfo` `depends=` (written by modpost, the same
 * graph depmod writes to modules.dep), because a kernel package extracted without its postinst
 * (Debian's linux-image .deb) has no modules.dep. Modules are decompressed on the host: the
 * guest's busybox insmod/modprobe read plain `.ko` only.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { modinfoValue, readKernelModule } from '../elf/ko.js';
import { UserError } from '../errors.js';
import { readModuleBytes } from '../sign/verify-module.js';
import type { BootArch } from './arch.js';

/** How the disk is attached to the guest, as a user attaches it. */
export type AttachMode = 'cdrom' | 'virtio';
export const ATTACH_MODES: AttachMode[] = ['cdrom', 'virtio'];

/**
 * The modules each attachment needs before `LABEL=OEMDRV` can be found and mounted, per
 * architecture. On QEMU's `pc` machine (x86_64) a CD-ROM is IDE behind the PIIX controller:
 * ata_piix (libata, scsi_mod), sr_mod (cdrom) for /dev/sr0. On the aarch64 `virt` board there is
 * no IDE: a CD-ROM is a SCSI CD behind virtio-scsi (virtio_pci, virtio_scsi, sr_mod). A virtio
 * disk needs virtio_pci and virtio_blk on both. Each kernel builds some of these in (6.12:
 * virtio, virtio_pci on arm64); those are skipped.
 */
export const ATTACH_MODULES: Record<BootArch, Record<AttachMode, string[]>> = {
  x86_64: {
    cdrom: ['ata_piix', 'sr_mod', 'isofs'],
    virtio: ['virtio_pci', 'virtio_blk', 'isofs'],
  },
  aarch64: {
    cdrom: ['virtio_pci', 'virtio_scsi', 'sr_mod', 'isofs'],
    virtio: ['virtio_pci', 'virtio_blk', 'isofs'],
  },
};

/** Where those modules live in a kernel's tree (what a kernel package extraction keeps). */
export const ATTACH_MODULE_DIRS = ['drivers/ata', 'drivers/scsi', 'drivers/cdrom', 'drivers/block', 'drivers/virtio', 'fs/isofs', 'lib'];

const MODULE_FILE = /\.ko(\.xz|\.gz|\.zst)?$/;

/** The kernel's name for a module file: basename without `.ko*`, `-` read as `_`. */
export function moduleNameOf(path: string): string {
  return basename(path).replace(MODULE_FILE, '').replace(/-/g, '_');
}

export interface ModuleTree {
  release: string;
  /** /lib/modules/<release> (or its copy in the kernel cache). */
  dir: string;
  /** Module name → path relative to `dir` (kernel/drivers/ata/ata_piix.ko.xz). */
  files: Map<string, string>;
  /** Names of modules built into the kernel (modules.builtin). */
  builtin: Set<string>;
}

function walk(dir: string, out: string[]): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) walk(full, out);
    else if (MODULE_FILE.test(entry.name)) out.push(full);
  }
}

/** Index `<dir>/kernel` and read `<dir>/modules.builtin`. */
export function indexModuleTree(release: string, dir: string): ModuleTree {
  const kernelDir = join(dir, 'kernel');
  if (!existsSync(kernelDir)) {
    throw new UserError(`${kernelDir} does not exist: no modules for kernel ${release}`, 'the kernel image needs its own modules (linux-image package) next to it');
  }
  const paths: string[] = [];
  walk(kernelDir, paths);
  const files = new Map<string, string>();
  for (const p of paths.sort()) files.set(moduleNameOf(p), relative(dir, p));
  const builtinFile = join(dir, 'modules.builtin');
  const builtin = new Set(
    existsSync(builtinFile)
      ? readFileSync(builtinFile, 'utf8').split('\n').filter(Boolean).map(moduleNameOf)
      : [],
  );
  return { release, dir, files, builtin };
}

export interface TreeModule {
  name: string;
  /** Path relative to the module tree, with the compression suffix removed (kernel/…/x.ko). */
  path: string;
  /** Decompressed module bytes. */
  bytes: Buffer;
}

/**
 * The modules `roots` need from the kernel's tree, dependencies first (a valid insmod order).
 * Built-in modules are skipped; `skip` names modules that come from elsewhere (the driver disk).
 * A root or dependency that is neither built in nor in the tree is a UserError naming it.
 */
export async function moduleClosure(tree: ModuleTree, roots: string[], skip: Set<string> = new Set()): Promise<TreeModule[]> {
  const ordered: TreeModule[] = [];
  const seen = new Set<string>();
  const visit = async (raw: string, wantedBy: string): Promise<void> => {
    const name = raw.replace(/-/g, '_');
    if (seen.has(name) || tree.builtin.has(name) || skip.has(name)) return;
    seen.add(name);
    const rel = tree.files.get(name);
    if (!rel) {
      throw new UserError(
        `kernel ${tree.release} has no module ${name} (needed by ${wantedBy}) in ${join(tree.dir, 'kernel')}, and it is not built in`,
        'the module tree is incomplete: delete the kernel cache directory to fetch it again, or give a complete kernel',
      );
    }
    const bytes = await readModuleBytes(join(tree.dir, rel));
    const depends = modinfoValue(readKernelModule(bytes, rel), 'depends') ?? '';
    for (const dep of depends.split(',').filter(Boolean)) await visit(dep, name);
    ordered.push({ name, path: rel.replace(/\.(xz|gz|zst)$/, ''), bytes });
  };
  for (const r of roots) await visit(r, 'the boot test');
  return ordered;
}
