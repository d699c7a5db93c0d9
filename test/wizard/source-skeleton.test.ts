import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { SourceSpec } from '../../src/answers/schema.js';
import { defaultDeps } from '../../src/wizard/deps.js';
import { skeletonDir } from '../../src/wizard/source-skeleton.js';
import { visibleDirs } from '../../src/wizard/dir-tree.js';
import { tempDir, writeDriverTree } from './helpers.js';

describe('browsing tarballs and git revisions (skeletons)', () => {
  let base: string;
  const deps = defaultDeps();
  before(() => {
    base = tempDir();
    writeDriverTree(join(base, 'linux-6.99'));
    execFileSync('tar', ['-C', base, '-czf', join(base, 'linux.tar.gz'), 'linux-6.99']);
    const repo = join(base, 'linux-6.99');
    const git = (...args: string[]) => execFileSync('git', ['-C', repo, '-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { stdio: 'pipe' });
    git('init', '-q');
    git('add', '.');
    git('commit', '-qm', 'v1');
    git('tag', 'v1');
    // A later commit drops the driver: browsing v1 must still show it.
    git('rm', '-rq', 'drivers/net/foo');
    git('commit', '-qm', 'v2');
  });
  after(() => {
    for (const s of sources()) rmSync(skeletonDir(s), { recursive: true, force: true });
    rmSync(base, { recursive: true, force: true });
  });
  const sources = (): SourceSpec[] => [
    { kind: 'tar', file: join(base, 'linux.tar.gz') },
    { kind: 'git', repo: join(base, 'linux-6.99'), rev: 'v1' },
  ];

  test('every directory is listed with its modules; the driver directory is extracted for its defaults', async () => {
    for (const source of sources()) {
      const tree = await deps.loadTree(source);
      assert.equal(tree.root, skeletonDir(source));
      assert.deepEqual(tree.nodes['drivers/net/foo']?.modules, ['foo'], `${source.kind}: modules of drivers/net/foo`);
      assert.ok(tree.nodes['Documentation'], `${source.kind}: directories without a Makefile are listed too`);
      assert.equal(existsSync(join(tree.root, 'drivers/net/foo/foo_main.c')), false, 'only Makefile/Kbuild files at first');
      assert.deepEqual(visibleDirs(tree, [], 'foo').map((n) => n.rel), ['.', 'drivers', 'drivers/net', 'drivers/net/foo']);
      const root = await deps.driverRoot(source, ['drivers/net/foo']);
      const d = deps.packageDefaults(join(root, 'drivers/net/foo'));
      assert.deepEqual([d.name, d.version, d.description], ['foo', '2.1', 'Foo network driver'], source.kind);
    }
  });

  test('a missing revision or a file that is not a tarball is reported', async () => {
    await assert.rejects(deps.loadTree({ kind: 'git', repo: join(base, 'linux-6.99'), rev: 'nope' }), /revision nope does not exist/);
    await assert.rejects(deps.loadTree({ kind: 'tar', file: join(base, 'linux-6.99', 'Makefile') }), /is not a tarball/);
  });
});
