/** The public shapes of the ISO writer and reader. */

export interface IsoEntry {
  /** POSIX path relative to the image root, e.g. 'rpms/x86_64/kmod-foo-1.0-1.x86_64.rpm'; parent directories are implied. */
  path: string;
  type: 'file' | 'dir' | 'symlink';
  /** File contents, from memory or from a file on disk (streamed, never loaded whole). */
  source?: Buffer | { file: string };
  /** Symlink target text. */
  target?: string;
  /** Permission bits; default 0o444 for files, 0o555 for directories (ddiskit's mkisofs flags), 0o777 for symlinks. */
  mode?: number;
}

export interface IsoOptions {
  /** Primary volume ID: d-characters (A-Z 0-9 _), at most 32; 'OEMDRV' for a driver disk. */
  volumeId: string;
  /** Seconds since the epoch, used for every date in the image so that it is reproducible. */
  time: number;
  systemId?: string;
  publisherId?: string;
  applicationId?: string;
  uid?: number;
  gid?: number;
}

export interface IsoReadEntry {
  /** Path from the root, using Rock Ridge names when present. */
  path: string;
  /** Level-1 identifier as recorded (e.g. 'RHDD3.;1'). */
  isoName: string;
  type: 'file' | 'dir' | 'symlink';
  /** Full POSIX st_mode from Rock Ridge PX, when present. */
  mode?: number;
  size: number;
  lba: number;
  target?: string;
  read(): Buffer;
}

export interface IsoImage {
  volumeId: string;
  systemId: string;
  publisherId: string;
  applicationId: string;
  /** Volume space size in 2048-byte sectors. */
  volumeSectors: number;
  hasRockRidge: boolean;
  entries: IsoReadEntry[];
}
