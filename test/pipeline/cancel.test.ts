/**
 * SIGTERM during a build stops every make process group within seconds: no make or cc1 is left
 * behind and no partial file appears in the output directory.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, installedKernels, removeDir, tempDir } from '../helpers/cli.js';
import { needs } from '../helpers/needs.js';

const kernels = installedKernels();
let work: string;

/** A driver of many files that each take a while to compile, so the build is still running when it is stopped. */
function writeSlowDriver(dir: string, files: number): void {
  mkdirSync(dir, { recursive: true });
  const objs = Array.from({ length: files }, (_, i) => `part${i}.o`);
  writeFileSync(join(dir, 'Kbuild'), `obj-m += slowdrv.o\nslowdrv-y := main.o ${objs.join(' ')}\n`);
  writeFileSync(
    join(dir, 'main.c'),
    '#include <linux/module.h>\nstatic int __init s_init(void) { return 0; }\nstatic void __exit s_exit(void) {}\nmodule_init(s_init);\nmodule_exit(s_exit);\nMODULE_LICENSE("GPL");\nMODULE_DESCRIPTION("slow");\n',
  );
  for (let i = 0; i < files; i++) {
    // Heavy but valid code: many unrolled functions keep cc1 busy for a moment.
    const fns = Array.from({ length: 300 }, (_, j) => `int slow${i}_${j}(int x) { int a = x; for (int k = 0; k < ${j + 3}; k++) a = a * ${j + 7} + k; return a; }`).join('\n');
    writeFileSync(join(dir, `part${i}.c`), `#include <linux/kernel.h>\n${fns}\n`);
  }
}

function survivors(marker: string): string[] {
  const ps = spawnSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' }).stdout;
  return ps.split('\n').filter((l) => l.includes(marker) && !l.includes('ps -eo') && /\b(make|cc1|gcc|ld|sh)\b/.test(l));
}

describe('cancellation', { skip: needs(kernels.length > 0, 'no kernel build tree installed') }, () => {
  before(() => {
    work = tempDir('cancel');
  });
  after(() => removeDir(work));

  test('SIGTERM stops every build process group and leaves no partial file', async () => {
    const driver = join(work, 'slowdrv');
    writeSlowDriver(driver, 40);
    const answers = {
      schemaVersion: 1,
      project: { name: 'slow' },
      source: { kind: 'dir', path: driver },
      package: { name: 'slowdrv', version: '1', release: '1', vendor: 'T', license: 'GPL-2.0-only', summary: 's', description: 's' },
      kernels: kernels.map((k) => ({ release: k.release, buildTree: k.buildTree })),
      signing: { mode: 'none' },
      packaging: { match: 'exact', compress: 'gzip', kabiRequires: 'auto', srpm: true, strip: false },
      output: { dir: 'out' },
      buildTime: 1700000000,
    };
    writeFileSync(join(work, 'dudforge.json'), JSON.stringify(answers));
    const child = spawn(process.execPath, [CLI, 'build', work, '--plain', '--jobs', '2'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    const compiled = new Promise<void>((resolve) => {
      child.stderr.on('data', (d) => {
        stderr += d;
        if (/compiled 1\//.test(stderr)) resolve();
      });
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await Promise.race([compiled, exited]);
    assert.ok(child.exitCode === null, `the build was still running when stopped:\n${stderr}`);
    const t0 = Date.now();
    child.kill('SIGTERM');
    const code = await exited;
    const seconds = (Date.now() - t0) / 1000;
    assert.ok(seconds < 5, `stopped in ${seconds}s`);
    assert.equal(code, 143, 'SIGTERM ends with 128 + 15');
    // Give the kernel a moment to reap, then look for anything that mentions our work dir.
    await new Promise((r) => setTimeout(r, 500));
    assert.deepEqual(survivors(work), [], 'no make/cc1 left behind');
    const out = join(work, 'out');
    assert.deepEqual(existsSync(out) ? readdirSync(out) : [], [], 'no file in the output directory');
    assert.match(stderr, /cancel/i);
  });
});
