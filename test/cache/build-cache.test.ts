/**
 * The build cache through the real CLI and real Kbuild: what rebuilds which kernel, and that a
 * failed build is never taken for a good one. Evidence is the plain reporter's per-kernel line
 * on stderr (`<release>: ✔ cached …` / `✔ built …` / `✖ failed …`).
 *
 * One kernel of the set is a copy of an installed build tree (test/bench/kernel-copies.ts), so
 * its identity (sha256 over release, .config, Module.symvers, compiler) can be changed without
 * touching the system's trees: Kbuild builds against the copy as against the original.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { installedKernels, removeDir, runCli, sh, tempDir, type CliResult } from '../helpers/cli.js';
import { copyBuildTree } from '../bench/kernel-copies.js';

type Outcome = 'cached' | 'built' | 'failed';

/** Per-kernel outcome from the plain reporter's lines. */
function outcomes(r: CliResult): Map<string, Outcome> {
  const map = new Map<string, Outcome>();
  for (const m of r.stderr.matchAll(/^\[\s*[\d.]+s\] (\S+): (?:✔ (cached|built)|✖ (failed))/gm)) {
    map.set(m[1], (m[2] ?? m[3]) as Outcome);
  }
  return map;
}

const HELPER_C = `// SPDX-License-Identifier: GPL-2.0
#include <linux/kernel.h>
#include "cachetest.h"

int cachetest_answer(int x)
{
	return x * 2 + 1;
}
`;

const MAIN_C = `// SPDX-License-Identifier: GPL-2.0
#include <linux/module.h>
#include "cachetest.h"

static int __init cachetest_init(void)
{
	pr_info("cachetest: %d\\n", cachetest_answer(20));
	return 0;
}

static void __exit cachetest_exit(void)
{
}

module_init(cachetest_init);
module_exit(cachetest_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("dudforge build cache test module");
MODULE_VERSION("1.0.0");
`;

/** LINUX_VERSION_CODE of a build tree (Debian's differ from the release string). */
function versionCode(tree: string): number | undefined {
  const text = readFileSync(join(tree, 'include/generated/uapi/linux/version.h'), 'utf8');
  const m = /#define LINUX_VERSION_CODE (\d+)/.exec(text);
  return m ? Number(m[1]) : undefined;
}

describe('build cache (real CLI, real Kbuild)', () => {
  const installed = installedKernels();
  let work = '';
  let project = '';
  let driver = '';
  /** The kernel set: [copy of an installed tree, the other installed kernel (or a renamed copy)]. */
  let kernels: { release: string; buildTree: string }[] = [];
  let copied = { release: '', buildTree: '' };
  let other = { release: '', buildTree: '' };

  const build = (): CliResult => runCli(['build', project, '--plain'], { timeoutMs: 240_000 });
  const assertOutcomes = (r: CliResult, want: Record<string, Outcome>, what: string) => {
    const got = outcomes(r);
    for (const [release, outcome] of Object.entries(want)) {
      assert.equal(got.get(release), outcome, `${what}: ${release} should be ${outcome}\n${r.stderr}`);
    }
  };
  const everyKernel = (o: Outcome) => Object.fromEntries(kernels.map((k) => [k.release, o]));
  /** The kernel's build log was written by a make run that started after `since`. */
  const assertFreshMakeLog = (release: string, since: number, error: RegExp) => {
    const log = join(project, '.dudforge', 'logs', `${release}.log`);
    assert.ok(statSync(log).mtimeMs >= since - 1000, `${log} was not written by this build`);
    const text = readFileSync(log, 'utf8');
    assert.match(text, /^\$ make -C /, `${log} does not start with the make command`);
    assert.match(text, error, `${log} lacks the compiler error`);
  };
  const writeHelper = (text: string) => writeFileSync(join(driver, 'helper.c'), text);

  before(() => {
    assert.ok(installed.length >= 1, 'no installed kernel build tree (run .ci/run --install-only)');
    work = tempDir('cache');
    driver = join(work, 'driver');
    project = join(work, 'project');
    writeDriver();
    const base = installed[0];
    copied = { release: base.release, buildTree: copyBuildTree(base.buildTree, join(work, 'tree-copy')) };
    other =
      installed.length > 1
        ? installed[1]
        : { release: `${base.release}-cachetest`, buildTree: copyBuildTree(base.buildTree, join(work, 'tree-renamed'), { release: `${base.release}-cachetest` }) };
    kernels = [copied, other];
    const created = runCli(['new', project, '--yes', '--source', `dir:${driver}`, '--kernel', installed[0].release, '--name', 'cachetest']);
    assert.equal(created.status, 0, created.stderr);
    const answersPath = join(project, 'dudforge.json');
    const answers = JSON.parse(readFileSync(answersPath, 'utf8'));
    answers.kernels = kernels.map((k) => ({ release: k.release, buildTree: k.buildTree }));
    writeFileSync(answersPath, JSON.stringify(answers, null, 2));
    const first = build();
    assert.equal(first.status, 0, first.stderr + first.stdout);
    assertOutcomes(first, everyKernel('built'), 'first build');
  });

  function writeDriver(): void {
    mkdirSync(driver, { recursive: true });
    writeFileSync(join(driver, 'Kbuild'), 'obj-m := cachetest.o\ncachetest-y := main.o helper.o\n');
    writeFileSync(join(driver, 'cachetest.h'), '/* SPDX-License-Identifier: GPL-2.0 */\nint cachetest_answer(int x);\n');
    writeFileSync(join(driver, 'main.c'), MAIN_C);
    writeHelper(HELPER_C);
  }

  after(() => {
    if (work) removeDir(work);
  });

  test('nothing changed: every kernel comes from the cache, and the disk is written and verified', () => {
    const r = build();
    assert.equal(r.status, 0, r.stderr);
    assertOutcomes(r, everyKernel('cached'), 'unchanged rebuild');
    assert.match(r.stdout, /verified/);
  });

  test('a touch without a content change keeps the cache (it is keyed by content, not mtime)', () => {
    const future = new Date(Date.now() + 60_000);
    utimesSync(join(driver, 'helper.c'), future, future);
    const r = build();
    assert.equal(r.status, 0, r.stderr);
    assertOutcomes(r, everyKernel('cached'), 'after touch');
  });

  test('editing one source file rebuilds every kernel', () => {
    writeHelper(HELPER_C.replace('x * 2 + 1', 'x * 2 + 3'));
    const r = build();
    assert.equal(r.status, 0, r.stderr);
    assertOutcomes(r, everyKernel('built'), 'after editing helper.c');
    assertOutcomes(build(), everyKernel('cached'), 'the build after that');
  });

  test("changing one kernel's tree identity (its Module.symvers) rebuilds only that kernel", () => {
    // A new export line: modpost reads it like any other; the tree's identity hash changes.
    appendFileSync(join(copied.buildTree, 'Module.symvers'), '0x12345678\tdudforge_cachetest_marker\tvmlinux\tEXPORT_SYMBOL\t\n');
    const r = build();
    assert.equal(r.status, 0, r.stderr);
    assertOutcomes(r, { [copied.release]: 'built', [other.release]: 'cached' }, 'after changing Module.symvers of the copy');
    assertOutcomes(build(), everyKernel('cached'), 'the build after that');
  });

  test("a new point release of one kernel's headers under the same release name rebuilds that kernel only", () => {
    // Debian keeps the ABI name (e.g. 6.1.0-56-amd64) across some point releases; kernel.release
    // holds the upstream version the headers come from.
    const rel = join(copied.buildTree, 'include/config/kernel.release');
    writeFileSync(rel, `${readFileSync(rel, 'utf8').trim()}.1\n`);
    const r = build();
    assert.equal(r.status, 0, r.stderr);
    assertOutcomes(r, { [copied.release]: 'built', [other.release]: 'cached' }, 'after changing kernel.release of the copy');
  });

  test("a different compiler binary under the kernel's compiler name rebuilds the kernels that use it", () => {
    const compilerOf = (tree: string) => /^CONFIG_CC_VERSION_TEXT="(\S+)/m.exec(readFileSync(join(tree, '.config'), 'utf8'))?.[1];
    const cc = compilerOf(copied.buildTree);
    assert.ok(cc, 'the copied tree names its compiler in CONFIG_CC_VERSION_TEXT');
    const real = sh('sh', ['-c', `command -v ${cc}`]).stdout.trim();
    assert.ok(real, `${cc} is on PATH`);
    // A wrapper first on PATH: Kbuild runs it (CC is looked up by name), and it is another file.
    const bin = join(work, 'bin');
    mkdirSync(bin, { recursive: true });
    writeFileSync(join(bin, cc), `#!/bin/sh\nexec ${real} "$@"\n`, { mode: 0o755 });
    const env = { PATH: `${bin}:${process.env.PATH ?? ''}` };
    const r = runCli(['build', project, '--plain'], { env, timeoutMs: 240_000 });
    assert.equal(r.status, 0, r.stderr);
    const otherUsesIt = compilerOf(other.buildTree) === cc;
    assertOutcomes(r, { [copied.release]: 'built', [other.release]: otherUsesIt ? 'built' : 'cached' }, `with a wrapper ${cc} first on PATH`);
    assertOutcomes(runCli(['build', project, '--plain'], { env, timeoutMs: 240_000 }), everyKernel('cached'), 'the same wrapper again');
    // Back to the real compiler: a different file again, so a rebuild; then cached.
    assertOutcomes(build(), { [copied.release]: 'built' }, 'without the wrapper');
  });

  test('a removed output file is written again, byte for byte', () => {
    const out = join(project, 'out');
    const rpm = readdirSync(out).find((f) => f.startsWith('kmod-') && f.endsWith('.rpm'));
    assert.ok(rpm, `no kmod RPM in ${out}`);
    const iso = readdirSync(out).find((f) => f.endsWith('.iso'));
    assert.ok(iso);
    const before = { rpm: readFileSync(join(out, rpm)), iso: readFileSync(join(out, iso)) };
    rmSync(join(out, rpm));
    rmSync(join(out, iso));
    const r = build();
    assert.equal(r.status, 0, r.stderr);
    assert.ok(existsSync(join(out, rpm)) && existsSync(join(out, iso)), 'RPM and ISO written again');
    assert.deepEqual(readFileSync(join(out, rpm)), before.rpm);
    assert.deepEqual(readFileSync(join(out, iso)), before.iso);
  });

  test("a removed cached module rebuilds that kernel only", () => {
    const entry = join(project, '.dudforge', 'cache', other.release);
    const ko = readdirSync(entry).find((f) => f.endsWith('.ko'));
    assert.ok(ko, `no cached .ko in ${entry}`);
    rmSync(join(entry, ko));
    const r = build();
    assert.equal(r.status, 0, r.stderr);
    assertOutcomes(r, { [other.release]: 'built', [copied.release]: 'cached' }, 'after removing a cached .ko');
  });

  test('a failed build is never cached: it fails again unfixed, and compiles again once fixed', () => {
    writeHelper(HELPER_C.replace('return x * 2 + 1;', 'return x * 2 + 1 /* injected */ +;'));
    const failed = build();
    assert.equal(failed.status, 1, failed.stderr);
    assertOutcomes(failed, everyKernel('failed'), 'with a syntax error');
    const startedAgain = Date.now();
    const again = build();
    assert.equal(again.status, 1, again.stderr);
    assertOutcomes(again, everyKernel('failed'), 'unfixed, built again');
    // make and gcc ran again: each kernel's log is new and holds the make run and gcc's error.
    for (const k of kernels) assertFreshMakeLog(k.release, startedAgain, /helper\.c:\d+:\d+: error/);
    writeHelper(HELPER_C.replace('x * 2 + 1', 'x * 2 + 5'));
    const fixed = build();
    assert.equal(fixed.status, 0, fixed.stderr);
    assertOutcomes(fixed, everyKernel('built'), 'after the fix');
  });

  test('one kernel failing does not poison the other: the good one is cached, the bad one compiles and fails again', (t) => {
    const codeA = versionCode(copied.buildTree);
    const codeB = versionCode(other.buildTree);
    if (codeA === undefined || codeB === undefined || codeA === codeB) {
      t.skip('the two kernels have the same LINUX_VERSION_CODE; no per-kernel error can be injected');
      return;
    }
    const good = HELPER_C.replace('x * 2 + 1', 'x * 2 + 7');
    writeHelper(`${good}\n#include <linux/version.h>\n#if LINUX_VERSION_CODE == ${codeB}\n#error injected for one kernel only\n#endif\n`);
    const first = build();
    assert.equal(first.status, 1, first.stderr);
    assertOutcomes(first, { [copied.release]: 'built', [other.release]: 'failed' }, 'error on one kernel');
    const startedSecond = Date.now();
    const second = build();
    assert.equal(second.status, 1, second.stderr);
    assertOutcomes(second, { [copied.release]: 'cached', [other.release]: 'failed' }, 'the same again');
    assertFreshMakeLog(other.release, startedSecond, /injected for one kernel only/);
  });
});
