/**
 * A build tree that cannot build anything is the tree's problem, not a wall of false answers:
 * runProbes fails with a UserError that quotes make.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { UserError } from '../../src/errors.js';
import { parseProbeFile, runProbes } from '../../src/probes/index.js';

describe('runProbes on a broken build tree', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dudforge-probe-badtree-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('throws a UserError quoting make instead of answering false', async () => {
    const tree = join(dir, 'tree');
    mkdirSync(tree);
    // A tree whose Makefile fails on every target, like headers whose kbuild part is missing.
    writeFileSync(join(tree, 'Makefile'), '.DEFAULT:\n\t@echo "this tree has no Kbuild" >&2; exit 2\n');
    writeFileSync(join(tree, 'Module.symvers'), '0x1\tstrlcpy\tvmlinux\tEXPORT_SYMBOL\t\n');
    const probes = parseProbeFile('symbol strlcpy\n    include <linux/string.h>\nexport strlcpy\n', 'p.probes');
    await assert.rejects(
      runProbes({ probes, kernels: [{ release: '0.0.0-broken', buildTree: tree, identity: 'broken' }], cacheDir: join(dir, 'cache'), jobs: 1 }),
      (err: unknown) => err instanceof UserError && /0\.0\.0-broken.*compiled nothing/.test(err.message) && /this tree has no Kbuild/.test(err.hint ?? ''),
    );
  });
});
