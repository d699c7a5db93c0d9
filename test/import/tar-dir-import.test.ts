import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { importSources, type ImportResult } from '../../src/import/import.js';
import type { SourceSpec } from '../../src/answers/schema.js';
import { GIT_ENV, installedBuildTrees, makeKernelRepo, makeProject, write, type FixtureRepo } from './fixture.js';

/**
 * The same kernel-like tree as a git revision, a plain directory and tarballs of every kind
 * (with a `linux-source-6.1/` top directory, as Debian's linux-source ships it): every import
 * must give the same files and the same hash.
 */
describe('directory and tarball imports of the same tree', () => {
  let tmp: string;
  let fx: FixtureRepo;
  let projectDir: string;
  let series: string;
  const results = new Map<string, ImportResult>();
  const contents = new Map<string, Record<string, string>>();
  const trees = installedBuildTrees().map((t) => t.buildTree);

  function readAll(dir: string): Record<string, string> {
    const out: Record<string, string> = {};
    for (const e of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
      if (e.isFile()) out[path.relative(dir, path.join(e.parentPath, e.name))] = fs.readFileSync(path.join(e.parentPath, e.name), 'utf8');
    }
    return out;
  }

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dudforge-import-tar-'));
    fx = await makeKernelRepo(tmp);
    ({ projectDir, series } = await makeProject(tmp));
    // The tree as a directory, from the same commit, with build leftovers in the driver dir.
    const top = path.join(tmp, 'unpacked', 'linux-source-6.1');
    fs.mkdirSync(top, { recursive: true });
    const archive = await execa('git', ['-C', fx.repo, 'archive', '--format=tar', fx.v2], { encoding: 'buffer', env: GIT_ENV });
    await execa('tar', ['-x', '-C', top], { input: archive.stdout });
    const plainDir = path.join(tmp, 'plain');
    fs.cpSync(top, plainDir, { recursive: true });
    for (const junk of ['foo_main.o', '.foo_main.o.cmd', 'foo.ko', 'foo.mod.c', 'Module.symvers', 'modules.order', '.tmp_versions/foo.mod']) {
      write(plainDir, `drivers/net/foo/${junk}`, 'build output\n');
    }
    const tars: Record<string, string[]> = { 'tar': [], 'tar.gz': ['-z'], 'tar.xz': ['-J'], 'tar.bz2': ['-j'] };
    for (const [ext, flag] of Object.entries(tars)) {
      await execa('tar', ['-c', ...flag, '-f', path.join(tmp, `linux-source-6.1.${ext}`), '-C', path.join(tmp, 'unpacked'), 'linux-source-6.1']);
    }
    // A tarball whose members start with ./ (tar -C dir .), without a top directory.
    await execa('tar', ['-czf', path.join(tmp, 'dotted.tgz'), '-C', top, '.']);

    const sources: Record<string, SourceSpec> = {
      git: { kind: 'git', repo: fx.repo, rev: 'main' },
      dir: { kind: 'dir', path: plainDir },
      ...Object.fromEntries(Object.keys(tars).map((ext) => [ext, { kind: 'tar', file: path.join(tmp, `linux-source-6.1.${ext}`) } as SourceSpec])),
      dotted: { kind: 'tar', file: path.join(tmp, 'dotted.tgz') },
    };
    for (const [name, source] of Object.entries(sources)) {
      const destDir = path.join(projectDir, `sources-${name}`);
      results.set(name, await importSources({ source, driverDirs: ['drivers/net/foo'], patchSeries: series, projectDir, destDir, buildTrees: trees }));
      contents.set(name, readAll(destDir));
    }
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  test('every kind of source gives the same files, contents and hash as the git import', () => {
    const ref = results.get('git')!;
    assert.ok(ref.files.includes('include/linux/foo_hw.h'));
    for (const [name, r] of results) {
      assert.deepEqual(r.files, ref.files, name);
      assert.equal(r.sourceHash, ref.sourceHash, name);
      assert.deepEqual(r.pulledHeaders, ref.pulledHeaders, name);
      assert.deepEqual(r.modules, ref.modules, name);
      assert.deepEqual(r.moduleInfo, ref.moduleInfo, name);
      assert.deepEqual(contents.get(name), contents.get('git'), name);
      assert.equal(r.commit, name === 'git' ? fx.v2 : undefined);
    }
  });

  test('a bool feature symbol set by the user adds its objects', async () => {
    const r = await importSources({
      source: { kind: 'git', repo: fx.repo, rev: 'v1' },
      driverDirs: ['drivers/net/foo'],
      config: { FOO_DEBUG: 'y' },
      projectDir,
      destDir: 'sources-debug',
    });
    assert.deepEqual(r.config, { CONFIG_FOO: 'm', CONFIG_FOO_DEBUG: 'y' });
    assert.deepEqual(r.optionalConfig, []);
    assert.deepEqual(r.modules[0].objects, ['drivers/net/foo/foo_main.o', 'drivers/net/foo/foo_hw.o', 'drivers/net/foo/foo_debug.o']);
  });

  test('build outputs in a source directory are left behind', () => {
    const files = results.get('dir')!.files;
    assert.ok(!files.some((f) => /\.(o|ko|cmd|mod\.c)$|Module\.symvers|modules\.order|\.tmp_/.test(f)), files.join(' '));
  });

  test('a standalone module directory is imported whole, without build outputs', async () => {
    const mod = path.join(tmp, 'oot-bar');
    write(mod, 'Makefile', 'obj-m := bar.o\nbar-objs := bar_core.o\nKDIR ?= /lib/modules/$(shell uname -r)/build\nall:\n\t$(MAKE) -C $(KDIR) M=$(CURDIR) modules\n');
    write(mod, 'bar_core.c', '#include <linux/module.h>\nMODULE_LICENSE("Dual MIT/GPL");\nMODULE_DESCRIPTION("bar");\n');
    write(mod, 'include/bar.h', '#define BAR 1\n');
    write(mod, 'bar_core.o', 'x');
    write(mod, '.bar_core.o.cmd', 'x');
    write(mod, 'bar.ko', 'x');
    write(mod, '.git/HEAD', 'ref: refs/heads/main\n');
    const r = await importSources({ source: { kind: 'dir', path: mod }, projectDir, destDir: 'bar-sources', buildTrees: trees });
    assert.deepEqual(r.files, ['Makefile', 'bar_core.c', 'include/bar.h']);
    assert.deepEqual(r.modules, [{ name: 'bar', dir: '.', objects: ['bar_core.o'] }]);
    assert.deepEqual(r.config, {});
    assert.equal(r.moduleInfo.license, 'Dual MIT/GPL');
    assert.equal(r.moduleInfo.name, 'bar');

    // The same module as a tarball with a top directory gives the same import.
    await execa('tar', ['-cJf', path.join(tmp, 'bar-1.0.tar.xz'), '--exclude=*.o', '--exclude=*.ko', '--exclude=.*.cmd', '--exclude=.git', '--transform=s,^oot-bar,bar-1.0,', '-C', tmp, 'oot-bar']);
    const t = await importSources({ source: { kind: 'tar', file: path.join(tmp, 'bar-1.0.tar.xz') }, projectDir, destDir: 'bar-from-tar', buildTrees: trees });
    assert.deepEqual(t.files, r.files);
    assert.equal(t.sourceHash, r.sourceHash);
  });
});

describe('a project that lives inside its module directory (--source dir:.)', () => {
  let mod: string;
  before(() => {
    mod = fs.mkdtempSync(path.join(os.tmpdir(), 'dudforge-import-self-'));
    write(mod, 'Makefile', 'obj-m := selfmod.o\n');
    write(mod, 'selfmod.c', '#include <linux/module.h>\nMODULE_LICENSE("GPL");\n');
    write(mod, 'dudforge.json', '{}\n');
    write(mod, 'out/kmod-selfmod.rpm', 'not a source\n');
    write(mod, 'blob.fw', 'fw\n');
    write(mod, '.sources.import-leftover/x.c', 'from an interrupted run\n');
  });
  after(() => fs.rmSync(mod, { recursive: true, force: true }));

  test('its own sources, firmware, staging, output dirs and answers are not imported', async () => {
    const opts = { source: { kind: 'dir', path: '.' } as SourceSpec, projectDir: mod, destDir: 'sources', firmware: ['blob.fw'], exclude: ['out'] };
    const first = await importSources(opts);
    assert.deepEqual(first.files, ['Makefile', 'blob.fw', 'selfmod.c']);
    const second = await importSources(opts);
    assert.equal(second.unchanged, true);
    assert.deepEqual(second.files, first.files);
    assert.equal(second.sourceHash, first.sourceHash);
    assert.ok(fs.existsSync(path.join(mod, 'firmware/blob.fw')));
  });

  test('nested driver directories are imported once', async () => {
    write(mod, 'sub/Makefile', 'obj-m := subm.o\n');
    write(mod, 'sub/subm.c', 'int x;\n');
    write(mod, 'Makefile', 'obj-m := selfmod.o\nobj-m += sub/\n');
    const r = await importSources({ source: { kind: 'dir', path: mod }, driverDirs: ['./', 'sub'], projectDir: mod, destDir: 'sources', exclude: ['out'] });
    assert.deepEqual(r.modules.map((m) => m.name).sort(), ['selfmod', 'subm']);
  });
});
