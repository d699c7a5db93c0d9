import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readSeries, hunkText, patchSteps } from '../../src/import/patches.js';
import { includesOf, buildTreeParts, archOf, releaseOf } from '../../src/import/headers.js';
import { isBuildOutput, treeHash, type TreeFile } from '../../src/import/tree-files.js';
import { UserError } from '../../src/errors.js';
import { installedBuildTrees } from './fixture.js';

describe('patch series', () => {
  let tmp: string;
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dudforge-series-'));
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  test('quilt series: comments, blank lines, -pN, subdirectories, CRLF', () => {
    fs.writeFileSync(path.join(tmp, 'series'), '# top comment\r\n\r\nfix-a.patch\r\nsub/fix-b.patch -p0 # trailing comment\r\n  fix-c.diff   -p2\r\n');
    assert.deepEqual(readSeries(path.join(tmp, 'series')), [
      { file: path.join(tmp, 'fix-a.patch'), name: 'fix-a.patch', strip: 1 },
      { file: path.join(tmp, 'sub/fix-b.patch'), name: 'sub/fix-b.patch', strip: 0 },
      { file: path.join(tmp, 'fix-c.diff'), name: 'fix-c.diff', strip: 2 },
    ]);
  });

  test('unknown series options and missing files are UserErrors', () => {
    fs.writeFileSync(path.join(tmp, 'bad-series'), 'x.patch -R\n');
    assert.throws(() => readSeries(path.join(tmp, 'bad-series')), (e: unknown) => e instanceof UserError && /-R/.test(e.message) && /bad-series:1/.test(e.message));
    assert.throws(() => readSeries(path.join(tmp, 'nope')), UserError);
    assert.throws(() => patchSteps(tmp, ['missing.patch']), (e: unknown) => e instanceof UserError && /missing\.patch/.test(e.message));
  });

  test('hunkText finds the n-th hunk of a file', () => {
    const patch = [
      '--- a/x.c', '+++ b/x.c', '@@ -1,2 +1,2 @@', ' a', '-b', '+B',
      '--- a/y.c', '+++ b/y.c', '@@ -1 +1 @@', '-c', '+C', '@@ -10 +10 @@', '-d', '+D', '',
    ].join('\n');
    assert.equal(hunkText(patch, 'y.c', 2), '@@ -10 +10 @@\n-d\n+D\n');
    assert.equal(hunkText(patch, 'x.c', 1), '@@ -1,2 +1,2 @@\n a\n-b\n+B');
    assert.equal(hunkText(patch, 'z.c', 1), undefined);
  });
});

describe('headers and trees', () => {
  test('includesOf: quoted and angled, comments and continuations ignored', () => {
    const src = [
      '#include <linux/module.h>',
      '  #  include "foo.h"',
      '/* #include "commented.h" */',
      '// #include <also/commented.h>',
      '#include MACRO_HEADER',
      '#define X "#include <not/an/include.h>"',
    ].join('\n');
    assert.deepEqual(includesOf(src), [
      { name: 'linux/module.h', quoted: false },
      { name: 'foo.h', quoted: true },
    ]);
  });

  test('installed build trees: parts, arch and release', () => {
    const trees = installedBuildTrees();
    assert.ok(trees.length > 0);
    for (const t of trees) {
      const parts = buildTreeParts(t.buildTree);
      assert.equal(parts[0], t.buildTree);
      // linux/module.h is in every real build tree, in one of its parts.
      assert.ok(parts.some((p) => fs.existsSync(path.join(p, 'include/linux/module.h'))), parts.join(' '));
      assert.equal(archOf(t.buildTree), 'x86');
      assert.equal(releaseOf(t.buildTree), t.release);
    }
  });

  test('build outputs and the tree hash', () => {
    for (const n of ['a.o', 'a.ko', '.a.o.cmd', 'a.mod.c', 'a.mod', 'Module.symvers', 'modules.order', '.tmp_versions']) assert.ok(isBuildOutput(n), n);
    for (const n of ['a.c', 'a.h', 'Makefile', 'Kbuild', 'a.S', 'README.md']) assert.ok(!isBuildOutput(n), n);
    const f: TreeFile = { path: 'a.c', kind: 'file', executable: false, sha256: 'x' };
    assert.equal(treeHash([f]), treeHash([{ ...f }]));
    assert.notEqual(treeHash([f]), treeHash([{ ...f, executable: true }]));
    assert.notEqual(treeHash([f]), treeHash([{ ...f, path: 'b.c' }]));
    assert.notEqual(treeHash([f]), treeHash([f], [f]));
  });
});
