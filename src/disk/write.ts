/**
 * The driver disk: the Red Hat layout (driver-disk.md §1) — /rhdd3, /rpms/<arch>/*.rpm with
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
}

export const DISK_LABEL = 'OEMDRV';

/** The staged tree of a driver disk, as ISO entries (sorted paths; the writer adds parent dirs). */
export function diskEntries(input: DiskLayoutInput): IsoEntry[] {
  const entries: IsoEntry[] = [{ path: 'rhdd3', type: 'file', source: readFileSync(join(templatesDir, 'rhdd3')) }];
  const arches = [...new Set(input.rpms.map((r) => r.arch))].sort();
  for (const arch of arches) {
    const rpms = input.rpms.filter((r) => r.arch === arch).sort((a, b) => (a.fileName < b.fileName ? -1 : 1));
    for (const r of rpms) entries.push({ path: `rpms/${arch}/${r.fileName}`, type: 'file', source: r.bytes });
    const repodata = buildRepodata(
      rpms.map((r) => ({ href: r.fileName, bytes: r.bytes })),
      { timestamp: input.buildTime },
    );
    for (const f of repodata) entries.push({ path: `rpms/${arch}/${f.path}`, type: 'file', source: f.data });
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
  if (opts.signal?.aborted) throw new Error('cancelled');
  const { bytes } = await writeIso(opts.isoPath, entries, {
    volumeId: DISK_LABEL,
    time: opts.buildTime,
    applicationId: 'DUDFORGE',
    publisherId: 'DUDFORGE',
  });
  return { bytes, entries };
}
