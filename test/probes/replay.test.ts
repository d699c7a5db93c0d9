/**
 * Kbuild replay (src/probes/kbuild-replay.ts): on every installed kernel, the inner make started
 * from a recording runs the very command lines `make -C <tree> M=<dir>` runs (Kbuild's own .cmd
 * files compared byte for byte, after the directory name), and a recording is refused when what
 * it depends on changed: the inherited environment, the compiler, the file itself.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { execa } from 'execa';
import { ENV_TARGET, loadReplay, readRecording, recordingKbuild, replayInvocation, saveReplay, type KbuildReplay } from '../../src/probes/kbuild-replay.js';
import { probeMakeEnv } from '../../src/probes/make.js';
import { installedKernels } from './kernels.js';

const kernels = installedKernels();
const work = mkdtempSync(join(tmpdir(), 'dudforge-replay-'));
after(() => rmSync(work, { recursive: true, force: true }));

const SOURCES: Record<string, string> = {
  'a.c': '#include <linux/module.h>\n#include <linux/string.h>\nMODULE_LICENSE("GPL");\nint a_probe(char *d, const char *s);\nint a_probe(char *d, const char *s) { return strscpy(d, s, 4); }\n',
  'b.c': '#include <linux/netdevice.h>\nint b_probe(struct net_device *n);\nint b_probe(struct net_device *n) { return n->min_mtu; }\n',
};

/** A module directory with two objects, Kbuild recording the inner make as probe rounds do. */
function moduleDir(name: string): string {
  const dir = mkdtempSync(join(work, `${name}-`));
  for (const [f, text] of Object.entries(SOURCES)) writeFileSync(join(dir, f), text);
  writeFileSync(join(dir, 'Kbuild'), ['obj-m += a.o b.o', ...recordingKbuild(), ''].join('\n'));
  return dir;
}

/** Kbuild's saved command line of each object, the directory's name blanked. */
function savedCommands(dir: string): string[] {
  return ['a', 'b'].map((o) => readFileSync(join(dir, `.${o}.o.cmd`), 'utf8').split(dir).join('<dir>'));
}

describe('Kbuild replay', () => {
  const recordings = new Map<string, KbuildReplay>();
  const cmds = new Map<string, { normal: string[]; replayed: string[] }>();
  before(async () => {
    for (const k of kernels) {
      const env = probeMakeEnv();
      const first = moduleDir('normal');
      const normal = await execa('make', ['-C', k.buildTree, `M=${first}`, '-j2', ...(k.llvm ? ['LLVM=1'] : []), ENV_TARGET, 'a.o', 'b.o'], { env, extendEnv: false, reject: false });
      assert.equal(normal.exitCode, 0, normal.stderr);
      const rec = await readRecording(first, env);
      assert.ok(rec, `no recording for ${k.release}`);
      recordings.set(k.release, rec);
      // Replayed in another directory: the recording's directory must be swapped for it.
      const second = moduleDir('replayed');
      const inv = replayInvocation(rec, second, ['a.o', 'b.o']);
      const replayed = await execa('make', ['-j2', ...inv.args], { cwd: inv.cwd, env: { ...env, ...inv.env, MAKEFLAGS: '' }, extendEnv: false, reject: false });
      assert.equal(replayed.exitCode, 0, replayed.stderr);
      cmds.set(k.release, { normal: savedCommands(first), replayed: savedCommands(second) });
    }
  });

  test('there are kernels to test against', () => assert.ok(kernels.length > 0));

  test('the recording names the inner make and keeps no inherited environment value', () => {
    for (const [release, r] of recordings) {
      assert.match(r.makefile, /scripts\/Makefile\.build$/, release);
      assert.ok(r.vars.some((v) => v.startsWith('obj=')), `${release}: ${r.vars.join(' ')}`);
      assert.ok(r.env.KBUILD_CFLAGS, `${release}: no KBUILD_CFLAGS`);
      const inherited = probeMakeEnv();
      for (const [k, v] of Object.entries(r.env)) assert.notEqual(inherited[k], v, `${release}: ${k} was inherited unchanged`);
      assert.ok(!JSON.stringify(r).includes(work), 'the round directory is marked, not stored');
    }
  });

  test('the replayed make runs the same compiler command lines as make -C <tree> M=<dir>', () => {
    assert.equal(cmds.size, kernels.length);
    for (const [release, c] of cmds) {
      for (const cmd of c.normal) assert.match(cmd, /gcc|clang/, release);
      assert.deepEqual(c.replayed, c.normal, release);
    }
  });

  test('a changed environment, compiler or file is refused; an unchanged one is used', async () => {
    const k = kernels[0];
    const r = recordings.get(k.release)!;
    const store = mkdtempSync(join(work, 'store-'));
    saveReplay(store, k, r);
    assert.ok(await loadReplay(store, k, probeMakeEnv()), 'unchanged');
    assert.equal(await loadReplay(store, k, { ...probeMakeEnv(), KCFLAGS: '-DDUDFORGE_TEST' }), undefined, 'KCFLAGS set');
    assert.ok(await loadReplay(store, k, { ...probeMakeEnv(), NODE_TEST_CONTEXT: 'other', OLDPWD: '/' }), 'volatile variables do not count');
    saveReplay(store, k, { ...r, compiler: `${r.compiler} (another build)` });
    assert.equal(await loadReplay(store, k, probeMakeEnv()), undefined, 'compiler changed');
    writeFileSync(join(store, k.identity, 'kbuild-replay.json'), '{"format": 1, "cwd": ');
    assert.equal(await loadReplay(store, k, probeMakeEnv()), undefined, 'corrupt file');
    assert.equal(await loadReplay(join(work, 'nothing-here'), k, probeMakeEnv()), undefined, 'no file');
  });

  test('a recording with a quoted or escaped variable is not used', async () => {
    const dir = mkdtempSync(join(work, 'rec-'));
    writeFileSync(join(dir, 'dudforge-env.i'), 'srctree=/x\0CC=gcc\0');
    writeFileSync(join(dir, 'dudforge-env.i.cwd'), '/');
    writeFileSync(join(dir, 'dudforge-env.i.mk'), '/x/scripts/Makefile.build');
    writeFileSync(join(dir, 'dudforge-env.i.goals'), `${dir}/dudforge-env.i`);
    writeFileSync(join(dir, 'dudforge-env.i.flags'), `rR -- obj=${dir} KCFLAGS=-O2\\ -g`);
    assert.equal(await readRecording(dir, {}), undefined);
    writeFileSync(join(dir, 'dudforge-env.i.flags'), `rR -- obj=${dir} M=${dir}`);
    const ok = await readRecording(dir, {});
    assert.ok(ok);
    const inv = replayInvocation(ok, '/tmp/elsewhere', ['a.o']);
    assert.deepEqual(inv.args, ['-r', '-R', '--no-print-directory', '-f', '/x/scripts/Makefile.build', 'obj=/tmp/elsewhere', 'M=/tmp/elsewhere', '/tmp/elsewhere/a.o']);
  });
});

