/**
 * The driver disk: the Red Hat layout (docs/installer.md, "Layout") — /rhdd3, /rpms/<arch>/*.rpm with
 * repodata, /src/*.src.rpm — written as an ISO 9660 image with Rock Ridge, labelled OEMDRV.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildRepodata } from '../repodata/index.js';
import { writeIso, type IsoEntry } from '../iso/index.js';
import { templatesDir } from '../paths.js';

export interface DiskRpm {
  fileName: string;
  arch: string;
  bytes: Buffer;
}

export interface DiskLayoutInput {
  rpms: DiskRpm[];
  srpm?: { fileName: string; bytes: Buffer };
  buildTime: number;
  /** From diskRepodata (the pipeline's repodata step); computed here when absent. */
  repodata?: DiskRepodata[];
}

/** One arch directory's repodata files (paths relative to rpms/<arch>/). */
export interface DiskRepodata {
  arch: string;
  files: { path: string; data: Buffer }[];
}

function rpmsOf(rpms: DiskRpm[], arch: string): DiskRpm[] {
  return rpms.filter((r) => r.arch === arch).sort((a, b) => (a.fileName < b.fileName ? -1 : 1));
}

/** The repodata of every rpms/<arch>/ directory, in createrepo_c's form. */
export function diskRepodata(rpms: DiskRpm[], buildTime: number): DiskRepodata[] {
  return [...new Set(rpms.map((r) => r.arch))].sort().map((arch) => ({
    arch,
    files: buildRepodata(
      rpmsOf(rpms, arch).map((r) => ({ href: r.fileName, bytes: r.bytes })),
      { timestamp: buildTime },
    ).map((f) => ({ path: f.path, data: f.data })),
  }));
}

export const DISK_LABEL = 'OEMDRV';

/** The staged tree of a driver disk, as ISO entries (sorted paths; the writer adds parent dirs). */
export function diskEntries(input: DiskLayoutInput): IsoEntry[] {
  const entries: IsoEntry[] = [{ path: 'rhdd3', type: 'file', source: readFileSync(join(templatesDir, 'rhdd3')) }];
  for (const { arch, files } of input.repodata ?? diskRepodata(input.rpms, input.buildTime)) {
    for (const r of rpmsOf(input.rpms, arch)) entries.push({ path: `rpms/${arch}/${r.fileName}`, type: 'file', source: r.bytes });
    for (const f of files) entries.push({ path: `rpms/${arch}/${f.path}`, type: 'file', source: f.data });
  }
  if (input.srpm) entries.push({ path: `src/${input.srpm.fileName}`, type: 'file', source: input.srpm.bytes });
  return entries;
}

/** `beforeWrite` sees every file of the disk before the image is written, and may refuse it by throwing. */
export async function writeDisk(
  opts: DiskLayoutInput & { isoPath: string; signal?: AbortSignal; beforeWrite?: (entries: IsoEntry[]) => void },
): Promise<{ bytes: number; entries: IsoEntry[] }> {
  const entries = diskEntries(opts);
  opts.beforeWrite?.(entries);
  opts.signal?.throwIfAborted();
  const { bytes } = await writeIso(opts.isoPath, entries, {
    volumeId: DISK_LABEL,
    time: opts.buildTime,
    applicationId: 'DUDFORGE',
    publisherId: 'DUDFORGE',
  });
  return { bytes, entries };
}
