/**
 * Building for another architecture than the host's (aarch64 kmods on an x86_64 machine).
 *
 * A build tree says its architecture in `.config`; when that is not the host's, Kbuild needs
 * `ARCH=<kernel arch>` and `CROSS_COMPILE=<triplet>-`, and the cross compiler of the version the
 * tree's config names (`CONFIG_CC_VERSION_TEXT`: Debian's arm64 kernels are built with gcc-12, so
 * `aarch64-linux-gnu-gcc-12`, Debian package `gcc-12-aarch64-linux-gnu`). The host's own Kbuild
 * tools (fixdep, modpost, sign-file) serve every architecture: they read and write files only.
 */
import { accessSync, constants, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { isEnabled, parseKernelConfig, rpmArchFromConfig, type KernelConfig } from './config.js';

export interface CrossTarget {
  /** Kbuild's ARCH. */
  kernelArch: string;
  /** The GNU triplet Debian's cross compilers carry, without the trailing '-'. */
  triplet: string;
  /** Debian's name for the architecture (package names, `apt-get download PKG:ARCH`). */
  debianArch: string;
  /** ELF e_machine of its modules. */
  elfMachine: number;
}

/** The architectures a driver disk can hold (rpms/<uname -m>/), by RPM architecture. */
export const TARGETS: Record<string, CrossTarget> = {
  x86_64: { kernelArch: 'x86', triplet: 'x86_64-linux-gnu', debianArch: 'amd64', elfMachine: 62 },
  aarch64: { kernelArch: 'arm64', triplet: 'aarch64-linux-gnu', debianArch: 'arm64', elfMachine: 183 },
  ppc64le: { kernelArch: 'powerpc', triplet: 'powerpc64le-linux-gnu', debianArch: 'ppc64el', elfMachine: 21 },
  s390x: { kernelArch: 's390', triplet: 's390x-linux-gnu', debianArch: 's390x', elfMachine: 22 },
};

/** This machine's RPM architecture. */
export function hostRpmArch(): string {
  const byNode: Record<string, string> = { x64: 'x86_64', arm64: 'aarch64', ppc64: 'ppc64le', s390x: 's390x', ia32: 'i686' };
  return byNode[process.arch] ?? process.arch;
}

/** The gcc major version a kernel was built with (`gcc-12 (Debian 12.2.0-14) 12.2.0` → 12). */
export function gccMajor(ccVersionText: string | undefined): number | undefined {
  if (!ccVersionText || !/\bgcc\b|gcc-\d/.test(ccVersionText)) return undefined;
  const m = /\b(\d+)\.\d+\.\d+/.exec(ccVersionText) ?? /gcc-(\d+)/.exec(ccVersionText);
  return m ? Number(m[1]) : undefined;
}

export interface CrossToolchain {
  target: CrossTarget;
  /** `ARCH=… CROSS_COMPILE=…` for every make of this tree. */
  makeVars: string[];
  /** The compiler Kbuild will run, e.g. aarch64-linux-gnu-gcc-12. */
  compiler: string;
  /** The Debian package that provides it. */
  debianPackage: string;
}

export type CrossResult =
  | { kind: 'native' }
  | { kind: 'cross'; toolchain: CrossToolchain }
  | { kind: 'unusable'; reason: string };

function onPath(cmd: string): boolean {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    try {
      accessSync(join(dir, cmd), constants.X_OK);
      return true;
    } catch {
      /* not here */
    }
  }
  return false;
}

/**
 * What building against a tree of `config` needs on this host. A clang-built foreign kernel
 * (LLVM=1 cross-compiles by ARCH alone) needs no triplet compiler.
 */
export function crossFor(config: KernelConfig, host = hostRpmArch()): CrossResult {
  const arch = rpmArchFromConfig(config);
  if (!arch || arch === host) return { kind: 'native' };
  const target = TARGETS[arch];
  if (!target) {
    return { kind: 'unusable', reason: `a ${arch} kernel: dudforge builds for ${Object.keys(TARGETS).join(', ')} (the architectures a driver disk holds)` };
  }
  if (isEnabled(config, 'CC_IS_CLANG')) {
    return { kind: 'cross', toolchain: { target, makeVars: [`ARCH=${target.kernelArch}`], compiler: 'clang', debianPackage: 'clang' } };
  }
  const major = gccMajor(config.CONFIG_CC_VERSION_TEXT);
  const compiler = major ? `${target.triplet}-gcc-${major}` : `${target.triplet}-gcc`;
  const debianPackage = major ? `gcc-${major}-${target.triplet}` : `gcc-${target.triplet}`;
  if (!onPath(compiler)) {
    return {
      kind: 'unusable',
      reason: `a ${arch} kernel built with ${config.CONFIG_CC_VERSION_TEXT ?? 'an unnamed compiler'}: its cross compiler ${compiler} is not installed (apt-get install ${debianPackage})`,
    };
  }
  return { kind: 'cross', toolchain: { target, makeVars: [`ARCH=${target.kernelArch}`, `CROSS_COMPILE=${target.triplet}-`], compiler, debianPackage } };
}

const byTree = new Map<string, string[]>();

/**
 * The make variables a build tree needs on this host: none for a native tree, ARCH and
 * CROSS_COMPILE for a foreign one. Read once per tree and process.
 */
export function crossMakeVars(buildTree: string): string[] {
  let vars = byTree.get(buildTree);
  if (!vars) {
    let config: KernelConfig = {};
    try {
      config = parseKernelConfig(readFileSync(join(buildTree, '.config'), 'utf8'));
    } catch {
      /* an unreadable tree fails in make, with make's message */
    }
    const cross = crossFor(config);
    vars = cross.kind === 'cross' ? cross.toolchain.makeVars : [];
    byTree.set(buildTree, vars);
  }
  return vars;
}
