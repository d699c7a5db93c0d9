/**
 * Gathering the RPMs of a driver disk built elsewhere (other machines, CI matrix jobs, mock,
 * Koji, Copr, other dudforge out/ directories) and checking that they belong on one disk: one
 * driver at one version, each binary RPM a kmod the installer can select, architectures the
 * layout supports, and no kernel claimed by two RPMs. Anything that does not fit is refused by
 * name before a byte of the disk is written.
 */
import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { createHash } from 'node:crypto';
import { UserError } from '../errors.js';
import { checkRpm, rangeSatisfies, readRpm, RPMSENSE, RPMTAG, senseOperator, type ParsedRpm, type RpmDependency } from '../rpm/index.js';
import type { DiskRpm } from './write.js';

/** The architectures whose installer reads rpms/<uname -m>/ (docs/installer.md, "Layout"). */
export const DISK_ARCHES = ['x86_64', 'aarch64', 'ppc64le', 's390x'];

export interface CollectedRpm extends DiskRpm {
  /** Where it came from, for messages. */
  from: string;
  parsed: ParsedRpm;
  /** The versioned kernel-modules Provides the installer selects on. */
  kernelModules: RpmDependency[];
}

export interface DiskInputs {
  rpms: CollectedRpm[];
  srpm?: { fileName: string; bytes: Buffer; from: string };
  /** The driver (`kmod-<name>` Provides) and version every kmod shares. */
  driver: string;
  version: string;
  /** The newest BUILDTIME of the inputs: a project's own RPMs all carry its build time. */
  buildTime: number;
  /** Every kernel release named by an exact kernel-modules Provides, per arch. */
  kernels: { arch: string; release: string }[];
}

/** The RPM files an input names: a file, or the *.rpm at the top of a directory. */
function rpmFilesOf(input: string): string[] {
  const path = resolve(input);
  let st;
  try {
    st = lstatSync(path);
  } catch {
    throw new UserError(`${path} does not exist`, 'give RPM files, or directories that hold them (a dudforge out/ directory, a mock result directory)');
  }
  if (st.isDirectory()) {
    const files = readdirSync(path)
      .filter((n) => n.endsWith('.rpm'))
      .sort()
      .map((n) => join(path, n));
    if (!files.length) throw new UserError(`${path} holds no .rpm file`, 'point at the directory the RPMs were written to');
    return files;
  }
  if (!st.isFile()) throw new UserError(`${path} is not a regular file or a directory`, 'give RPM files or directories');
  if (!path.endsWith('.rpm')) throw new UserError(`${path} is not an .rpm file`, 'give kmod RPMs and source RPMs only');
  return [path];
}

function readInput(path: string): Buffer {
  const st = lstatSync(path);
  if (!st.isFile()) throw new UserError(`${path} is not a regular file`, 'give RPM files only (no links, pipes or devices)');
  return readFileSync(path);
}

/** The driver a kmod belongs to: its shortest `kmod-<name> = EVR` Provides (dudforge, ddiskit). */
function driverOf(rpm: ParsedRpm): string {
  const names = rpm
    .provides()
    .filter((p) => p.name.startsWith('kmod-') && (p.flags & RPMSENSE.EQUAL) !== 0)
    .map((p) => p.name)
    .sort((a, b) => a.length - b.length || (a < b ? -1 : 1));
  return names[0] ?? rpm.name;
}

/** A firmware-only package: `<kmod>-firmware` with firmware() Provides (src/kmod/firmware-package.ts). */
function isFirmwarePackage(rpm: ParsedRpm): boolean {
  return rpm.name.endsWith('-firmware') && rpm.provides().some((p) => p.name.startsWith('firmware('));
}

function describe(p: RpmDependency): string {
  return `${p.name} ${senseOperator(p.flags)} ${p.version}`;
}

export async function collectDiskInputs(inputs: string[]): Promise<DiskInputs> {
  if (!inputs.length) throw new UserError('no input RPMs given', 'usage: dudforge disk OUT.iso RPM|DIR...');
  const byName = new Map<string, { sha: string; from: string }>();
  const binaries: CollectedRpm[] = [];
  const firmware: CollectedRpm[] = [];
  let srpm: DiskInputs['srpm'];
  let buildTime = 0;

  for (const input of inputs) {
    for (const file of rpmFilesOf(input)) {
      const bytes = readInput(file);
      const fileName = basename(file);
      const sha = createHash('sha256').update(bytes).digest('hex');
      const seen = byName.get(fileName);
      if (seen) {
        if (seen.sha === sha) continue; // the same file given twice (or a copy of it)
        throw new UserError(`${file} and ${seen.from} have the same name but different contents`, 'give the RPMs of one build; rebuild the other with the same answers');
      }
      byName.set(fileName, { sha, from: file });
      let parsed: ParsedRpm;
      try {
        parsed = readRpm(bytes);
      } catch (err) {
        throw new UserError(`${file} is not a readable RPM (${(err as Error).message})`, 'remove it from the inputs; a corrupt RPM never goes onto a disk');
      }
      const checked = await checkRpm(bytes, parsed);
      if (checked.problems.length) {
        throw new UserError(`${file} is corrupt: ${checked.problems.join('; ')}`, 'download or build it again; a corrupt RPM never goes onto a disk');
      }
      buildTime = Math.max(buildTime, parsed.header.number(RPMTAG.BUILDTIME) ?? 0);
      if (parsed.isSource) {
        if (srpm) {
          throw new UserError(`two different source RPMs: ${srpm.from} and ${file}`, 'a disk carries the one source RPM its kmods were built from');
        }
        srpm = { fileName, bytes, from: file };
        continue;
      }
      const kernelModules = parsed.provides().filter((p) => p.name === 'kernel-modules' && p.version && senseOperator(p.flags));
      if (!kernelModules.length) {
        throw new UserError(`${file} (${parsed.name}) is not a kmod: it has no versioned kernel-modules Provides`, 'the installer only loads RPMs that Provide kernel-modules = <kernel release>; leave it out');
      }
      // A firmware package (packaging.firmwarePackage) is noarch: it goes into every rpms/<arch>/.
      if (parsed.arch === 'noarch' && isFirmwarePackage(parsed)) {
        firmware.push({ fileName, arch: 'noarch', bytes, from: file, parsed, kernelModules });
        continue;
      }
      if (!DISK_ARCHES.includes(parsed.arch)) {
        throw new UserError(`${file} is built for "${parsed.arch}", which has no rpms/<arch>/ directory on a driver disk`, `the installer runs on ${DISK_ARCHES.join(', ')}`);
      }
      binaries.push({ fileName, arch: parsed.arch, bytes, from: file, parsed, kernelModules });
    }
  }
  if (!binaries.length) throw new UserError('no kmod RPM among the inputs', 'give the kmod RPMs (a source RPM alone makes no driver disk)');

  // One driver at one version.
  const first = binaries[0];
  const driver = driverOf(first.parsed);
  for (const b of binaries.slice(1)) {
    const d = driverOf(b.parsed);
    if (d !== driver || b.parsed.version !== first.parsed.version) {
      throw new UserError(
        `${b.from} is ${d} ${b.parsed.version}, but ${first.from} is ${driver} ${first.parsed.version}`,
        'one driver disk holds one driver at one version: make one disk per driver',
      );
    }
  }
  if (srpm) {
    const s = readRpm(srpm.bytes);
    if (s.version !== first.parsed.version) {
      throw new UserError(`${srpm.from} is version ${s.version}, but the kmods are ${first.parsed.version}`, 'give the source RPM the kmods were built from');
    }
  }

  if (firmware.length > 1) throw new UserError(`two firmware packages: ${firmware.map((f) => f.from).join(', ')}`, 'a driver disk carries the one firmware package its kmods were built with');
  for (const f of firmware) {
    if (f.parsed.name !== `${driver}-firmware` || f.parsed.version !== first.parsed.version) {
      throw new UserError(`${f.from} is ${f.parsed.name} ${f.parsed.version}, not the firmware package of ${driver} ${first.parsed.version}`, 'give the firmware package built with these kmods');
    }
  }

  // No kernel claimed by two RPMs of one architecture: the installer would extract both and the
  // later one would silently win.
  const kernels: DiskInputs['kernels'] = [];
  for (const b of binaries) {
    for (const p of b.kernelModules) {
      const release = p.version as string;
      if (!kernels.some((k) => k.arch === b.arch && k.release === release)) kernels.push({ arch: b.arch, release });
    }
  }
  for (const k of kernels) {
    const claim = binaries.filter((b) => b.arch === k.arch && b.kernelModules.some((p) => rangeSatisfies(p, k.release)));
    if (claim.length > 1) {
      throw new UserError(
        `kernel ${k.release} (${k.arch}) is claimed by ${claim.length} RPMs: ${claim.map((c) => `${c.from} (${c.kernelModules.map(describe).join(', ')})`).join(', ')}`,
        'keep one RPM per kernel: drop the duplicates (two builds for one kernel), or use exact kernel-modules Provides',
      );
    }
  }
  kernels.sort((a, b) => (a.arch + a.release < b.arch + b.release ? -1 : 1));
  const arches = [...new Set(binaries.map((b) => b.arch))].sort();
  const rpms = [...binaries, ...firmware.flatMap((f) => arches.map((arch) => ({ ...f, arch })))];
  return { rpms, srpm, driver, version: first.parsed.version, buildTime, kernels };
}
