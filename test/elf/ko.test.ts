import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import { modinfoValue, modinfoValues, readKernelModule, type KernelModuleInfo } from '../../src/elf/ko.js';
import { runKbuild } from '../../src/kbuild/run.js';
import { UserError } from '../../src/errors.js';
import type { KernelTree } from '../../src/kernel/tree.js';
import { sampleDriverCopy, usableKernels } from '../kbuild/helpers.js';
import { buildElf, versionsSection } from './elf-builder.js';

const tmp = mkdtempSync(join(tmpdir(), 'dudforge-elf-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const built: { tree: KernelTree; ko: string; info: KernelModuleInfo }[] = [];

const run = (cmd: string, args: string[]) => execFileSync(cmd, args, { encoding: 'utf8' });

before(async () => {
  for (const tree of usableKernels()) {
    const dir = sampleDriverCopy(tree, join(tmp, tree.release!));
    const r = await runKbuild({
      buildTree: tree.path,
      sourceDir: dir,
      release: tree.release!,
      jobs: 2,
      logFile: join(tmp, `${tree.release}.log`),
      expectedObjects: 2,
      onEvent: () => {},
    });
    assert.ok(r.ok, r.firstError);
    const ko = r.modules[0];
    built.push({ tree, ko, info: readKernelModule(readFileSync(ko), ko) });
  }
});

describe('a module built for real, against every installed kernel', () => {
  test('modinfo fields agree with modinfo(8)', () => {
    for (const { tree, ko, info } of built) {
      for (const key of ['vermagic', 'license', 'version', 'description', 'author', 'name', 'srcversion', 'depends']) {
        assert.equal(modinfoValue(info, key) ?? '', run('modinfo', ['-F', key, ko]).replace(/\n$/, ''), key);
      }
      // Kbuild's vermagic ends with a space; kept as it is in the file.
      assert.equal(info.vermagic, run('modinfo', ['-F', 'vermagic', ko]).replace(/\n$/, ''));
      assert.equal(info.vermagic!.split(' ')[0], tree.release);
      assert.equal(info.name, 'dudforge_dummy');
      assert.deepEqual(modinfoValues(info, 'parm').map((p) => p.split(':')[0]).sort(), ['greeting', 'repeat']);
      assert.equal(info.is64, true);
      assert.equal(info.littleEndian, true);
      assert.equal(info.machine, 62);
    }
  });

  test('undefined symbols equal nm -u', () => {
    for (const { ko, info } of built) {
      const nm = run('nm', ['-u', ko])
        .split('\n')
        .map((l) => l.trim().replace(/^U\s+/, ''))
        .filter(Boolean);
      assert.deepEqual([...info.undefinedSymbols].sort(), [...new Set(nm)].sort());
      assert.ok(info.undefinedSymbols.includes('alloc_chrdev_region'));
      assert.ok(info.undefinedSymbols.includes('device_create'));
    }
  });

  test('__versions equal modprobe --dump-modversions and the tree Module.symvers', () => {
    for (const { tree, ko, info } of built) {
      assert.ok(info.versions.length > 0, 'the kernels here have CONFIG_MODVERSIONS');
      const dump = run('modprobe', ['--dump-modversions', ko])
        .split('\n')
        .filter(Boolean)
        .map((l) => {
          const [crc, symbol] = l.split('\t');
          return { symbol, crc: Number(crc) };
        });
      assert.deepEqual(info.versions, dump);
      const symvers = new Map(
        readFileSync(tree.symversPath!, 'utf8')
          .split('\n')
          .map((l) => l.split('\t'))
          .map(([crc, sym]) => [sym, Number(crc)] as const),
      );
      const checked = info.versions.filter((v) => symvers.has(v.symbol));
      assert.ok(checked.length >= 5);
      for (const v of checked) assert.equal(v.crc, symvers.get(v.symbol), v.symbol);
    }
  });

  test('unsigned: no signature, content is the whole file; gzip is read through', () => {
    const { ko, info } = built[0];
    const bytes = readFileSync(ko);
    assert.equal(info.signatureAppended, false);
    assert.equal(info.contentLength, bytes.length);
    const gz = readKernelModule(gzipSync(bytes), 'dudforge-dummy.ko.gz');
    assert.deepEqual(gz.versions, info.versions);
    assert.equal(gz.vermagic, info.vermagic);
  });

  test('signed with the kernel sign-file: signature found, content length is the unsigned size', () => {
    const { tree, ko, info } = built[0];
    assert.ok(tree.signFile, 'the tree has scripts/sign-file');
    const key = join(tmp, 'key.pem');
    const cert = join(tmp, 'cert.der');
    execFileSync('openssl', ['req', '-new', '-x509', '-nodes', '-days', '1', '-newkey', 'rsa:2048', '-subj', '/CN=dudforge test', '-keyout', key, '-outform', 'DER', '-out', cert], { stdio: 'ignore' });
    const signed = join(tmp, 'signed.ko');
    copyFileSync(ko, signed);
    execFileSync(tree.signFile!, [tree.sigHashAlgo ?? 'sha256', key, cert, signed]);
    const bytes = readFileSync(signed);
    const s = readKernelModule(bytes, signed);
    assert.equal(s.signatureAppended, true);
    assert.equal(s.contentLength, readFileSync(ko).length);
    assert.ok(bytes.subarray(0, s.contentLength).equals(readFileSync(ko)));
    assert.deepEqual(s.versions, info.versions);
    assert.equal(run('modinfo', ['-F', 'sig_hashalgo', signed]).trim(), tree.sigHashAlgo ?? 'sha256');
  });
});

describe('other classes and byte orders', () => {
  test('ELF32 little-endian written by the assembler', () => {
    const src = join(tmp, 'm32.s');
    writeFileSync(
      src,
      [
        '.section .modinfo,"a"',
        '.asciz "license=GPL"',
        '.asciz "vermagic=5.14.0-1.el9.i686 SMP mod_unload"',
        '.asciz "name=m32"',
        '.section __versions,"a"',
        '.long 0x12345678',
        '.ascii "printk"',
        '.fill 54,1,0',
        '.long 0x9abcdef0',
        '.ascii "kmalloc"',
        '.fill 53,1,0',
        '.text',
        '.globl mine',
        'mine: call printk',
        'call kmalloc',
        'ret',
      ].join('\n') + '\n',
    );
    const obj = join(tmp, 'm32.ko');
    execFileSync('as', ['--32', src, '-o', obj]);
    const info = readKernelModule(readFileSync(obj), obj);
    assert.equal(info.is64, false);
    assert.equal(info.name, 'm32');
    assert.equal(info.vermagic, run('modinfo', ['-F', 'vermagic', obj]).trim());
    assert.deepEqual(info.versions, [
      { symbol: 'printk', crc: 0x12345678 },
      { symbol: 'kmalloc', crc: 0x9abcdef0 },
    ]);
    const nm = run('nm', ['-u', obj]).split('\n').map((l) => l.trim().replace(/^U\s+/, '')).filter(Boolean);
    assert.deepEqual([...info.undefinedSymbols].sort(), nm.sort());
  });

  for (const is64 of [true, false]) {
    test(`ELF${is64 ? 64 : 32} big-endian (checked with readelf)`, () => {
      const versions = [
        { symbol: 'module_layout', crc: 0xdeadbeef },
        { symbol: 'printk', crc: 0x01020304 },
      ];
      const buf = buildElf({
        is64,
        littleEndian: false,
        machine: is64 ? 22 : 20, // s390x, ppc
        sections: [
          { name: '.text', data: Buffer.alloc(4) },
          { name: '.modinfo', data: Buffer.from('license=GPL\0vermagic=5.14.0-570.el9.s390x SMP\0alias=pci:v00008086d*\0alias=pci:v000010ECd*\0') },
          { name: '__versions', data: versionsSection(is64, false, versions) },
        ],
        symbols: [
          { name: 'init_module', section: 1 },
          { name: 'printk', section: 0 },
          { name: 'module_layout', section: 0 },
        ],
      });
      const file = join(tmp, `be${is64 ? 64 : 32}.ko`);
      writeFileSync(file, buf);
      // readelf first: the file must be a real ELF by a tool that is not ours.
      const header = run('readelf', ['-h', file]);
      assert.match(header, new RegExp(`Class:\\s+ELF${is64 ? 64 : 32}`));
      assert.match(header, /big endian/);
      const readelfUndef = run('readelf', ['-sW', file])
        .split('\n')
        .filter((l) => /\sUND\s+\S+$/.test(l))
        .map((l) => l.trim().split(/\s+/).at(-1)!);
      assert.deepEqual(readelfUndef, ['printk', 'module_layout']);
      assert.match(run('readelf', ['-x', '__versions', file]), is64 ? /0x00000000 00000000 deadbeef 6d6f6475/ : /0x00000000 deadbeef 6d6f6475/);

      const info = readKernelModule(buf, file);
      assert.equal(info.is64, is64);
      assert.equal(info.littleEndian, false);
      assert.equal(info.machine, is64 ? 22 : 20);
      assert.deepEqual(info.undefinedSymbols, readelfUndef);
      assert.deepEqual(info.versions, versions);
      assert.equal(info.vermagic, '5.14.0-570.el9.s390x SMP');
      assert.deepEqual(modinfoValues(info, 'alias'), ['pci:v00008086d*', 'pci:v000010ECd*']);
      assert.equal(info.name, `be${is64 ? 64 : 32}`);
    });
  }
});

test('a non-ELF file is a UserError', () => {
  assert.throws(() => readKernelModule(Buffer.from('#!/bin/sh\necho not a module\n'), 'x.ko'), (e: unknown) => e instanceof UserError && /x\.ko is not an ELF file/.test(e.message));
  assert.throws(() => readKernelModule(Buffer.alloc(0)), UserError);
  const truncated = readFileSync(built[0].ko).subarray(0, 200);
  assert.throws(() => readKernelModule(truncated, 'cut.ko'), (e: unknown) => e instanceof UserError && /truncated/.test(e.message));
});
