import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, readFileSync, statSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { writeTar, writeTarRaw, splitUstarName, paxRecord, type TarEntry } from '../../src/archive/tar.js';

const MTIME = 1700000000;
const longDir = 'd'.repeat(60) + '/' + 'e'.repeat(60) + '/' + 'f'.repeat(50);
const veryLong = 'x'.repeat(120) + '/' + 'y'.repeat(120) + '.c'; // no ustar split fits
const entries: TarEntry[] = [
  { path: 'pkg-1.0/src/main.c', type: 'file', mode: 0o644, data: Buffer.from('int main(void) { return 0; }\n') },
  { path: 'pkg-1.0', type: 'dir', mode: 0o755 },
  { path: 'pkg-1.0/src', type: 'dir', mode: 0o755 },
  { path: 'pkg-1.0/run.sh', type: 'file', mode: 0o755, data: Buffer.from('#!/bin/sh\necho hi\n') },
  { path: 'pkg-1.0/empty', type: 'file', mode: 0o600, data: Buffer.alloc(0) },
  { path: `pkg-1.0/${longDir}`, type: 'dir', mode: 0o755 },
  { path: `pkg-1.0/${longDir}/g.txt`, type: 'file', mode: 0o644, data: Buffer.alloc(1500, 0x61) },
  { path: `pkg-1.0/${veryLong}`, type: 'file', mode: 0o644, data: Buffer.from('long\n') },
  { path: 'pkg-1.0/ünïcode.txt', type: 'file', mode: 0o644, data: Buffer.from('u\n') },
];

describe('writeTar', () => {
  let dir: string;
  let tgz: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'dudforge-tar-'));
    tgz = join(dir, 'a.tar.gz');
    writeFileSync(tgz, writeTar(entries, { mtime: MTIME }));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('pax record length counts itself', () => {
    for (const [k, v] of [['path', 'a'], ['path', 'x'.repeat(95)], ['path', 'x'.repeat(200)]]) {
      const rec = paxRecord(k, v);
      const len = Number(rec.split(' ')[0]);
      assert.equal(len, Buffer.byteLength(rec));
    }
  });

  test('ustar prefix split', () => {
    assert.deepEqual(splitUstarName('a/b'), { prefix: '', name: 'a/b' });
    const s = splitUstarName(`pkg-1.0/${longDir}/g.txt`);
    assert.ok(s && s.prefix.length <= 155 && s.name.length <= 100);
    assert.equal(`${s.prefix}/${s.name}`, `pkg-1.0/${longDir}/g.txt`);
    assert.equal(splitUstarName(veryLong), undefined);
  });

  test('GNU tar lists every entry, sorted, root-owned, with the fixed mtime', () => {
    const out = execFileSync('tar', ['--numeric-owner', '--full-time', '-tvzf', tgz], { encoding: 'utf8', env: { ...process.env, TZ: 'UTC' } });
    const lines = out.trim().split('\n');
    const names = lines.map((l) => l.split(/\s+/).slice(5).join(' '));
    const expected = entries
      .map((e) => (e.type === 'dir' ? `${e.path}/` : e.path))
      .sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    assert.deepEqual(names, expected);
    for (const l of lines) {
      assert.match(l, /^\S+ 0\/0 /);
      assert.ok(l.includes(new Date(MTIME * 1000).toISOString().slice(0, 10)), l);
    }
  });

  test('GNU tar and bsdtar extract the same bytes and modes', () => {
    for (const [tool, args] of [
      ['tar', ['-xzf', tgz, '-C']],
      ['bsdtar', ['-xzf', tgz, '-C']],
    ] as const) {
      const out = join(dir, `x-${tool}`);
      mkdirSync(out);
      execFileSync(tool, [...args, out]);
      for (const e of entries) {
        const p = join(out, e.path);
        const st = statSync(p);
        assert.equal(st.mtimeMs / 1000, MTIME, `${tool} ${e.path} mtime`);
        if (e.type === 'dir') assert.ok(st.isDirectory());
        else {
          assert.deepEqual(readFileSync(p), e.data, `${tool} ${e.path}`);
          assert.equal(st.mode & 0o777, e.mode, `${tool} ${e.path} mode`);
        }
      }
    }
  });

  test('deterministic regardless of input order, and record-aligned', () => {
    const a = writeTarRaw(entries, { mtime: MTIME });
    const b = writeTarRaw([...entries].reverse(), { mtime: MTIME });
    assert.ok(a.equals(b));
    assert.equal(a.length % 10240, 0);
    assert.ok(writeTar(entries, { mtime: MTIME }).equals(writeTar([...entries].reverse(), { mtime: MTIME })));
    assert.ok(!writeTarRaw(entries, { mtime: MTIME + 1 }).equals(a));
  });

  test('rejects unsafe and duplicate paths', () => {
    assert.throws(() => writeTarRaw([{ path: '../x', type: 'file', mode: 0o644 }], { mtime: 0 }));
    assert.throws(() => writeTarRaw([{ path: '/etc/x', type: 'file', mode: 0o644 }], { mtime: 0 }));
    assert.throws(() =>
      writeTarRaw(
        [
          { path: 'a', type: 'file', mode: 0o644 },
          { path: './a', type: 'file', mode: 0o644 },
        ],
        { mtime: 0 },
      ),
    );
  });
});
