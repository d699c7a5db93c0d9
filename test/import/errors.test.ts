import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { importSources, type ImportOptions } from '../../src/import/import.js';
import { UserError } from '../../src/errors.js';
import { FOO_H_V1, git, makeKernelRepo, makePatch, write, type FixtureRepo } from './fixture.js';

/** Bad input stops the import with a UserError naming the input, and leaves no trace. */
describe('bad input', () => {
  let tmp: string;
  let fx: FixtureRepo;
  let projectDir: string;
  let base: ImportOptions;

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dudforge-import-bad-'));
    fx = await makeKernelRepo(tmp);
    projectDir = path.join(tmp, 'project');
    fs.mkdirSync(projectDir);
    base = { source: { kind: 'git', repo: fx.repo, rev: 'main' }, driverDirs: ['drivers/net/foo'], projectDir, destDir: 'sources' };
    // A good import first: every failure below must leave it as it is.
    await importSources(base);
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  async function rejects(opts: Partial<ImportOptions>, ...patterns: RegExp[]): Promise<UserError> {
    const before = fs.readdirSync(path.join(projectDir, 'sources'), { recursive: true }).sort();
    let caught: unknown;
    try {
      await importSources({ ...base, ...opts });
    } catch (err) {
      caught = err;
    }
    assert.ok(caught instanceof UserError, `expected a UserError, got ${caught}`);
    for (const p of patterns) assert.match(caught.message, p);
    assert.deepEqual(fs.readdirSync(projectDir).sort(), ['.dudforge', 'patches', 'sources'].filter((d) => fs.existsSync(path.join(projectDir, d))));
    assert.deepEqual(fs.readdirSync(path.join(projectDir, 'sources'), { recursive: true }).sort(), before);
    return caught;
  }

  test('a revision that does not exist', async () => {
    const err = await rejects({ source: { kind: 'git', repo: fx.repo, rev: 'v9.9-nope' } }, /v9\.9-nope/, /does not exist/);
    assert.match(err.hint ?? '', /tag --list/);
  });

  test('a repository that is not one', async () => {
    fs.mkdirSync(path.join(tmp, 'not-a-repo'), { recursive: true });
    await rejects({ source: { kind: 'git', repo: path.join(tmp, 'not-a-repo'), rev: 'main' } }, /not-a-repo/, /not a git repository/);
  });

  test('a remote repository is refused with a clone hint', async () => {
    const err = await rejects({ source: { kind: 'git', repo: 'https://example.org/linux.git', rev: 'v6.6' } }, /remote repository/);
    assert.match(err.hint ?? '', /git clone https:\/\/example\.org\/linux\.git/);
  });

  test('a driver directory that is not in the tree', async () => {
    await rejects({ driverDirs: ['drivers/net/bar'] }, /drivers\/net\/bar/, /is not in git:/);
    await rejects({ driverDirs: ['../outside'] }, /\.\.\/outside/);
  });

  test('a driver directory without Makefile or Kbuild', async () => {
    await rejects({ driverDirs: ['include/linux'] }, /include\/linux/, /no Makefile or Kbuild/);
  });

  test('a tarball that is not one', async () => {
    write(tmp, 'fake.tar.gz', 'this is text, not a tarball\n');
    await rejects({ source: { kind: 'tar', file: path.join(tmp, 'fake.tar.gz') } }, /fake\.tar\.gz/, /not a tarball/);
    await rejects({ source: { kind: 'tar', file: path.join(tmp, 'missing.tar') } }, /missing\.tar/);
  });

  test('a symlink pointing outside the tree, in a directory and in a git revision', async () => {
    const dir = path.join(tmp, 'evil-dir');
    write(dir, 'drivers/net/foo/Makefile', 'obj-m += foo.o\n');
    write(dir, 'drivers/net/foo/foo.c', 'int x;\n');
    fs.symlinkSync('/etc/passwd', path.join(dir, 'drivers/net/foo/passwd'));
    await rejects({ source: { kind: 'dir', path: dir } }, /drivers\/net\/foo\/passwd/, /outside the source tree/);
    fs.rmSync(path.join(dir, 'drivers/net/foo/passwd'));
    fs.symlinkSync('../../../../secret.h', path.join(dir, 'drivers/net/foo/secret.h'));
    await rejects({ source: { kind: 'dir', path: dir } }, /secret\.h/, /outside the source tree/);

    await git(fx.repo, 'checkout', '-q', '-b', 'evil', 'main');
    fs.symlinkSync('../../../../../../etc/shadow', path.join(fx.repo, 'drivers/net/foo/shadow'));
    await git(fx.repo, 'add', 'drivers/net/foo/shadow');
    await git(fx.repo, 'commit', '-q', '-m', 'evil link');
    await git(fx.repo, 'checkout', '-q', 'main');
    await rejects({ source: { kind: 'git', repo: fx.repo, rev: 'evil' } }, /drivers\/net\/foo\/shadow/, /outside the source tree/);
  });

  test('a patch that does not apply names the patch and the failing hunk', async () => {
    const good = await makePatch('drivers/net/foo/foo.h', FOO_H_V1, FOO_H_V1.replace('"1.0"', '"1.1"'));
    const stale = await makePatch(
      'drivers/net/foo/foo_main.c',
      'line one\nline two\nline three\n',
      'line one\nline 2\nline three\n',
    );
    write(projectDir, 'patches/0001-good.patch', good);
    write(projectDir, 'patches/0002-stale.patch', stale);
    write(projectDir, 'patches/series', '0001-good.patch\n# the next one was made for another tree\n0002-stale.patch\n');
    const err = await rejects({ patchSeries: 'patches/series' }, /0002-stale\.patch/, /hunk #1/, /drivers\/net\/foo\/foo_main\.c/, /-line two/);
    assert.doesNotMatch(err.message, /0001-good/);
    await rejects({ patches: ['patches/0002-stale.patch'] }, /0002-stale\.patch/, /hunk #1/);
    await rejects({ patches: ['patches/0003-missing.patch'] }, /0003-missing\.patch/, /does not exist/);
    const outside = await makePatch('drivers/scsi/bar.c', 'a\n', 'b\n');
    write(projectDir, 'patches/0004-outside.patch', outside);
    await rejects({ patches: ['patches/0004-outside.patch'] }, /0004-outside\.patch/, /not in the imported directories/);
  });
});
