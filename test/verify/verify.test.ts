/**
 * `dudforge verify` judges disks like the installer: a good disk passes, and disks altered in
 * known ways each fail with the right message. The altered disks are made with our own writers
 * from real modules built by one demo run.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { installedKernels, removeDir, runCli, tempDir } from '../helpers/cli.js';
import { buildRpm, readRpmPayload, RPMSENSE, rpmFileName, type RpmPackageSpec } from '../../src/rpm/index.js';
import { buildRepodata } from '../../src/repodata/index.js';
import { buildIsoBuffer, type IsoEntry } from '../../src/iso/index.js';
import { verifyDisk } from '../../src/verify/verify.js';
import { UserError } from '../../src/errors.js';
import { needs } from '../helpers/needs.js';

const kernels = installedKernels();
let work: string;
/** A real module per kernel release, from the demo's RPMs. */
const modules = new Map<string, Buffer>();

function kmodSpec(name: string, release: string, provides: RpmPackageSpec['provides'], files: RpmPackageSpec['files'], pkgRelease = '1', requires: RpmPackageSpec['requires'] = []): RpmPackageSpec {
  return {
    name,
    version: '1.0',
    release: pkgRelease,
    summary: 'test kmod',
    description: 'test kmod',
    license: 'GPL-2.0-only',
    buildHost: 'test',
    buildTime: 1700000000,
    arch: 'x86_64',
    provides,
    requires,
    files,
    compression: 'gzip',
  };
}

const koFile = (release: string, data: Buffer) => ({ path: `/lib/modules/${release}/extra/t/dudforge_dummy.ko`, type: 'file' as const, mode: 0o644, data });
const exact = (release: string) => [{ name: 'kernel-modules', flags: RPMSENSE.EQUAL, version: release }];

async function disk(rpms: RpmPackageSpec[], opts: { label?: string; rhdd3?: boolean; arch?: string; repodataFrom?: RpmPackageSpec[] } = {}): Promise<Buffer> {
  const arch = opts.arch ?? 'x86_64';
  const built = await Promise.all(rpms.map(async (s) => ({ href: rpmFileName(s), bytes: await buildRpm(s) })));
  const repoSource = opts.repodataFrom ? await Promise.all(opts.repodataFrom.map(async (s) => ({ href: rpmFileName(s), bytes: await buildRpm(s) }))) : built;
  const entries: IsoEntry[] = [];
  if (opts.rhdd3 !== false) entries.push({ path: 'rhdd3', type: 'file', source: Buffer.from('Driver Update Disk version 3') });
  for (const r of built) entries.push({ path: `rpms/${arch}/${r.href}`, type: 'file', source: r.bytes });
  for (const f of buildRepodata(repoSource, { timestamp: 1700000000 })) entries.push({ path: `rpms/${arch}/${f.path}`, type: 'file', source: f.data });
  return buildIsoBuffer(entries, { volumeId: opts.label ?? 'OEMDRV', time: 1700000000 });
}

describe('dudforge verify', { skip: needs(kernels.length > 0, 'no kernel build tree installed') }, () => {
  before(async () => {
    work = tempDir('verify');
    const r = runCli(['demo', '--out', join(work, 'demo'), '--plain']);
    assert.equal(r.status, 0, r.stderr);
    const out = join(work, 'demo', 'out');
    for (const f of readdirSync(out).filter((n) => n.endsWith('.x86_64.rpm'))) {
      for (const e of await readRpmPayload(readFileSync(join(out, f)))) {
        const m = /^\/lib\/modules\/([^/]+)\/.*\.ko$/.exec(e.path);
        if (m) modules.set(m[1], e.data);
      }
    }
  });
  after(() => removeDir(work));

  test('the demo disk passes, through the command line too', () => {
    const out = join(work, 'demo', 'out');
    const iso = join(out, readdirSync(out).find((f) => f.endsWith('.iso'))!);
    const r = runCli(['verify', iso, '--json']);
    assert.equal(r.status, 0, r.stdout);
    const report = JSON.parse(r.stdout);
    assert.equal(report.ok, true);
    assert.equal(report.kernels.length, kernels.length);
  });

  test('a good hand-made disk passes', async () => {
    const [k] = kernels;
    const report = await verifyDisk(await disk([kmodSpec('kmod-t', k.release, exact(k.release), [koFile(k.release, modules.get(k.release)!)])]));
    assert.deepEqual(report.problems, []);
  });

  const cases: [string, () => Promise<Buffer>, RegExp][] = [
    ['wrong label', async () => disk([good()], { label: 'DRIVERS' }), /volume label is "DRIVERS", not OEMDRV/],
    ['no rhdd3', async () => disk([good()], { rhdd3: false }), /no \/rhdd3 file/],
    ['rpms/amd64', async () => disk([good()], { arch: 'amd64' }), /rpms\/amd64: .*use x86_64/],
    ['stale repodata', async () => disk([good('2')], { repodataFrom: [good('1')] }), /stale repodata/],
    [
      'a symlinked .ko',
      async () => {
        const k = kernels[0].release;
        return disk([kmodSpec('kmod-t', k, exact(k), [{ path: `/lib/modules/${k}/extra/t/dudforge_dummy.ko`, type: 'symlink', mode: 0o777, target: '/tmp/x.ko' }])]);
      },
      /dudforge_dummy\.ko is a symlink/,
    ],
    [
      'an unversioned Provides',
      async () => {
        const k = kernels[0].release;
        return disk([kmodSpec('kmod-t', k, [{ name: 'kernel-modules', flags: 0 }], [koFile(k, modules.get(k)!)])]);
      },
      /kernel-modules Provides has no version/,
    ],
    [
      'overlapping RPMs',
      async () => {
        const k = kernels[0].release;
        const ge = [{ name: 'kernel-modules', flags: RPMSENSE.GREATER | RPMSENSE.EQUAL, version: k }];
        return disk([kmodSpec('kmod-t', k, ge, [koFile(k, modules.get(k)!)], '1'), kmodSpec('kmod-t', k, ge, [koFile(k, modules.get(k)!)], '2')]);
      },
      /gets 2 RPMs of kmod-t/,
    ],
    [
      'wrong vermagic',
      async () => {
        const [a, b] = [kernels[0].release, kernels[kernels.length - 1].release];
        const other = a === b ? Buffer.from(modules.get(a)!.toString('latin1').replace(`vermagic=${a}`, `vermagic=${'9'.repeat(a.length)}`), 'latin1') : modules.get(b)!;
        return disk([kmodSpec('kmod-t', a, exact(a), [koFile(a, other)])]);
      },
      /has vermagic \S+, but kernel \S+ accepts the RPM/,
    ],
    [
      // The old naming: one name for every kernel, nothing kernel-specific required. dnf installs
      // the higher release (the newer kernel's kmod) whichever kernel the installer runs.
      'same-named kmods for two kernels without kernel Requires',
      async () => {
        const [a, b] = [kernels[0].release, '99.0.0-1-test'];
        const ko = modules.get(a)!;
        return disk([kmodSpec('kmod-t', a, exact(a), [koFile(a, ko)], `1.k${a.replace(/-/g, '_')}`), kmodSpec('kmod-t', b, exact(b), [koFile(b, ko)], `1.k${b.replace(/-/g, '_')}`)]);
      },
      new RegExp(`^kernel ${kernels[0]?.release.replace(/[.+]/g, '\\$&')}: the installer loads rpms/x86_64/kmod-t-1\\.0-1\\.k.* dnf picks rpms/x86_64/kmod-t-1\\.0-1\\.k99\\.0\\.0_1_test\\.x86_64\\.rpm`),
    ],
    [
      'a kmod whose kernel Requires its kernel does not meet',
      async () => {
        const k = kernels[0].release;
        const other = [{ name: 'kernel-uname-r', flags: RPMSENSE.EQUAL, version: '0.0.1-other' }];
        return disk([kmodSpec('kmod-t', k, exact(k), [koFile(k, modules.get(k)!)], '1', other)]);
      },
      /cannot be installed into the new system: it requires "kernel-uname-r = 0\.0\.1-other"/,
    ],
    [
      'a description with a --- line',
      async () => {
        const s = good();
        s.description = 'one\n---\ntwo';
        return disk([s]);
      },
      /description has a line "---"/,
    ],
  ];
  for (const [name, make, message] of cases) {
    test(`fails for ${name}`, async () => {
      const report = await verifyDisk(await make());
      assert.equal(report.ok, false);
      assert.ok(report.problems.some((p) => message.test(p)), `expected ${message} in:\n${report.problems.join('\n')}`);
    });
  }

  test('a kernel that no RPM serves is flagged', async () => {
    const report = await verifyDisk(await disk([good()]), { kernels: ['5.14.0-570.el9.x86_64'] });
    assert.ok(report.problems.some((p) => /kernel 5\.14\.0-570\.el9\.x86_64: no RPM/.test(p)));
    assert.ok(report.problems.some((p) => /no listed kernel accepts it/.test(p)));
  });

  test('a file that is not an ISO is a clear error', async () => {
    await assert.rejects(verifyDisk(Buffer.alloc(4096)), /ISO|not/i);
    // Too short to hold sector 16, and long enough but without a CD001 descriptor: one message.
    for (const bytes of [Buffer.alloc(4096), Buffer.alloc(20 * 2048)]) {
      await assert.rejects(
        verifyDisk(bytes),
        (err: unknown) => err instanceof UserError
          && err.message === '<buffer> is not an ISO 9660 image (no primary volume descriptor at sector 16)'
          && err.hint === 'Give the path of a driver disk ISO.',
      );
    }
  });
});

function good(pkgRelease = '1'): RpmPackageSpec {
  const k = kernels[0].release;
  return kmodSpec('kmod-t', k, exact(k), [koFile(k, modules.get(k)!)], pkgRelease);
}
