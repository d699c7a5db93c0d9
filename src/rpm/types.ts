/** The shapes the RPM writer takes and the reader returns. */

/** One Provides/Requires/Conflicts/Obsoletes entry; flags are RPMSENSE bits. */
export interface RpmDependency {
  name: string;
  flags: number;
  version?: string;
}

/** One file in a package. Paths are absolute (`/lib/modules/<kver>/extra/foo/foo.ko`). */
export interface RpmFileEntry {
  path: string;
  type: 'file' | 'dir' | 'symlink';
  /** Permission bits only, e.g. 0o644; the file type bits are added from `type`. */
  mode: number;
  data?: Buffer;
  /** Symlink target. */
  target?: string;
  /** Default root. */
  user?: string;
  /** Default root. */
  group?: string;
  /** RPMFILE_* bits. */
  flags?: number;
  /** Default: the package's buildTime. */
  mtime?: number;
}

export interface RpmScriptlet {
  body: string;
  /** Interpreter; default /bin/sh. */
  prog?: string;
}

export interface RpmChangelogEntry {
  time: number;
  name: string;
  text: string;
}

export interface RpmScripts {
  pre?: RpmScriptlet;
  post?: RpmScriptlet;
  preun?: RpmScriptlet;
  postun?: RpmScriptlet;
  posttrans?: RpmScriptlet;
}

export interface RpmPackageSpec {
  name: string;
  version: string;
  release: string;
  epoch?: number;
  summary: string;
  description: string;
  license: string;
  group?: string;
  url?: string;
  vendor?: string;
  packager?: string;
  buildHost: string;
  buildTime: number;
  /** e.g. x86_64. For a source package, the arch it was built on. */
  arch: string;
  /** Default linux. */
  os?: string;
  /** Binary packages: the source package's file name. */
  sourceRpm?: string;
  /** Source package: lead type 1, SOURCEPACKAGE tag, flat file names, spec flagged RPMFILE_SPECFILE. */
  isSource?: boolean;
  provides: RpmDependency[];
  requires: RpmDependency[];
  conflicts?: RpmDependency[];
  obsoletes?: RpmDependency[];
  scripts?: RpmScripts;
  changelog?: RpmChangelogEntry[];
  files: RpmFileEntry[];
  compression: 'gzip' | 'xz';
}

export interface BuildRpmOptions {
  /** Given the main header bytes, return an OpenPGP signature packet (stored as RSAHEADER). */
  signHeader?: (header: Buffer) => Promise<Buffer>;
}

/** A decoded header entry. */
export type RpmTagValue = string | string[] | number[] | bigint[] | Buffer;

export interface RpmHeaderEntry {
  type: number;
  value: RpmTagValue;
}

/** One entry of a cpio newc archive. */
export interface CpioEntry {
  /** Name as stored: `./abs/path` for binary packages, flat for source packages. */
  name: string;
  /** The name as an absolute path (leading `.` removed). */
  path: string;
  ino: number;
  /** Full st_mode including the file type bits. */
  mode: number;
  uid: number;
  gid: number;
  nlink: number;
  mtime: number;
  devMajor: number;
  devMinor: number;
  rdevMajor: number;
  rdevMinor: number;
  data: Buffer;
}

/** A decoded file from a package header. */
export interface RpmHeaderFile {
  path: string;
  mode: number;
  size: number;
  mtime: number;
  digest: string;
  linkTo: string;
  flags: number;
  user: string;
  group: string;
  inode: number;
}
