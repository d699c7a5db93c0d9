/**
 * `dudforge disk`: a driver disk from RPMs built elsewhere. A build sharded over machines
 * (`build --kernel A --no-disk`, `--kernel B --no-disk`) and assembled with `dudforge disk` gives
 * the same ISO bytes as one `dudforge build` of A and B; inputs that do not belong on one disk
 * are refused by name, and nothing is written for them.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { installedKernels, removeDir, runCli, shOk, tempDir } from '../helpers/cli.js';
import { needs } from '../helpers/needs.js';
import { packageRoot } from '../../src/paths.js';
import { buildRpm, rpmFileName, RPMSENSE, type RpmPackageSpec } from '../../src/rpm/index.js';

const kernels = installedKernels();
let work: string;
let project: string;
let fullIso: Buffer;

function rpmsIn(dir: string): string[] {
  return readdirSync(dir).filter((f) => f.endsWith('.rpm')).sort();
}

function plainRpm(overrides: Partial<RpmPackageSpec>): RpmPackageSpec {
  return {
    name: 'hello',
    version: '1.0.0',
    release: '1',
    summary: 'not a kmod',
    description: 'a package without kernel modules',
    license: 'MIT',
    buildTime: 1700000000,
    buildHost: 'test',
    arch: 'x86_64',
    compression: 'gzip',
    provides: [],
    requires: [],
    files: [{ path: '/usr/share/hello/README', type: 'file', mode: 0o644, data: Buffer.from('hello\n') }],
    ...overrides,
  };
}

describe('dudforge disk', { skip: needs(kernels.length >= 2, 'two kernel build trees') }, () => {
  before(() => {
    work = tempDir('disk');
    project = join(work, 'project');
    mkdirSync(project);
    cpSync(join(packageRoot, 'assets', 'sample-driver'), join(project, 'driver'), { recursive: true });
    const created = runCli([
      'new', project, '--yes', '--source', `dir:${join(project, 'driver')}`, '--probes', join(project, 'driver', 'dudforge.probes'),
      '--vendor', 'Shard Inc', '--build-time', '1700000000',
      ...kernels.flatMap((k) => ['--kernel', k.release]),
    ]);
    assert.equal(created.status, 0, created.stderr);
    const full = runCli(['build', project, '--plain'], { env: { SOURCE_DATE_EPOCH: '' } });
    assert.equal(full.status, 0, full.stdout + full.stderr);
    const iso = readdirSync(join(project, 'out')).find((f) => f.endsWith('.iso'))!;
    fullIso = readFileSync(join(project, 'out', iso));
  });
  after(() => removeDir(work));

  test('shards built with --kernel … --no-disk, assembled by `dudforge disk`, give the same ISO bytes as one build', () => {
    const shards = kernels.map((k, i) => {
      const out = join(work, `shard-${i}`);
      const r = runCli(['build', project, '--plain', '--kernel', k.release, '--no-disk', '--out', out], { env: { SOURCE_DATE_EPOCH: '' } });
      assert.equal(r.status, 0, r.stdout + r.stderr);
      assert.ok(!readdirSync(out).some((f) => f.endsWith('.iso')), 'a --no-disk shard writes no ISO');
      assert.equal(rpmsIn(out).filter((f) => !f.endsWith('.src.rpm')).length, 1, 'one kmod per shard');
      return out;
    });
    // Each shard writes the same source RPM, whichever kernel it built.
    const srpms = shards.map((s) => readFileSync(join(s, rpmsIn(s).find((f) => f.endsWith('.src.rpm'))!)));
    assert.ok(srpms.every((b) => b.equals(srpms[0])), 'the source RPM does not depend on the shard');

    const iso = join(work, 'assembled.iso');
    const r = runCli(['disk', iso, ...shards]);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /OK: the installer would accept this disk/);
    assert.ok(readFileSync(iso).equals(fullIso), 'the assembled disk equals the one-build disk byte for byte');
    assert.match(shOk('blkid', ['-p', '-o', 'export', iso]), /^LABEL=OEMDRV$/m);

    // The same shard given twice (or a file and its directory) is one input.
    const again = runCli(['disk', join(work, 'again.iso'), ...shards, join(shards[0], rpmsIn(shards[0])[0])]);
    assert.equal(again.status, 0, again.stderr);
    assert.ok(readFileSync(join(work, 'again.iso')).equals(fullIso));
  });

  test('an unknown --kernel is refused by name before anything is built', () => {
    const r = runCli(['build', project, '--plain', '--kernel', '9.9.9-nope', '--no-disk', '--out', join(work, 'nope')]);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /--kernel 9\.9\.9-nope: not among the project's kernels/);
    assert.ok(!existsSync(join(work, 'nope')));
  });

  test('what does not belong on one disk is refused by name, exit 2, and no ISO is written', async () => {
    const out = join(project, 'out');
    const kmods = rpmsIn(out).filter((f) => !f.endsWith('.src.rpm')).map((f) => join(out, f));
    const bad = join(work, 'bad');
    mkdirSync(bad);
    const refuse = (name: string, inputs: string[], pattern: RegExp) => {
      const iso = join(work, `${name}.iso`);
      const r = runCli(['disk', iso, ...inputs]);
      assert.equal(r.status, 2, `${name}: ${r.stdout}${r.stderr}`);
      assert.match(r.stderr, pattern, name);
      assert.doesNotMatch(r.stderr, /internal error|\n\s+at /, name);
      assert.ok(!existsSync(iso), `${name}: no ISO`);
      assert.deepEqual(readdirSync(work).filter((f) => f.startsWith(`.${name}.iso`)), [], `${name}: no temp file`);
    };

    const notKmod = plainRpm({});
    const notKmodPath = join(bad, rpmFileName(notKmod));
    writeFileSync(notKmodPath, await buildRpm(notKmod));
    refuse('not-kmod', [...kmods, notKmodPath], /hello-1\.0\.0-1\.x86_64\.rpm \(hello\) is not a kmod/);

    const truncated = join(bad, 'truncated.rpm');
    writeFileSync(truncated, readFileSync(kmods[0]).subarray(0, 3000));
    refuse('corrupt', [kmods[1], truncated], /truncated\.rpm (is not a readable RPM|is corrupt)/);

    const flipped = join(bad, 'flipped.rpm');
    const bytes = Buffer.from(readFileSync(kmods[0]));
    bytes[bytes.length - 100] ^= 0xff;
    writeFileSync(flipped, bytes);
    refuse('flipped', [flipped], /flipped\.rpm is corrupt/);

    const wrongArch = plainRpm({
      name: 'kmod-dudforge-dummy', arch: 'i686',
      provides: [{ name: 'kernel-modules', flags: RPMSENSE.EQUAL, version: '6.1.0-1-686' }, { name: 'kmod-dudforge-dummy', flags: RPMSENSE.EQUAL, version: '1.0.0-1' }],
    });
    const wrongArchPath = join(bad, rpmFileName(wrongArch));
    writeFileSync(wrongArchPath, await buildRpm(wrongArch));
    refuse('arch', [wrongArchPath], /is built for "i686", which has no rpms\/<arch>\/ directory/);

    // A second build of one kernel under another release claims the same kernel.
    const twin = plainRpm({
      name: 'kmod-dudforge-dummy-twin', version: '1.0.0', release: '2',
      provides: [{ name: 'kernel-modules', flags: RPMSENSE.EQUAL, version: kernels[0].release }, { name: 'kmod-dudforge-dummy', flags: RPMSENSE.EQUAL, version: '1.0.0-2' }],
      files: [{ path: `/lib/modules/${kernels[0].release}/extra/x.ko`, type: 'file', mode: 0o644, data: Buffer.from('x') }],
    });
    const twinPath = join(bad, rpmFileName(twin));
    writeFileSync(twinPath, await buildRpm(twin));
    refuse('twice', [...kmods, twinPath], new RegExp(`kernel ${kernels[0].release.replace(/[.+]/g, '\\$&')} \\(x86_64\\) is claimed by 2 RPMs`));

    const other = plainRpm({
      name: 'kmod-other', provides: [{ name: 'kernel-modules', flags: RPMSENSE.EQUAL, version: '6.1.0-1-amd64' }, { name: 'kmod-other', flags: RPMSENSE.EQUAL, version: '1.0.0-1' }],
    });
    const otherPath = join(bad, rpmFileName(other));
    writeFileSync(otherPath, await buildRpm(other));
    refuse('two-drivers', [...kmods, otherPath], /is kmod-other 1\.0\.0, but .* is kmod-dudforge-dummy 1\.0\.0/);

    const renamed = join(bad, 'renamed');
    mkdirSync(renamed);
    copyFileSync(twinPath, join(renamed, rpmFileName(twin).replace('twin', 'dup')));
    copyFileSync(twinPath, join(bad, 'x.txt'));
    refuse('not-rpm-name', [join(bad, 'x.txt')], /x\.txt is not an \.rpm file/);
    refuse('missing', [join(bad, 'nothing-here')], /nothing-here does not exist/);
    mkdirSync(join(bad, 'empty'));
    refuse('empty', [join(bad, 'empty')], /empty holds no \.rpm file/);

    const existing = join(work, 'existing.iso');
    writeFileSync(existing, 'user data');
    const r = runCli(['disk', existing, ...kmods]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /existing\.iso already exists/);
    assert.equal(readFileSync(existing, 'utf8'), 'user data', 'an existing file is never replaced without --force');
  });

  test('--signed refuses a disk whose modules are unsigned: exit 1, no ISO', () => {
    const iso = join(work, 'signed.iso');
    const r = runCli(['disk', iso, join(project, 'out'), '--signed']);
    assert.equal(r.status, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /is not signed, but the project asked for signing/);
    assert.ok(!existsSync(iso));
  });
});
