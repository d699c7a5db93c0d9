import assert from 'node:assert/strict';
import { test } from 'node:test';
import { layoutImage } from '../../src/iso/layout.js';
import { decodePathTable, encodePathTable, pathTableRecordLength } from '../../src/iso/path-table.js';
import { buildTree } from '../../src/iso/tree.js';

test('record length is 8 + name, padded to even', () => {
  assert.equal(pathTableRecordLength(1), 10); // root "\0"
  assert.equal(pathTableRecordLength(4), 12); // RPMS
  assert.equal(pathTableRecordLength(5), 14); // X86_6 (odd → pad)
});

test('order is breadth-first: by level, then parent number, then name', () => {
  const root = buildTree([
    { path: 'src/zz', type: 'dir' },
    { path: 'rpms/x86_64/repodata', type: 'dir' },
    { path: 'rpms/aarch64', type: 'dir' },
    { path: 'src/aa', type: 'dir' },
    { path: 'b', type: 'dir' },
  ]);
  const layout = layoutImage(root, 0, 0, 0);
  const rows = layout.pathTable.map((d) => [d.identifier.toString('latin1'), d.parentNumber]);
  assert.deepEqual(rows, [
    ['\0', 1],
    ['B', 1],
    ['RPMS', 1],
    ['SRC', 1],
    ['AARCH64', 3],
    ['X86_64', 3],
    ['AA', 4],
    ['ZZ', 4],
    ['REPODATA', 6],
  ]);
  // Each directory's extent comes from the layout, and LBAs grow in table order.
  const lbas = layout.pathTable.map((d) => d.lba);
  assert.deepEqual(lbas, [...lbas].sort((a, b) => a - b));
});

test('L table is little-endian, M table big-endian, with even padding', () => {
  const dirs = [
    { identifier: Buffer.from([0]), lba: 0x14, parentNumber: 1 },
    { identifier: Buffer.from('RPMS'), lba: 0x15, parentNumber: 1 },
    { identifier: Buffer.from('SRC'), lba: 0x0102, parentNumber: 1 },
  ];
  const l = encodePathTable(dirs, 'L');
  const m = encodePathTable(dirs, 'M');
  assert.equal(l.length, 10 + 12 + 12);
  assert.deepEqual([...l.subarray(0, 10)], [1, 0, 0x14, 0, 0, 0, 1, 0, 0, 0]);
  assert.deepEqual([...m.subarray(0, 10)], [1, 0, 0, 0, 0, 0x14, 0, 1, 0, 0]);
  assert.deepEqual([...l.subarray(22, 34)], [3, 0, 0x02, 0x01, 0, 0, 1, 0, 0x53, 0x52, 0x43, 0]);
  assert.deepEqual(decodePathTable(l, 'L'), dirs);
  assert.deepEqual(decodePathTable(m, 'M'), dirs);
});
