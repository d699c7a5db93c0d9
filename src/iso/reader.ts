/**
 * Reads an ISO 9660 image (ours, genisoimage's, xorriso's) without mounting it: volume
 * descriptors, the directory tree with Rock Ridge names, modes and symlink targets, and file
 * contents on demand. Used by `dudforge verify` to judge a driver disk.
 */
import { UserError, isUserError } from '../errors.js';
import { FLAG_DIRECTORY } from './directory-record.js';
import { SECTOR_SIZE, readBoth32, readPadded } from './fields.js';
import { BufferSource, FileSource, type ImageSource } from './image-source.js';
import { FIRST_VOLUME_DESCRIPTOR } from './layout.js';
import { RRIP_ID, S_IFLNK } from './rock-ridge.js';
import { parseSystemUse, type SystemUseInfo } from './susp.js';
import type { IsoImage, IsoReadEntry } from './types.js';
import { STANDARD_ID, VD_PRIMARY, VD_TERMINATOR } from './volume-descriptor.js';

const MAX_DESCRIPTORS = 64;
const ROCK_RIDGE_IDS = new Set([RRIP_ID, 'IEEE_P1282', 'IEEE_1282']);
// Our writer never splits a file over extents; genisoimage and xorriso do above 4 GiB.
const FLAG_MULTI_EXTENT = 0x80;

interface RawRecord {
  lba: number;
  size: number;
  flags: number;
  identifier: Buffer;
  systemUse: Buffer;
}

function parseRecord(buf: Buffer, at: number): RawRecord {
  const len = buf[at];
  const idLen = buf[at + 32];
  const suStart = 33 + idLen + (idLen % 2 === 0 ? 1 : 0);
  return {
    lba: readBoth32(buf, at + 2),
    size: readBoth32(buf, at + 10),
    flags: buf[at + 25],
    identifier: buf.subarray(at + 33, at + 33 + idLen),
    systemUse: suStart < len ? buf.subarray(at + suStart, at + len) : Buffer.alloc(0),
  };
}

/** All records of a directory extent, "." and ".." included; zero bytes pad sector tails. */
function directoryRecords(source: ImageSource, lba: number, size: number): RawRecord[] {
  const buf = source.read(lba * SECTOR_SIZE, Math.ceil(size / SECTOR_SIZE) * SECTOR_SIZE);
  const out: RawRecord[] = [];
  let at = 0;
  while (at < size) {
    const len = buf[at];
    if (len === 0) {
      at = (Math.floor(at / SECTOR_SIZE) + 1) * SECTOR_SIZE;
      continue;
    }
    if (len < 34 || at + len > buf.length) {
      throw new UserError(`${source.name} has a damaged directory record at sector ${lba + Math.floor(at / SECTOR_SIZE)}`, 'Rebuild the image.');
    }
    out.push(parseRecord(buf, at));
    at += len;
  }
  return out;
}

function isoNameOf(identifier: Buffer): string {
  return identifier.toString('latin1');
}

/** Level-1 identifier without version and trailing dot, for images without Rock Ridge. */
function plainName(isoName: string): string {
  return isoName.replace(/;\d+$/, '').replace(/\.$/, '');
}

interface Walk {
  source: ImageSource;
  rockRidge: boolean;
  spSkip: number;
  entries: IsoReadEntry[];
  visited: Set<number>;
}

function systemUseOf(walk: Walk, rec: RawRecord): SystemUseInfo | null {
  if (!walk.rockRidge) return null;
  const readArea = (lba: number, offset: number, length: number): Buffer => walk.source.read(lba * SECTOR_SIZE + offset, length);
  return parseSystemUse(rec.systemUse.subarray(walk.spSkip), readArea);
}

/** A file's bytes, a copy of its own (never a view into an image held in memory), copied once. */
function makeReader(source: ImageSource, extents: { lba: number; size: number }[]): () => Buffer {
  return () => Buffer.concat(extents.map((x) => source.read(x.lba * SECTOR_SIZE, x.size)));
}

function walkDirectory(walk: Walk, lba: number, size: number, parentPath: string, depth: number): void {
  if (walk.visited.has(lba) || depth > 64) return; // loops in a damaged image
  walk.visited.add(lba);
  const records = directoryRecords(walk.source, lba, size);
  let pending: { rec: RawRecord; extents: { lba: number; size: number }[] } | null = null;
  for (const rec of records) {
    if (rec.identifier.length === 1 && rec.identifier[0] <= 1) continue; // "." and ".."
    const extents: { lba: number; size: number }[] = pending && isoNameOf(pending.rec.identifier) === isoNameOf(rec.identifier) ? pending.extents : [];
    extents.push({ lba: rec.lba, size: rec.size });
    if (rec.flags & FLAG_MULTI_EXTENT) {
      pending = { rec: pending ? pending.rec : rec, extents };
      continue;
    }
    const head: RawRecord = pending ? pending.rec : rec;
    pending = null;
    addEntry(walk, head, extents, parentPath, depth);
  }
}

function addEntry(walk: Walk, rec: RawRecord, extents: { lba: number; size: number }[], parentPath: string, depth: number): void {
  const su = systemUseOf(walk, rec);
  if (su?.relocated) return; // shown where its CL record is
  const isoName = isoNameOf(rec.identifier);
  const name = su?.name ?? plainName(isoName);
  const path = parentPath ? `${parentPath}/${name}` : name;
  const mode = su?.mode;
  if (su?.childLink !== undefined || rec.flags & FLAG_DIRECTORY) {
    let dirLba = rec.lba;
    let dirSize = rec.size;
    if (su?.childLink !== undefined) {
      dirLba = su.childLink;
      dirSize = directoryRecords(walk.source, dirLba, SECTOR_SIZE)[0]?.size ?? SECTOR_SIZE;
    }
    walk.entries.push({ path, isoName, type: 'dir', mode, size: dirSize, lba: dirLba, read: () => Buffer.alloc(0) });
    walkDirectory(walk, dirLba, dirSize, path, depth + 1);
    return;
  }
  const size = extents.reduce((n, x) => n + x.size, 0);
  const isLink = su?.target !== undefined || (mode !== undefined && (mode & 0o170000) === S_IFLNK);
  walk.entries.push({
    path, isoName, type: isLink ? 'symlink' : 'file', mode, size, lba: rec.lba,
    ...(isLink ? { target: su?.target ?? '' } : {}),
    read: makeReader(walk.source, extents),
  });
}

function readImage(source: ImageSource): IsoImage {
  const notIso = (): UserError =>
    new UserError(`${source.name} is not an ISO 9660 image (no primary volume descriptor at sector 16)`, 'Give the path of a driver disk ISO.');
  if (source.size < (FIRST_VOLUME_DESCRIPTOR + 1) * SECTOR_SIZE) throw notIso();
  let pvd: Buffer | null = null;
  for (let i = 0; i < MAX_DESCRIPTORS && (FIRST_VOLUME_DESCRIPTOR + i + 1) * SECTOR_SIZE <= source.size; i++) {
    const vd = source.read((FIRST_VOLUME_DESCRIPTOR + i) * SECTOR_SIZE, SECTOR_SIZE);
    if (vd.toString('latin1', 1, 6) !== STANDARD_ID) break;
    if (vd[0] === VD_PRIMARY && !pvd) pvd = vd;
    if (vd[0] === VD_TERMINATOR) break;
  }
  if (!pvd) throw notIso();

  const rootLba = readBoth32(pvd, 156 + 2);
  const rootSize = readBoth32(pvd, 156 + 10);
  const rootDot = directoryRecords(source, rootLba, Math.min(rootSize, SECTOR_SIZE))[0];
  const walk: Walk = { source, rockRidge: false, spSkip: 0, entries: [], visited: new Set() };
  let hasRockRidge = false;
  if (rootDot) {
    const readArea = (lba: number, offset: number, length: number): Buffer => source.read(lba * SECTOR_SIZE + offset, length);
    const su = parseSystemUse(rootDot.systemUse, readArea);
    if (su.spSkip !== undefined) {
      walk.rockRidge = true;
      walk.spSkip = su.spSkip;
      hasRockRidge = su.extensionIds.some((id) => ROCK_RIDGE_IDS.has(id)) || su.mode !== undefined;
    }
  }
  walkDirectory(walk, rootLba, rootSize, '', 0);
  return {
    volumeId: readPadded(pvd, 40, 32),
    systemId: readPadded(pvd, 8, 32),
    publisherId: readPadded(pvd, 318, 128),
    applicationId: readPadded(pvd, 574, 128),
    volumeSectors: readBoth32(pvd, 80),
    hasRockRidge,
    entries: walk.entries,
  };
}

/** Read an image from a path (read lazily) or from memory. Throws UserError for a non-ISO file. */
export function readIso(pathOrBuffer: string | Buffer): IsoImage {
  const source: ImageSource = typeof pathOrBuffer === 'string' ? new FileSource(pathOrBuffer) : new BufferSource(pathOrBuffer);
  try {
    return readImage(source);
  } catch (err) {
    if (isUserError(err)) throw err;
    throw new UserError(`${source.name} is not a valid ISO 9660 image: ${(err as Error).message}`, 'Rebuild the image or check the path.');
  } finally {
    source.close();
  }
}
