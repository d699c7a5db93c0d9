/**
 * cpio "newc" (SVR4 without CRC) as rpm writes its payload: `070701`, thirteen 8-digit hex
 * fields, the NUL-terminated name, padding to 4 bytes after the header+name and after the data,
 * and a final `TRAILER!!!` entry.
 */
import type { CpioEntry } from './types.js';

const NEWC_MAGIC = '070701';
const NEWC_HEADER_SIZE = 110;
export const CPIO_TRAILER = 'TRAILER!!!';

export type CpioInput = Omit<CpioEntry, 'path'>;

function hex8(n: number): string {
  if (n < 0 || n > 0xffffffff || !Number.isInteger(n)) throw new Error(`cpio field out of range: ${n}`);
  return n.toString(16).padStart(8, '0'); // lowercase, as rpm writes it
}

function pad4(n: number): number {
  return (4 - (n % 4)) % 4;
}

function entryBytes(e: CpioInput): Buffer[] {
  const nameBytes = Buffer.from(e.name + '\0', 'utf8');
  const fields = [e.ino, e.mode, e.uid, e.gid, e.nlink, e.mtime, e.data.length, e.devMajor, e.devMinor,
    e.rdevMajor, e.rdevMinor, nameBytes.length, 0];
  const header = Buffer.from(NEWC_MAGIC + fields.map(hex8).join(''), 'ascii');
  return [header, nameBytes, Buffer.alloc(pad4(NEWC_HEADER_SIZE + nameBytes.length)), e.data, Buffer.alloc(pad4(e.data.length))];
}

/** Write the archive, entries in the given order, then the trailer. */
export function writeCpio(entries: CpioInput[]): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) parts.push(...entryBytes(e));
  parts.push(...entryBytes({ name: CPIO_TRAILER, ino: 0, mode: 0, uid: 0, gid: 0, nlink: 1, mtime: 0, devMajor: 0,
    devMinor: 0, rdevMajor: 0, rdevMinor: 0, data: Buffer.alloc(0) }));
  return Buffer.concat(parts);
}

/** Parse a newc archive up to its trailer. Throws on a malformed archive. */
export function parseCpio(buf: Buffer): CpioEntry[] {
  const out: CpioEntry[] = [];
  let pos = 0;
  for (;;) {
    if (pos + NEWC_HEADER_SIZE > buf.length) throw new Error(`cpio: truncated header at ${pos}`);
    const magic = buf.toString('ascii', pos, pos + 6);
    if (magic !== NEWC_MAGIC && magic !== '070702') throw new Error(`cpio: bad magic ${JSON.stringify(magic)} at ${pos}`);
    const f = (i: number) => {
      const s = buf.toString('ascii', pos + 6 + i * 8, pos + 14 + i * 8);
      if (!/^[0-9a-fA-F]{8}$/.test(s)) throw new Error(`cpio: bad field at ${pos}`);
      return parseInt(s, 16);
    };
    const size = f(6);
    const nameSize = f(11);
    const nameStart = pos + NEWC_HEADER_SIZE;
    if (nameSize < 1 || nameStart + nameSize > buf.length) throw new Error(`cpio: bad name size at ${pos}`);
    const name = buf.toString('utf8', nameStart, nameStart + nameSize - 1);
    const dataStart = nameStart + nameSize + pad4(NEWC_HEADER_SIZE + nameSize);
    if (name === CPIO_TRAILER) return out;
    if (dataStart + size > buf.length) throw new Error(`cpio: truncated data for ${name}`);
    out.push({
      name,
      path: name.startsWith('./') ? name.slice(1) : name,
      ino: f(0), mode: f(1), uid: f(2), gid: f(3), nlink: f(4), mtime: f(5),
      devMajor: f(7), devMinor: f(8), rdevMajor: f(9), rdevMinor: f(10),
      // A view, not a copy: a 10 MiB module is not held twice while a package is checked.
      data: buf.subarray(dataStart, dataStart + size),
    });
    pos = dataStart + size + pad4(size);
  }
}
