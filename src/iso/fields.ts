/**
 * Field encoders of ECMA-119 §7 (numbers) and §8.4.26.1 / §9.1.5 (dates).
 * ISO 9660 stores most numbers twice — little-endian then big-endian — so that readers on
 * either kind of machine can pick their own copy; a mismatch between the two is a broken image.
 */

export const SECTOR_SIZE = 2048;

/** §7.2.3: 16-bit number, LE copy then BE copy (4 bytes). */
export function writeBoth16(buf: Buffer, offset: number, value: number): void {
  buf.writeUInt16LE(value, offset);
  buf.writeUInt16BE(value, offset + 2);
}

/** §7.3.3: 32-bit number, LE copy then BE copy (8 bytes). */
export function writeBoth32(buf: Buffer, offset: number, value: number): void {
  buf.writeUInt32LE(value, offset);
  buf.writeUInt32BE(value, offset + 4);
}

/** Read a both-endian 32-bit field; trusts the LE copy, as Linux and libarchive do. */
export function readBoth32(buf: Buffer, offset: number): number {
  return buf.readUInt32LE(offset);
}

/** §9.1.5: the 7-byte recording date of a directory record, always written in UTC (offset 0). */
export function date7(epochSeconds: number): Buffer {
  const d = new Date(epochSeconds * 1000);
  const year = d.getUTCFullYear();
  if (year < 1900 || year > 2155) throw new RangeError(`date ${d.toISOString()} is outside ISO 9660's range 1900-2155`);
  return Buffer.from([
    year - 1900,
    d.getUTCMonth() + 1,
    d.getUTCDate(),
    d.getUTCHours(),
    d.getUTCMinutes(),
    d.getUTCSeconds(),
    0, // GMT offset in 15-minute intervals
  ]);
}

/** §8.4.26.1: the 17-byte volume date "YYYYMMDDHHMMSScc" + GMT offset byte, in UTC. */
export function date17(epochSeconds: number): Buffer {
  const d = new Date(epochSeconds * 1000);
  const year = d.getUTCFullYear();
  if (year < 1 || year > 9999) throw new RangeError(`date ${d.toISOString()} is outside ISO 9660's range`);
  const p = (n: number, w: number): string => String(n).padStart(w, '0');
  const text =
    p(year, 4) + p(d.getUTCMonth() + 1, 2) + p(d.getUTCDate(), 2) +
    p(d.getUTCHours(), 2) + p(d.getUTCMinutes(), 2) + p(d.getUTCSeconds(), 2) + '00';
  return Buffer.concat([Buffer.from(text, 'latin1'), Buffer.from([0])]);
}

/** "Not specified" volume date (§8.4.26.1): sixteen ASCII zeros and a zero offset. */
export function date17Unspecified(): Buffer {
  return Buffer.concat([Buffer.from('0'.repeat(16), 'latin1'), Buffer.from([0])]);
}

/** Decode a 7-byte directory-record date to seconds since the epoch (honouring its GMT offset). */
export function parseDate7(buf: Buffer, offset: number): number {
  const ms = Date.UTC(1900 + buf[offset], buf[offset + 1] - 1, buf[offset + 2], buf[offset + 3], buf[offset + 4], buf[offset + 5]);
  const gmtOffset = buf.readInt8(offset + 6);
  return ms / 1000 - gmtOffset * 15 * 60;
}

/** Write `text` into a fixed-width field padded with spaces (§7.4 identifiers). */
export function writePadded(buf: Buffer, offset: number, width: number, text: string): void {
  buf.fill(0x20, offset, offset + width);
  buf.write(text, offset, width, 'latin1');
}

/** Read a space-padded identifier field, without its padding. */
export function readPadded(buf: Buffer, offset: number, width: number): string {
  return buf.toString('latin1', offset, offset + width).replace(/[ \0]+$/, '');
}

/** §7.4.1 d-characters (volume ID, file names) and §7.4.2 a-characters (other identifiers). */
export const D_CHARS = /^[A-Z0-9_]*$/;
export const A_CHARS = /^[A-Z0-9_ !"%&'()*+,\-./:;<=>?]*$/;

export function sectorsFor(bytes: number): number {
  return Math.ceil(bytes / SECTOR_SIZE);
}
