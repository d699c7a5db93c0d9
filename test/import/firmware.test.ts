import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { importSources, type ImportOptions } from '../../src/import/import.js';
import { UserError } from '../../src/errors.js';
import { git, makeKernelRepo, write, type FixtureRepo } from './fixture.js';

describe('firmware files from the tree and from a directory', () => {
  let tmp: string;
  let fx: FixtureRepo;
  let projectDir: string;
  let base: ImportOptions;

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dudforge-import-fw-'));
    fx = await makeKernelRepo(tmp);
    write(fx.repo, 'firmware/acme/foo-1.bin', 'FIRMWARE ONE\n');
    await git(fx.repo, 'add', 'firmware');
    await git(fx.repo, 'commit', '-q', '-m', 'firmware');
    projectDir = path.join(tmp, 'project');
    write(projectDir, 'blobs/foo/a.bin', 'A\n');
    write(projectDir, 'blobs/foo/sub/b.bin', 'B\n');
    write(projectDir, 'blobs/single.fw', 'S\n');
    base = { source: { kind: 'git', repo: fx.repo, rev: 'main' }, driverDirs: ['drivers/net/foo'], projectDir, destDir: 'sources' };
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  test('files are copied beside the sources and listed under /lib/firmware', async () => {
    const r = await importSources({ ...base, firmware: ['firmware/acme/foo-1.bin', 'blobs/foo', 'blobs/single.fw=acme/single-v2.fw'] });
    assert.deepEqual(r.firmware, [
      { path: 'a.bin', from: path.join(projectDir, 'blobs/foo/a.bin') },
      { path: 'acme/foo-1.bin', from: 'tree:firmware/acme/foo-1.bin' },
      { path: 'acme/single-v2.fw', from: path.join(projectDir, 'blobs/single.fw') },
      { path: 'sub/b.bin', from: path.join(projectDir, 'blobs/foo/sub/b.bin') },
    ]);
    for (const f of r.firmware) assert.ok(fs.existsSync(path.join(projectDir, 'firmware', f.path)), f.path);
    assert.equal(fs.readFileSync(path.join(projectDir, 'firmware/acme/foo-1.bin'), 'utf8'), 'FIRMWARE ONE\n');
    // Firmware is not part of the source tree, but it is part of the hash.
    assert.ok(!r.files.some((f) => f.includes('foo-1.bin')));
    const again = await importSources({ ...base, firmware: ['firmware/acme/foo-1.bin', 'blobs/foo', 'blobs/single.fw=acme/single-v2.fw'] });
    assert.equal(again.unchanged, true);
    assert.equal(again.sourceHash, r.sourceHash);
    const sourceMtime = fs.statSync(path.join(projectDir, 'sources/drivers/net/foo/foo_main.c')).mtimeMs;
    write(projectDir, 'blobs/foo/a.bin', 'A2\n');
    const changed = await importSources({ ...base, firmware: ['firmware/acme/foo-1.bin', 'blobs/foo', 'blobs/single.fw=acme/single-v2.fw'] });
    assert.equal(changed.unchanged, false);
    assert.deepEqual(changed.changes, { added: [], removed: [], modified: [] });
    assert.deepEqual(changed.firmwareChanges, { added: [], removed: [], modified: ['a.bin'] });
    assert.notEqual(changed.sourceHash, r.sourceHash);
    assert.equal(fs.readFileSync(path.join(projectDir, 'firmware/a.bin'), 'utf8'), 'A2\n');
    // Only the firmware changed: the sources directory was left as it was.
    assert.equal(fs.statSync(path.join(projectDir, 'sources/drivers/net/foo/foo_main.c')).mtimeMs, sourceMtime);
    assert.deepEqual(fs.readdirSync(projectDir).sort(), ['.dudforge', 'blobs', 'firmware', 'sources']);
  });

  test('missing or clashing firmware is a UserError', async () => {
    await assert.rejects(importSources({ ...base, firmware: ['firmware/nope.bin'] }), (e: unknown) => e instanceof UserError && /nope\.bin/.test(e.message));
    await assert.rejects(importSources({ ...base, firmware: ['blobs/single.fw=x.fw', 'blobs/foo/a.bin=x.fw'] }), (e: unknown) => e instanceof UserError && /x\.fw/.test(e.message));
    await assert.rejects(importSources({ ...base, firmware: ['blobs/single.fw=../../etc/x'] }), UserError);
  });
});
