/**
 * Everything before the file data, as one buffer: system area, volume descriptors, path
 * tables, directories and continuation areas. It is small (a few sectors per directory), so it
 * is built in memory and written in one go.
 */
import { SECTOR_SIZE } from './fields.js';
import { FLAG_DIRECTORY, encodeArea, encodeRecord, type RecordPlan } from './directory-record.js';
import { FIRST_VOLUME_DESCRIPTOR, type DirectoryLayout, type Layout } from './layout.js';
import { encodePathTable } from './path-table.js';
import { encodePrimaryVolumeDescriptor, encodeTerminator } from './volume-descriptor.js';
import type { IsoNode } from './tree.js';

export interface VolumeIds {
  volumeId: string;
  systemId: string;
  publisherId: string;
  applicationId: string;
}

function extentFields(layout: Layout, node: IsoNode): { lba: number; size: number; flags: number } {
  if (node.type === 'dir') {
    const d = layout.directoryOf.get(node) as DirectoryLayout;
    return { lba: d.lba, size: d.bytes, flags: FLAG_DIRECTORY };
  }
  return { lba: layout.extentOf.get(node) as number, size: node.size, flags: 0 };
}

function encodeDirectory(layout: Layout, d: DirectoryLayout): Buffer {
  const buf = Buffer.alloc(d.bytes);
  d.records.forEach(({ plan, node }, i) => {
    const record = encodeRecord(plan, { ...extentFields(layout, node), time: layout.time }, layout.placements.get(plan) ?? []);
    record.copy(buf, d.offsets[i]);
  });
  return buf;
}

function writeContinuationAreas(layout: Layout, out: Buffer): void {
  const plans: RecordPlan[] = [...layout.placements.keys()];
  for (const plan of plans) {
    const areas = layout.placements.get(plan) ?? [];
    areas.forEach((area, i) => {
      encodeArea(plan, i, areas).copy(out, area.lba * SECTOR_SIZE + area.offset);
    });
  }
}

export function encodeMetadata(layout: Layout, ids: VolumeIds): Buffer {
  const out = Buffer.alloc(layout.dataStartLba * SECTOR_SIZE);
  const root = layout.directories[0];
  const rootRecord = encodeRecord(
    { identifier: Buffer.from([0]), inline: [], continuation: [], length: 34 },
    { lba: root.lba, size: root.bytes, flags: FLAG_DIRECTORY, time: layout.time },
    [],
  );
  encodePrimaryVolumeDescriptor({
    ...ids,
    volumeSectors: layout.totalSectors,
    pathTableSize: layout.pathTableBytes,
    lPathTableLba: layout.lPathTableLba,
    mPathTableLba: layout.mPathTableLba,
    rootRecord,
    time: layout.time,
  }).copy(out, FIRST_VOLUME_DESCRIPTOR * SECTOR_SIZE);
  encodeTerminator().copy(out, (FIRST_VOLUME_DESCRIPTOR + 1) * SECTOR_SIZE);
  encodePathTable(layout.pathTable, 'L').copy(out, layout.lPathTableLba * SECTOR_SIZE);
  encodePathTable(layout.pathTable, 'M').copy(out, layout.mPathTableLba * SECTOR_SIZE);
  for (const d of layout.directories) encodeDirectory(layout, d).copy(out, d.lba * SECTOR_SIZE);
  writeContinuationAreas(layout, out);
  return out;
}
