/**
 * A small kernel-like source tree built from text: drivers/net/foo (in-tree Makefile, two
 * objects, a header of its own), a relative include of drivers/net/common/netcommon.h, a
 * <linux/foo_hw.h> that no real kernel has (with a header of its own), and a fake
 * include/linux/module.h that every build tree has (so it must NOT be pulled in).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';

export const GIT_ENV = {
  GIT_AUTHOR_NAME: 'Test',
  GIT_AUTHOR_EMAIL: 'test@example.com',
  GIT_COMMITTER_NAME: 'Test',
  GIT_COMMITTER_EMAIL: 'test@example.com',
  GIT_AUTHOR_DATE: '2024-01-01T00:00:00Z',
  GIT_COMMITTER_DATE: '2024-01-01T00:00:00Z',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_OPTIONAL_LOCKS: '0',
  GIT_DIR: undefined,
  GIT_WORK_TREE: undefined,
  GIT_INDEX_FILE: undefined,
};

export function write(root: string, rel: string, text: string): void {
  const p = path.join(root, rel);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, text);
}

export const FOO_H_V1 = ['#ifndef FOO_H', '#define FOO_H', '#define FOO_DESC "Foo " "Ethernet driver"', '#define FOO_VERSION "1.0"', 'int foo_hw_probe(void);', '#endif', ''].join('\n');

/** The tree at the first revision (tag v1). */
export const TREE_V1: Record<string, string> = {
  Makefile: 'VERSION = 6\nPATCHLEVEL = 99\n# not a real kernel Makefile\n',
  'include/linux/module.h': '/* a real kernel has this; every build tree has it too */\n',
  'include/linux/foo_hw.h': [
    '/* SPDX-License-Identifier: GPL-2.0 */',
    '#ifndef _LINUX_FOO_HW_H',
    '#define _LINUX_FOO_HW_H',
    '#include <linux/types.h>',
    '#include "foo_regs.h"',
    'static inline u32 foo_hw_reg(u32 base) { return base + FOO_REG_CTRL; }',
    '#endif',
    '',
  ].join('\n'),
  'include/linux/foo_regs.h': '#define FOO_REG_CTRL 0x10\n',
  'drivers/net/shared/shared_defs.h': '#define SHARED_ZERO 0\n',
  'drivers/net/common/netcommon.h': 'static inline int netcommon_answer(void) { return 42; }\n',
  'drivers/net/common/Makefile': 'obj-$(CONFIG_NETCOMMON) += netcommon.o\n',
  'drivers/net/foo/Makefile': [
    '# SPDX-License-Identifier: GPL-2.0',
    '#',
    '# Makefile for the Foo Ethernet driver',
    '#',
    'obj-$(CONFIG_FOO) += foo.o',
    '',
    'foo-y := foo_main.o foo_hw.o',
    'foo-$(CONFIG_FOO_DEBUG) += foo_debug.o',
    '# shared with other vendor drivers: in-tree only, an out-of-tree build needs our copy',
    'ccflags-y += -I$(srctree)/drivers/net/shared',
    '',
  ].join('\n'),
  'drivers/net/foo/foo.h': FOO_H_V1,
  'drivers/net/foo/README': 'The Foo driver.\n',
  'drivers/net/foo/foo_debug.c': '#include <linux/module.h>\nint foo_debug_level;\n',
  'drivers/net/foo/foo_main.c': [
    '// SPDX-License-Identifier: GPL-2.0',
    '#include <linux/module.h>',
    '#include <linux/kernel.h>',
    '#include <linux/foo_hw.h>',
    '#include "foo.h"',
    '#include "shared_defs.h"',
    '',
    'static int __init foo_init(void)',
    '{',
    '\tpr_info("foo: reg %u\\n", foo_hw_reg(0));',
    '\treturn foo_hw_probe() + SHARED_ZERO;',
    '}',
    '',
    'static void __exit foo_exit(void)',
    '{',
    '}',
    '',
    'module_init(foo_init);',
    'module_exit(foo_exit);',
    'MODULE_AUTHOR("Foo Networks <dev@foo.example>");',
    'MODULE_DESCRIPTION(FOO_DESC);',
    'MODULE_VERSION(FOO_VERSION);',
    'MODULE_LICENSE("GPL");',
    '',
  ].join('\n'),
  'drivers/net/foo/foo_hw.c': [
    '// SPDX-License-Identifier: GPL-2.0',
    '#include <linux/module.h>',
    '#include "../common/netcommon.h"',
    '#include "foo.h"',
    '',
    'int foo_hw_probe(void)',
    '{',
    '\treturn netcommon_answer() == 42 ? 0 : -1;',
    '}',
    '',
  ].join('\n'),
};

/** The second revision: foo_hw.c changed, foo_extra.h added, README removed. */
export const TREE_V2_CHANGES: Record<string, string | null> = {
  'drivers/net/foo/foo_hw.c': TREE_V1['drivers/net/foo/foo_hw.c'].replace('#include "../common/netcommon.h"', '#include "../common/netcommon.h"\n#include "foo_extra.h"').replace('== 42', '== FOO_EXTRA_ANSWER'),
  'drivers/net/foo/foo_extra.h': '#define FOO_EXTRA_ANSWER 42\n',
  'drivers/net/foo/README': null,
};

export function writeTree(root: string, files: Record<string, string | null>): void {
  for (const [rel, text] of Object.entries(files)) {
    if (text === null) fs.rmSync(path.join(root, rel), { force: true });
    else write(root, rel, text);
  }
}

export async function git(repo: string, ...args: string[]) {
  return execa('git', ['-C', repo, ...args], { env: GIT_ENV });
}

export interface FixtureRepo {
  repo: string;
  v1: string;
  v2: string;
}

/** A git repository with the tree at tag v1 and a second commit on main. */
export async function makeKernelRepo(root: string): Promise<FixtureRepo> {
  const repo = path.join(root, 'linux');
  fs.mkdirSync(repo, { recursive: true });
  await git(repo, 'init', '-q', '-b', 'main');
  writeTree(repo, TREE_V1);
  await git(repo, 'add', '-A');
  await git(repo, 'commit', '-q', '-m', 'foo: initial');
  await git(repo, 'tag', 'v1');
  writeTree(repo, TREE_V2_CHANGES);
  await git(repo, 'add', '-A');
  await git(repo, 'commit', '-q', '-m', 'foo: extra header');
  const v1 = (await git(repo, 'rev-parse', 'v1^{commit}')).stdout.trim();
  const v2 = (await git(repo, 'rev-parse', 'main')).stdout.trim();
  return { repo, v1, v2 };
}

/** A unified diff made by the real `diff -u`, labelled a/ b/ for -p1. */
export async function makePatch(rel: string, before: string, after: string): Promise<string> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dudforge-diff-'));
  try {
    fs.writeFileSync(path.join(tmp, 'a'), before);
    fs.writeFileSync(path.join(tmp, 'b'), after);
    const r = await execa('diff', ['-u', '--label', `a/${rel}`, '--label', `b/${rel}`, path.join(tmp, 'a'), path.join(tmp, 'b')], { reject: false });
    if (r.exitCode !== 1) throw new Error(`diff failed: ${r.stderr}`);
    return r.stdout + '\n';
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** Project dir with patches/series: one patch that bumps FOO_VERSION to "1.0-patched". */
export async function makeProject(root: string): Promise<{ projectDir: string; series: string }> {
  const projectDir = path.join(root, 'project');
  const patch = await makePatch('drivers/net/foo/foo.h', FOO_H_V1, FOO_H_V1.replace('"1.0"', '"1.0-patched"'));
  write(projectDir, 'patches/0001-foo-version.patch', `From: Test\nSubject: foo: mark patched\n\n---\n${patch}`);
  write(projectDir, 'patches/series', '# applied in order\n0001-foo-version.patch -p1\n');
  return { projectDir, series: 'patches/series' };
}

/** Installed kernel build trees, discovered (never hard-coded). */
export function installedBuildTrees(): { release: string; buildTree: string }[] {
  const base = '/lib/modules';
  return fs
    .readdirSync(base)
    .filter((rel) => fs.existsSync(path.join(base, rel, 'build', 'Makefile')))
    .sort()
    .map((release) => ({ release, buildTree: path.join(base, release, 'build') }));
}
