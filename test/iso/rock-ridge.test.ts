import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RRIP_ID, ceEntry, erEntry, nmEntries, pxEntry, slEntries, spEntry, tfEntry } from '../../src/iso/rock-ridge.js';
import { parseSystemUse } from '../../src/iso/susp.js';

const noArea = (): Buffer => {
  throw new Error('no continuation expected');
};

test('SP, ER, PX, TF, CE have the SUSP/RRIP sizes and versions', () => {
  assert.deepEqual([...spEntry()], [0x53, 0x50, 7, 1, 0xbe, 0xef, 0]);
  const px = pxEntry(0o100644, 1, 0, 0, 42);
  assert.equal(px.length, 44);
  assert.equal(px.readUInt32LE(4), 0o100644);
  assert.equal(px.readUInt32BE(8), 0o100644);
  assert.equal(px.readUInt32LE(36), 42);
  assert.equal(tfEntry(0).length, 26);
  assert.equal(ceEntry(1, 2, 3).length, 28);
  const er = erEntry();
  assert.equal(er[2], er.length);
  assert.equal(er.toString('latin1', 8, 8 + er[4]), RRIP_ID);
  const info = parseSystemUse(Buffer.concat([spEntry(), er, px]), noArea);
  assert.equal(info.spSkip, 0);
  assert.deepEqual(info.extensionIds, ['RRIP_1991A']);
  assert.equal(info.mode, 0o100644);
});

test('NM splits long names with CONTINUE and reads back whole', () => {
  const name = 'é'.repeat(127) + 'x'; // 255 bytes, a multi-byte character crosses the split
  const parts = nmEntries(name);
  assert.equal(parts.length, 2);
  assert.equal(parts[0][4], 1);
  assert.equal(parts[1][4], 0);
  for (const p of parts) assert.ok(p.length <= 255);
  assert.equal(parseSystemUse(Buffer.concat(parts), noArea).name, name);
});

test('SL encodes root, current, parent and long components, and reads back', () => {
  for (const target of ['../rhdd3', '/usr/lib/modules', './x', 'a/b/../c', '/', `${'d'.repeat(300)}/${'e'.repeat(40)}`, 'x'.repeat(600)]) {
    const entries = slEntries(target);
    for (const e of entries) assert.ok(e.length <= 255);
    assert.equal(parseSystemUse(Buffer.concat(entries), noArea).target, target);
  }
  // Entries are cut inside a component (libarchive drops the "/" between entries otherwise).
  for (const target of [Array.from({ length: 30 }, (_, i) => `c${i}-${'y'.repeat(60)}`).join('/'), Array.from({ length: 30 }, () => 'z'.repeat(123)).join('/')]) {
    const entries = slEntries(target);
    assert.ok(entries.length > 2);
    entries.slice(0, -1).forEach((e) => {
      assert.equal(e[4], 1, 'entry CONTINUE');
      let at = 5;
      let lastFlags = -1;
      while (at < e.length) {
        lastFlags = e[at];
        at += 2 + e[at + 1];
      }
      assert.equal(lastFlags & 1, 1, 'last component of a continued entry continues');
    });
    assert.equal(parseSystemUse(Buffer.concat(entries), noArea).target, target);
  }
  const root = slEntries('/usr');
  assert.deepEqual([...root[0].subarray(5, 7)], [8, 0], 'ROOT component');
  const up = slEntries('../x');
  assert.deepEqual([...up[0].subarray(5, 7)], [4, 0], 'PARENT component');
});
