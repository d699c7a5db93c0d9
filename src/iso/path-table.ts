/**
 * Path tables (ECMA-119 §9.4): one record per directory, in breadth-first order (level, then
 * parent number, then name), written twice — type L with little-endian numbers and type M with
 * big-endian ones. Directory numbers start at 1 for the root, whose parent is itself.
 */

export interface PathTableDir {
  /** Directory identifier bytes; [0] for the root. */
  identifier: Buffer;
  lba: number;
  /** 1-based number of the parent directory in this same table. */
  parentNumber: number;
}

export function pathTableRecordLength(identifierLength: number): number {
  return 8 + identifierLength + (identifierLength % 2);
}

export function pathTableSize(dirs: PathTableDir[]): number {
  return dirs.reduce((n, d) => n + pathTableRecordLength(d.identifier.length), 0);
}

/** Encode the table; `dirs` must already be in path table order. */
export function encodePathTable(dirs: PathTableDir[], endian: 'L' | 'M'): Buffer {
  const buf = Buffer.alloc(pathTableSize(dirs));
  let at = 0;
  for (const d of dirs) {
    buf[at] = d.identifier.length;
    buf[at + 1] = 0; // extended attribute record length
    if (endian === 'L') {
      buf.writeUInt32LE(d.lba, at + 2);
      buf.writeUInt16LE(d.parentNumber, at + 6);
    } else {
      buf.writeUInt32BE(d.lba, at + 2);
      buf.writeUInt16BE(d.parentNumber, at + 6);
    }
    d.identifier.copy(buf, at + 8);
    at += pathTableRecordLength(d.identifier.length);
  }
  return buf;
}

/** Decode a path table (used by tests and the reader's consistency checks). */
export function decodePathTable(buf: Buffer, endian: 'L' | 'M'): PathTableDir[] {
  const out: PathTableDir[] = [];
  let at = 0;
  while (at + 8 <= buf.length && buf[at] > 0) {
    const len = buf[at];
    out.push({
      identifier: Buffer.from(buf.subarray(at + 8, at + 8 + len)),
      lba: endian === 'L' ? buf.readUInt32LE(at + 2) : buf.readUInt32BE(at + 2),
      parentNumber: endian === 'L' ? buf.readUInt16LE(at + 6) : buf.readUInt16BE(at + 6),
    });
    at += pathTableRecordLength(len);
  }
  return out;
}
