/**
 * The answers document (`dudforge.json`): everything a build needs, saved by the wizard step by
 * step and replayed by `dudforge build`. Versioned; unknown keys are errors so that typos are
 * never silently ignored.
 *
 * Relative paths inside the document are relative to the project directory (the folder that
 * holds `dudforge.json`).
 */

export const ANSWERS_SCHEMA_VERSION = 1;

/** Where the driver sources come from. */
export type SourceSpec =
  /** A standalone out-of-tree module directory, or a kernel source directory (with driverDirs). */
  | { kind: 'dir'; path: string }
  /** A kernel git repository at a revision; `commit` is the resolved hash recorded by the import. */
  | { kind: 'git'; repo: string; rev: string; commit?: string }
  /** A tarball (.tar, .tar.gz, .tar.xz, .tar.bz2) of a kernel tree or a module directory. */
  | { kind: 'tar'; file: string };

export interface KernelTarget {
  /** The kernel release, `uname -r` of the target (from include/config/kernel.release). */
  release: string;
  /** The build tree: a directory with Makefile, .config, include/config/kernel.release. */
  buildTree: string;
}

export interface PackageAnswers {
  /** Driver name; the kmod packages are `kmod-<name>-<uname -r>` (or `kmod-<name>` in minimum mode). */
  name: string;
  version: string;
  release: string;
  epoch?: number;
  vendor: string;
  license: string;
  summary: string;
  description: string;
  url?: string;
  packager?: string;
  /** Extra Requires, each `NAME [OP VERSION]`. */
  requires?: string[];
  /** Changelog text for the kmod (one entry, dated with the build time). */
  changelog?: string;
}

export type SigningAnswers =
  | { mode: 'none' }
  /** An existing private key (PEM/DER file or a pkcs11: URI) and X.509 certificate. */
  | { mode: 'key'; key: string; cert: string; shipCert?: boolean }
  /** A new pair generated with openssl into `dir` (key at 0600, DER certificate beside it). */
  | { mode: 'generate'; dir: string; bits?: 2048 | 4096; shipCert?: boolean };

export interface PackagingAnswers {
  /** `exact`: kmod-<name>-<release> per kernel, kernel-modules = <release>; `minimum`: one kmod-<name>, >= <release> (one kernel only). docs/kmod-packages.md */
  match: 'exact' | 'minimum';
  /** Payload compression of the RPMs. */
  compress: 'gzip' | 'xz';
  /** Emit kernel()/ksym() Requires read from the modules. `auto`: on for RHEL-family kernels. */
  kabiRequires: 'auto' | 'on' | 'off';
  /** A kABI stablelist file or a directory with kabi_stablelist_<arch> files. */
  kabiStablelist?: string;
  /** Fail the build when a module uses a symbol that is not on the stablelist. */
  kabiStrict?: boolean;
  /** Build a source RPM and put it in /src/ on the disk. */
  srpm: boolean;
  /** Strip debug info (`strip -g`) from modules before signing. */
  strip: boolean;
  /**
   * Ship the firmware in one noarch `kmod-<name>-firmware` package that every kmod Requires
   * (src/kmod/firmware-package.ts), instead of inside each kmod.
   */
  firmwarePackage?: boolean;
  /** GnuPG key id/user id to sign the RPMs with (optional). */
  gpgKey?: string;
}

export interface OutputAnswers {
  /** Output directory for the RPMs and the ISO. */
  dir: string;
  /** ISO file name; default `dd-<name>-<version>-<release>.iso`. */
  isoName?: string;
  /** Write the disk even when some kernels failed to build. */
  allowPartial?: boolean;
}

export interface ProjectAnswers {
  /** Project name (used by the saved-project list); defaults to the package name. */
  name: string;
  vendor?: string;
  author?: string;
  email?: string;
}

/**
 * What `new` took from the driver's dkms.conf (see src/import/dkms-conf.ts). Commands keep
 * DKMS's per-kernel variables ($kernelver, ${kernel_source_dir}, $dkms_tree, …) for the build
 * to fill in; every command runs in the kernel's own copy of the sources, as DKMS runs them.
 */
export interface DkmsAnswers {
  /** PACKAGE_NAME and PACKAGE_VERSION as dkms.conf gives them ($module, $module_version). */
  packageName?: string;
  packageVersion?: string;
  /** MAKE[#] with MAKE_MATCH[#] (a regex on the release): the last match wins, else MAKE[0]. */
  make?: { command: string; match?: string }[];
  /** PATCH[#] (files in the sources' patches/, applied with -p1) with PATCH_MATCH[#]. */
  patches?: { file: string; match?: string }[];
  /** BUILT_MODULE_NAME[#] (without .ko), BUILT_MODULE_LOCATION[#], DEST_MODULE_LOCATION[#]. */
  modules?: { name: string; location?: string; destLocation?: string }[];
  /** Kernels outside these are excluded (not built, not packaged, not failed). */
  buildExclusive?: { kernel?: string; arch?: string; config?: string[] };
  /** Scripts relative to the sources, with arguments, run before/after make. */
  preBuild?: string;
  postBuild?: string;
  /** The dkms.conf keys dudforge acts on, and those it does not. */
  used: string[];
  ignored: string[];
}

/** Files shipped beside the modules (src/kmod/extra-files.ts, docs/kmod-packages.md). */
export interface ExtraFileAnswers {
  /** `MODULE OPTIONS…` lines → /etc/modprobe.d/<name>.conf `options MODULE OPTIONS…` (%config(noreplace)). */
  modprobeOptions?: string[];
  /** Modules loaded at boot → /etc/modules-load.d/<name>.conf (%config(noreplace)). */
  loadAtBoot?: string[];
  /** A udev rules file (project-relative path) → /usr/lib/udev/rules.d/<NN>-<name>.rules. */
  udevRules?: string;
  /** Inbox modules this driver replaces → /etc/modprobe.d/<name>-blacklist.conf (%config(noreplace)). */
  blacklist?: string[];
}

export interface Answers {
  schemaVersion: typeof ANSWERS_SCHEMA_VERSION;
  project: ProjectAnswers;
  source: SourceSpec;
  /** Directories of the source tree holding the driver, tree-relative (kernel-tree sources). */
  driverDirs?: string[];
  /** Kconfig symbols passed on the make command line, e.g. { CONFIG_FOO: 'm' }. */
  config?: Record<string, string>;
  /** Patch files applied in order with -p1 to the imported copy, or a quilt series file. */
  patches?: string[];
  patchSeries?: string;
  /** Firmware files shipped under /lib/firmware/ (paths; tree-relative or absolute). */
  firmware?: string[];
  /** modprobe.d, modules-load.d, udev and blacklist files shipped in every kmod. */
  extraFiles?: ExtraFileAnswers;
  package: PackageAnswers;
  kernels: KernelTarget[];
  /** The modules to package when the driver directory builds several (Kbuild names); default all. */
  modules?: string[];
  /** Read from the driver's dkms.conf by `new`. */
  dkms?: DkmsAnswers;
  /** A probe file (compatibility probes), relative to the project directory. */
  probes?: string;
  signing: SigningAnswers;
  packaging: PackagingAnswers;
  output: OutputAnswers;
  /** Seconds since the epoch stamped into every artifact (overridden by SOURCE_DATE_EPOCH). */
  buildTime: number;
  /** Wizard bookkeeping: the step reached, saved with every answer. Ignored by the build. */
  wizard?: { step: number; lastResult?: string };
}

export const DEFAULT_PACKAGING: PackagingAnswers = {
  match: 'exact',
  compress: 'gzip',
  kabiRequires: 'auto',
  srpm: true,
  strip: false,
};
