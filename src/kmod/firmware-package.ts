/**
 * The firmware package (packaging.firmwarePackage), as ddiskit ships firmware: one noarch
 * `kmod-<name>-firmware` per project with the files under /lib/firmware/ (not %config: firmware
 * is replaced on update, never edited), `Provides: firmware(<path>)` per file, and the kmods
 * `Requires: kmod-<name>-firmware = <EVR>`.
 *
 * It also Provides `kernel-modules` for each target kernel, as ddiskit's does: the installer's
 * stage 1 (dd_list) reads only that Provides and never Requires, so without it the firmware would
 * not be extracted before the driver is first loaded from the disk. With it, stage 1 extracts the
 * files into /lib/firmware/updates and records the package's name, which stage 2 installs by
 * name with dnf (docs/kmod-packages.md).
 */
import type { Answers } from '../answers/schema.js';
import { evrString } from '../rpm/deps.js';
import { RPMSENSE } from '../rpm/sense.js';
import type { RpmPackageSpec } from '../rpm/types.js';
import { checkDescription } from './description.js';
import { changelogEntry, firmwareFileEntries, optionalPackageTags, type KmodFirmware } from './package.js';
import { kernelModulesProvide } from './requires.js';

/** `kmod-<name>-firmware`. */
export function firmwarePackageName(name: string): string {
  return `kmod-${name}-firmware`;
}

/** Name and EVR the kmods Require: the project's version-release (and epoch). */
export function firmwarePackageRef(answers: Answers): { name: string; evr: string } {
  const p = answers.package;
  return { name: firmwarePackageName(p.name), evr: evrString({ version: p.version, release: p.release, epoch: p.epoch }) };
}

export interface FirmwarePackageOptions {
  answers: Answers;
  /** Every kernel release of the project: the package is the same whichever shard builds it. */
  kernels: string[];
  firmware: KmodFirmware[];
  buildTime: number;
  buildHost: string;
  sourceRpm?: string;
}

export function firmwarePackageSpec(opts: FirmwarePackageOptions): RpmPackageSpec {
  const pkg = opts.answers.package;
  checkDescription(pkg.description);
  if (!opts.firmware.length) throw new Error('firmwarePackageSpec: no firmware');
  const ref = firmwarePackageRef(opts.answers);
  const firmware = [...opts.firmware].sort((a, b) => (a.path < b.path ? -1 : 1));
  const spec: RpmPackageSpec = {
    name: ref.name,
    version: pkg.version,
    release: pkg.release,
    summary: `Firmware for kmod-${pkg.name}`,
    description: `Firmware files that the kmod-${pkg.name} packages load (${pkg.summary}).`,
    license: pkg.license,
    group: 'System Environment/Kernel',
    vendor: pkg.vendor,
    buildHost: opts.buildHost,
    buildTime: opts.buildTime,
    arch: 'noarch',
    provides: [
      ...[...new Set(opts.kernels)].sort().map((k) => kernelModulesProvide(k, opts.answers.packaging.match)),
      ...firmware.map((f) => ({ name: `firmware(${f.path})`, flags: RPMSENSE.ANY })),
    ],
    requires: [],
    changelog: [changelogEntry(opts.answers, opts.buildTime)],
    files: firmwareFileEntries(firmware),
    compression: opts.answers.packaging.compress,
  };
  Object.assign(spec, optionalPackageTags(pkg));
  if (opts.sourceRpm) spec.sourceRpm = opts.sourceRpm;
  return spec;
}
