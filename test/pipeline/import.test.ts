/**
 * A driver that lives in a kernel git tree, through the whole pipeline: `new --yes --source
 * git:REPO@REV --driver-dir …` imports it without touching the repository, the in-tree Makefile
 * builds out of tree with CONFIG_FOO=m, the header outside the driver directory is pulled in,
 * and the disk verifies.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { installedKernels, removeDir, runCli, shOk, tempDir, type CliResult } from '../helpers/cli.js';
import { needs } from '../helpers/needs.js';

const kernels = installedKernels();
let work: string;
let repo: string;
let build: CliResult;
let statusBefore: string;
let indexBefore: Buffer;

function write(path: string, text: string): void {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
}

const git = (...args: string[]) => shOk('git', ['-C', repo, '-c', 'user.name=Test', '-c', 'user.email=test@example.org', ...args]);

describe('kernel-tree driver from git', { skip: needs(kernels.length > 0, 'no kernel build tree installed') }, () => {
  before(() => {
    work = tempDir('gitimport');
    repo = join(work, 'linux');
    write(join(repo, 'drivers/net/foo/Makefile'), 'obj-$(CONFIG_FOO) += foo.o\nfoo-y := foo_main.o foo_hw.o\n');
    write(join(repo, 'include/linux/foo_hw.h'), '#ifndef FOO_HW_H\n#define FOO_HW_H\nint foo_hw_init(void);\n#endif\n');
    write(
      join(repo, 'drivers/net/foo/foo_main.c'),
      '#include <linux/module.h>\n#include <linux/foo_hw.h>\nstatic int __init foo_init(void) { return foo_hw_init(); }\nstatic void __exit foo_exit(void) {}\nmodule_init(foo_init);\nmodule_exit(foo_exit);\nMODULE_LICENSE("GPL");\nMODULE_DESCRIPTION("Foo network driver");\nMODULE_VERSION("2.3");\n',
    );
    write(join(repo, 'drivers/net/foo/foo_hw.c'), '#include <linux/kernel.h>\n#include <linux/foo_hw.h>\nint foo_hw_init(void) { pr_info("foo hw\\n"); return 0; }\n');
    write(join(repo, 'Makefile'), '# a kernel tree stand-in\n');
    write(join(repo, 'firmware/foo/foo.bin'), 'foo firmware blob\n');
    shOk('git', ['init', '-q', repo]);
    git('add', '-A');
    git('commit', '-qm', 'v1');
    git('tag', 'v1');
    // Local, uncommitted work in the repository must survive the import untouched.
    writeFileSync(join(repo, 'drivers/net/foo/foo_hw.c'), '/* work in progress */\n');
    statusBefore = git('status', '--porcelain');
    indexBefore = readFileSync(join(repo, '.git', 'index'));
    const created = runCli(['new', join(work, 'project'), '--yes', '--source', `git:${repo}@v1`, '--driver-dir', 'drivers/net/foo', '--firmware', 'firmware/foo/foo.bin', '--vendor', 'Foo Networks', '--build-time', '1700000000']);
    assert.equal(created.status, 0, created.stderr);
    build = runCli(['build', join(work, 'project'), '--plain']);
  });
  after(() => removeDir(work));

  test('the answers record the resolved commit and the CONFIG symbol; defaults come from MODULE_*', () => {
    const answers = JSON.parse(readFileSync(join(work, 'project', 'dudforge.json'), 'utf8'));
    assert.equal(answers.source.commit, git('rev-parse', 'v1^{commit}').trim());
    assert.deepEqual(answers.config, { CONFIG_FOO: 'm' });
    assert.equal(answers.package.version, '2.3');
    assert.equal(answers.package.summary, 'Foo network driver');
  });

  test('builds an RPM per kernel and a verified disk from the committed sources', () => {
    assert.equal(build.status, 0, build.stdout + build.stderr);
    const out = join(work, 'project', 'out');
    const rpms = readdirSync(out).filter((f) => f.endsWith('.x86_64.rpm'));
    assert.equal(rpms.length, kernels.length);
    for (const k of kernels) {
      const rpm = rpms.find((r) => shOk('rpm', ['-qp', '--provides', join(out, r)]).includes(`kernel-modules = ${k.release}`))!;
      const files = shOk('rpm', ['-qlp', join(out, rpm)]);
      assert.ok(files.includes(`/lib/modules/${k.release}/extra/foo/foo.ko`));
      // Firmware from the tree is packed from the import's copy (firmware/ beside sources/).
      assert.ok(files.includes('/lib/firmware/foo/foo.bin'), files);
      assert.equal(shOk('sh', ['-c', 'rpm2cpio "$1" | cpio -i --quiet --to-stdout ./lib/firmware/foo/foo.bin', 'sh', join(out, rpm)]), 'foo firmware blob\n');
    }
    assert.match(build.stdout, /verified/);
    // `new` imported the same commit with the same inputs: the build reuses it, git is not read.
    assert.match(build.stdout + build.stderr, /sources unchanged since the last import .*not re-read/);
  });

  test("the repository's index, HEAD and work tree are unchanged", () => {
    assert.equal(git('status', '--porcelain'), statusBefore);
    assert.ok(readFileSync(join(repo, '.git', 'index')).equals(indexBefore));
    assert.equal(readFileSync(join(repo, 'drivers/net/foo/foo_hw.c'), 'utf8'), '/* work in progress */\n');
  });

  test('a revision that does not exist is a clear error (exit 2)', () => {
    const r = runCli(['new', join(work, 'bad'), '--yes', '--source', `git:${repo}@no-such-tag`, '--driver-dir', 'drivers/net/foo']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /no-such-tag/);
  });
});
