import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, existsSync, readFileSync } from 'node:fs';
import { parseSymvers, crcHex } from '../../src/kmod/symvers.js';

const trees = readdirSync('/lib/modules')
  .map((r) => ({ release: r, symvers: `/lib/modules/${r}/build/Module.symvers` }))
  .filter((t) => existsSync(t.symvers));

test('parseSymvers reads every line of each installed kernel Module.symvers', () => {
  assert.ok(trees.length >= 1, 'no kernel tree with Module.symvers installed');
  for (const t of trees) {
    const text = readFileSync(t.symvers, 'utf8');
    const lines = text.split('\n').filter((l) => l.trim() !== '');
    const map = parseSymvers(text);
    // Symbols are unique in Module.symvers; every line must be understood.
    assert.equal(map.size, lines.length, t.release);
    // Compare a sample of lines (spread over the file) column by column with awk-free splitting.
    for (let i = 0; i < lines.length; i += Math.max(1, Math.floor(lines.length / 200))) {
      const cols = lines[i].split('\t');
      const e = map.get(cols[1]);
      assert.ok(e, cols[1]);
      assert.equal(crcHex(e.crc), `0x${cols[0].slice(2).padStart(8, '0').toLowerCase()}`);
      assert.equal(e.module, cols[2]);
      assert.equal(e.exportType, cols[3]);
      assert.equal(e.namespace, cols[4] ? cols[4] : undefined);
    }
    assert.equal(map.get('printk')?.module ?? map.get('_printk')?.module, 'vmlinux');
  }
});

test('parseSymvers with a symbol set keeps exactly those entries, as the full parse reads them', () => {
  for (const t of trees) {
    const text = readFileSync(t.symvers, 'utf8');
    const full = parseSymvers(text);
    const names = [...full.keys()];
    const wanted = new Set([names[0], names[Math.floor(names.length / 2)], names[names.length - 1], 'no_such_symbol_dudforge']);
    const some = parseSymvers(text, wanted);
    assert.deepEqual([...some.keys()].sort(), [names[0], names[Math.floor(names.length / 2)], names[names.length - 1]].sort(), t.release);
    for (const [k, v] of some) assert.deepEqual(v, full.get(k), k);
  }
  // The older column order and a namespace survive the filter too.
  const old = parseSymvers('0x1\tfoo\tNS\tdrivers/x\tEXPORT_SYMBOL_GPL\n0x2\tbar\tvmlinux\tEXPORT_SYMBOL\n', new Set(['foo']));
  assert.deepEqual([...old.entries()], [['foo', { crc: 1, module: 'drivers/x', exportType: 'EXPORT_SYMBOL_GPL', namespace: 'NS' }]]);
});

test('parseSymvers: namespaces and the 5.4–5.7 column order', () => {
  const m = parseSymvers(
    '0x0000abcd\tfoo\tvmlinux\tEXPORT_SYMBOL_GPL\tFOO_NS\n' +
      '0x12345678\tbar\tdrivers/x/y\tEXPORT_SYMBOL\t\n' +
      '0xdeadbeef\told\tOLD_NS\tdrivers/z\tEXPORT_SYMBOL\n' +
      'garbage line\n',
  );
  assert.deepEqual(m.get('foo'), { crc: 0xabcd, module: 'vmlinux', exportType: 'EXPORT_SYMBOL_GPL', namespace: 'FOO_NS' });
  assert.deepEqual(m.get('bar'), { crc: 0x12345678, module: 'drivers/x/y', exportType: 'EXPORT_SYMBOL' });
  assert.deepEqual(m.get('old'), { crc: 0xdeadbeef, module: 'drivers/z', exportType: 'EXPORT_SYMBOL', namespace: 'OLD_NS' });
  assert.equal(m.size, 3);
  assert.equal(crcHex(0xabcd), '0x0000abcd');
  assert.equal(crcHex(0xdeadbeef), '0xdeadbeef');
});

test('exportsByModule groups an M= build Module.symvers by module name', async () => {
  const { exportsByModule } = await import('../../src/kmod/symvers.js');
  const m = exportsByModule(
    parseSymvers('0x1\tb_sym\t/tmp/x/sub/dfk_helper\tEXPORT_SYMBOL_GPL\t\n0x2\ta_sym\t/tmp/x/sub/dfk_helper\tEXPORT_SYMBOL\t\n0x3\tc\t/tmp/x/other\tEXPORT_SYMBOL\t\n'),
  );
  assert.deepEqual(Object.fromEntries(m), { dfk_helper: ['a_sym', 'b_sym'], other: ['c'] });
});
