/**
 * Where a new project's version comes from, through the real `dudforge new --yes`: an
 * unexpanded macro name (MODULE_VERSION(__stringify(SNAPSHOT_VERSION)) inside #ifdef) is never
 * taken; a macro defined as a literal in the driver's own include/ header is; a git source whose
 * revision is a tag gives the tag's version; with none of these the default comes with a warning.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { installedKernels, removeDir, runCli, shOk, tempDir } from '../helpers/cli.js';
import { needs } from '../helpers/needs.js';
import { readModuleInfoDefaults } from '../../src/import/module-info.js';
import { tagVersion } from '../../src/import/version.js';

const kernels = installedKernels();
let work: string;

function write(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

const SNAPSHOT_ONLY = [
  '#include <linux/module.h>',
  'static int __init snap_init(void) { return 0; }',
  'static void __exit snap_exit(void) {}',
  'module_init(snap_init);',
  'module_exit(snap_exit);',
  'MODULE_LICENSE("GPL");',
  '#ifdef SNAPSHOT_VERSION',
  'MODULE_VERSION(__stringify(SNAPSHOT_VERSION));',
  '#endif',
  '',
].join('\n');

/** A standalone module directory `name` with `main.c` (and more files) under work/. */
function driver(name: string, files: Record<string, string>): string {
  const dir = join(work, name);
  write(join(dir, 'Makefile'), `obj-m += ${name}.o\n${name}-y := main.o\n`);
  for (const [rel, text] of Object.entries(files)) write(join(dir, rel), text);
  return dir;
}

function newYes(project: string, args: string[]) {
  const r = runCli(['new', join(work, project), '--yes', '--kernel', kernels[0].release, '--build-time', '1700000000', ...args]);
  assert.equal(r.status, 0, r.stderr);
  return { ...r, answers: JSON.parse(readFileSync(join(work, project, 'dudforge.json'), 'utf8')) };
}

describe('package version defaults', { skip: needs(kernels.length > 0, 'no kernel build tree installed') }, () => {
  before(() => {
    work = tempDir('version');
  });
  after(() => removeDir(work));

  test('an unexpanded macro name is not a version: the default comes with a warning', () => {
    const dir = driver('snap', { 'main.c': SNAPSHOT_ONLY });
    assert.equal(readModuleInfoDefaults(dir).version, undefined);
    const r = newYes('p-snap', ['--source', `dir:${dir}`]);
    assert.equal(r.answers.package.version, '1.0');
    assert.match(r.stderr, /^warning: no version found in the sources .*using 1\.0; give the real one with --version$/m);
    assert.doesNotMatch(JSON.stringify(r.answers), /SNAPSHOT_VERSION/);
  });

  test('the #else branch: a macro whose #define in include/ is a literal', () => {
    const main = SNAPSHOT_ONLY.replace('#endif', '#else\nMODULE_VERSION(DRV_VERSION);\n#endif').replace('<linux/module.h>', '<linux/module.h>\n#include "include/drv.h"');
    const dir = driver('elsev', { 'main.c': main, 'include/drv.h': '#define DRV_MAJOR 4\n#define DRV_VERSION __stringify(DRV_MAJOR) ".5-rc2"\n' });
    const r = newYes('p-else', ['--source', `dir:${dir}`]);
    assert.equal(r.answers.package.version, '4.5_rc2');
    assert.match(r.stderr, /^info: version 4\.5-rc2 \(from MODULE_VERSION\)$/m);
  });

  test('a git revision that is a tag gives the version; a tag on the commit does too', () => {
    const repo = join(work, 'repo');
    write(join(repo, 'drivers/snap/Makefile'), 'obj-m += snap.o\nsnap-y := main.o\n');
    write(join(repo, 'drivers/snap/main.c'), SNAPSHOT_ONLY);
    const git = (...a: string[]) => shOk('git', ['-C', repo, '-c', 'user.name=T', '-c', 'user.email=t@example.org', ...a]);
    shOk('git', ['init', '-q', repo]);
    git('add', '-A');
    git('commit', '-qm', 'one');
    git('tag', '-a', '-m', 'release', 'v1.2.3');
    const byTag = newYes('p-tag', ['--source', `git:${repo}@v1.2.3`, '--driver-dir', 'drivers/snap']);
    assert.equal(byTag.answers.package.version, '1.2.3');
    assert.match(byTag.stderr, /^info: version 1\.2\.3 \(from git tag\)$/m);
    // The same commit named by branch: the tag on it still says which version it is.
    const branch = git('rev-parse', '--abbrev-ref', 'HEAD').trim();
    assert.equal(newYes('p-branch', ['--source', `git:${repo}@${branch}`, '--driver-dir', 'drivers/snap']).answers.package.version, '1.2.3');
    // One commit later there is no tag: the default, with its warning.
    write(join(repo, 'drivers/snap/README'), 'notes\n');
    git('add', '-A');
    git('commit', '-qm', 'two');
    const untagged = newYes('p-untagged', ['--source', `git:${repo}@${branch}`, '--driver-dir', 'drivers/snap']);
    assert.equal(untagged.answers.package.version, '1.0');
    assert.match(untagged.stderr, /^warning: no version found/m);
  });

  test('--version wins and is not reported as a default', () => {
    const r = newYes('p-flag', ['--source', `dir:${join(work, 'snap')}`, '--version', '7.1']);
    assert.equal(r.answers.package.version, '7.1');
    assert.doesNotMatch(r.stderr, /warning/);
  });

  test('tags as versions', () => {
    assert.equal(tagVersion('v1.2.3'), '1.2.3');
    assert.equal(tagVersion('mydrv-2.0.1'), '2.0.1');
    assert.equal(tagVersion('V10'), '10');
    assert.equal(tagVersion('snapshot'), 'snapshot');
  });
});
