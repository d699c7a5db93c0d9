import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { importSources, includeMakeArgs, type ImportResult } from '../../src/import/index.js';
import { buildTreeParts } from '../../src/import/headers.js';
import { installedBuildTrees } from './fixture.js';
import { needs } from '../helpers/needs.js';

/**
 * A real kernel tarball: Debian's linux-source-<ver> package (/usr/src/linux-source-*.tar.xz,
 * ~140 MB, with a `linux-source-<ver>/` top directory). Skipped when no such package is
 * installed (`apt-get install linux-source-6.1` enables it; about a minute here).
 */
const tarball = fs
  .readdirSync('/usr/src')
  .filter((f) => /^linux-source-[\d.]+\.tar\.(xz|gz|bz2)$/.test(f))
  .map((f) => path.join('/usr/src', f))
  .sort()[0];

describe('import from a real linux-source tarball', { skip: needs(Boolean(tarball), 'no /usr/src/linux-source-*.tar.* installed') }, () => {
  let tmp: string;
  let result: ImportResult;
  let again: ImportResult;
  let touched: ImportResult;
  const againSaid: string[] = [];
  const touchedSaid: string[] = [];
  const trees = installedBuildTrees();
  const built: { release: string; ko: string; license: string }[] = [];

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dudforge-import-linux-'));
    // A copy of the tarball, so that the test can touch it.
    const copy = path.join(tmp, path.basename(tarball!));
    fs.copyFileSync(tarball!, copy);
    const opts = {
      source: { kind: 'tar' as const, file: copy },
      driverDirs: ['drivers/net/ethernet/intel/e1000', 'drivers/net/ieee802154'],
      projectDir: tmp,
      destDir: 'sources',
      buildTrees: trees.map((t) => t.buildTree),
    };
    result = await importSources(opts);
    again = await importSources({ ...opts, reporter: { emit: (e) => e.type === 'info' && againSaid.push(e.message) } });
    const later = new Date(Date.now() + 5000);
    fs.utimesSync(copy, later, later);
    touched = await importSources({ ...opts, reporter: { emit: (e) => e.type === 'info' && touchedSaid.push(e.message) } });
    const sources = path.join(tmp, 'sources');
    for (const t of trees) {
      const copy = path.join(tmp, `build-${t.release}`);
      fs.cpSync(sources, copy, { recursive: true });
      const dir = path.join(copy, 'drivers/net/ethernet/intel/e1000');
      const r = await execa('make', ['-C', t.buildTree, `M=${dir}`, 'CONFIG_E1000=m', ...includeMakeArgs(copy, result.includeDirs), '-j2', 'modules'], {
        reject: false,
        all: true,
      });
      assert.equal(r.exitCode, 0, r.all);
      const ko = path.join(dir, 'e1000.ko');
      built.push({ release: t.release, ko, license: (await execa('modinfo', ['-F', 'license', ko])).stdout.trim() });
    }
  });
  after(() => tmp && fs.rmSync(tmp, { recursive: true, force: true }));

  test('the driver directories and their modules, without the top directory', () => {
    assert.ok(result.files.includes('drivers/net/ethernet/intel/e1000/e1000_main.c'));
    assert.ok(result.files.every((f) => !f.startsWith('linux-source')));
    const e1000 = result.modules.find((m) => m.name === 'e1000')!;
    assert.equal(e1000.dir, 'drivers/net/ethernet/intel/e1000');
    assert.equal(e1000.configSymbol, 'CONFIG_E1000');
    assert.equal(result.config.CONFIG_E1000, 'm');
    assert.ok(result.modules.some((m) => m.name === 'at86rf230'));
    assert.equal(result.moduleInfo.name, 'e1000');
    assert.match(result.moduleInfo.description ?? '', /PRO\/1000/);
  });

  test('a <linux/…> header is pulled in exactly when some build tree lacks it', () => {
    for (const header of ['linux/spi/at86rf230.h', 'linux/spi/cc2520.h', 'linux/pci.h']) {
      const lackingTrees = trees.filter((t) => !buildTreeParts(t.buildTree).some((p) => fs.existsSync(path.join(p, 'include', header))));
      const pulled = result.pulledHeaders.find((h) => h.path === `include/${header}`);
      assert.equal(Boolean(pulled), lackingTrees.length > 0, header);
      for (const t of lackingTrees) assert.ok(pulled!.reason.includes(t.release), pulled!.reason);
    }
  });

  test('a second import with nothing changed does not read the tarball again', () => {
    assert.equal(again.reused, true);
    assert.equal(again.unchanged, true);
    assert.equal(again.sourceHash, result.sourceHash);
    assert.deepEqual(again.files, result.files);
    assert.deepEqual(again.pulledHeaders, result.pulledHeaders);
    assert.ok(againSaid.some((m) => /unchanged since the last import, not re-read/.test(m)), againSaid.join('\n'));
    assert.ok(!againSaid.some((m) => /^extracting/.test(m)), againSaid.join('\n'));
  });

  test('touching the tarball (a new mtime) imports it again, with the same result', () => {
    assert.notEqual(touched.reused, true);
    assert.ok(touchedSaid.some((m) => /^extracting/.test(m)), touchedSaid.join('\n'));
    assert.equal(touched.unchanged, true);
    assert.equal(touched.sourceHash, result.sourceHash);
  });

  test('e1000 from the tarball builds against every installed kernel', () => {
    assert.equal(built.length, trees.length);
    for (const b of built) assert.equal(b.license, 'GPL v2', b.release);
  });
});
