/**
 * A driver whose git repository is the driver itself (`--driver-dir .`), as many vendors publish
 * them: built from a tag of a normal clone and of a bare mirror (`git clone --bare`), with the
 * real binary. The driver's own Kbuild is used as it is (no wrapper `obj-m += ./` recursing into
 * itself), and the version comes from the tag since the sources state none.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SAMPLE_DRIVER_DIR } from '../../src/cli/commands/demo.js';
import { installedKernels, removeDir, runCli, shOk, tempDir, type CliResult } from '../helpers/cli.js';
import { needs } from '../helpers/needs.js';

const kernels = installedKernels();
let work: string;
let repo: string;
let bare: string;
const results: Record<'clone' | 'bare', { created: CliResult; build: CliResult; project: string }> = {} as never;

describe('git source with the driver at the repository root', { skip: needs(kernels.length > 0, 'no kernel build tree installed') }, () => {
  before(() => {
    work = tempDir('gitroot');
    repo = join(work, 'dummy');
    cpSync(SAMPLE_DRIVER_DIR, repo, { recursive: true });
    // No version in the sources: the tag is the only one.
    const main = join(repo, 'main.c');
    writeFileSync(main, readFileSync(main, 'utf8').replace(/^MODULE_VERSION\(.*\);\n/m, ''));
    const git = (...a: string[]) => shOk('git', ['-C', repo, '-c', 'user.name=T', '-c', 'user.email=t@example.org', ...a]);
    shOk('git', ['init', '-q', repo]);
    git('add', '-A');
    git('commit', '-qm', 'driver');
    git('tag', 'v1.2.3');
    bare = join(work, 'dummy.git');
    shOk('git', ['clone', '-q', '--bare', repo, bare]);
    for (const [kind, from, targets] of [
      ['clone', repo, kernels],
      ['bare', bare, kernels.slice(0, 1)],
    ] as const) {
      const project = join(work, `project-${kind}`);
      const created = runCli(['new', project, '--yes', '--source', `git:${from}@v1.2.3`, '--driver-dir', '.', ...targets.flatMap((k) => ['--kernel', k.release]), '--build-time', '1700000000']);
      const build = created.status === 0 ? runCli(['build', project, '--plain']) : created;
      results[kind] = { created, build, project };
    }
  });
  after(() => removeDir(work));

  for (const kind of ['clone', 'bare'] as const) {
    test(`${kind}: new takes the version from the tag, the build gives one kmod per kernel and a verified disk`, () => {
      const { created, build, project } = results[kind];
      assert.equal(created.status, 0, created.stderr);
      assert.match(created.stderr, /^info: version 1\.2\.3 \(from git tag\)$/m);
      const answers = JSON.parse(readFileSync(join(project, 'dudforge.json'), 'utf8'));
      assert.equal(answers.package.version, '1.2.3');
      assert.deepEqual(answers.driverDirs, ['.']);
      assert.equal(build.status, 0, build.stderr + build.stdout);
      const rpms = readdirSync(join(project, 'out')).filter((f) => /^kmod-.*\.rpm$/.test(f)).sort();
      const targets = kind === 'clone' ? kernels : kernels.slice(0, 1);
      assert.equal(rpms.length, targets.length, rpms.join(', '));
      for (const r of rpms) assert.match(r, /^kmod-dudforge-dummy-.+-1\.2\.3-1\./);
      assert.match(build.stdout, /verified: the installer would accept it/);
      // The driver's own Kbuild, not a wrapper pointing at itself.
      const release = targets[0].release;
      assert.equal(readFileSync(join(project, '.dudforge', 'build', release, 'src', 'Kbuild'), 'utf8'), readFileSync(join(SAMPLE_DRIVER_DIR, 'Kbuild'), 'utf8'));
    });
  }
});
