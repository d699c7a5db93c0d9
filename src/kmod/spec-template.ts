import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Answers } from '../answers/schema.js';
import { packageVersion, templatesDir } from '../paths.js';
import { depmodConf } from './depmod.js';
import { UserError } from '../errors.js';
import { checkDescription, specLineProblem } from './description.js';
import { changelogEntry, checkRelativeFirmwarePath } from './package.js';
import { parseRequirement } from './requires.js';
import { kmodScriptlets } from './scriptlets.js';
import { moduleFileName } from './module-imports.js';
import { EXTRA_FILES_DIR, type ExtraFile } from './extra-files.js';
import { firmwarePackageName } from './firmware-package.js';

export interface KmodSpecOptions {
  answers: Answers;
  /** Target kernel releases; the first is the default `kernel_version`. */
  kernels: string[];
  /** Module file names the build produces (`foo.ko` or `foo`), installed flat into extra/<name>/. */
  modules: string[];
  /** Source0, e.g. `foo-1.0.tar.gz`. */
  tarballName: string;
  /** The directory the tarball unpacks to (Kbuild runs there with M=$PWD). */
  topDir: string;
  /** make arguments, e.g. CONFIG_FOO=m; default: answers.config as KEY=VALUE. */
  makeArgs?: string[];
  /** Include directories relative to topDir, passed as -I in KCFLAGS. */
  includeDirs?: string[];
  /** The tarball holds compat/<release>/dudforge-compat.h for each probed kernel. */
  hasCompat?: boolean;
  /**
   * The tarball holds the probe kit at `PROBE_KIT_DIR/` (src/probes/kit.ts): a kernel without a
   * header of its own gets one answered in %build instead of an error.
   */
  hasProbeKit?: boolean;
  /** Firmware paths relative to /lib/firmware; the tarball holds them at firmware/<path>. */
  firmware?: string[];
  /**
   * modprobe.d, modules-load.d, udev and blacklist files (extraFiles() in extra-files.ts); the
   * tarball holds each at EXTRA_FILES_DIR/<path without its leading />.
   */
  extraFiles?: ExtraFile[];
  /** More files shipped in the SRPM (Source2, Source3, …), e.g. the probe file. */
  extraSources?: string[];
  /**
   * The driver has a dkms.conf with build steps: `script` is the name, among extraSources, of
   * dkmsRebuildScript() (src/kbuild/dkms-script.ts), which %build runs instead of Kbuild's make
   * and asks whether BUILD_EXCLUSIVE_* leave %{kernel_version} out. Nothing from dkms.conf is
   * written into the spec itself: the script is a Source file, which rpm never macro-expands.
   */
  dkms?: { script: string; patches: boolean };
  buildTime: number;
}

/** Text inserted into a spec: rpm expands %-macros everywhere, so a literal % is written %%. */
export function specEscape(text: string): string {
  return text.replace(/%/g, '%%');
}

/** `Fri Nov 27 2026`: the date form of a %changelog line, in UTC. */
export function specDate(time: number): string {
  const d = new Date(time * 1000);
  const day = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][d.getUTCDay()];
  const month = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][d.getUTCMonth()];
  return `${day} ${month} ${String(d.getUTCDate()).padStart(2, '0')} ${d.getUTCFullYear()}`;
}

/** Replace every {{key}}; a placeholder without a value is a bug in the template or here. */
export function fillTemplate(template: string, values: Record<string, string>): string {
  const out = template.replace(/\{\{(\w+)\}\}/g, (_, key: string) => {
    if (!(key in values)) throw new Error(`template placeholder {{${key}}} has no value`);
    return values[key];
  });
  return out;
}

/** What `kabiRequires` means inside the spec: on, off, or decided from kernel_version (auto). */
function kabiRequiresMacro(mode: Answers['packaging']['kabiRequires']): string {
  if (mode !== 'auto') return mode;
  // Same rule as the native build: RHEL-family kernels (".el<N>" in the release).
  return '%{lua: print(rpm.expand("%{kernel_version}"):match("%.el%d") and "on" or "off")}';
}

const KVER_TOKEN = 'DUDFORGEKERNELRELEASE';

/**
 * The spec's side of src/kmod/naming.ts, computed by rpm from %{kernel_version} so that a
 * rebuild for any kernel names and binds its kmod as dudforge would: exact →
 * `kmod-<name>-<uname -r>` (rpmNamePart's mapping in Lua) with `Requires: kernel-uname-r =`;
 * minimum → `kmod-<name>`, release `<release>.k<uname -r, '-' as '_'>`, `Requires: kernel >=`
 * the kernel's version-release (uname -r without its `.<arch>` suffix).
 */
function kmodIdentity(answers: Answers): { kmodIdentity: string; kmodPackage: string; kernelRequires: string } {
  const { name, release } = answers.package;
  if (answers.packaging.match === 'exact') {
    return {
      kmodIdentity: [
        `%global kmod_kernel_name %{lua: local s = rpm.expand("%{kernel_version}"):gsub("[^%w%._%+%-]", "_"); while s:find("..", 1, true) do s = s:gsub("%.%.", "._", 1) end; print(s)}`,
        `%global kmod_release ${release}`,
        '',
      ].join('\n'),
      kmodPackage: `kmod-${name}-%{kmod_kernel_name}`,
      kernelRequires: 'Requires: kernel-uname-r = %{kernel_version}',
    };
  }
  return {
    kmodIdentity: [
      `%global kmod_kernel_tag %{lua: print((string.gsub(rpm.expand("%{kernel_version}"), "[^%w._+]", "_")))}`,
      `%global kmod_release ${release}.k%{kmod_kernel_tag}`,
      `%global kmod_kernel_vr %{lua: local k, a = rpm.expand("%{kernel_version}"), "." .. rpm.expand("%{_target_cpu}"); if k:sub(-#a) == a then k = k:sub(1, #k - #a) end; print(k)}`,
      '',
    ].join('\n'),
    kmodPackage: `kmod-${name}`,
    kernelRequires: 'Requires: kernel >= %{kmod_kernel_vr}',
  };
}

/** Where the probe kit sits in the source tarball (a name no driver tree uses). */
export const PROBE_KIT_DIR = 'dudforge-probes';

/**
 * The kmod spec (templates/kmod.spec): `rpmbuild --rebuild` of the SRPM builds the same modules
 * on a machine with kernel-devel, with the same Provides, Requires, scriptlets, depmod.d file and
 * changelog as the kmods dudforge writes natively.
 *
 * Compatibility probes: the tarball carries the header dudforge generated for each target kernel
 * (compat/<release>/dudforge-compat.h), the probe file, and the probe kit (src/probes/kit.ts).
 * %build uses the header for %{kernel_version} when there is one, so a rebuild for a probed
 * kernel is exact; for another kernel the kit compiles each probe on its own against that tree
 * and writes its header (the same #defines dudforge's engine gives a probe compiled alone).
 */
export function renderKmodSpec(opts: KmodSpecOptions): string {
  const { answers } = opts;
  const pkg = answers.package;
  checkDescription(pkg.description);
  if (opts.kernels.length === 0) throw new Error('renderKmodSpec: no kernels');
  if (opts.modules.length === 0) throw new Error('renderKmodSpec: no modules');
  const modules = [...new Set(opts.modules.map(moduleFileName))].sort();
  const moduleDir = `/lib/modules/${KVER_TOKEN}/extra/${pkg.name}`;
  const scripts = kmodScriptlets({ kernelRelease: KVER_TOKEN, moduleFiles: modules.map((m) => `${moduleDir}/${m}`) });
  const inSpec = (text: string) => specEscape(text).split(KVER_TOKEN).join('%{kernel_version}');

  const makeArgs = opts.makeArgs ?? Object.entries(answers.config ?? {}).map(([k, v]) => `${k}=${v}`);
  const kcflags = [
    ...(opts.hasCompat ? ['-I$PWD/compat/%{kernel_version}'] : []),
    '-ffile-prefix-map=$PWD/=',
    ...(opts.includeDirs ?? []).map((d) => `-I$PWD/${d}`),
  ];
  const firmware = [...(opts.firmware ?? [])].sort();
  for (const f of firmware) checkRelativeFirmwarePath(f);
  const firmwareDirs = new Set<string>();
  for (const f of firmware) {
    const parts = f.split('/');
    for (let i = 1; i < parts.length; i++) firmwareDirs.add(parts.slice(0, i).join('/'));
  }
  const firmwareFileList = [
    ...[...firmwareDirs].sort().map((d) => `%dir /lib/firmware/${d}\n`),
    ...firmware.map((f) => `/lib/firmware/${f}\n`),
  ].join('');
  // packaging.firmwarePackage: the firmware goes into a noarch `kmod-<name>-firmware` subpackage
  // (src/kmod/firmware-package.ts), which the kmod Requires at the same EVR.
  const fwPackage = !!answers.packaging.firmwarePackage && firmware.length > 0;
  const extraSources = opts.extraSources ?? [];
  const dkms = dkmsSpecParts(opts, kcflags.join(' '), makeArgs);
  const log = changelogEntry(answers, opts.buildTime);
  const logProblem = specLineProblem(log.text);
  if (logProblem) throw new UserError(`package.changelog: ${logProblem}`, 'indent-free lines become "- " items; start an indented line with another character');
  const srpmFile = `${pkg.name}-${pkg.version}-${pkg.release}.src.rpm`;
  const missingHeader = opts.hasProbeKit
    ? [
        `    echo "dudforge: no dudforge-compat.h for kernel %{kernel_version} (this package has: $(ls compat 2>/dev/null | tr '\\n' ' ')); answering the probes for it" >&2`,
        `    mkdir -p "compat/%{kernel_version}"`,
        `    sh ${PROBE_KIT_DIR}/answer.sh %{kernel_source} "compat/%{kernel_version}/dudforge-compat.h" %{?_smp_mflags} $llvm || exit 1`,
      ]
    : [
        `    echo "error: this source package has no dudforge-compat.h for kernel %{kernel_version}; it has: $(ls compat 2>/dev/null | tr '\\n' ' ')" >&2`,
        `    echo "run 'dudforge probe' (or 'dudforge build') for that kernel, or rebuild with --define 'kernel_version <one of them>'" >&2`,
        `    exit 1`,
      ];
  const compat = opts.hasCompat
    ? [`if [ ! -f "compat/%{kernel_version}/dudforge-compat.h" ]; then`, ...missingHeader, `fi`, ''].join('\n')
    : '';

  const values: Record<string, string> = {
    name: pkg.name,
    version: pkg.version,
    release: pkg.release,
    dudforgeVersion: packageVersion,
    defaultKernel: opts.kernels[0],
    srpmFile,
    compatComment: !opts.hasCompat
      ? ''
      : opts.hasProbeKit
        ? `# Compatibility probes: %build uses compat/%%{kernel_version}/dudforge-compat.h when the\n` +
          `# package carries one, else it answers the probes for that kernel with the probe kit.`
        : `# Compatibility probes: compat/<kernel release>/dudforge-compat.h holds what dudforge's probes\n` +
          `# answered for each kernel it was generated for (${opts.kernels.join(', ')}); %build uses\n` +
          `# the one for %%{kernel_version}. Another kernel needs 'dudforge probe' first.`,
    kabiRequires: kabiRequiresMacro(answers.packaging.kabiRequires),
    epochLine: pkg.epoch !== undefined ? `Epoch: ${pkg.epoch}\n` : '',
    summary: specEscape(pkg.summary),
    license: specEscape(pkg.license),
    vendor: specEscape(pkg.vendor),
    urlLine: pkg.url ? `URL: ${specEscape(pkg.url)}\n` : '',
    packagerLine: pkg.packager ? `Packager: ${specEscape(pkg.packager)}\n` : '',
    tarballName: specEscape(opts.tarballName),
    extraSourceLines: extraSources.map((s, i) => `Source${i + 2}: ${specEscape(s)}\n`).join(''),
    kernelModulesOp: answers.packaging.match === 'exact' ? '=' : '>=',
    ...kmodIdentity(answers),
    firmwareProvides: fwPackage
      ? `Requires: ${firmwarePackageName(pkg.name)} = %{?epoch:%{epoch}:}%{version}-%{release}\n`
      : firmware.map((f) => `Provides: firmware(${f})\n`).join(''),
    firmwarePackage: fwPackage
      ? [
          '',
          `%package -n ${firmwarePackageName(pkg.name)}`,
          `Summary: Firmware for kmod-${pkg.name}`,
          'BuildArch: noarch',
          // As src/kmod/firmware-package.ts: the installer's stage 1 selects it by this Provides.
          `Provides: kernel-modules ${answers.packaging.match === 'exact' ? '=' : '>='} %{kernel_version}`,
          ...firmware.map((f) => `Provides: firmware(${f})`),
          '',
          `%description -n ${firmwarePackageName(pkg.name)}`,
          `Firmware files that the kmod-${pkg.name} packages load (${specEscape(pkg.summary)}).`,
          '',
        ].join('\n')
      : '',
    extraRequires: (pkg.requires ?? [])
      .map((r) => {
        parseRequirement(r);
        return `Requires: ${specEscape(r.trim())}\n`;
      })
      .join(''),
    description: specEscape(pkg.description.trim()),
    topDir: opts.topDir,
    compatCheck: compat,
    dkmsExclusion: dkms.exclusion,
    dkmsBuildRequires: dkms.buildRequires,
    dkmsExcludedBuild: dkms.excludedBuild,
    dkmsRun: dkms.run,
    // Debug info goes before signing (stripping afterwards would break the signature).
    stripModules: answers.packaging.strip
      ? `# packaging.strip: debug info removed before signing, as dudforge's own builds do.\nfind "$dest" -name '*.ko' -type f -exec strip -g {} +\n`
      : '',
    kcflags: kcflags.join(' '),
    makeArgs: makeArgs.map((a) => `${specEscape(a)} `).join(''),
    depmodConf: depmodConf({ pkgName: pkg.name, modules, kernelRelease: opts.kernels[0] }),
    firmwareInstall: firmware
      .map((f) => `install -D -m 0644 "firmware/${f}" "%{buildroot}/lib/firmware/${f}"\n`)
      .join(''),
    extraInstall: (opts.extraFiles ?? [])
      .map((f) => `install -D -m 0644 "${EXTRA_FILES_DIR}${checkExtraPath(f.path)}" "%{buildroot}${f.path}"\n`)
      .join(''),
    extraFileList: (opts.extraFiles ?? []).map((f) => `${f.config ? '%config(noreplace) ' : ''}${f.path}\n`).join(''),
    post: inSpec(scripts.post),
    postun: inSpec(scripts.postun),
    firmwarePackageFiles: fwPackage ? `\n%files -n ${firmwarePackageName(pkg.name)}\n${firmwareFileList}` : '',
    firmwareFiles: fwPackage ? '' : firmwareFileList,
    moduleFiles: modules.map((m) => `/lib/modules/%{kernel_version}/extra/${pkg.name}/${m}\n`).join(''),
    changelog: `* ${specDate(log.time)} ${specEscape(log.name)}\n${specEscape(log.text)}\n`,
  };
  return fillTemplate(readFileSync(join(templatesDir, 'kmod.spec'), 'utf8'), values);
}

/**
 * The spec's side of a dkms.conf: the variables DKMS gives its commands (as src/pipeline/dkms.ts
 * sets them for dudforge's own build), the script run with the spec's make command as its
 * default, and the BUILD_EXCLUSIVE_* decision taken while rpm parses the spec, so that an
 * excluded kernel builds no package and %build says why instead of failing.
 */
function dkmsSpecParts(opts: KmodSpecOptions, kcflags: string, makeArgs: string[]): { exclusion: string; buildRequires: string; excludedBuild: string; run: string } {
  const env = "kernelver='%{kernel_version}' kernel_source_dir='%{kernel_source}' kernel_config='%{kernel_source}/.config' arch='%{_target_cpu}'";
  if (!opts.dkms) return { exclusion: '%global dudforge_excluded 0\n', buildRequires: '', excludedBuild: '', run: '' };
  const index = (opts.extraSources ?? []).indexOf(opts.dkms.script);
  if (index < 0) throw new Error(`renderKmodSpec: dkms script ${opts.dkms.script} is not among the extra sources`);
  const source = `%{SOURCE${index + 2}}`;
  return {
    exclusion: [
      `# dkms.conf's BUILD_EXCLUSIVE_*: a kernel outside them builds no package (%%build says why).`,
      `%global dudforge_excluded %(${env} sh ${source} --excluded >/dev/null 2>&1 && echo 1 || echo 0)`,
      '',
    ].join('\n'),
    buildRequires: opts.dkms.patches ? 'BuildRequires: patch\n' : '',
    excludedBuild: [
      '%if %{dudforge_excluded}',
      `echo "dudforge: kernel %{kernel_version} is excluded by dkms.conf $(${env} sh ${source} --excluded); nothing is built or packaged" >&2`,
      'exit 0',
      '%endif',
      '',
    ].join('\n'),
    run: [
      `# dkms.conf's PATCH, PRE_BUILD, MAKE and POST_BUILD (${source}, the steps dudforge's own build runs),`,
      '# with the variables DKMS gives them; Kbuild\'s make below is the MAKE of a kernel no MAKE[#] names.',
      `export ${env}`,
      'export dkms_tree="$PWD.dkms/tree" source_tree="$PWD.dkms/source"',
      `export KCFLAGS="${kcflags}" MAKEFLAGS="%{?_smp_mflags}"`,
      'if [ -n "$llvm" ]; then export LLVM=1; fi',
      ...(makeArgs.length ? [`export ${makeArgs.map(specEscape).join(' ')}`] : []),
      `sh ${source} `,
    ].join('\n'),
  };
}

/** An extra file's path goes into the spec as it is: plain characters only (extra-files.ts makes them so). */
function checkExtraPath(p: string): string {
  if (!/^\/[A-Za-z0-9._+\/-]+$/.test(p) || p.includes('..')) throw new Error(`renderKmodSpec: unexpected extra file path "${p}"`);
  return p;
}

/** The dependency generator the spec runs (Source1). */
export function ksymsScript(): Buffer {
  return readFileSync(join(templatesDir, 'kmod-ksyms.sh'));
}
