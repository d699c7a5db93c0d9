/**
 * Where everything goes. Sectors 0-15 are the empty system area, 16 the primary volume
 * descriptor, 17 the terminator, then the L and M path tables, every directory (path table
 * order), the SUSP continuation areas (the root's ER first — after the root directory, as
 * libarchive requires), and last the file data, each file starting on a sector boundary.
 */
import { SECTOR_SIZE, sectorsFor } from './fields.js';
import { DOT, DOTDOT, areaLength, packRecords, planRecord, type AreaPlacement, type RecordPlan } from './directory-record.js';
import { pathTableSize, type PathTableDir } from './path-table.js';
import { erEntry, nmEntries, pxEntry, slEntries, spEntry, tfEntry } from './rock-ridge.js';
import { directoriesInPathTableOrder, type IsoNode } from './tree.js';

export const FIRST_VOLUME_DESCRIPTOR = 16;

export interface DirectoryLayout {
  node: IsoNode;
  /** 1-based path table number. */
  number: number;
  lba: number;
  bytes: number;
  /** Records in order: ".", "..", then the children as sorted in the tree. */
  records: { plan: RecordPlan; node: IsoNode }[];
  offsets: number[];
}

export interface Layout {
  time: number;
  directories: DirectoryLayout[];
  directoryOf: Map<IsoNode, DirectoryLayout>;
  pathTable: PathTableDir[];
  pathTableBytes: number;
  lPathTableLba: number;
  mPathTableLba: number;
  continuationLba: number;
  continuationSectors: number;
  placements: Map<RecordPlan, AreaPlacement[]>;
  /** Files with data, in the order their data is written. */
  dataFiles: IsoNode[];
  /** Extent of every non-directory node (empty files and symlinks get the next free sector, size 0, as genisoimage does). */
  extentOf: Map<IsoNode, number>;
  totalSectors: number;
  dataStartLba: number;
}

function linkCount(node: IsoNode): number {
  return node.type === 'dir' ? 2 + node.children.filter((c) => c.type === 'dir').length : 1;
}

function systemUse(node: IsoNode, serial: number, time: number, uid: number, gid: number): Buffer[] {
  return [pxEntry(node.mode, linkCount(node), uid, gid, serial), tfEntry(time)];
}

export function layoutImage(root: IsoNode, time: number, uid: number, gid: number): Layout {
  const dirs = directoriesInPathTableOrder(root);
  const serial = new Map<IsoNode, number>();
  for (const d of dirs) {
    serial.set(d, serial.size + 1);
    for (const c of d.children) if (c.type !== 'dir') serial.set(c, serial.size + 1);
  }
  const su = (n: IsoNode): Buffer[] => systemUse(n, serial.get(n) as number, time, uid, gid);

  const directories: DirectoryLayout[] = dirs.map((node, i) => {
    const parent = node.parent ?? node;
    const dot = node === root ? planRecord(DOT, [spEntry(), ...su(node)], [erEntry()]) : planRecord(DOT, su(node));
    const records = [
      { plan: dot, node },
      { plan: planRecord(DOTDOT, su(parent)), node: parent },
      ...node.children.map((c) => {
        // NM first: when entries spill into a continuation area, the name stays in the record,
        // where 7z (which ignores CE) still finds it.
        const entries = [...nmEntries(c.name), ...su(c), ...(c.type === 'symlink' ? slEntries(c.target as string) : [])];
        return { plan: planRecord(Buffer.from(c.isoName, 'latin1'), entries), node: c };
      }),
    ];
    const packed = packRecords(records.map((r) => r.plan.length));
    return { node, number: i + 1, lba: 0, bytes: packed.bytes, records, offsets: packed.offsets };
  });
  const directoryOf = new Map(directories.map((d) => [d.node, d]));

  const pathTable: PathTableDir[] = directories.map((d) => ({
    identifier: d.node === root ? Buffer.from([0]) : Buffer.from(d.node.isoName, 'latin1'),
    lba: 0,
    parentNumber: d.node.parent ? (directoryOf.get(d.node.parent) as DirectoryLayout).number : 1,
  }));
  const pathTableBytes = pathTableSize(pathTable);
  const pathTableSectors = sectorsFor(pathTableBytes);

  let next = FIRST_VOLUME_DESCRIPTOR + 2; // PVD, terminator
  const lPathTableLba = next;
  next += pathTableSectors;
  const mPathTableLba = next;
  next += pathTableSectors;
  directories.forEach((d, i) => {
    d.lba = next;
    pathTable[i].lba = next;
    next += d.bytes / SECTOR_SIZE;
  });

  // Continuation areas are packed so that none crosses a sector boundary.
  const continuationLba = next;
  const placements = new Map<RecordPlan, AreaPlacement[]>();
  let ceBytes = 0;
  for (const d of directories) {
    for (const { plan } of d.records) {
      if (plan.continuation.length === 0) continue;
      const areas: AreaPlacement[] = [];
      plan.continuation.forEach((_, i) => {
        const length = areaLength(plan, i);
        if (length > SECTOR_SIZE - (ceBytes % SECTOR_SIZE)) ceBytes = sectorsFor(ceBytes) * SECTOR_SIZE;
        areas.push({ lba: continuationLba + Math.floor(ceBytes / SECTOR_SIZE), offset: ceBytes % SECTOR_SIZE, length });
        ceBytes += length;
      });
      placements.set(plan, areas);
    }
  }
  const continuationSectors = sectorsFor(ceBytes);
  next += continuationSectors;

  const dataStartLba = next;
  const dataFiles: IsoNode[] = [];
  const extentOf = new Map<IsoNode, number>();
  for (const d of directories) {
    for (const c of d.node.children) {
      if (c.type === 'dir') continue;
      extentOf.set(c, next);
      if (c.size > 0) {
        dataFiles.push(c);
        next += sectorsFor(c.size);
      }
    }
  }
  return {
    time, directories, directoryOf, pathTable, pathTableBytes, lPathTableLba, mPathTableLba,
    continuationLba, continuationSectors, placements, dataFiles, extentOf, totalSectors: next, dataStartLba,
  };
}
