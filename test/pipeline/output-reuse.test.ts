/**
 * A rebuild with nothing changed leaves out/ as it is (no packaging, no ISO, no verify), and
 * anything that shapes out/ writes it again: a changed source file, a changed answer, the build
 * time, or a file of out/ removed or edited.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, cpSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { installedKernels, removeDir, runCli, tempDir } from '../helpers/cli.js';
import { packageRoot } from '../../src/paths.js';
import { needs } from '../helpers/needs.js';

const kernels = installedKernels();
const REUSED = /package: skipped: .* already holds this build/;

describe('no-change rebuild reuses out/', { skip: needs(kernels.length > 0, 'no kernel build tree installed') }, () => {
  let work: string;
  let project: string;
  let driver: string;
  const build = (env: Record<string, string> = {}) => {
    const r = runCli(['build', project, '--plain'], { env: { SOURCE_DATE_EPOCH: '', ...env } });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    return r.stdout + r.stderr;
  };
  const stamps = () => Object.fromEntries(readdirSync(join(project, 'out')).map((f) => [f, `${statSync(join(project, 'out', f)).ino} ${statSync(join(project, 'out', f)).mtimeMs}`]));

  before(() => {
    work = tempDir('output-reuse');
    project = join(work, 'p');
    driver = join(work, 'driver');
    cpSync(join(packageRoot, 'assets', 'sample-driver'), driver, { recursive: true });
    const created = runCli(['new', project, '--yes', '--source', `dir:${driver}`, '--kernel', kernels[0].release, '--build-time', '1700000000']);
    assert.equal(created.status, 0, created.stderr);
    const first = build();
    assert.doesNotMatch(first, REUSED);
  });
  after(() => removeDir(work));

  test('nothing changed: out/ is left exactly as it was, and its artifacts are reported', () => {
    const before = stamps();
    const out = build();
    assert.match(out, REUSED);
    assert.match(out, /verify: skipped/);
    assert.match(out, /\.iso/);
    assert.deepEqual(stamps(), before);
  });

  test('a file of out/ removed or edited: out/ is written again', () => {
    const iso = readdirSync(join(project, 'out')).find((f) => f.endsWith('.iso'))!;
    rmSync(join(project, 'out', iso));
    assert.doesNotMatch(build(), REUSED);
    assert.ok(readdirSync(join(project, 'out')).includes(iso));
    const rpm = readdirSync(join(project, 'out')).find((f) => f.endsWith('.x86_64.rpm'))!;
    const bytes = readFileSync(join(project, 'out', rpm));
    writeFileSync(join(project, 'out', rpm), 'not an rpm');
    assert.doesNotMatch(build(), REUSED);
    assert.deepEqual(readFileSync(join(project, 'out', rpm)), bytes);
    assert.match(build(), REUSED);
  });

  test('a changed answer or build time: packaged again', () => {
    const answersFile = join(project, 'dudforge.json');
    const answers = JSON.parse(readFileSync(answersFile, 'utf8'));
    answers.package.release = '7';
    writeFileSync(answersFile, JSON.stringify(answers, null, 2));
    assert.doesNotMatch(build(), REUSED);
    assert.ok(readdirSync(join(project, 'out')).some((f) => f.includes('-7.')), readdirSync(join(project, 'out')).join(' '));
    assert.match(build(), REUSED);
    assert.doesNotMatch(build({ SOURCE_DATE_EPOCH: '1700000100' }), REUSED);
    assert.doesNotMatch(build(), REUSED, 'back to the recorded build time: out/ holds the other one');
  });

  test('a changed source file: built and packaged again', () => {
    const c = readdirSync(driver).find((f) => f.endsWith('.c'))!;
    appendFileSync(join(driver, c), '\n/* edited */\n');
    const out = build();
    assert.doesNotMatch(out, REUSED);
    assert.doesNotMatch(out, /✔ cached/, 'the module is compiled again');
    assert.match(build(), REUSED);
  });
});
