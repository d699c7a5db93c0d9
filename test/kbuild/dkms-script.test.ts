/**
 * dkms.conf's steps as one shell text (src/kbuild/dkms-script.ts): the source RPM's copy decides
 * BUILD_EXCLUSIVE_* in the shell while dudforge's build decides in TypeScript (exclusionOf), so
 * both are run here on the same kernels and must agree; the steps pick PATCH_MATCH/MAKE_MATCH as
 * DKMS does, with the kernel named only at run time.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { removeDir, sh, tempDir } from '../helpers/cli.js';
import { dkmsRebuildScript } from '../../src/kbuild/dkms-script.js';
import { exclusionOf } from '../../src/pipeline/dkms.js';
import type { DkmsAnswers } from '../../src/answers/schema.js';
import type { ResolvedKernel } from '../../src/pipeline/context.js';

let work: string;

const dkms: DkmsAnswers = {
  used: [],
  ignored: [],
  make: [
    { command: 'echo "make default for $kernelver in $(basename "$PWD")"' },
    { command: "echo 'make old'", match: '^4\\.' },
    { command: "echo 'make six-one'", match: '^6\\.1\\.' },
  ],
  patches: [{ file: 'only-6.patch', match: '^6\\.' }],
  buildExclusive: { kernel: '^(5|6)\\.', arch: 'x86_64|aarch64', config: ['CONFIG_MODULES', '!CONFIG_BROKEN_THING'] },
};

function run(script: string, kernel: { release: string; arch: string; config: string }, args: string[] = []) {
  const env = { PATH: process.env.PATH, kernelver: kernel.release, arch: kernel.arch, kernel_config: kernel.config, kernel_source_dir: '/nonexistent', dkms_tree: join(work, 'tree'), source_tree: join(work, 'source') };
  return sh('sh', [script, ...args], { cwd: work, env });
}

describe('dkms.conf steps as a script', () => {
  let script: string;
  let configs: Record<string, string>;
  before(() => {
    work = tempDir('dkms-script');
    script = join(work, 'dudforge-dkms.sh');
    writeFileSync(script, dkmsRebuildScript(dkms, { module: 'acme', moduleVersion: '1.0', moduleDir: 'drv' }));
    mkdirSync(join(work, 'drv', 'patches'), { recursive: true });
    writeFileSync(join(work, 'drv', 'f.txt'), 'old\n');
    writeFileSync(join(work, 'drv', 'patches', 'only-6.patch'), '--- a/f.txt\n+++ b/f.txt\n@@ -1 +1 @@\n-old\n+new\n');
    configs = { plain: join(work, 'plain.config'), broken: join(work, 'broken.config'), nomodules: join(work, 'nomodules.config') };
    writeFileSync(configs.plain, 'CONFIG_MODULES=y\n# CONFIG_BROKEN_THING is not set\n');
    writeFileSync(configs.broken, 'CONFIG_MODULES=y\nCONFIG_BROKEN_THING=m\n');
    writeFileSync(configs.nomodules, '# CONFIG_MODULES is not set\n');
  });
  after(() => removeDir(work));

  test('--excluded says what exclusionOf() says, for every rule', () => {
    const cases = [
      { release: '6.1.0-57-amd64', arch: 'x86_64', config: 'plain' },
      { release: '4.18.0-553.el8.x86_64', arch: 'x86_64', config: 'plain' },
      { release: '6.12.1', arch: 's390x', config: 'plain' },
      { release: '6.12.1', arch: 'aarch64', config: 'broken' },
      { release: '5.14.0', arch: 'x86_64', config: 'nomodules' },
      { release: '5.14.0', arch: 'x86_64', config: 'missing' },
    ];
    for (const c of cases) {
      const config = configs[c.config] ?? join(work, 'missing.config');
      const kernel = { release: c.release, tree: { path: work, arch: c.arch } } as unknown as ResolvedKernel;
      const expected = exclusionOf(dkms, kernel, () => {
        const text = sh('cat', [config]).stdout;
        if (!text) throw new Error('no config');
        return Object.fromEntries([...text.matchAll(/^(CONFIG_\w+)=(.*)$/gm)].map((m) => [m[1], m[2]]));
      });
      const r = run(script, { release: c.release, arch: c.arch, config }, ['--excluded']);
      assert.equal(r.status, expected ? 0 : 1, `${c.release} ${c.arch} ${c.config}: ${r.stdout}${r.stderr}`);
      assert.equal(r.stdout.trim(), expected ?? '', `${c.release} ${c.arch} ${c.config}`);
    }
  });

  test('the steps pick the patch and the make command for the kernel they run for', () => {
    const six = run(script, { release: '6.1.0-57-amd64', arch: 'x86_64', config: configs.plain });
    assert.equal(six.status, 0, six.stderr);
    assert.match(six.stdout, /^dkms\.conf: applying patches\/only-6\.patch$/m);
    assert.match(six.stdout, /^make six-one$/m);
    assert.equal(sh('cat', [join(work, 'drv', 'f.txt')]).stdout, 'new\n');
    const five = run(script, { release: '5.14.0', arch: 'x86_64', config: configs.plain });
    assert.equal(five.status, 0, five.stderr);
    assert.doesNotMatch(five.stdout, /applying/);
    // MAKE[0] evaluated by the shell with DKMS's variables, in the module directory.
    assert.match(five.stdout, /^make default for 5\.14\.0 in drv$/m);
    assert.equal(sh('readlink', [join(work, 'tree', 'acme', '1.0', 'build')]).stdout.trim(), join(work, 'drv'));
  });
});
