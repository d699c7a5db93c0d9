/** ISO 9660 + Rock Ridge writer and reader for driver disks. */
export type { IsoEntry, IsoOptions, IsoImage, IsoReadEntry } from './types.js';
export { writeIso, buildIsoBuffer } from './writer.js';
export { readIso } from './reader.js';
