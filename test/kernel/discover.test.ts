import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { compareReleases, discoverKernels, findKernel } from '../../src/kernel/discover.js';
import { inspectTree } from '../../src/kernel/tree.js';

/** The build links the machine really has, listed without our code. */
function installedBuildLinks(): string[] {
  return readdirSync('/lib/modules')
    .map((r) => join('/lib/modules', r, 'build'))
    .filter((p) => existsSync(p));
}

const tmp = mkdtempSync(join(tmpdir(), 'dudforge-kernel-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

describe('discoverKernels on this machine', () => {
  const trees = discoverKernels();
  const links = installedBuildLinks();

  test('there are installed trees to test with', () => {
    assert.ok(links.length >= 1, 'no /lib/modules/*/build here: install linux-headers');
  });

  test('each installed tree is listed exactly once, with every path that leads to it', () => {
    for (const link of links) {
      const real = realpathSync(link);
      const hits = trees.filter((t) => t.path === real);
      assert.equal(hits.length, 1, `${real} listed ${hits.length} times`);
      assert.ok(hits[0].foundVia.includes(link), `${link} not in foundVia ${hits[0].foundVia}`);
      if (real.startsWith('/usr/src/linux-headers-')) assert.ok(hits[0].foundVia.includes(real));
    }
    assert.equal(new Set(trees.map((t) => t.path)).size, trees.length);
  });

  test('the Debian -common halves are not listed as kernels', () => {
    assert.ok(!trees.some((t) => t.path.endsWith('-common')));
  });

  test('release, arch, symvers, sign-file and compiler come from the tree', () => {
    for (const link of links) {
      const tree = findKernel(trees, readdirSync('/lib/modules').find((r) => join('/lib/modules', r, 'build') === link)!);
      assert.ok(tree, `no tree for ${link}`);
      assert.equal(tree.usable, true, tree.reason);
      const uts = readFileSync(join(link, 'include/generated/utsrelease.h'), 'utf8');
      assert.ok(uts.includes(`"${tree.release}"`), `release ${tree.release} not in ${uts}`);
      assert.equal(tree.arch, execFileSync('uname', ['-m'], { encoding: 'utf8' }).trim());
      assert.equal(tree.arch, 'x86_64');
      assert.equal(tree.hasSymvers, true);
      assert.ok(tree.signFile && existsSync(tree.signFile));
      execFileSync('test', ['-x', tree.signFile!]);
      const config = readFileSync(join(link, '.config'), 'utf8');
      assert.ok(config.includes(`CONFIG_CC_VERSION_TEXT="${tree.compiler}"`));
      assert.equal(tree.modversions, config.includes('CONFIG_MODVERSIONS=y'));
      assert.equal(tree.sigHashAlgo, /CONFIG_MODULE_SIG_HASH="([^"]+)"/.exec(config)?.[1]);
      assert.match(tree.identity, /^[0-9a-f]{64}$/);
    }
  });

  test('trees are sorted by release and identities differ', () => {
    const releases = trees.filter((t) => t.release).map((t) => t.release!);
    assert.deepEqual([...releases].sort(compareReleases), releases);
    assert.equal(new Set(trees.map((t) => t.identity)).size, trees.length);
  });

  test('an extra dir that is an installed tree merges into the same entry', () => {
    const real = realpathSync(links[0]);
    const alias = join(tmp, 'alias');
    symlinkSync(real, alias);
    const again = discoverKernels([alias]);
    assert.equal(again.length, trees.length);
    assert.ok(again.find((t) => t.path === real)!.foundVia.includes(alias));
  });
});

describe('bad kernel dirs', () => {
  test('a missing directory is unusable with the reason', () => {
    const t = inspectTree(join(tmp, 'nope'));
    assert.equal(t.usable, false);
    assert.equal(t.reason, 'no such directory');
  });

  test('a directory that is not a build tree names what is missing', () => {
    const dir = join(tmp, 'empty');
    mkdirSync(dir);
    writeFileSync(join(dir, 'Makefile'), 'all:\n');
    const t = inspectTree(dir);
    assert.equal(t.usable, false);
    assert.match(t.reason!, /not a kernel build tree: .*\.config.*kernel\.release missing/);
    assert.doesNotMatch(t.reason!, /Makefile/);
  });

  test('a Debian -common dir given explicitly is listed as unusable', () => {
    const common = readdirSync('/usr/src').find((n) => n.startsWith('linux-headers-') && n.endsWith('-common'));
    if (!common) return; // only Debian has them
    const trees = discoverKernels([join('/usr/src', common)]);
    const t = trees.find((x) => x.path === join('/usr/src', common));
    assert.ok(t);
    assert.equal(t.usable, false);
    assert.match(t.reason!, /\.config/);
  });

  test('a dangling /lib/modules/X/build is listed as unusable; no Module.symvers is still usable', () => {
    const roots = join(tmp, 'roots');
    const lib = join(roots, 'lib/modules');
    mkdirSync(join(lib, '9.9.9-gone'), { recursive: true });
    symlinkSync(join(roots, 'does-not-exist'), join(lib, '9.9.9-gone', 'build'));
    // A tree copied from a real one but without Module.symvers.
    const real = realpathSync(installedBuildLinks()[0]);
    const copy = join(roots, 'usr/src/kernels/copy');
    mkdirSync(join(copy, 'include/generated'), { recursive: true });
    mkdirSync(join(copy, 'include/config'), { recursive: true });
    mkdirSync(join(copy, 'scripts/basic'), { recursive: true });
    for (const f of ['Makefile', '.config', 'include/generated/utsrelease.h', 'include/generated/autoconf.h', 'include/config/kernel.release', 'scripts/basic/fixdep']) {
      writeFileSync(join(copy, f), readFileSync(join(real, f)));
    }
    const trees = discoverKernels([], { libModules: lib, usrSrcKernels: join(roots, 'usr/src/kernels'), usrSrc: join(roots, 'usr/src') });
    assert.equal(trees.length, 2);
    const gone = trees.find((t) => t.foundVia[0].includes('9.9.9-gone'))!;
    assert.equal(gone.usable, false);
    assert.equal(gone.reason, 'no such directory');
    const c = trees.find((t) => t.path === copy)!;
    assert.equal(c.usable, true, c.reason);
    assert.equal(c.hasSymvers, false);
    assert.equal(c.symversPath, undefined);
    assert.equal(c.signFile, undefined);
    assert.notEqual(c.identity, inspectTree(real).identity);
  });
});

test('compareReleases orders like rpm for kernel releases', () => {
  const list = ['6.12.117+deb12-amd64', '6.1.0-56-amd64', '5.14.0-570.el9.x86_64', '6.1.0-9-amd64', '5.14.0-611.el9.x86_64'];
  assert.deepEqual([...list].sort(compareReleases), [
    '5.14.0-570.el9.x86_64',
    '5.14.0-611.el9.x86_64',
    '6.1.0-9-amd64',
    '6.1.0-56-amd64',
    '6.12.117+deb12-amd64',
  ]);
  assert.equal(compareReleases('1.0', '1.0'), 0);
});
