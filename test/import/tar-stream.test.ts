/**
 * The one-pass tarball scan: kept files come back byte for byte with their executable bit,
 * whether they were kept in memory or written to the scratch directory past the memory budget;
 * a name that appears twice leaves the scan incomplete (GNU tar's rules decide then); and the
 * headers under the include roots are kept only when some target build tree lacks them.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { scanTarball } from '../../src/import/tar-stream.js';
import { keptByScan } from '../../src/import/source-tree.js';
import { installedKernels } from '../helpers/cli.js';
import { needs } from '../helpers/needs.js';

describe('tarball scan', () => {
  let tmp: string;
  let tarball: string;
  const files: Record<string, string> = {
    'top/drivers/foo/foo.c': 'int foo;\n'.repeat(200),
    'top/drivers/foo/Makefile': 'obj-m += foo.o\n',
    'top/drivers/foo/gen.sh': '#!/bin/sh\necho hi\n',
    'top/drivers/foo/empty.h': '',
    'top/README': 'not wanted\n',
  };

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dudforge-tar-stream-'));
    for (const [name, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(tmp, 'in', name)), { recursive: true });
      fs.writeFileSync(path.join(tmp, 'in', name), text);
    }
    fs.chmodSync(path.join(tmp, 'in', 'top/drivers/foo/gen.sh'), 0o755);
    tarball = path.join(tmp, 'src.tar.xz');
    await execa('tar', ['-c', '-J', '--sort=name', '-f', tarball, '-C', path.join(tmp, 'in'), 'top']);
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  for (const [label, budget] of [
    ['in memory', undefined],
    ['written to the scratch directory past the memory budget', 100],
  ] as const) {
    test(`kept files come back exactly, ${label}`, async () => {
      const scratch = path.join(tmp, `scratch-${budget ?? 'mem'}`);
      const scan = await scanTarball(tarball, (n) => n.startsWith('top/drivers'), scratch, budget);
      assert.equal(scan.complete, true);
      assert.ok(!scan.cached.has('top/README'));
      assert.ok(scan.members.some((m) => m.name === 'top/README'), 'every member is listed, kept or not');
      const out = path.join(tmp, `out-${budget ?? 'mem'}`);
      fs.mkdirSync(out);
      for (const name of Object.keys(files).filter((n) => n.startsWith('top/drivers'))) {
        assert.ok(scan.cached.has(name), name);
        const to = path.join(out, path.basename(name));
        scan.copyKept(name, to);
        assert.equal(fs.readFileSync(to, 'utf8'), files[name], name);
        assert.equal(fs.statSync(to).mode & 0o777, name.endsWith('.sh') ? 0o755 : 0o644, name);
      }
      // Only what did not fit in memory reached the scratch directory.
      const spilled = fs.existsSync(scratch) ? fs.readdirSync(scratch, { recursive: true }).length : 0;
      if (budget === undefined) assert.equal(spilled, 0);
      else assert.ok(spilled > 0);
    });
  }

  test('a name stored twice leaves the scan incomplete, so that tar itself extracts it', async () => {
    const dup = path.join(tmp, 'dup.tar');
    await execa('tar', ['-c', '-f', dup, '-C', path.join(tmp, 'in'), 'top/README']);
    await execa('tar', ['-r', '-f', dup, '-C', path.join(tmp, 'in'), 'top/README']);
    const scan = await scanTarball(dup, () => true, path.join(tmp, 'scratch-dup'));
    assert.equal(scan.complete, false);
  });

  const trees = installedKernels();
  test('headers under the include roots are kept only when a target build tree lacks them', { skip: needs(trees.length > 0, 'an installed kernel build tree') }, () => {
    const want = keptByScan(['drivers/foo'], [trees[0].buildTree]);
    assert.equal(want('linux-6.1/drivers/foo/foo.c', false), true);
    assert.equal(want('linux-6.1/drivers/Makefile', false), true, 'a Makefile on the way down');
    assert.equal(want('linux-6.1/drivers/bar/bar.c', false), false);
    // Every build tree ships <linux/module.h>: the kernel's own copy wins, the tarball's is not needed.
    assert.equal(want('linux-6.1/include/linux/module.h', false), false);
    assert.equal(want('linux-6.1/include/linux/dudforge-not-in-any-kernel.h', false), true);
    assert.equal(want('linux-6.1/arch/x86/include/asm/dudforge-not-in-any-kernel.h', false), true);
    assert.equal(want('linux-6.1/arch/x86/kernel/setup.c', false), false);
    assert.equal(want('linux-6.1/include/linux', true), true, 'directories cost nothing to keep');
    // Without target kernels nothing `<…>` is ever pulled in, so no header is kept.
    assert.equal(keptByScan(['drivers/foo'], [])('include/linux/dudforge-not-in-any-kernel.h', false), false);
  });
});
