/**
 * `dudforge boot-test`: for each target kernel, boot its own image in QEMU with the driver disk
 * attached, let the guest do what the installer does, and judge the result from the guest's
 * /proc/modules. Every kernel image is found (or fetched) before the first boot, so bad input
 * fails fast with exit 2 and nothing booted.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConsole, relevantDmesg } from './console.js';
import { planDisk, type KernelPlan } from './disk-plan.js';
import { guestInit } from './guest-script.js';
import { buildInitramfs } from './initramfs.js';
import { checkBootableImage, findKernelImage, type KernelImage } from './kernel-image.js';
import { kernelsFromRpms } from './kernel-rpm.js';
import { ATTACH_MODULES, indexModuleTree, moduleClosure, type AttachMode } from './kernel-modules.js';
import { bootQemu } from './qemu.js';
import { findQemu } from './tools.js';
import { busyboxFor } from './foreign-busybox.js';
import { hostArch, type BootArch } from './arch.js';

export interface BootTestOptions {
  iso: string;
  /** Releases to boot; default: every kernel the disk has an RPM for. */
  kernels: string[];
  attach: AttachMode;
  kvm: boolean;
  cacheDir: string;
  download: boolean;
  timeoutSeconds: number;
  memoryMiB: number;
  cpus: number;
  /** Boots at once. */
  parallel: number;
  /** `--busybox PATH`: the static busybox for the guests of the architecture it is built for. */
  busybox?: string;
  /** RHEL kernel-core / kernel-modules RPMs (kernel-rpm.ts); their kernels are booted when no --kernel is given. */
  kernelRpms?: string[];
  signal?: AbortSignal;
  log?: (line: string) => void;
}

export interface ModuleOutcome {
  name: string;
  rpm: string;
  loaded: boolean;
  /** /proc/modules taint flags, e.g. OE (out-of-tree, unsigned). */
  flags: string;
  vermagic?: string;
  signer?: string;
  /** modprobe's complaint when it failed. */
  error?: string;
}

export interface KernelOutcome {
  release: string;
  arch: BootArch;
  /** KVM only for the host's architecture with --kvm; aarch64 on x86_64 is always TCG. */
  accel: 'tcg' | 'kvm';
  ok: boolean;
  /** Where the kernel image came from. */
  origin?: KernelImage['origin'];
  seconds: number;
  /** Why the boot did not prove a load (no RPM, timeout, no disk, wrong kernel…). */
  failure?: string;
  modules: ModuleOutcome[];
  /** The disk's device in the guest and how long the guest waited for it. */
  disk?: { device: string; waited: string };
  tainted?: number;
  dmesg: string[];
  /** The last console lines, when the boot failed before reporting. */
  consoleTail?: string[];
}

export interface BootTestReport {
  iso: string;
  attach: AttachMode;
  accel: 'tcg' | 'kvm';
  ok: boolean;
  /** `dudforge verify`'s findings about the disk. */
  diskProblems: string[];
  kernels: KernelOutcome[];
}

export async function runBootTest(opts: BootTestOptions): Promise<BootTestReport> {
  const scratch = opts.kernelRpms?.length ? mkdtempSync(join(tmpdir(), 'dudforge-kernel-rpm-')) : undefined;
  try {
    const fromRpms = scratch ? await kernelsFromRpms(opts.kernelRpms!, scratch) : [];
    const releases = opts.kernels.length ? opts.kernels : fromRpms.map((i) => i.release);
    const plan = await planDisk(opts.iso, releases);
    // Everything that can fail on bad input (QEMU, busybox, images, module trees) before the first boot.
    const qemu = new Map<BootArch, string>();
    const busybox = new Map<BootArch, Buffer>();
    for (const arch of new Set(plan.kernels.map((k) => k.arch))) {
      qemu.set(arch, findQemu(arch));
      busybox.set(arch, await busyboxFor(arch, { path: opts.busybox, cacheDir: opts.cacheDir, download: opts.download, log: opts.log }));
    }
    const prepared: PreparedBoot[] = [];
    for (const k of plan.kernels) {
      const fromRpm = fromRpms.find((i) => i.release === k.release);
      // An RPM's image is checked like a fetched one (Fedora's aarch64 vmlinuz may be EFI zboot).
      const image = (fromRpm && checkBootableImage({ ...fromRpm, arch: k.arch }))
        ?? (await findKernelImage(k.release, { cacheDir: opts.cacheDir, download: opts.download, log: opts.log, arch: k.arch }));
      prepared.push(await prepareBoot(k, image, busybox.get(k.arch)!, opts.attach));
    }
    const outcomes: KernelOutcome[] = new Array(plan.kernels.length);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < plan.kernels.length && !opts.signal?.aborted) {
        const i = next++;
        const o = await bootOne(prepared[i], qemu.get(prepared[i].plan.arch)!, opts);
        outcomes[i] = o;
        opts.log?.(`${o.ok ? 'loaded' : o.failure === 'cancelled' ? 'cancelled' : 'FAILED'}: ${o.release} in ${o.seconds.toFixed(1)} s`);
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(opts.parallel, plan.kernels.length)) }, worker));
    const kernels = outcomes.filter(Boolean);
    return {
      iso: opts.iso,
      attach: opts.attach,
      // aarch64 guests on an x86_64 host run under TCG even with --kvm (each kernel says which).
      accel: kernels.some((k) => k.accel === 'kvm') ? 'kvm' : 'tcg',
      ok: kernels.length === plan.kernels.length && kernels.length > 0 && kernels.every((k) => k.ok),
      diskProblems: plan.problems,
      kernels,
    };
  } finally {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  }
}

interface PreparedBoot {
  plan: KernelPlan;
  image: KernelImage;
  /** Why there is nothing to boot for this kernel. */
  nothing?: string;
  nonce: string;
  initramfs: Buffer;
}

async function prepareBoot(k: KernelPlan, image: KernelImage, busybox: Buffer, attach: AttachMode): Promise<PreparedBoot> {
  const nonce = randomBytes(6).toString('hex');
  const none = { plan: k, image, nonce, initramfs: Buffer.alloc(0) };
  if (!k.rpms.length) return { ...none, nothing: `no RPM on the disk Provides kernel-modules for ${k.release}: the installer would load nothing` };
  if (!k.modules.length) return { ...none, nothing: `the RPMs for ${k.release} carry no kernel module` };
  const tree = indexModuleTree(k.release, image.moduleDir);
  const storage = await moduleClosure(tree, ATTACH_MODULES[k.arch][attach]);
  const planned = new Set(k.modules.map((m) => m.name));
  const deps = await moduleClosure(tree, [...new Set(k.modules.flatMap((m) => m.depends))], new Set([...planned, ...storage.map((s) => s.name)]));
  const moduleRoot = `/lib/modules/${k.release}`;
  const init = guestInit({
    release: k.release,
    storageModules: storage.map((s) => `${moduleRoot}/${s.path}`),
    rpms: k.rpms,
    modules: [...planned],
    diskWaitSeconds: 30,
    nonce,
  });
  const initramfs = buildInitramfs({ busybox, init, files: [...storage, ...deps].map((m) => ({ path: `${moduleRoot}/${m.path}`, data: m.bytes })) });
  return { plan: k, image, nonce, initramfs };
}

async function bootOne(p: PreparedBoot, qemu: string, opts: BootTestOptions): Promise<KernelOutcome> {
  const { plan: k, image, nonce } = p;
  const kvm = opts.kvm && k.arch === hostArch();
  const base: KernelOutcome = { release: k.release, arch: k.arch, accel: kvm ? 'kvm' : 'tcg', ok: false, origin: image.origin, seconds: 0, modules: [], dmesg: [] };
  if (p.nothing) return { ...base, failure: p.nothing };
  const planned = new Set(k.modules.map((m) => m.name));
  const work = mkdtempSync(join(tmpdir(), 'dudforge-boot-'));
  try {
    const initrd = join(work, 'initramfs.cpio');
    writeFileSync(initrd, p.initramfs);
    opts.log?.(`booting ${k.release} (${k.arch}, ${kvm ? 'KVM' : 'TCG'}, disk as ${opts.attach}${k.arch === 'aarch64' && opts.attach === 'cdrom' ? ' on virtio-scsi' : ''})`);
    const boot = await bootQemu({
      qemu, vmlinuz: image.vmlinuz, initramfs: initrd, disk: opts.iso, attach: opts.attach, arch: k.arch, kvm,
      memoryMiB: opts.memoryMiB, cpus: opts.cpus, timeoutMs: opts.timeoutSeconds * 1000, signal: opts.signal,
    });
    const guest = parseConsole(boot.console, nonce);
    const modules = k.modules.map((m) => {
      const listed = guest.procModules.find((p) => p.name === m.name);
      const probe = guest.modprobe.find((p) => p.module === m.name);
      const o: ModuleOutcome = { name: m.name, rpm: m.rpm.split('/').pop()!, loaded: !!listed, flags: listed?.flags ?? '', vermagic: m.vermagic, signer: m.signer };
      if (probe && !probe.ok) o.error = probe.message;
      return o;
    });
    const failure = boot.cancelled ? 'cancelled'
      : guest.failures[0] ?? (boot.timedOut ? `no result within ${opts.timeoutSeconds} s (the guest was stopped)`
      : !guest.finished ? `QEMU exited (${boot.exitCode}) before the guest reported${boot.stderr.trim() ? `: ${boot.stderr.trim().split('\n')[0]}` : ''}`
      : undefined);
    const ok = !failure && modules.every((m) => m.loaded);
    return {
      ...base,
      ok,
      seconds: boot.ms / 1000,
      failure,
      modules,
      disk: guest.disk,
      tainted: guest.tainted,
      dmesg: relevantDmesg(guest.dmesg, [...planned]),
      ...(guest.finished ? {} : { consoleTail: boot.console.split(/\r?\n/).filter((l) => l.trim()).slice(-15) }),
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
