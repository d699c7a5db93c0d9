import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kabiReport, parseStablelist, greylistText } from '../../src/kmod/kabi.js';
import { isUserError } from '../../src/errors.js';

const modules = [
  { versions: [{ symbol: 'kmalloc', crc: 1 }, { symbol: 'misc_register', crc: 2 }, { symbol: 'sibling_fn', crc: 3 }], undefinedSymbols: ['kmalloc', 'misc_register', 'sibling_fn', '_printk'] },
  { versions: [{ symbol: 'kfree', crc: 4 }], undefinedSymbols: ['kfree'], exportedSymbols: ['sibling_fn'] },
];
const listText = '[rhel9_x86_64_stablelist]\n\tkfree\n\tkmalloc\n\t_printk\n';

describe('kABI stablelist report', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'dudforge-kabi-'));
    writeFileSync(join(dir, 'kabi_stablelist_x86_64'), listText);
    writeFileSync(join(dir, 'kabi_stablelist_aarch64'), '[rhel9_aarch64_stablelist]\n\tkfree\n');
    mkdirSync(join(dir, 'empty'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('a file: symbols used but not listed, sibling exports excluded', () => {
    const r = kabiReport({ stablelist: join(dir, 'kabi_stablelist_x86_64'), arch: 'x86_64', modules });
    assert.deepEqual(r.symbolsNotOnList, ['misc_register']);
    assert.equal(r.listName, 'rhel9_x86_64_stablelist');
  });

  test('a directory: the file for the arch is chosen (Debian arch names accepted)', () => {
    assert.deepEqual(kabiReport({ stablelist: dir, arch: 'x86_64', modules }).symbolsNotOnList, ['misc_register']);
    assert.deepEqual(kabiReport({ stablelist: dir, arch: 'amd64', modules }).symbolsNotOnList, ['misc_register']);
    const arm = kabiReport({ stablelist: dir, arch: 'aarch64', modules });
    assert.equal(arm.listName, 'rhel9_aarch64_stablelist');
    assert.deepEqual(arm.symbolsNotOnList, ['_printk', 'kmalloc', 'misc_register']);
  });

  test('missing list, missing arch, and a file without header are user errors', () => {
    assert.throws(() => kabiReport({ stablelist: join(dir, 'nope'), arch: 'x86_64', modules }), isUserError);
    assert.throws(() => kabiReport({ stablelist: join(dir, 'empty'), arch: 'x86_64', modules }), isUserError);
    assert.throws(() => parseStablelist('\tkfree\n'), isUserError);
  });

  test('RHEL 7/8 whitelist names and comments', () => {
    const l = parseStablelist('# comment\n[rhel8_x86_64_whitelist]\n\tkfree\n\n\tkmalloc\n');
    assert.equal(l.listName, 'rhel8_x86_64_whitelist');
    assert.deepEqual([...l.symbols], ['kfree', 'kmalloc']);
  });

  test('greylist doc text', () => {
    assert.equal(greylistText('rhel9_x86_64_stablelist', ['a', 'b']), '[rhel9_x86_64_greylist]\n\ta\n\tb\n');
  });
});
