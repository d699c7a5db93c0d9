import type { Answers } from '../answers/schema.js';
import { UserError } from '../errors.js';
import { evrString } from '../rpm/deps.js';
import { RPMFILE, RPMSENSE } from '../rpm/sense.js';
import type { RpmChangelogEntry, RpmDependency, RpmFileEntry, RpmPackageSpec } from '../rpm/types.js';
import { depmodConf } from './depmod.js';
import type { ExtraFile } from './extra-files.js';
import { checkDescription } from './description.js';
import { greylistText } from './kabi.js';
import type { ModuleImports } from './module-imports.js';
import { moduleFileName, moduleNameOf } from './module-imports.js';
import { kernelRequires, kmodPackageName, kmodPackageRelease } from './naming.js';
import { kernelModulesProvide, moduleRequires } from './requires.js';
import { kmodScriptlets } from './scriptlets.js';
import type { Symvers } from './symvers.js';

export interface KmodModule {
  /** File name, e.g. `foo.ko` (a bare module name `foo` is read as `foo.ko`). */
  name: string;
  bytes: Buffer;
  info: ModuleImports;
}

export interface KmodFirmware {
  /** Path relative to /lib/firmware, e.g. `vendor/foo.bin`. */
  path: string;
  bytes: Buffer;
}

export interface KmodPackageOptions {
  answers: Answers;
  kernel: { release: string; arch: string };
  modules: KmodModule[];
  firmware: KmodFirmware[];
  /**
   * The project's firmware package (firmware-package.ts): the kmod then carries no firmware and
   * Requires `<name> = <evr>` instead.
   */
  firmwarePackage?: { name: string; evr: string };
  /** The kernel's Module.symvers; required when kabiRequires is on. */
  symvers?: Symvers;
  kabiRequires: boolean;
  /**
   * Symbols not on the kABI stablelist (kabiReport().symbolsNotOnList), shipped as a doc file
   * under the list's `[rhel9_x86_64_greylist]` header, as ddiskit writes it.
   */
  greylist?: { listName: string; symbols: string[] };
  /** modprobe.d, modules-load.d, udev and blacklist files (extraFiles() in extra-files.ts). */
  extraFiles?: ExtraFile[];
  /** The signing certificate to ship (DER), for MOK enrollment. */
  certDer?: { vendor: string; bytes: Buffer };
  buildTime: number;
  buildHost: string;
  sourceRpm?: string;
}

/**
 * Paths of a kmod for one kernel. The doc directory is named after the package (as rpm's %doc
 * does), so that the per-kernel kmods of one driver, whose greylists may differ, install side by side.
 */
export function kmodPaths(name: string, kernelRelease: string, packageName: string) {
  const moduleDir = `/lib/modules/${kernelRelease}/extra/${name}`;
  return {
    moduleDir,
    depmodConf: `/etc/depmod.d/${name}.conf`,
    docDir: `/usr/share/doc/${packageName}`,
  };
}

/** A vendor name as a directory name under /etc/pki. */
export function vendorDir(vendor: string): string {
  const v = vendor.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[-.]+|-+$/g, '');
  return v || 'dudforge';
}

/**
 * rpmbuild stores changelog dates as noon of the day given in the spec; we do the same with the
 * build time so that the date rpm shows is the build's day in every time zone near UTC.
 */
export function changelogTime(buildTime: number): number {
  return Math.floor(buildTime / 86400) * 86400 + 43200;
}

/**
 * The project's changelog entry. It names the project's version-release (not the per-kernel kmod
 * release): it describes the sources, and the spec's %changelog says the same, so kmods built
 * natively and by `rpmbuild --rebuild` carry the same entry.
 */
export function changelogEntry(answers: Answers, buildTime: number): RpmChangelogEntry {
  const { version, release } = answers.package;
  const who = answers.project.author ?? answers.package.packager ?? answers.package.vendor;
  const email = answers.project.email ? ` <${answers.project.email}>` : '';
  return { time: changelogTime(buildTime), name: `${who}${email} - ${version}-${release}`, text: changelogText(answers.package.changelog) };
}

/** The entry's text: each line an item ("- ") unless it already is one or continues one (indented). */
export function changelogText(changelog: string | undefined): string {
  return changelog?.trim()
    ? changelog
        .trim()
        .split('\n')
        .map((l) => (l.startsWith('-') || l.startsWith(' ') || l === '' ? l : `- ${l}`))
        .join('\n')
    : `- Built by dudforge`;
}

export function checkRelativeFirmwarePath(p: string): void {
  if (p.startsWith('/') || p.split('/').some((c) => c === '' || c === '.' || c === '..')) {
    throw new UserError(`firmware path "${p}" must be relative to /lib/firmware`, 'give e.g. vendor/device.bin');
  }
  // The path is written into the spec (Provides: firmware(…), %files, an install command):
  // rpm splits a Provides at ',' and expands '%', the shell reads quotes and '$'.
  if (!/^[A-Za-z0-9._+@=~/-]+$/.test(p)) {
    throw new UserError(`firmware path "${p}" has characters the source RPM's spec cannot carry`, 'name it with letters, digits and . _ + @ = ~ - only (use SRC=DEST to ship it under another name)');
  }
}

/** /lib/firmware/<path> files, and the directories between /lib/firmware and them, as a package owns them. */
export function firmwareFileEntries(firmware: KmodFirmware[]): RpmFileEntry[] {
  const paths = firmware.map((f) => {
    checkRelativeFirmwarePath(f.path);
    return `/lib/firmware/${f.path}`;
  });
  return [
    ...ownedDirs('/lib/firmware', paths).map((d): RpmFileEntry => ({ path: d, type: 'dir', mode: 0o755 })),
    ...firmware.map((f, i): RpmFileEntry => ({ path: paths[i], type: 'file', mode: 0o644, data: f.bytes })),
  ];
}

/** Directories between `root` (exclusive) and each path's parent that the package creates. */
function ownedDirs(root: string, paths: string[]): string[] {
  const dirs = new Set<string>();
  for (const p of paths) {
    let d = p.slice(0, p.lastIndexOf('/'));
    while (d.length > root.length && d.startsWith(`${root}/`)) {
      dirs.add(d);
      d = d.slice(0, d.lastIndexOf('/'));
    }
  }
  return [...dirs].sort();
}

/**
 * The binary kmod RPM for one driver and one kernel (docs/kmod-packages.md): named and bound to
 * its kernel by the project's match mode (naming.ts), modules under
 * /lib/modules/<kver>/extra/<name>/, the depmod.d override, firmware under /lib/firmware/, and
 * the Provides the installer selects on.
 */
export function kmodPackageSpec(opts: KmodPackageOptions): RpmPackageSpec {
  const pkg = opts.answers.package;
  checkDescription(pkg.description);
  if (opts.modules.length === 0) throw new Error('kmodPackageSpec: no modules');
  if (opts.kabiRequires && !opts.symvers) {
    throw new UserError(
      `kernel ${opts.kernel.release}: its build tree has no Module.symvers, so kernel() Requires cannot be written`,
      'set packaging.kabiRequires to off (or auto), or use a build tree that has Module.symvers',
    );
  }
  const match = opts.answers.packaging.match;
  const name = kmodPackageName(pkg.name, opts.kernel.release, match);
  const modules = opts.modules.map((m) => ({ ...m, name: moduleFileName(m.name) }));
  const seen = new Set<string>();
  for (const m of modules) {
    // Modules install flat into extra/<name>/: two with one file name would overwrite each other.
    if (seen.has(m.name)) throw new UserError(`two modules are named ${m.name}`, 'rename one of them in its Kbuild/Makefile (obj-m)');
    seen.add(m.name);
  }
  const release = kmodPackageRelease(pkg.release, opts.kernel.release, match);
  const evr = evrString({ version: pkg.version, release, epoch: pkg.epoch });
  const paths = kmodPaths(pkg.name, opts.kernel.release, name);

  const moduleFiles = modules.map((m) => `${paths.moduleDir}/${m.name}`);
  const files: RpmFileEntry[] = [{ path: paths.moduleDir, type: 'dir', mode: 0o755 }];
  for (const m of modules) {
    if (!/^[A-Za-z0-9_-]+\.ko$/.test(m.name)) throw new Error(`kmodPackageSpec: unexpected module file name "${m.name}"`);
    files.push({ path: `${paths.moduleDir}/${m.name}`, type: 'file', mode: 0o644, data: m.bytes });
  }
  files.push({
    path: paths.depmodConf,
    type: 'file',
    mode: 0o644,
    flags: RPMFILE.CONFIG,
    data: Buffer.from(depmodConf({ pkgName: pkg.name, modules: modules.map((m) => m.name), kernelRelease: opts.kernel.release })),
  });

  // With a firmware package (packaging.firmwarePackage) the files are there, not here.
  const firmware = opts.firmwarePackage ? [] : opts.firmware;
  files.push(...firmwareFileEntries(firmware));

  for (const f of opts.extraFiles ?? []) {
    files.push({ path: f.path, type: 'file', mode: 0o644, data: f.data, ...(f.config ? { flags: RPMFILE.CONFIG | RPMFILE.NOREPLACE } : {}) });
  }

  if (opts.greylist) {
    files.push({ path: paths.docDir, type: 'dir', mode: 0o755 });
    files.push({
      path: `${paths.docDir}/greylist.txt`,
      type: 'file',
      mode: 0o644,
      flags: RPMFILE.DOC,
      data: Buffer.from(greylistText(opts.greylist.listName, opts.greylist.symbols)),
    });
  }
  if (opts.certDer) {
    const dir = `/etc/pki/${vendorDir(opts.certDer.vendor)}`;
    files.push({ path: dir, type: 'dir', mode: 0o755 });
    files.push({ path: `${dir}/${pkg.name}.der`, type: 'file', mode: 0o644, data: opts.certDer.bytes });
  }

  // kmod-<name> = EVR: the driver's plain name still resolves (dnf picks, among the packages
  // providing it, the one whose kernel Requires the system satisfies).
  const provides: RpmDependency[] = [
    kernelModulesProvide(opts.kernel.release, match),
    { name: `kmod-${pkg.name}`, flags: RPMSENSE.EQUAL, version: evr },
    ...[...new Set(modules.map((m) => moduleNameOf(m.name)))].sort().map((m) => ({ name: `kmod(${m}.ko)`, flags: RPMSENSE.ANY })),
    ...firmware.map((f) => ({ name: `firmware(${f.path})`, flags: RPMSENSE.ANY })),
  ];
  const requires = [
    kernelRequires(opts.kernel.release, opts.kernel.arch, match),
    ...moduleRequires({
      modules: modules.map((m) => m.info),
      symvers: opts.symvers ?? new Map(),
      kabiRequires: opts.kabiRequires,
      extra: pkg.requires ?? [],
    }),
    // The firmware package of the same build, exactly: dnf brings it along in stage 2.
    ...(opts.firmwarePackage ? [{ name: opts.firmwarePackage.name, flags: RPMSENSE.EQUAL, version: opts.firmwarePackage.evr }] : []),
  ];
  const scripts = kmodScriptlets({ kernelRelease: opts.kernel.release, moduleFiles });

  const spec: RpmPackageSpec = {
    name,
    version: pkg.version,
    release,
    summary: pkg.summary,
    description: pkg.description,
    license: pkg.license,
    group: 'System Environment/Kernel',
    vendor: pkg.vendor,
    buildHost: opts.buildHost,
    buildTime: opts.buildTime,
    arch: opts.kernel.arch,
    provides,
    requires,
    scripts: { post: { body: scripts.post }, postun: { body: scripts.postun } },
    changelog: [changelogEntry(opts.answers, opts.buildTime)],
    files,
    compression: opts.answers.packaging.compress,
  };
  Object.assign(spec, optionalPackageTags(pkg));
  if (opts.sourceRpm) spec.sourceRpm = opts.sourceRpm;
  return spec;
}

/** Epoch, URL and packager, set only when the project gives them (the kmod and the SRPM alike). */
export function optionalPackageTags(pkg: Answers['package']): Pick<RpmPackageSpec, 'epoch' | 'url' | 'packager'> {
  return {
    ...(pkg.epoch !== undefined ? { epoch: pkg.epoch } : {}),
    ...(pkg.url ? { url: pkg.url } : {}),
    ...(pkg.packager ? { packager: pkg.packager } : {}),
  };
}
