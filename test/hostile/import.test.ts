/**
 * Hostile sources, through the real binary: a link out of the tree (`shadow.h -> /etc/shadow`),
 * a firmware link, a link loop, a FIFO, tarballs with setuid members, device nodes and FIFOs, and
 * the two awkward project places (inside the module directory; a path with a space). Each refusal
 * exits 2, names the file, writes nothing, and no import ever leaves a setuid bit or a special
 * file under the project. The two projects that compile share one build.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, cpSync, existsSync, linkSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installedKernels, removeDir, runCli, sh, shOk, tempDir, type CliResult } from '../helpers/cli.js';
import { needs } from '../helpers/needs.js';
import { packageRoot } from '../../src/paths.js';

const kernels = installedKernels();
const SAMPLE = join(packageRoot, 'assets', 'sample-driver');
const isRoot = process.getuid?.() === 0;
// Refusals come before anything is compiled: well under a minute, even for a FIFO.
const QUICK = 60_000;
let work: string;

/** Setuid/setgid/sticky or world-writable entries (links aside) and anything but files, dirs and links. */
function unsafeEntries(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out = shOk('find', [dir, '(', '!', '-type', 'l', '(', '-perm', '/7000', '-o', '-perm', '/0002', ')', ')', '-o', '(', '!', '-type', 'f', '!', '-type', 'd', '!', '-type', 'l', ')']);
  return out.split('\n').filter(Boolean);
}

/** The module directory of a fresh copy of the sample driver. */
function sampleCopy(name: string): string {
  const dir = join(work, name);
  cpSync(SAMPLE, dir, { recursive: true });
  return dir;
}

function newProject(project: string, source: string, ...flags: string[]): CliResult {
  return runCli(['new', project, '--yes', '--source', source, '--kernel', kernels[0].release, '--build-time', '1700000000', ...flags], { timeoutMs: QUICK });
}

/** Exit 2, the message names every `names`, and the project holds nothing dudforge wrote. */
function refused(r: CliResult, project: string, ...names: string[]): void {
  assert.equal(r.status, 2, `exit 2 expected (null = hung), got ${r.status}\n${r.stdout}\n${r.stderr}`);
  assert.doesNotMatch(r.stderr, /internal error/);
  for (const n of names) assert.ok(r.stderr.includes(n), `the message names ${n}:\n${r.stderr}`);
  for (const written of ['sources', 'firmware', 'out']) assert.ok(!existsSync(join(project, written)), `${written}/ was written`);
  assert.deepEqual(unsafeEntries(project), []);
}

/** A project that `new` accepted, so that `build` meets the hostile entry. */
function buildRefused(project: string, ...names: string[]): void {
  const r = runCli(['build', project, '--plain'], { timeoutMs: QUICK });
  refused(r, project, ...names);
  assert.ok(!existsSync(join(project, '.dudforge', 'build')), 'nothing was compiled');
}

/** A small kernel-like tree: linux-9.9/drivers/net/foo with a module, and a file elsewhere (arch/, archived first). */
function kernelTree(name: string): string {
  const root = join(work, name, 'linux-9.9');
  mkdirSync(join(root, 'drivers/net/foo'), { recursive: true });
  mkdirSync(join(root, 'arch/x86'), { recursive: true });
  writeFileSync(join(root, 'Makefile'), 'VERSION = 9\nPATCHLEVEL = 9\n');
  writeFileSync(join(root, 'arch/x86/secret.h'), '/* not part of the driver */\n');
  writeFileSync(join(root, 'drivers/net/foo/Makefile'), 'obj-m += foo.o\n');
  writeFileSync(join(root, 'drivers/net/foo/foo.c'), '// SPDX-License-Identifier: GPL-2.0\n#include <linux/module.h>\nMODULE_LICENSE("GPL");\n');
  return root;
}

/** GNU tar, compressed by the file's suffix; sorted, so that a hard link follows the file it names. */
function tarball(root: string, file: string): string {
  shOk('tar', ['-c', '-a', '--sort=name', '-f', file, '-C', join(root, '..'), 'linux-9.9']);
  return file;
}

describe('hostile sources', { skip: needs(kernels.length > 0, 'no kernel build tree installed') }, () => {
  before(() => {
    work = tempDir('hostile-import');
  });
  after(() => removeDir(work));

  test('a dir: source with shadow.h -> /etc/shadow is refused at new and at build, standalone or in a tree', () => {
    const mod = sampleCopy('shadow-mod');
    symlinkSync('/etc/shadow', join(mod, 'shadow.h'));
    refused(newProject(join(work, 'shadow-p1'), `dir:${mod}`), join(work, 'shadow-p1'), 'shadow.h', '/etc/shadow');
    assert.ok(!existsSync(join(work, 'shadow-p1', 'dudforge.json')));

    // The link appears after new: build refuses it before reading anything.
    rmSync(join(mod, 'shadow.h'));
    const p2 = join(work, 'shadow-p2');
    assert.equal(newProject(p2, `dir:${mod}`).status, 0);
    symlinkSync('../../../../../../../etc/shadow', join(mod, 'shadow.h'));
    buildRefused(p2, 'shadow.h', '../etc/shadow');

    // A kernel tree given as a directory: the link in the driver directory is refused too.
    const tree = kernelTree('shadow-tree');
    symlinkSync('/etc/shadow', join(tree, 'drivers/net/foo/shadow.h'));
    const p3 = join(work, 'shadow-p3');
    refused(newProject(p3, `dir:${tree}`, '--driver-dir', 'drivers/net/foo'), p3, 'drivers/net/foo/shadow.h', '/etc/shadow');
  });

  test('a firmware symlink is refused, given by itself or inside a firmware directory', () => {
    const mod = sampleCopy('fw-mod');
    mkdirSync(join(work, 'fw'));
    symlinkSync('/etc/shadow', join(work, 'fw', 'acme.bin'));
    const p1 = join(work, 'fw-p1');
    refused(newProject(p1, `dir:${mod}`, '--firmware', join(work, 'fw', 'acme.bin')), p1, 'acme.bin', '/etc/shadow');

    // Replaced by a link after new: the build refuses to pack it.
    writeFileSync(join(work, 'fw', 'real.bin'), 'firmware\n');
    const p2 = join(work, 'fw-p2');
    assert.equal(newProject(p2, `dir:${mod}`, '--firmware', join(work, 'fw', 'real.bin')).status, 0);
    rmSync(join(work, 'fw', 'real.bin'));
    symlinkSync('/etc/shadow', join(work, 'fw', 'real.bin'));
    buildRefused(p2, 'real.bin', '/etc/shadow');

    // Firmware from a kernel tree (tar): a link as the entry, and a link inside a firmware directory.
    const tree = kernelTree('fw-tree');
    mkdirSync(join(tree, 'firmware/acme'), { recursive: true });
    writeFileSync(join(tree, 'firmware/acme/ok.bin'), 'ok\n');
    symlinkSync('/etc/shadow', join(tree, 'firmware/acme/evil.bin'));
    const tar = tarball(tree, join(work, 'fw-tree.tar'));
    const p3 = join(work, 'fw-p3');
    refused(newProject(p3, `tar:${tar}`, '--driver-dir', 'drivers/net/foo', '--firmware', 'firmware/acme/evil.bin'), p3, 'evil.bin', '/etc/shadow');
    const p4 = join(work, 'fw-p4');
    refused(newProject(p4, `dir:${tree}`, '--driver-dir', 'drivers/net/foo', '--firmware', 'firmware/acme'), p4, 'evil.bin', '/etc/shadow');
  });

  test('a symlink loop is refused by name, never followed', () => {
    const mod = sampleCopy('loop-mod');
    symlinkSync('loop.h', join(mod, 'loop.h'));
    const p1 = join(work, 'loop-p1');
    refused(newProject(p1, `dir:${mod}`), p1, 'loop.h', 'symlink loop');
    rmSync(join(mod, 'loop.h'));
    symlinkSync('b.h', join(mod, 'a.h'));
    symlinkSync('a.h', join(mod, 'b.h'));
    refused(newProject(p1, `dir:${mod}`), p1, 'a.h', 'symlink loop');
    // A link to the directory itself would make a walk endless: refused as a link to a directory.
    rmSync(join(mod, 'a.h'));
    rmSync(join(mod, 'b.h'));
    symlinkSync('.', join(mod, 'again'));
    refused(newProject(p1, `dir:${mod}`), p1, 'again', 'a directory');
  });

  test('a FIFO in the tree, or given as firmware, is refused without ever being opened', () => {
    const mod = sampleCopy('fifo-mod');
    shOk('mkfifo', [join(mod, 'notes.h')]);
    const p1 = join(work, 'fifo-p1');
    refused(newProject(p1, `dir:${mod}`), p1, 'notes.h', 'a FIFO');

    // Appearing after new: the build refuses it (and never hangs on it).
    rmSync(join(mod, 'notes.h'));
    const p2 = join(work, 'fifo-p2');
    assert.equal(newProject(p2, `dir:${mod}`).status, 0);
    shOk('mkfifo', [join(mod, 'notes.h')]);
    buildRefused(p2, 'notes.h', 'a FIFO');
    rmSync(join(mod, 'notes.h'));

    // A link to a FIFO, a FIFO as firmware, and a FIFO in a kernel tree's driver directory.
    shOk('mkfifo', [join(work, 'pipe')]);
    symlinkSync(join(work, 'pipe'), join(mod, 'piped.h'));
    refused(newProject(p1, `dir:${mod}`), p1, 'piped.h');
    rmSync(join(mod, 'piped.h'));
    refused(newProject(p1, `dir:${mod}`, '--firmware', join(work, 'pipe')), p1, 'pipe', 'a FIFO');
    const tree = kernelTree('fifo-tree');
    shOk('mkfifo', [join(tree, 'drivers/net/foo/fifo.c')]);
    const p3 = join(work, 'fifo-p3');
    refused(newProject(p3, `dir:${tree}`, '--driver-dir', 'drivers/net/foo'), p3, 'drivers/net/foo/fifo.c', 'a FIFO');
  });

  test('a tarball with setuid, setgid, sticky and world-writable members is imported with plain modes', () => {
    const tree = kernelTree('suid-tree');
    const foo = join(tree, 'drivers/net/foo');
    chmodSync(join(foo, 'foo.c'), 0o4755);
    writeFileSync(join(foo, 'helper.sh'), '#!/bin/sh\n');
    chmodSync(join(foo, 'helper.sh'), 0o6777);
    writeFileSync(join(foo, 'open.h'), '/* anyone may write me */\n');
    chmodSync(join(foo, 'open.h'), 0o666);
    mkdirSync(join(foo, 'tmp'));
    writeFileSync(join(foo, 'tmp', 'x.h'), '\n');
    chmodSync(join(foo, 'tmp'), 0o1777);
    const tar = tarball(tree, join(work, 'suid.tar.gz'));
    // The fixture is as hostile as meant: tar itself lists the bits.
    const listing = shOk('tar', ['-tvf', tar]);
    assert.match(listing, /-rwsr-xr-x .*foo\.c/);
    assert.match(listing, /-rwsrwsrwx .*helper\.sh/);
    assert.match(listing, /drwxrwxrwt .*tmp\//);

    const project = join(work, 'suid-p');
    const r = newProject(project, `tar:${tar}`, '--driver-dir', 'drivers/net/foo');
    assert.equal(r.status, 0, r.stderr);
    const imported = join(project, 'sources/drivers/net/foo');
    assert.equal(statSync(join(imported, 'foo.c')).mode & 0o7777, 0o755);
    assert.equal(statSync(join(imported, 'helper.sh')).mode & 0o7777, 0o755);
    assert.equal(statSync(join(imported, 'open.h')).mode & 0o7777, 0o644);
    assert.equal(statSync(join(imported, 'tmp')).mode & 0o7777, 0o755);
    assert.deepEqual(unsafeEntries(project), []);
  });

  test('a tarball with a device node, a FIFO or a hard link out is refused before anything is extracted', { skip: !isRoot && 'mknod needs root' }, () => {
    const cases: [string, (foo: string, tree: string) => void, string][] = [
      ['char', (foo) => shOk('mknod', [join(foo, 'null'), 'c', '1', '3']), 'drivers/net/foo/null is a character device'],
      ['block', (foo) => shOk('mknod', [join(foo, 'loop'), 'b', '7', '0']), 'drivers/net/foo/loop is a block device'],
      ['fifo', (foo) => shOk('mkfifo', [join(foo, 'pipe')]), 'drivers/net/foo/pipe is a FIFO'],
      ['hardlink', (foo, tree) => linkSync(join(tree, 'arch/x86/secret.h'), join(foo, 'secret.h')), 'drivers/net/foo/secret.h is a hard link to linux-9.9/arch/x86/secret.h'],
    ];
    for (const [name, plant, message] of cases) {
      const tree = kernelTree(`special-${name}`);
      plant(join(tree, 'drivers/net/foo'), tree);
      const tar = tarball(tree, join(work, `special-${name}.tar.xz`));
      const project = join(work, `special-${name}-p`);
      refused(newProject(project, `tar:${tar}`, '--driver-dir', 'drivers/net/foo'), project, message, 'refused before extracting anything');
      assert.ok(!existsSync(project) || readdirSync(project).length === 0, `nothing under ${project}: ${existsSync(project) && readdirSync(project)}`);
    }
  });

  test('git imports carry no special bit either (git stores 0644/0755 files, links and directories only)', () => {
    const repo = join(work, 'git-repo');
    cpSync(kernelTree('git-tree'), repo, { recursive: true });
    chmodSync(join(repo, 'drivers/net/foo/foo.c'), 0o4755);
    const git = (...args: string[]) => shOk('git', ['-C', repo, '-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args]);
    git('init', '-q', '-b', 'main');
    git('add', '-A');
    git('commit', '-q', '-m', 'setuid attempt');
    assert.match(git('ls-tree', '-r', 'HEAD', 'drivers/net/foo/foo.c'), /^100755 /);
    const project = join(work, 'git-p');
    const r = newProject(project, `git:${repo}@main`, '--driver-dir', 'drivers/net/foo');
    assert.equal(r.status, 0, r.stderr);
    assert.equal(statSync(join(project, 'sources/drivers/net/foo/foo.c')).mode & 0o7777, 0o755);
    assert.deepEqual(unsafeEntries(project), []);
  });
});

/**
 * `cd driver && dudforge new --yes && dudforge build`, in a directory whose path has a space and
 * quotes: one build, every installed kernel (new's default), shared by the two tests below.
 */
describe('awkward project places', { skip: needs(kernels.length > 0, 'no kernel build tree installed') }, () => {
  let parent: string;
  let driver: string;
  let made: CliResult;
  let built: CliResult;
  let rebuilt: CliResult;
  const tmpBefore = new Set<string>();

  before(() => {
    parent = join(tempDir('hostile-place'), `it's a "driver" dir`);
    driver = join(parent, 'sample driver');
    mkdirSync(parent, { recursive: true });
    cpSync(SAMPLE, driver, { recursive: true });
    // A link inside the tree to a file inside it stays allowed: it is built and packed as that file.
    symlinkSync('dudforge_dummy.h', join(driver, 'alias.h'));
    for (const e of readdirSync(tmpdir())) tmpBefore.add(e);
    made = runCli(['new', '--yes', '--build-time', '1700000000'], { cwd: driver, timeoutMs: QUICK });
    built = runCli(['build', '--plain'], { cwd: driver, timeoutMs: 600_000 });
    rebuilt = runCli(['build', '--plain'], { cwd: driver, timeoutMs: 600_000 });
  });
  after(() => removeDir(join(parent, '..')));

  test('a project inside its module directory builds, and its own files are never sources', () => {
    assert.equal(made.status, 0, made.stderr);
    assert.equal(built.status, 0, `${built.stdout}\n${built.stderr}`);
    const out = readdirSync(join(driver, 'out'));
    assert.equal(out.filter((f) => /^kmod-.*\.rpm$/.test(f)).length, kernels.length, out.join(' '));
    assert.ok(out.some((f) => f.endsWith('.iso')));
    const srpm = out.find((f) => f.endsWith('.src.rpm'));
    assert.ok(srpm, out.join(' '));
    // The source tarball in the SRPM holds the driver, not dudforge.json, .dudforge/ or out/.
    const cpio = sh('sh', ['-c', 'rpm2cpio "$1" | cpio -i --quiet --to-stdout "*.tar.gz" | tar -tz', 'sh', join(driver, 'out', srpm)]);
    assert.equal(cpio.status, 0, cpio.stderr);
    const members = cpio.stdout.split('\n').filter(Boolean).map((m) => m.replace(/^[^/]+\//, ''));
    assert.ok(members.includes('main.c') && members.includes('Kbuild'), members.join(' '));
    const alias = sh('sh', ['-c', 'rpm2cpio "$1" | cpio -i --quiet --to-stdout "*.tar.gz" | tar -xzO --wildcards "*/alias.h"', 'sh', join(driver, 'out', srpm)]);
    assert.equal(alias.stdout, readFileSync(join(SAMPLE, 'dudforge_dummy.h'), 'utf8'), 'the in-tree link is packed as the file it names');
    for (const m of members) assert.doesNotMatch(m, /^(dudforge\.json|\.dudforge|out|sources)(\/|$)/);
    // Nothing changed, so nothing is compiled again: the project's own files are not in the hash.
    assert.equal(rebuilt.status, 0, rebuilt.stderr);
    assert.match(rebuilt.stderr, /cached/);
    assert.doesNotMatch(rebuilt.stderr, /compiled [1-9]\d*\/\d+ .*main\.o/);
    assert.deepEqual(unsafeEntries(driver), []);
  });

  test('a project path with a space and quotes builds (the compile copy lives at a make-safe path, then goes)', () => {
    assert.ok(/ /.test(driver) && /"/.test(driver) && /'/.test(driver));
    assert.equal(built.status, 0, `${built.stdout}\n${built.stderr}`);
    const leftovers = readdirSync(tmpdir()).filter((e) => e.startsWith('dudforge-build-') && !tmpBefore.has(e));
    assert.deepEqual(leftovers, [], 'no compile copy is left behind');

    // `new`'s hint is copy-pasteable into a shell: bash runs it and dudforge gets the path intact.
    const elsewhere = join(parent, `other "project" it's`);
    const r = runCli(['new', elsewhere, '--yes', '--source', `dir:${driver}`, '--kernel', kernels[0].release], { timeoutMs: QUICK });
    assert.equal(r.status, 0, r.stderr);
    const hint = /build it with: (.*)$/m.exec(r.stdout)?.[1];
    assert.ok(hint, r.stdout);
    const args = shOk('bash', ['-c', `dudforge() { printf '%s\\n' "$@"; }; ${hint}`]);
    assert.deepEqual(args.split('\n').filter(Boolean), ['build', elsewhere]);
    assert.ok(readFileSync(join(elsewhere, 'dudforge.json'), 'utf8').includes('"kind": "dir"'));
  });
});
