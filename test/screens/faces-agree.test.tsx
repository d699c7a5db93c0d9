/**
 * The two faces (the command line and the wizard) derive the same facts from the same answers
 * (answers/facts.ts): the driver disk's name Review shows is the one the build writes, and the
 * package defaults step 4 fills in are the ones `dudforge new --yes` records.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { render } from 'ink-testing-library';
import { createProject } from '../../src/answers/create.js';
import { effectiveBuildTime, isoFileName, newBuildTime } from '../../src/answers/facts.js';
import { packageDefaultsOf } from '../../src/wizard/deps.js';
import { stateFromAnswers } from '../../src/wizard/index.js';
import { ReviewStep } from '../../screens/ReviewStep.js';
import { installedKernels, removeDir, tempDir } from '../helpers/cli.js';
import { needs } from '../helpers/needs.js';
import { frame } from './helpers.js';

const complete = {
  schemaVersion: 1 as const,
  project: { name: 'foo' },
  source: { kind: 'dir' as const, path: '/src/foo' },
  package: { name: 'foo', version: '2.1', release: '3', vendor: 'V', license: 'GPL-2.0-only', summary: 'S', description: 'D' },
  kernels: [{ release: '6.1.0-test', buildTree: '/k' }],
  signing: { mode: 'none' as const },
  buildTime: 1600000000,
};

describe('the wizard and the command line agree', () => {
  test('Review shows the driver disk the build writes: output.isoName and output.dir count', () => {
    const s = stateFromAnswers({ ...complete, output: { dir: 'dist', isoName: 'acme-foo.iso' } }, { baseDir: '/', now: 1, projectDir: '/p' });
    assert.equal(s.step, 'review');
    const app = render(<ReviewStep state={s} />);
    const f = frame(app);
    app.unmount();
    assert.match(f, /Driver disk\s+\/p\/dist\/acme-foo\.iso/);
    assert.match(f, /RPMs\s+\/p\/dist\//);
    assert.equal(isoFileName({ output: { isoName: 'acme-foo.iso' }, package: complete.package }), 'acme-foo.iso');
    // Without isoName both give the default name.
    const plain = stateFromAnswers(complete, { baseDir: '/', now: 1, projectDir: '/p' });
    const g = frame(render(<ReviewStep state={plain} />));
    assert.match(g, new RegExp(`Driver disk\\s+/p/out/${isoFileName(complete).replace(/\./g, '\\.')}`));
  });

  test('SOURCE_DATE_EPOCH: one rule for a new project and for a build', () => {
    assert.equal(newBuildTime({ SOURCE_DATE_EPOCH: '1700000000' }), 1700000000);
    assert.equal(newBuildTime({}, 5_000), 5);
    assert.equal(effectiveBuildTime({ buildTime: 1 }, { SOURCE_DATE_EPOCH: '1700000000' }), 1700000000);
    assert.equal(effectiveBuildTime({ buildTime: 1 }, { SOURCE_DATE_EPOCH: '' }), 1);
    // A value RPM cannot store is refused by both, never silently replaced by "now".
    for (const bad of ['soon', '4294967296']) {
      assert.throws(() => newBuildTime({ SOURCE_DATE_EPOCH: bad }), /SOURCE_DATE_EPOCH/);
      assert.throws(() => effectiveBuildTime({ buildTime: 1 }, { SOURCE_DATE_EPOCH: bad }), /SOURCE_DATE_EPOCH/);
    }
  });

  test('step 4 defaults equal the package `new --yes` writes for the same module', { skip: needs(installedKernels().length > 0, 'a kernel build tree') }, async () => {
    const dir = tempDir('faces-agree-');
    try {
      const mod = join(dir, 'mod');
      mkdirSync(mod);
      writeFileSync(join(mod, 'Makefile'), 'obj-m := foo_bar.o\n');
      writeFileSync(
        join(mod, 'foo_bar.c'),
        '#include <linux/module.h>\nMODULE_LICENSE("GPL");\nMODULE_DESCRIPTION("  Foo bar driver  ");\nMODULE_VERSION("1.0-rc1");\nMODULE_AUTHOR("A. Hacker");\n',
      );
      const wizard = packageDefaultsOf(mod);
      const { answers } = await createProject({ projectDir: join(dir, 'proj'), source: { kind: 'dir', path: mod }, buildTime: 1 });
      const { name, version, license, summary, description } = answers.package;
      assert.deepEqual({ name: wizard.name, version: wizard.version, license: wizard.license, summary: wizard.summary, description: wizard.description }, { name, version, license, summary, description });
      assert.deepEqual({ name, version, summary }, { name: 'foo-bar', version: '1.0_rc1', summary: 'Foo bar driver' });
    } finally {
      removeDir(dir);
    }
  });
});
