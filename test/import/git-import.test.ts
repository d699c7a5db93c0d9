import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { importSources, type ImportResult } from '../../src/import/import.js';
import { includeMakeArgs } from '../../src/import/headers.js';
import { git, installedBuildTrees, makeKernelRepo, makeProject, write, type FixtureRepo } from './fixture.js';

/** `git status --porcelain` (without refreshing the index) and the index file's bytes and mtime. */
async function repoState(repo: string) {
  const index = path.join(repo, '.git', 'index');
  return {
    status: (await git(repo, 'status', '--porcelain', '--untracked-files=all')).stdout,
    index: fs.readFileSync(index).toString('base64'),
    indexMtime: fs.statSync(index).mtimeMs,
    head: fs.readFileSync(path.join(repo, '.git', 'HEAD'), 'utf8'),
  };
}

function mtimes(dir: string): Record<string, number> {
  const out: Record<string, number> = {};
  const walk = (d: string, rel: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(path.join(d, e.name), r);
      else out[r] = fs.lstatSync(path.join(d, e.name)).mtimeMs;
    }
  };
  walk(dir, '');
  return out;
}

/** Build the imported driver against one build tree in its own copy; returns the .ko path. */
async function makeFoo(sources: string, result: ImportResult, buildTree: string, copyDir: string, includeArgs: boolean) {
  fs.cpSync(sources, copyDir, { recursive: true, verbatimSymlinks: true });
  const mod = result.modules.find((m) => m.name === 'foo')!;
  const configArgs = Object.entries(result.config).map(([k, v]) => `${k}=${v}`);
  const includes = includeArgs ? includeMakeArgs(copyDir, result.includeDirs) : [];
  const r = await execa('make', ['-C', buildTree, `M=${path.join(copyDir, mod.dir)}`, ...configArgs, ...includes, '-j2', 'modules'], {
    reject: false,
    all: true,
    detached: true,
  });
  return { r, ko: path.join(copyDir, mod.dir, 'foo.ko') };
}

async function buildFoo(sources: string, result: ImportResult, buildTree: string, copyDir: string): Promise<string> {
  const { r, ko } = await makeFoo(sources, result, buildTree, copyDir, true);
  assert.equal(r.exitCode, 0, `build against ${buildTree} failed:\n${r.all}`);
  return ko;
}

describe('import from a git repository at two revisions, then build with the real Kbuild', () => {
  let tmp: string;
  let fx: FixtureRepo;
  let projectDir: string;
  let series: string;
  let destDir: string;
  let stateBefore: Awaited<ReturnType<typeof repoState>>;
  let stateAfter: Awaited<ReturnType<typeof repoState>>;
  let atV1: ImportResult;
  let atV1Again: ImportResult;
  let atMain: ImportResult;
  let mtimesV1: Record<string, number>;
  let mtimesV1Again: Record<string, number>;
  const progress: string[] = [];
  const trees = installedBuildTrees();
  const built: { release: string; ko: string; rev: string }[] = [];
  let withoutIncludes: Awaited<ReturnType<typeof makeFoo>>;

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dudforge-import-git-'));
    fx = await makeKernelRepo(tmp);
    ({ projectDir, series } = await makeProject(tmp));
    destDir = path.join(projectDir, 'sources');
    // A dirty work tree and a staged change: the import must see neither and keep both.
    write(fx.repo, 'drivers/net/foo/foo_main.c', 'this work-tree edit must not be imported\n');
    write(fx.repo, 'drivers/net/foo/untracked.c', 'untracked\n');
    write(fx.repo, 'Makefile', 'staged edit\n');
    await git(fx.repo, 'add', 'Makefile');
    stateBefore = await repoState(fx.repo);

    const common = {
      driverDirs: ['drivers/net/foo'],
      patchSeries: series,
      projectDir,
      destDir: 'sources',
      buildTrees: trees.map((t) => t.buildTree),
    };
    atV1 = await importSources({
      ...common,
      source: { kind: 'git', repo: fx.repo, rev: 'v1' },
      reporter: { emit: (e) => e.type === 'info' && progress.push(e.message) },
    });
    mtimesV1 = mtimes(destDir);
    for (const t of trees) built.push({ release: t.release, rev: 'v1', ko: await buildFoo(destDir, atV1, t.buildTree, path.join(tmp, `build-v1-${t.release}`)) });
    await new Promise((r) => setTimeout(r, 20));
    atV1Again = await importSources({ ...common, source: { kind: 'git', repo: fx.repo, rev: 'v1' } });
    mtimesV1Again = mtimes(destDir);
    atMain = await importSources({ ...common, source: { kind: 'git', repo: '../linux', rev: 'main' } });
    for (const t of trees) built.push({ release: t.release, rev: 'main', ko: await buildFoo(destDir, atMain, t.buildTree, path.join(tmp, `build-main-${t.release}`)) });
    withoutIncludes = await makeFoo(destDir, atMain, trees[0].buildTree, path.join(tmp, 'build-no-includes'), false);
    stateAfter = await repoState(fx.repo);
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  test('there are kernel build trees to build against', () => {
    assert.ok(trees.length >= 1, 'no /lib/modules/*/build installed');
  });

  test('the resolved commits are recorded', () => {
    assert.equal(atV1.commit, fx.v1);
    assert.equal(atMain.commit, fx.v2);
    assert.match(atV1.commit!, /^[0-9a-f]{40}$/);
  });

  test('the source repository is untouched: status, index bytes and mtime, HEAD', () => {
    assert.deepEqual(stateAfter, stateBefore);
    assert.match(stateAfter.status, /untracked\.c/);
  });

  test('only the driver directory and the headers it needs are imported, with tree paths', () => {
    assert.deepEqual(atV1.files, [
      'drivers/net/common/netcommon.h',
      'drivers/net/foo/Makefile',
      'drivers/net/foo/README',
      'drivers/net/foo/foo.h',
      'drivers/net/foo/foo_debug.c',
      'drivers/net/foo/foo_hw.c',
      'drivers/net/foo/foo_main.c',
      'drivers/net/shared/shared_defs.h',
      'include/linux/foo_hw.h',
      'include/linux/foo_regs.h',
    ]);
    assert.deepEqual(
      atV1.pulledHeaders.map((h) => h.path),
      ['drivers/net/common/netcommon.h', 'drivers/net/shared/shared_defs.h', 'include/linux/foo_hw.h', 'include/linux/foo_regs.h'],
    );
    assert.match(atV1.pulledHeaders[1].reason, /-I/);
    const hw = atV1.pulledHeaders.find((h) => h.path === 'include/linux/foo_hw.h')!;
    assert.match(hw.reason, /foo_main\.c/);
    for (const t of trees) assert.match(hw.reason, new RegExp(t.release.replace(/[.+]/g, '\\$&')));
    assert.deepEqual([...atV1.includeDirs].sort(), ['drivers/net/shared', 'include']);
    // The committed file, not the work-tree edit.
    assert.match(fs.readFileSync(path.join(destDir, 'drivers/net/foo/foo_main.c'), 'utf8'), /module_init/);
  });

  test('modules, config symbols and package defaults come from the sources', () => {
    assert.deepEqual(
      atV1.modules.map((m) => ({ name: m.name, dir: m.dir, objects: m.objects })),
      [{ name: 'foo', dir: 'drivers/net/foo', objects: ['drivers/net/foo/foo_main.o', 'drivers/net/foo/foo_hw.o'] }],
    );
    assert.deepEqual(atV1.config, { CONFIG_FOO: 'm' });
    assert.deepEqual(atV1.optionalConfig, ['CONFIG_FOO_DEBUG']);
    assert.deepEqual(atV1.moduleInfo, {
      name: 'foo',
      mainModule: 'foo.ko',
      spdx: 'GPL-2.0',
      license: 'GPL',
      description: 'Foo Ethernet driver',
      version: '1.0-patched',
      author: 'Foo Networks <dev@foo.example>',
    });
  });

  test('progress is reported as info events', () => {
    assert.ok(progress.some((m) => m.includes(fx.v1)), progress.join('\n'));
    assert.ok(progress.includes('applied patch 0001-foo-version.patch'), progress.join('\n'));
    assert.ok(progress.some((m) => m.startsWith('pulled in include/linux/foo_hw.h')), progress.join('\n'));
  });

  test('re-importing the same revision changes nothing', () => {
    assert.equal(atV1.unchanged, false);
    assert.equal(atV1.changes, undefined);
    assert.equal(atV1Again.unchanged, true);
    assert.equal(atV1Again.sourceHash, atV1.sourceHash);
    assert.deepEqual(atV1Again.files, atV1.files);
    assert.deepEqual(atV1Again.changes, { added: [], removed: [], modified: [] });
    assert.deepEqual(mtimesV1Again, mtimesV1);
  });

  test('another revision reports what changed', () => {
    assert.equal(atMain.unchanged, false);
    assert.notEqual(atMain.sourceHash, atV1.sourceHash);
    assert.deepEqual(atMain.changes, {
      added: ['drivers/net/foo/foo_extra.h'],
      removed: ['drivers/net/foo/README'],
      modified: ['drivers/net/foo/foo_hw.c'],
    });
    assert.deepEqual(atMain.files, fs.readdirSync(destDir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => path.relative(destDir, path.join(e.parentPath, e.name))).sort());
    // No staging directories left beside the project's sources.
    assert.deepEqual(fs.readdirSync(projectDir).sort(), ['.dudforge', 'patches', 'sources']);
  });

  test('without the reported include directories the build fails: the pulled headers are needed', () => {
    assert.notEqual(withoutIncludes.r.exitCode, 0);
    assert.match(withoutIncludes.r.all ?? '', /foo_hw\.h|shared_defs\.h/);
    assert.ok(!fs.existsSync(withoutIncludes.ko));
  });

  test('the imported, patched sources build against every installed kernel', async () => {
    assert.equal(built.length, trees.length * 2);
    for (const b of built) {
      assert.ok(fs.existsSync(b.ko), `${b.ko} missing`);
      const info = await execa('modinfo', ['-F', 'license', b.ko]);
      assert.equal(info.stdout.trim(), 'GPL');
      const version = await execa('modinfo', ['-F', 'version', b.ko]);
      assert.equal(version.stdout.trim(), '1.0-patched', `${b.rev} on ${b.release}`);
      const vermagic = await execa('modinfo', ['-F', 'vermagic', b.ko]);
      assert.ok(vermagic.stdout.startsWith(b.release + ' '), vermagic.stdout);
    }
  });
});
