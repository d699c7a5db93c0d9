import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatSource, parseConfigFlag, parseSourceFlag } from '../../src/import/source-flag.js';
import { UserError } from '../../src/errors.js';

test('parseSourceFlag: the three forms', () => {
  assert.deepEqual(parseSourceFlag('git:/srv/linux@v6.6'), { kind: 'git', repo: '/srv/linux', rev: 'v6.6' });
  assert.deepEqual(parseSourceFlag('git:git@github.com:torvalds/linux.git@main'), { kind: 'git', repo: 'git@github.com:torvalds/linux.git', rev: 'main' });
  assert.deepEqual(parseSourceFlag('git:../linux@4f3e2d1'), { kind: 'git', repo: '../linux', rev: '4f3e2d1' });
  assert.deepEqual(parseSourceFlag('dir:./drivers/foo'), { kind: 'dir', path: './drivers/foo' });
  assert.deepEqual(parseSourceFlag('tar:/usr/src/linux-source-6.1.tar.xz'), { kind: 'tar', file: '/usr/src/linux-source-6.1.tar.xz' });
  for (const f of ['git:/srv/linux@v6.6', 'dir:x', 'tar:y.tar']) assert.equal(formatSource(parseSourceFlag(f)), f);
});

test('parseSourceFlag: bad forms are UserErrors that name the flag', () => {
  for (const bad of ['', 'svn:/x', '/srv/linux', 'git:/srv/linux', 'git:@v1', 'git:/srv/linux@', 'dir:', 'tar:  ']) {
    assert.throws(() => parseSourceFlag(bad), (err: unknown) => err instanceof UserError && err.message.includes(bad) && !!err.hint, bad);
  }
});

test('parseConfigFlag', () => {
  assert.deepEqual(parseConfigFlag('CONFIG_FOO=m'), ['CONFIG_FOO', 'm']);
  assert.deepEqual(parseConfigFlag('FOO_DEBUG=y'), ['CONFIG_FOO_DEBUG', 'y']);
  assert.deepEqual(parseConfigFlag('CONFIG_BAR'), ['CONFIG_BAR', 'm']);
  assert.deepEqual(parseConfigFlag('CONFIG_NAME="a b"'), ['CONFIG_NAME', '"a b"']);
  for (const bad of ['CONFIG_FOO=', 'foo bar=m', '=m']) assert.throws(() => parseConfigFlag(bad), UserError, bad);
});
