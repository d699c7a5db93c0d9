import { test } from 'node:test';
import assert from 'node:assert/strict';
import { depmodConf } from '../../src/kmod/depmod.js';

// depmod's real behaviour with these lines is checked in package.test.ts with built modules.
test('depmod.conf: two override lines per module, sorted, kernel-independent text', () => {
  const a = depmodConf({ pkgName: 'foo', modules: ['foo_b.ko', 'foo_a.ko', 'foo_a'], kernelRelease: '6.1.0-56-amd64' });
  const b = depmodConf({ pkgName: 'foo', modules: ['foo_a.ko', 'foo_b.ko'], kernelRelease: '5.14.0-570.el9.x86_64' });
  assert.equal(a, b);
  const lines = a.split('\n').filter((l) => l && !l.startsWith('#'));
  assert.deepEqual(lines, [
    'override foo_a * extra/foo',
    'override foo_a * weak-updates/foo',
    'override foo_b * extra/foo',
    'override foo_b * weak-updates/foo',
  ]);
  assert.ok(a.endsWith('\n'));
});
