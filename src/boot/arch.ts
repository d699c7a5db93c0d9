/**
 * The two architectures boot-test boots and what differs between them: the QEMU binary and its
 * Debian package, the machine, the serial console, the ELF machine of busybox and of the
 * kernel's modules, and Debian's name for the architecture (apt-get's `:arm64` qualifier).
 *
 * aarch64 runs under TCG on QEMU's `virt` board: no IDE there, so a CD-ROM is a SCSI CD behind
 * virtio-scsi (how a CD is given to an ARM server VM), and the PL011 UART is ttyAMA0.
 */
export type BootArch = 'x86_64' | 'aarch64';
export const BOOT_ARCHES: BootArch[] = ['x86_64', 'aarch64'];

export interface ArchFacts {
  qemu: string;
  qemuPackage: string;
  /** Debian's architecture name (apt-get download PKG:<debian>). */
  debian: string;
  /** ELF e_machine of its executables and modules. */
  elfMachine: number;
  console: string;
  /** Machine and CPU options before the common ones. */
  machine: string[];
}

export const ARCH: Record<BootArch, ArchFacts> = {
  x86_64: { qemu: 'qemu-system-x86_64', qemuPackage: 'qemu-system-x86', debian: 'amd64', elfMachine: 62, console: 'ttyS0', machine: ['-vga', 'none'] },
  // cortex-a57: `-cpu max` emulates pointer authentication, which makes TCG markedly slower.
  aarch64: { qemu: 'qemu-system-aarch64', qemuPackage: 'qemu-system-arm', debian: 'arm64', elfMachine: 183, console: 'ttyAMA0', machine: ['-M', 'virt', '-cpu', 'cortex-a57'] },
};

/** The host's architecture in the same names (KVM only boots those). */
export function hostArch(): BootArch | undefined {
  return process.arch === 'x64' ? 'x86_64' : process.arch === 'arm64' ? 'aarch64' : undefined;
}

/**
 * Which architecture a kernel is: its release's flavour or suffix (Debian `-arm64`/`-amd64`,
 * RHEL `.aarch64`/`.x86_64`), else the one rpms/<arch> folder its accepted RPMs come from,
 * else x86_64.
 */
export function archOfKernel(release: string, rpms: string[] = []): BootArch {
  if (/[-.](arm64|aarch64)$/.test(release)) return 'aarch64';
  if (/[-.](amd64|x86_64)$/.test(release)) return 'x86_64';
  const fromRpms = new Set(rpms.map((f) => /^rpms\/([^/]+)\//.exec(f)?.[1]).filter((a): a is BootArch => BOOT_ARCHES.includes(a as BootArch)));
  return fromRpms.size === 1 ? [...fromRpms][0] : 'x86_64';
}

