/**
 * Reproducible output: the same answers and sources, built in two different directories with
 * different umasks, give byte-identical RPMs, source RPM and ISO.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, installedKernels, removeDir, runCli, tempDir } from '../helpers/cli.js';
import { packageRoot } from '../../src/paths.js';
import { needs } from '../helpers/needs.js';

const kernels = installedKernels();
let work: string;

function buildIn(dir: string, umask: string): Map<string, string> {
  mkdirSync(dir, { recursive: true });
  cpSync(join(packageRoot, 'assets', 'sample-driver'), join(dir, 'driver'), { recursive: true });
  const created = runCli([
    'new', dir, '--yes', '--source', `dir:${join(dir, 'driver')}`, '--probes', join(dir, 'driver', 'dudforge.probes'),
    '--vendor', 'Repro Inc', '--build-time', '1700000000',
  ]);
  assert.equal(created.status, 0, created.stderr);
  const r = spawnSync('sh', ['-c', `umask ${umask}; exec "${process.execPath}" "${CLI}" build "${dir}" --plain`], { encoding: 'utf8', env: { ...process.env, SOURCE_DATE_EPOCH: '' } });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  const out = join(dir, 'out');
  return new Map(readdirSync(out).sort().map((f) => [f, createHash('sha256').update(readFileSync(join(out, f))).digest('hex')]));
}

describe('reproducible builds', { skip: needs(kernels.length > 0, 'no kernel build tree installed') }, () => {
  before(() => {
    work = tempDir('repro');
  });
  after(() => removeDir(work));

  test('two builds in different directories with different umasks are byte-identical', () => {
    const a = buildIn(join(work, 'first', 'project-a'), '022');
    const b = buildIn(join(work, 'second-place', 'b'), '077');
    assert.deepEqual([...a.keys()], [...b.keys()]);
    assert.ok([...a.keys()].some((f) => f.endsWith('.iso')));
    assert.ok([...a.keys()].some((f) => f.endsWith('.src.rpm')));
    for (const [file, hash] of a) assert.equal(b.get(file), hash, `${file} differs between the two builds`);
  });
});
