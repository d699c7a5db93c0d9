/** Source packages: lead type 1, SOURCEPACKAGE, flat names, the spec file lands in SPECS. */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { buildRpm, readRpm, readRpmPayload, rpmFileName, RPMTAG, verifyRpmDigests } from '../../src/rpm/index.js';
import { run, runStatus, sampleSourceSpec } from './fixtures.js';

describe('source RPM', () => {
  const spec = sampleSourceSpec();
  const work = mkdtempSync(join(tmpdir(), 'dudforge-srpm-'));
  let file = '';
  let bytes: Buffer;
  before(async () => {
    bytes = await buildRpm(spec);
    file = join(work, rpmFileName(spec));
    writeFileSync(file, bytes);
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  test('is named .src.rpm', () => {
    assert.equal(rpmFileName(spec), 'kmod-sample-1.2.3-4.el9.src.rpm');
  });

  test('rpm -Kv: every digest OK', () => {
    const r = runStatus('rpm', ['-Kv', file]);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.equal(r.stdout.match(/: OK$/gm)?.length, 4, r.stdout);
    assert.ok(!/NOT OK|BAD/.test(r.stdout));
  });

  test('rpm sees a source package with flat file names', () => {
    assert.deepEqual(run('rpm', ['-qpl', file]).trim().split('\n'), ['kmod-sample.spec', 'sample-1.2.3.tar.gz']);
    assert.equal(run('rpm', ['-qp', '--qf', '%{SOURCEPACKAGE} %{SOURCERPM} %{ARCH}', file]), '1 (none) x86_64');
    assert.equal(run('rpm', ['-qp', '--qf', '[%{FILEFLAGS} ]', file]).trim(), '32 0');
    const rpm = readRpm(bytes);
    assert.equal(rpm.lead.type, 1);
    assert.equal(rpm.isSource, true);
    assert.deepEqual(rpm.header.strings(RPMTAG.DIRNAMES), ['']);
    // No PayloadFilesHavePrefix for a source package: its payload names carry no "./".
    assert.ok(!rpm.requires().some((r) => r.name === 'rpmlib(PayloadFilesHavePrefix)'));
  });

  test('payload names are flat and digests verify', async () => {
    const entries = await readRpmPayload(bytes);
    assert.deepEqual(entries.map((e) => e.name), ['kmod-sample.spec', 'sample-1.2.3.tar.gz']);
    assert.deepEqual(await verifyRpmDigests(bytes), []);
  });

  test('rpm -i puts the spec in SPECS and the source in SOURCES', () => {
    const top = join(work, 'top');
    const db = join(work, 'db');
    mkdirSync(top);
    mkdirSync(db);
    const r = runStatus('rpm', ['--dbpath', db, '--define', `_topdir ${top}`, '-i', file]);
    assert.equal(r.status, 0, r.stderr);
    for (const f of spec.files) {
      const dir = f.flags ? 'SPECS' : 'SOURCES';
      const p = join(top, dir, f.path);
      assert.ok(existsSync(p), `${dir}/${f.path}`);
      assert.deepEqual(readFileSync(p), f.data);
    }
  });
});
