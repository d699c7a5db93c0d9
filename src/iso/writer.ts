/**
 * Writes an ISO 9660 image with Rock Ridge from a list of entries. The same entries and time
 * give the same bytes, whatever order the entries come in and whatever the files' mtimes are.
 */
import { open } from 'node:fs/promises';
import { commitAtomically } from '../fs/atomic-write.js';
import { fsUserError, isNoSpace } from '../fs-errors.js';
import { UserError } from '../errors.js';
import { SECTOR_SIZE } from './fields.js';
import { BufferSink, FileSink, type ImageSink } from './image-sink.js';
import { layoutImage, type Layout } from './layout.js';
import { encodeMetadata, type VolumeIds } from './metadata.js';
import { buildTree } from './tree.js';
import type { IsoEntry, IsoOptions } from './types.js';
import { checkIdentifiers, checkVolumeId } from './volume-descriptor.js';

function prepare(entries: IsoEntry[], opts: IsoOptions): { layout: Layout; ids: VolumeIds } {
  checkVolumeId(opts.volumeId);
  const ids: VolumeIds = {
    volumeId: opts.volumeId,
    systemId: opts.systemId ?? '',
    publisherId: opts.publisherId ?? '',
    applicationId: opts.applicationId ?? '',
  };
  checkIdentifiers(ids);
  if (!Number.isFinite(opts.time)) throw new RangeError('IsoOptions.time must be seconds since the epoch');
  const root = buildTree(entries);
  return { layout: layoutImage(root, Math.floor(opts.time), opts.uid ?? 0, opts.gid ?? 0), ids };
}

async function emit(layout: Layout, ids: VolumeIds, sink: ImageSink): Promise<void> {
  await sink.write(encodeMetadata(layout, ids));
  for (const file of layout.dataFiles) {
    const source = file.source as Buffer | { file: string };
    if (Buffer.isBuffer(source)) await sink.write(source);
    else await sink.copyFile(source.file, file.size);
    const tail = file.size % SECTOR_SIZE;
    if (tail !== 0) await sink.zeros(SECTOR_SIZE - tail);
  }
  if (sink.written !== layout.totalSectors * SECTOR_SIZE) {
    throw new Error(`ISO writer bug: wrote ${sink.written} bytes, layout says ${layout.totalSectors * SECTOR_SIZE}`);
  }
}

/** Build the whole image in memory (for tests and small disks). */
export async function buildIsoBuffer(entries: IsoEntry[], opts: IsoOptions): Promise<Buffer> {
  const { layout, ids } = prepare(entries, opts);
  const sink = new BufferSink(Buffer.alloc(layout.totalSectors * SECTOR_SIZE));
  await emit(layout, ids, sink);
  return sink.buffer;
}

/** Stream the image to `outPath` through a temporary file in the same directory, then rename. */
export async function writeIso(outPath: string, entries: IsoEntry[], opts: IsoOptions): Promise<{ bytes: number }> {
  const { layout, ids } = prepare(entries, opts);
  // A full disk is the user's to fix: name the image and its size (the temp file is gone).
  return commitAtomically(outPath, async (tmp) => {
    const out = await open(tmp, 'wx').catch((err: Error) => {
      throw new UserError(`cannot write ${outPath}: ${err.message}`, 'Check that the output directory exists and is writable.');
    });
    try {
      const sink = new FileSink(out);
      await emit(layout, ids, sink);
      await sink.flush();
      return { bytes: sink.written };
    } finally {
      await out.close().catch(() => undefined);
    }
  }).catch((err: unknown) => {
    if (isNoSpace(err)) throw fsUserError(err, outPath, layout.totalSectors * SECTOR_SIZE) ?? err;
    throw err;
  });
}
