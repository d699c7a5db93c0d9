/**
 * Directory records (ECMA-119 §9.1) and how their System Use entries are split between the
 * record itself (at most 255 bytes, even length) and SUSP continuation areas (§5.1 CE).
 */
import { SECTOR_SIZE, date7, writeBoth16, writeBoth32 } from './fields.js';
import { CE_LENGTH, ceEntry } from './rock-ridge.js';

export const FLAG_DIRECTORY = 2;
const FIXED_PART = 33;
const MAX_RECORD = 255;

/** Identifiers of the "." and ".." records (§6.8.2.2). */
export const DOT = Buffer.from([0]);
export const DOTDOT = Buffer.from([1]);

export interface RecordPlan {
  identifier: Buffer;
  /** System Use entries kept in the record (a CE entry follows them when `continuation` is non-empty). */
  inline: Buffer[];
  /** Continuation areas in chain order; every area but the last ends with a CE to the next. */
  continuation: Buffer[][];
  /** Record length in bytes (even, ≤ 255). */
  length: number;
}

/** Bytes before the System Use area: fixed part, identifier, and the pad that keeps SU even-aligned. */
export function headerLength(identifierLength: number): number {
  return FIXED_PART + identifierLength + (identifierLength % 2 === 0 ? 1 : 0);
}

const sum = (parts: Buffer[]): number => parts.reduce((n, b) => n + b.length, 0);
const even = (n: number): number => n + (n % 2);

/** Size in bytes of continuation area `i` of a plan, chaining CE included. */
export function areaLength(plan: RecordPlan, i: number): number {
  return sum(plan.continuation[i]) + (i < plan.continuation.length - 1 ? CE_LENGTH : 0);
}

/**
 * Decide which entries stay in the record. `spill` entries always go to a continuation area
 * (the root's ER, which would not fit beside SP/PX/TF anyway and is where tools expect it).
 */
export function planRecord(identifier: Buffer, entries: Buffer[], spill: Buffer[] = []): RecordPlan {
  const budget = MAX_RECORD - 1 - headerLength(identifier.length); // largest even SU length
  if (budget < 0) throw new RangeError(`identifier of ${identifier.length} bytes does not fit a directory record`);
  if (spill.length === 0 && sum(entries) <= budget) {
    return { identifier, inline: entries, continuation: [], length: headerLength(identifier.length) + even(sum(entries)) };
  }
  const inline: Buffer[] = [];
  let used = 0;
  let i = 0;
  for (; i < entries.length && used + entries[i].length + CE_LENGTH <= budget; i++) {
    inline.push(entries[i]);
    used += entries[i].length;
  }
  const rest = [...entries.slice(i), ...spill];
  const continuation: Buffer[][] = [[]];
  let areaUsed = 0;
  rest.forEach((e, k) => {
    const isLast = k === rest.length - 1;
    const fits = isLast ? areaUsed + e.length <= SECTOR_SIZE : areaUsed + e.length + CE_LENGTH <= SECTOR_SIZE;
    if (!fits && areaUsed > 0) {
      continuation.push([]);
      areaUsed = 0;
    }
    continuation[continuation.length - 1].push(e);
    areaUsed += e.length;
  });
  return { identifier, inline, continuation, length: headerLength(identifier.length) + even(used + CE_LENGTH) };
}

export interface RecordFields {
  lba: number;
  size: number;
  time: number;
  flags: number;
}

/** Where each continuation area of a plan was placed by the layout. */
export interface AreaPlacement {
  lba: number;
  offset: number;
  length: number;
}

/** Encode one record; `areas[0]` is the target of the record's own CE entry. */
export function encodeRecord(plan: RecordPlan, fields: RecordFields, areas: AreaPlacement[]): Buffer {
  const buf = Buffer.alloc(plan.length);
  buf[0] = plan.length;
  buf[1] = 0; // no extended attribute record
  writeBoth32(buf, 2, fields.lba);
  writeBoth32(buf, 10, fields.size);
  date7(fields.time).copy(buf, 18);
  buf[25] = fields.flags;
  buf[26] = 0; // not interleaved
  buf[27] = 0;
  writeBoth16(buf, 28, 1); // volume sequence number
  buf[32] = plan.identifier.length;
  plan.identifier.copy(buf, 33);
  let at = headerLength(plan.identifier.length);
  for (const e of plan.inline) at += e.copy(buf, at);
  if (plan.continuation.length > 0) {
    const first = areas[0];
    ceEntry(first.lba, first.offset, first.length).copy(buf, at);
  }
  return buf;
}

/** Encode continuation area `i`, with a CE to area `i + 1` when the chain goes on. */
export function encodeArea(plan: RecordPlan, i: number, areas: AreaPlacement[]): Buffer {
  const parts = [...plan.continuation[i]];
  if (i < plan.continuation.length - 1) {
    const next = areas[i + 1];
    parts.push(ceEntry(next.lba, next.offset, next.length));
  }
  return Buffer.concat(parts);
}

/**
 * Pack records into sectors so that none crosses a sector boundary (§6.8.1.1); the tail of a
 * sector that cannot hold the next record stays zero. Returns each record's byte offset and the
 * directory's total size (whole sectors).
 */
export function packRecords(lengths: number[]): { offsets: number[]; bytes: number } {
  const offsets: number[] = [];
  let at = 0;
  for (const len of lengths) {
    const room = SECTOR_SIZE - (at % SECTOR_SIZE);
    if (len > room) at += room;
    offsets.push(at);
    at += len;
  }
  return { offsets, bytes: Math.max(1, Math.ceil(at / SECTOR_SIZE)) * SECTOR_SIZE };
}
