/**
 * What each kernel gets from the disk, decided on the host before booting: the RPMs whose
 * `kernel-modules` Provides accepts the release (the installer's rule, as `dudforge verify`
 * applies it; never the package name), the modules they carry with their vermagic, signer and
 * `depends=` (kernel modules the initramfs must also hold). The guest checks `uname -r`
 * against the plan; the kernel itself judges the module when it is loaded.
 */
import { readIso } from '../iso/index.js';
import { readRpmPayload } from '../rpm/reader.js';
import { readKernelModule, modinfoValue } from '../elf/ko.js';
import { UserError } from '../errors.js';
import { readModuleBytes } from '../sign/verify-module.js';
import { verifyDisk } from '../verify/verify.js';
import { moduleNameOf } from './kernel-modules.js';
import { archOfKernel, BOOT_ARCHES, type BootArch } from './arch.js';


export interface PlannedModule {
  name: string;
  /** Path inside the RPM (/lib/modules/<release>/extra/…/x.ko). */
  path: string;
  rpm: string;
  vermagic?: string;
  signer?: string;
  /** Kernel modules it needs (modinfo depends=). */
  depends: string[];
}

export interface KernelPlan {
  release: string;
  /** The kernel's architecture (arch.ts): its RPMs come from rpms/<arch>/. */
  arch: BootArch;
  /** RPM paths on the disk (rpms/x86_64/…). */
  rpms: string[];
  modules: PlannedModule[];
}

export interface DiskPlan {
  /** What `dudforge verify` finds wrong with the disk (shown, never a reason not to boot). */
  problems: string[];
  kernels: KernelPlan[];
}

export async function planDisk(iso: string, releases: string[]): Promise<DiskPlan> {
  // The disk is judged for the kernels it was built for; the chosen kernels get their RPMs by
  // the same rule (a second pass only when the user picked kernels).
  const report = await verifyDisk(iso);
  const chosen = releases.length ? await verifyDisk(iso, { kernels: releases }) : report;
  if (!report.arches.some((a) => BOOT_ARCHES.includes(a as BootArch))) {
    throw new UserError(`${iso} has no rpms/${BOOT_ARCHES.join('/ or rpms/')}/ (arches: ${report.arches.join(', ') || 'none'})`, 'boot-test boots x86_64 and aarch64 kernels only');
  }
  const image = readIso(iso);
  // Each RPM's payload is read once, however many kernels accept it.
  const dependsByRpm = new Map<string, Map<string, string[]>>();
  const readDepends = async (file: string): Promise<Map<string, string[]>> => {
    const known = dependsByRpm.get(file);
    if (known) return known;
    const out = new Map<string, string[]>();
    const entry = image.entries.find((e) => e.path === file);
    for (const e of entry ? await readRpmPayload(entry.read()) : []) {
      if (!/\.ko(\.\w+)?$/.test(e.path)) continue;
      try {
        out.set(e.path, (modinfoValue(readKernelModule(await readModuleBytes(e.data), e.path), 'depends') ?? '').split(',').filter(Boolean));
      } catch {
        /* verify has reported an unreadable module; the guest will fail to load it */
      }
    }
    dependsByRpm.set(file, out);
    return out;
  };
  const kernels: KernelPlan[] = [];
  for (const k of chosen.kernels) {
    const arch = archOfKernel(k.release, k.accepted);
    const rpms = k.accepted.filter((f) => f.startsWith(`rpms/${arch}/`));
    const modules: PlannedModule[] = [];
    for (const file of rpms) {
      const deps = await readDepends(file);
      for (const m of report.rpms.find((r) => r.file === file)?.modules ?? []) {
        modules.push({ name: moduleNameOf(m.path), path: m.path, rpm: file, vermagic: m.vermagic, signer: m.signer, depends: deps.get(m.path) ?? [] });
      }
    }
    kernels.push({ release: k.release, arch, rpms, modules });
  }
  return { problems: report.problems, kernels };
}
