import { test } from 'node:test';
import assert from 'node:assert/strict';
import { moduleRequires, parseRequirement } from '../../src/kmod/requires.js';
import { parseSymvers } from '../../src/kmod/symvers.js';
import { RPMSENSE, formatDependency } from '../../src/rpm/sense.js';
import { isUserError } from '../../src/errors.js';

// Module info as the ELF reader returns it; the integration test (package.test.ts) feeds real ones.
const symvers = parseSymvers('0x11111111\tkmalloc\tvmlinux\tEXPORT_SYMBOL\n0x22222222\tkfree\tvmlinux\tEXPORT_SYMBOL\n');
const a = {
  versions: [
    { symbol: 'kfree', crc: 0x2222 },
    { symbol: 'kmalloc', crc: 0x1111 },
    { symbol: 'other_vendor_sym', crc: 0xabc },
    { symbol: 'b_helper', crc: 0x5 },
  ],
  undefinedSymbols: ['kfree', 'kmalloc', 'other_vendor_sym', 'b_helper'],
  exportedSymbols: [],
};
const b = { versions: [{ symbol: 'kfree', crc: 0x2222 }], undefinedSymbols: ['kfree', 'kmalloc'], exportedSymbols: ['b_helper'] };

test('kernel() for kernel exports, ksym() otherwise, sibling exports skipped, CRC from __versions', () => {
  const deps = moduleRequires({ modules: [a, b], symvers, kabiRequires: true, extra: ['kernel-core >= 5.14', 'foo'] });
  assert.deepEqual(deps.map(formatDependency), [
    'kernel-core >= 5.14',
    'foo',
    'kernel(kfree) = 0x00002222',
    'kernel(kmalloc) = 0x00001111',
    'ksym(other_vendor_sym) = 0x00000abc',
  ]);
});

test('falls back to Module.symvers for symbols without a __versions record', () => {
  const deps = moduleRequires({ modules: [{ versions: [], undefinedSymbols: ['kmalloc', 'nobody'] }], symvers, kabiRequires: true, extra: [] });
  assert.deepEqual(deps, [
    { name: 'kernel(kmalloc)', flags: RPMSENSE.EQUAL, version: '0x11111111' },
    { name: 'ksym(nobody)', flags: RPMSENSE.ANY },
  ]);
});

test('order does not depend on module order', () => {
  const x = moduleRequires({ modules: [a, b], symvers, kabiRequires: true, extra: [] });
  const y = moduleRequires({ modules: [b, a], symvers, kabiRequires: true, extra: [] });
  assert.deepEqual(x, y);
});

test('kabiRequires off keeps only the extra Requires', () => {
  assert.deepEqual(moduleRequires({ modules: [a], symvers, kabiRequires: false, extra: ['bar = 1.0-2'] }), [
    { name: 'bar', flags: RPMSENSE.EQUAL, version: '1.0-2' },
  ]);
});

test('parseRequirement rejects malformed dependencies as user errors', () => {
  for (const bad of ['a >=', 'a ~ 1', 'a >= 1 2', '', '>= 1']) {
    assert.throws(() => parseRequirement(bad), (e) => isUserError(e) && e.message.includes('package.requires'), bad);
  }
});
