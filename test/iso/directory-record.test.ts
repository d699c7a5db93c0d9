import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DOT, encodeArea, encodeRecord, headerLength, packRecords, planRecord } from '../../src/iso/directory-record.js';
import { parseSystemUse } from '../../src/iso/susp.js';
import { erEntry, nmEntries, pxEntry, spEntry, tfEntry } from '../../src/iso/rock-ridge.js';

const fields = { lba: 0x1234, size: 2049, time: Date.UTC(2023, 0, 2, 3, 4, 5) / 1000, flags: 0 };

test('header: 33 bytes + identifier, plus a pad byte when the identifier length is even', () => {
  assert.equal(headerLength(1), 34); // "." / ".."
  assert.equal(headerLength(8), 42); // "RHDD3.;1"
  assert.equal(headerLength(9), 42);
});

test('a record without System Use: fields at their ECMA-119 offsets', () => {
  const plan = planRecord(Buffer.from('RHDD3.;1'), []);
  const r = encodeRecord(plan, fields, []);
  assert.equal(r.length, 42);
  assert.equal(r[0], 42);
  assert.equal(r.readUInt32LE(2), 0x1234);
  assert.equal(r.readUInt32BE(6), 0x1234);
  assert.equal(r.readUInt32LE(10), 2049);
  assert.equal(r.readUInt32BE(14), 2049);
  assert.deepEqual([...r.subarray(18, 25)], [123, 1, 2, 3, 4, 5, 0]);
  assert.equal(r.readUInt16LE(28), 1);
  assert.equal(r.readUInt16BE(30), 1);
  assert.equal(r[32], 8);
  assert.equal(r.toString('latin1', 33, 41), 'RHDD3.;1');
  assert.equal(r[41], 0, 'pad byte');
});

test('System Use that fits stays inline and the record length is rounded up to even', () => {
  const entries = [spEntry(), tfEntry(0)]; // 7 + 26 = 33 bytes: odd
  const plan = planRecord(DOT, entries);
  assert.equal(plan.continuation.length, 0);
  assert.equal(plan.length, 34 + 34);
});

test('System Use that does not fit spills into a continuation area behind a CE', () => {
  const name = 'n'.repeat(200);
  const entries = [...nmEntries(name), pxEntry(0o100444, 1, 0, 0, 9), tfEntry(0)];
  const plan = planRecord(Buffer.from('NNNNNNNN.;1'), entries);
  assert.ok(plan.length <= 255 && plan.length % 2 === 0);
  assert.equal(plan.continuation.length, 1);
  const area = { lba: 40, offset: 100, length: encodeArea(plan, 0, [{ lba: 40, offset: 100, length: 0 }]).length };
  const rec = encodeRecord(plan, fields, [area]);
  const su = rec.subarray(headerLength(11));
  const info = parseSystemUse(su, (lba, offset, length) => {
    assert.deepEqual([lba, offset, length], [area.lba, area.offset, area.length]);
    return encodeArea(plan, 0, [area]);
  });
  assert.equal(info.name, name);
  assert.equal(info.mode, 0o100444);
});

test('the root ER always goes to the continuation area', () => {
  const plan = planRecord(DOT, [spEntry(), pxEntry(0o40555, 2, 0, 0, 1), tfEntry(0)], [erEntry()]);
  assert.equal(plan.inline.length, 3);
  assert.deepEqual(plan.continuation, [[erEntry()]]);
  assert.equal(plan.inline[0].toString('latin1', 0, 2), 'SP', 'SP comes first');
});

test('records are packed so that none crosses a sector boundary', () => {
  const { offsets, bytes } = packRecords([34, 34, ...Array(20).fill(200)]);
  for (const off of offsets) assert.ok((off % 2048) + 200 <= 2048);
  assert.equal(offsets[2], 68);
  assert.equal(offsets[10], 68 + 8 * 200);
  assert.equal(offsets[11], 2048, 'the 10th 200-byte record would cross, so it starts the second sector');
  assert.equal(bytes, 3 * 2048);
  assert.equal(packRecords([34, 34]).bytes, 2048);
});
