/**
 * The installer's second stage, judged without dnf: the installer makes the disk's rpms/<arch>
 * a repository and asks dnf to install, by NAME, every package it loaded in stage 1
 * (docs/kmod-packages.md). dnf takes the best EVR of that name whose Requires it can satisfy.
 * For one kernel this checks that the loaded packages can be installed next to that kernel's
 * package, and that no other package on the disk wins the name.
 */
import { compareEVR, dependencyMatches, evrString, formatDependency, RPMSENSE, type ParsedRpm, type RpmDependency } from '../rpm/index.js';
import { kernelVersionRelease } from '../kmod/naming.js';

export interface DiskPackage {
  /** Path on the disk, e.g. rpms/x86_64/kmod-foo-6.1.0-57-amd64-1.0-1.x86_64.rpm. */
  file: string;
  rpm: ParsedRpm;
}

export interface Stage2Result {
  /** Per package name the installer asks for: the file dnf would install (undefined: none). */
  installs: { name: string; file?: string }[];
  problems: string[];
}

/**
 * What a kernel package of this release provides to a kmod (RHEL/Fedora kernel-core):
 * `kernel-uname-r = <uname -r>`, `kernel = <version>-<release>`, and its exported symbols.
 */
export function kernelPackageProvides(kernelRelease: string, arch: string): RpmDependency[] {
  const vr = kernelVersionRelease(kernelRelease, arch);
  const EQ = RPMSENSE.EQUAL;
  return [
    { name: 'kernel-uname-r', flags: EQ, version: kernelRelease },
    { name: 'kernel-core-uname-r', flags: EQ, version: kernelRelease },
    { name: 'kernel', flags: EQ, version: vr },
    { name: 'kernel-core', flags: EQ, version: vr },
  ];
}

/** Requires only the kernel package can answer; others come from the distribution and are not judged. */
const KERNEL_PACKAGE_NAMES = new Set(['kernel', 'kernel-core', 'kernel-uname-r', 'kernel-core-uname-r']);

/** The Requires of `rpm` that neither this kernel's package nor the disk satisfies. */
function unmetRequires(rpm: ParsedRpm, kernel: RpmDependency[], disk: DiskPackage[]): RpmDependency[] {
  const provided = (req: RpmDependency) => (p: RpmDependency) => p.name === req.name && dependencyMatches(p, req);
  return rpm.requires().filter((req) => {
    // Symbol requires: the kernel package (or another kmod) provides them; verify has no
    // Module.symvers to check CRCs against.
    if (/^(kernel|ksym)\(/.test(req.name)) return false;
    // A Requires the disk answers by name must be met there, version included; so must a kmod's
    // firmware package (kmod-<name>-firmware), which no distribution has.
    const onDisk = /^kmod-.+-firmware$/.test(req.name) || disk.some((d) => d.rpm.provides().some((p) => p.name === req.name));
    if (!KERNEL_PACKAGE_NAMES.has(req.name) && !onDisk) return false;
    if (kernel.some(provided(req))) return false;
    return !disk.some((d) => d.rpm.provides().some(provided(req)));
  });
}

const evrOf = (rpm: ParsedRpm) => ({ epoch: rpm.epoch, version: rpm.version, release: rpm.release });

/**
 * For one kernel: `loaded` are the packages dd_list accepts (stage 1), `repo` every package of
 * the same rpms/<arch> directory (the stage-2 repository).
 */
export function judgeStage2(kernelRelease: string, arch: string, loaded: DiskPackage[], repo: DiskPackage[]): Stage2Result {
  const kernel = kernelPackageProvides(kernelRelease, arch);
  const problems: string[] = [];
  const installs: Stage2Result['installs'] = [];
  const unmet = new Map<DiskPackage, RpmDependency[]>(repo.map((d) => [d, unmetRequires(d.rpm, kernel, repo)]));
  for (const name of [...new Set(loaded.map((l) => l.rpm.name))]) {
    for (const l of loaded.filter((x) => x.rpm.name === name)) {
      for (const req of unmet.get(l) ?? unmetRequires(l.rpm, kernel, repo)) {
        problems.push(`kernel ${kernelRelease}: ${l.file} cannot be installed into the new system: it requires "${formatDependency(req)}", which ${KERNEL_PACKAGE_NAMES.has(req.name) ? `kernel ${kernelRelease}'s package does not provide` : 'no package on the disk provides (at that version)'}`);
      }
    }
    // dnf's choice for the name: the highest EVR among the packages it can install here.
    const candidates = repo.filter((d) => d.rpm.name === name && !unmet.get(d)!.length);
    const best = candidates.reduce<DiskPackage | undefined>((b, d) => (!b || compareEVR(evrOf(d.rpm), evrOf(b.rpm)) > 0 ? d : b), undefined);
    installs.push({ name, file: best?.file });
    if (best && !loaded.some((l) => l.file === best.file)) {
      const was = loaded.find((l) => l.rpm.name === name)!;
      problems.push(
        `kernel ${kernelRelease}: the installer loads ${was.file} but installs by name, and dnf picks ${best.file} (${name} ${evrString({ ...evrOf(best.rpm), epoch: best.rpm.epoch || undefined })}, a higher EVR it can install): ` +
          `the new system may get another kernel's driver; give each kernel's kmod its own name or Requires: kernel-uname-r = ${kernelRelease}`,
      );
    }
  }
  return { installs, problems };
}
