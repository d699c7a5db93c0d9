/**
 * Header structure encoding (rpm docs/manual/format_header.md): magic, entry count, data
 * length, 16-byte index entries {tag, type, offset, count}, then the data store. Every header
 * we write is one immutable region: the first entry is the region tag pointing at a 16-byte
 * trailer at the end of the data, and the trailer's negative offset covers every entry. rpm
 * ≥ 4.16 treats a header without that region as a deprecated v3 package.
 */
import { RPM_TYPE } from './tags.js';
import type { RpmHeaderEntry, RpmTagValue } from './types.js';

export const HEADER_MAGIC = Buffer.from([0x8e, 0xad, 0xe8, 0x01, 0, 0, 0, 0]);
const INDEX_ENTRY_SIZE = 16;
const REGION_TRAILER_SIZE = 16;

/** One entry to write. Numbers go to INT* types; strings to STRING/I18NSTRING/STRING_ARRAY. */
export interface HeaderTag {
  tag: number;
  type: number;
  value: RpmTagValue;
}

/** Alignment of a type's data in the store (INT16 2, INT32 4, INT64 8, others 1). */
export function typeAlignment(type: number): number {
  switch (type) {
    case RPM_TYPE.INT16: return 2;
    case RPM_TYPE.INT32: return 4;
    case RPM_TYPE.INT64: return 8;
    default: return 1;
  }
}

function encodeValue(t: HeaderTag): { data: Buffer; count: number } {
  const { type, value } = t;
  switch (type) {
    case RPM_TYPE.STRING:
      if (typeof value !== 'string') throw new Error(`tag ${t.tag}: STRING needs a string`);
      return { data: Buffer.from(value + '\0', 'utf8'), count: 1 };
    case RPM_TYPE.I18NSTRING:
    case RPM_TYPE.STRING_ARRAY: {
      const list = typeof value === 'string' ? [value] : value;
      if (!Array.isArray(list) || list.some((s) => typeof s !== 'string')) {
        throw new Error(`tag ${t.tag}: string array needs strings`);
      }
      const strings = list as string[];
      return { data: Buffer.from(strings.map((s) => s + '\0').join(''), 'utf8'), count: strings.length };
    }
    case RPM_TYPE.BIN:
    case RPM_TYPE.CHAR:
    case RPM_TYPE.INT8:
      if (Buffer.isBuffer(value)) return { data: value, count: value.length };
      return { data: Buffer.from(value as number[]), count: (value as number[]).length };
    case RPM_TYPE.INT16:
    case RPM_TYPE.INT32: {
      const nums = value as number[];
      const size = type === RPM_TYPE.INT16 ? 2 : 4;
      const data = Buffer.alloc(nums.length * size);
      nums.forEach((n, i) => {
        // Negative values (FILEVERIFYFLAGS -1) are stored as their two's complement.
        if (size === 2) data.writeUInt16BE(n & 0xffff, i * 2);
        else data.writeUInt32BE(n >>> 0, i * 4);
      });
      return { data, count: nums.length };
    }
    case RPM_TYPE.INT64: {
      const nums = value as (bigint | number)[];
      const data = Buffer.alloc(nums.length * 8);
      nums.forEach((n, i) => data.writeBigUInt64BE(BigInt.asUintN(64, BigInt(n)), i * 8));
      return { data, count: nums.length };
    }
    default:
      throw new Error(`tag ${t.tag}: unsupported type ${type}`);
  }
}

function indexEntry(tag: number, type: number, offset: number, count: number): Buffer {
  const b = Buffer.alloc(INDEX_ENTRY_SIZE);
  b.writeUInt32BE(tag, 0);
  b.writeUInt32BE(type, 4);
  b.writeInt32BE(offset, 8);
  b.writeUInt32BE(count, 12);
  return b;
}

/**
 * Encode a header as one immutable region tagged `regionTag` (63 for the main header, 62 for
 * the signature header). Entries are sorted by tag as rpm's headerSort does; data is laid out
 * in index order with each type's alignment, so offsets increase along the index.
 */
export function encodeHeader(tags: HeaderTag[], regionTag: number): Buffer {
  const sorted = [...tags].sort((a, b) => a.tag - b.tag);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i].tag === sorted[i - 1].tag) throw new Error(`duplicate header tag ${sorted[i].tag}`);
  }
  const il = sorted.length + 1;
  const chunks: Buffer[] = [];
  const index: Buffer[] = [];
  let offset = 0;
  for (const t of sorted) {
    const { data, count } = encodeValue(t);
    const align = typeAlignment(t.type);
    const pad = (align - (offset % align)) % align;
    if (pad) {
      chunks.push(Buffer.alloc(pad));
      offset += pad;
    }
    index.push(indexEntry(t.tag, t.type, offset, count));
    chunks.push(data);
    offset += data.length;
  }
  // The trailer is itself an index entry whose negative offset spans the whole index.
  const trailer = indexEntry(regionTag, RPM_TYPE.BIN, -(il * INDEX_ENTRY_SIZE), REGION_TRAILER_SIZE);
  const regionEntry = indexEntry(regionTag, RPM_TYPE.BIN, offset, REGION_TRAILER_SIZE);
  chunks.push(trailer);
  const dl = offset + REGION_TRAILER_SIZE;
  const intro = Buffer.alloc(16);
  HEADER_MAGIC.copy(intro, 0);
  intro.writeUInt32BE(il, 8);
  intro.writeUInt32BE(dl, 12);
  return Buffer.concat([intro, regionEntry, ...index, ...chunks]);
}

/** A header read back: entries by tag, plus the raw index for structural checks. */
export interface DecodedHeader {
  entries: Map<number, RpmHeaderEntry>;
  index: { tag: number; type: number; offset: number; count: number }[];
  /** Total bytes from the magic to the end of the data store. */
  byteLength: number;
  il: number;
  dl: number;
}

function readStrings(data: Buffer, offset: number, count: number, tag: number): { list: string[]; end: number } {
  const list: string[] = [];
  let pos = offset;
  for (let i = 0; i < count; i++) {
    const nul = data.indexOf(0, pos);
    if (nul < 0) throw new Error(`header tag ${tag}: unterminated string`);
    list.push(data.toString('utf8', pos, nul));
    pos = nul + 1;
  }
  return { list, end: pos };
}

function decodeValue(data: Buffer, tag: number, type: number, offset: number, count: number): RpmTagValue {
  const need = (n: number) => {
    if (offset < 0 || offset + n > data.length) throw new Error(`header tag ${tag}: data out of range`);
  };
  switch (type) {
    case RPM_TYPE.STRING:
      return readStrings(data, offset, 1, tag).list[0];
    case RPM_TYPE.STRING_ARRAY:
    case RPM_TYPE.I18NSTRING:
      return readStrings(data, offset, count, tag).list;
    case RPM_TYPE.BIN:
    case RPM_TYPE.CHAR:
    case RPM_TYPE.INT8:
      need(count);
      return Buffer.from(data.subarray(offset, offset + count));
    case RPM_TYPE.INT16:
      need(count * 2);
      return Array.from({ length: count }, (_, i) => data.readUInt16BE(offset + i * 2));
    case RPM_TYPE.INT32:
      need(count * 4);
      return Array.from({ length: count }, (_, i) => data.readUInt32BE(offset + i * 4));
    case RPM_TYPE.INT64:
      need(count * 8);
      return Array.from({ length: count }, (_, i) => data.readBigUInt64BE(offset + i * 8));
    default:
      throw new Error(`header tag ${tag}: unknown type ${type}`);
  }
}

/** Decode the header that starts at `start` in `buf`. Throws on a malformed header. */
export function decodeHeader(buf: Buffer, start: number): DecodedHeader {
  if (buf.length < start + 16 || !buf.subarray(start, start + 8).equals(HEADER_MAGIC)) {
    throw new Error(`no RPM header magic at offset ${start}`);
  }
  const il = buf.readUInt32BE(start + 8);
  const dl = buf.readUInt32BE(start + 12);
  const dataStart = start + 16 + il * INDEX_ENTRY_SIZE;
  const byteLength = 16 + il * INDEX_ENTRY_SIZE + dl;
  if (il > 0xffff || dl > 256 * 1024 * 1024 || start + byteLength > buf.length) {
    throw new Error(`RPM header at offset ${start} is truncated or too large (il ${il}, dl ${dl})`);
  }
  const data = buf.subarray(dataStart, dataStart + dl);
  const entries = new Map<number, RpmHeaderEntry>();
  const index: DecodedHeader['index'] = [];
  for (let i = 0; i < il; i++) {
    const p = start + 16 + i * INDEX_ENTRY_SIZE;
    const e = { tag: buf.readUInt32BE(p), type: buf.readUInt32BE(p + 4), offset: buf.readInt32BE(p + 8), count: buf.readUInt32BE(p + 12) };
    index.push(e);
    entries.set(e.tag, { type: e.type, value: decodeValue(data, e.tag, e.type, e.offset, e.count) });
  }
  return { entries, index, byteLength, il, dl };
}

/** The region trailer's fields, for tests and `verify`: {tag, type, offset, count}. */
export function regionTrailer(buf: Buffer, start: number, h: DecodedHeader): { tag: number; type: number; offset: number; count: number } | undefined {
  const first = h.index[0];
  if (!first || first.type !== RPM_TYPE.BIN || first.count !== REGION_TRAILER_SIZE) return undefined;
  const p = start + 16 + h.il * INDEX_ENTRY_SIZE + first.offset;
  return { tag: buf.readUInt32BE(p), type: buf.readUInt32BE(p + 4), offset: buf.readInt32BE(p + 8), count: buf.readUInt32BE(p + 12) };
}
