/**
 * The README calls `dudforge` bare after `bash .ci/run --install-only`: the install step must put
 * it on PATH. The real .ci/run (its --link-only part, which the full install also runs after
 * `npm ci`) installs the command into a scratch bin directory; a shell then finds and runs it.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot, packageVersion } from '../../src/paths.js';
import { CLI, removeDir, sh, tempDir } from '../helpers/cli.js';

let work: string;

describe('.ci/run puts dudforge on PATH', { skip: existsSync(CLI) ? false : 'dist is not built' }, () => {
  before(() => {
    work = tempDir('install');
  });
  after(() => removeDir(work));

  test('command -v dudforge finds the installed command, which runs this checkout', () => {
    const bin = join(work, 'bin');
    const env = { ...process.env, DUDFORGE_BIN_DIR: bin, PATH: `${bin}:${process.env.PATH}` };
    const run = sh('bash', [join(packageRoot, '.ci/run'), '--link-only'], { cwd: work, env });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, new RegExp(`dudforge: ${bin}/dudforge`));
    // A fresh shell in another directory, as a user typing the README's commands would.
    const found = sh('sh', ['-c', 'command -v dudforge && dudforge --version'], { cwd: work, env });
    assert.equal(found.status, 0, found.stderr);
    const [path, version] = found.stdout.trim().split('\n');
    assert.equal(path, join(bin, 'dudforge'));
    assert.match(version!, new RegExp(packageVersion.replace(/\./g, '\\.')));
    assert.match(readFileSync(path!, 'utf8'), new RegExp(join(packageRoot, 'dist/src/cli/main.js')));
    // Installing again replaces the command in place.
    assert.equal(sh('bash', [join(packageRoot, '.ci/run'), '--link-only'], { cwd: work, env }).status, 0);
  });

  test('a bin directory that is not on PATH fails the install and says so', () => {
    const bin = join(work, 'elsewhere');
    const run = sh('bash', [join(packageRoot, '.ci/run'), '--link-only'], { cwd: work, env: { ...process.env, DUDFORGE_BIN_DIR: bin } });
    assert.equal(run.status, 2);
    assert.match(run.stderr, /put .*elsewhere first on PATH/);
  });
});
