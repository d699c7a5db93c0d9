import assert from 'node:assert/strict';
import { test } from 'node:test';
import { date17, date17Unspecified, date7, parseDate7, readBoth32, writeBoth16, writeBoth32, writePadded } from '../../src/iso/fields.js';

test('both-endian 16 and 32-bit fields: LE copy then BE copy', () => {
  const b16 = Buffer.alloc(4);
  writeBoth16(b16, 0, 0x0800);
  assert.deepEqual([...b16], [0x00, 0x08, 0x08, 0x00]);
  const b32 = Buffer.alloc(8);
  writeBoth32(b32, 0, 0x12345678);
  assert.deepEqual([...b32], [0x78, 0x56, 0x34, 0x12, 0x12, 0x34, 0x56, 0x78]);
  assert.equal(readBoth32(b32, 0), 0x12345678);
  writeBoth32(b32, 0, 0xffffffff);
  assert.deepEqual([...b32], Array(8).fill(0xff));
});

test('7-byte date: years since 1900, UTC, offset 0; round-trips', () => {
  const t = Date.UTC(2024, 1, 29, 23, 59, 58) / 1000; // leap day
  assert.deepEqual([...date7(t)], [124, 2, 29, 23, 59, 58, 0]);
  assert.equal(parseDate7(date7(t), 0), t);
  assert.deepEqual([...date7(0)], [70, 1, 1, 0, 0, 0, 0]);
  // A record dated in GMT+1 (offset 4 quarters) names the same instant one hour earlier in UTC.
  const plusOne = Buffer.from([124, 3, 1, 1, 0, 0, 4]);
  assert.equal(parseDate7(plusOne, 0), Date.UTC(2024, 2, 1, 0, 0, 0) / 1000);
  assert.throws(() => date7(Date.UTC(2200, 0, 1) / 1000), RangeError);
});

test('17-byte date: 16 ASCII digits and a zero offset; unspecified is all zeros', () => {
  const t = Date.UTC(2023, 10, 14, 22, 13, 20) / 1000;
  const d = date17(t);
  assert.equal(d.length, 17);
  assert.equal(d.toString('latin1', 0, 16), '2023111422132000');
  assert.equal(d[16], 0);
  const u = date17Unspecified();
  assert.equal(u.toString('latin1', 0, 16), '0000000000000000');
  assert.equal(u[16], 0);
});

test('padded identifiers are space-filled and cut at the width', () => {
  const b = Buffer.alloc(8, 0xaa);
  writePadded(b, 0, 8, 'OEMDRV');
  assert.equal(b.toString('latin1'), 'OEMDRV  ');
  writePadded(b, 2, 4, 'TOOLONG');
  assert.equal(b.toString('latin1'), 'OETOOL  ');
});
