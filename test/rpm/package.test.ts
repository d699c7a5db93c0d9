/**
 * Golden checks of built packages against the real rpm tools: digests (rpm -Kv), query tags,
 * dependencies, scriptlets, changelog, file dump, rpm2cpio extraction, and install + verify in
 * a scratch root. Both payload compressions are covered.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  buildRpm, formatDependency, readRpm, readRpmPayload, rpmFileName, RPMFILE, RPMTAG, verifyRpmDigests,
  type RpmPackageSpec,
} from '../../src/rpm/index.js';
import { GZIP_BLOCK } from '../../src/rpm/compress.js';
import { bigModuleBytes, run, runStatus, sampleSpec } from './fixtures.js';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const work = mkdtempSync(join(tmpdir(), 'dudforge-rpm-'));
after(() => rmSync(work, { recursive: true, force: true }));

function expectedMode(f: RpmPackageSpec['files'][number]): number {
  return (f.type === 'dir' ? 0o040000 : f.type === 'symlink' ? 0o120000 : 0o100000) | f.mode;
}

/** The whole battery, for one spec. */
function goldenSuite(label: string, spec: RpmPackageSpec) {
  describe(`${label} package checked by rpm`, () => {
    let file = '';
    let bytes: Buffer;
    const q = (...args: string[]) => run('rpm', ['-qp', ...args, file]);

    before(async () => {
      bytes = await buildRpm(spec);
      mkdirSync(join(work, label), { recursive: true });
      file = join(work, label, rpmFileName(spec));
      writeFileSync(file, bytes);
    });

    test('file name', () => {
      assert.equal(rpmFileName(spec), `${spec.name}-${spec.version}-${spec.release}.${spec.arch}.rpm`);
    });

    test('rpm -Kv: every digest OK', () => {
      const r = runStatus('rpm', ['-Kv', file]);
      assert.equal(r.status, 0, r.stderr + r.stdout);
      const lines = r.stdout.trim().split('\n').slice(1).map((l) => l.trim());
      assert.deepEqual(lines, ['Header SHA256 digest: OK', 'Header SHA1 digest: OK', 'Payload SHA256 digest: OK', 'MD5 digest: OK']);
    });

    test('rpm -qp --qf: header fields', () => {
      const fields = ['NAME', 'VERSION', 'RELEASE', 'ARCH', 'OS', 'SUMMARY', 'LICENSE', 'GROUP', 'URL', 'VENDOR', 'PACKAGER',
        'BUILDHOST', 'BUILDTIME', 'SOURCERPM', 'PAYLOADCOMPRESSOR', 'PAYLOADFORMAT', 'FILEDIGESTALGO', 'SIZE'];
      const out = q('--qf', fields.map((f) => `%{${f}}`).join('\\n')).split('\n');
      const installed = spec.files.reduce((s, f) => s + (f.type === 'file' ? f.data!.length : f.type === 'symlink' ? f.target!.length : 0), 0);
      assert.deepEqual(out, [spec.name, spec.version, spec.release, spec.arch, 'linux', spec.summary, spec.license, spec.group,
        spec.url, spec.vendor, spec.packager, spec.buildHost, String(spec.buildTime), spec.sourceRpm, spec.compression, 'cpio', '8',
        String(installed)]);
      assert.equal(q('--qf', '%{DESCRIPTION}'), spec.description);
    });

    test('rpm -qp --provides: spec provides plus NAME = EVR and NAME(x86-64) = EVR', () => {
      const evr = `${spec.version}-${spec.release}`;
      const want = [...spec.provides.map(formatDependency), `${spec.name} = ${evr}`, `${spec.name}(x86-64) = ${evr}`, `config(${spec.name}) = ${evr}`];
      assert.deepEqual(q('--provides').trim().split('\n').sort(), want.sort());
    });

    test('rpm -qp --requires: spec requires, interpreters, rpmlib features', () => {
      const got = q('--requires').trim().split('\n');
      for (const r of spec.requires) assert.ok(got.includes(formatDependency(r)), `missing ${formatDependency(r)}`);
      for (const lib of ['rpmlib(CompressedFileNames) <= 3.0.4-1', 'rpmlib(FileDigests) <= 4.6.0-1', 'rpmlib(PayloadFilesHavePrefix) <= 4.0-1']) {
        assert.ok(got.includes(lib), `missing ${lib}`);
      }
      assert.equal(got.includes('rpmlib(PayloadIsXz) <= 5.2-1'), spec.compression === 'xz');
      assert.equal(got.filter((l) => l === '/bin/sh').length, Object.keys(spec.scripts ?? {}).length);
      assert.deepEqual([...got].sort(), got, 'sorted');
      assert.deepEqual(q('--conflicts').trim().split('\n'), spec.conflicts!.map(formatDependency));
      assert.deepEqual(q('--obsoletes').trim().split('\n'), spec.obsoletes!.map(formatDependency));
    });

    test('rpm -qp --scripts and --changelog', () => {
      const scripts = q('--scripts');
      for (const [kind, name] of [['pre', 'preinstall'], ['post', 'postinstall'], ['postun', 'postuninstall'], ['posttrans', 'posttrans']] as const) {
        assert.ok(scripts.includes(`${name} scriptlet (using /bin/sh):\n${spec.scripts![kind]!.body}\n`), `${kind} in\n${scripts}`);
      }
      assert.ok(!scripts.includes('preuninstall'));
      const times = q('--qf', '[%{CHANGELOGTIME}\\n]').trim().split('\n').map(Number);
      assert.deepEqual(times, spec.changelog!.map((c) => c.time));
      const log = q('--changelog');
      for (const c of spec.changelog!) assert.ok(log.includes(`${c.name}\n${c.text}\n`), c.text);
    });

    test('rpm -qlp --dump: paths, sizes, mtimes, digests, modes, owners, flags, links', () => {
      const lines = q('--dump').trim().split('\n');
      const sorted = [...spec.files].sort((a, b) => (a.path < b.path ? -1 : 1));
      assert.equal(lines.length, sorted.length);
      sorted.forEach((f, i) => {
        const cols = lines[i].split(' ');
        const data = f.type === 'file' ? f.data! : undefined;
        const size = f.type === 'file' ? data!.length : f.type === 'symlink' ? f.target!.length : 0;
        const flags = f.flags ?? 0;
        assert.deepEqual(cols, [
          f.path, String(size), String(f.mtime ?? spec.buildTime), data ? sha256(data) : '0'.repeat(64),
          '0' + expectedMode(f).toString(8), 'root', 'root', flags & RPMFILE.CONFIG ? '1' : '0', flags & RPMFILE.DOC ? '1' : '0',
          '0', f.type === 'symlink' ? f.target! : 'X',
        ], f.path);
      });
    });

    test('rpm2cpio | cpio -idm extracts the same bytes', () => {
      const dir = join(work, label, 'extract');
      mkdirSync(dir);
      const cpio = run('sh', ['-c', `rpm2cpio '${file}' | cpio -idmv 2>&1`], { cwd: dir });
      assert.deepEqual(cpio.trim().split('\n').filter((l) => l.startsWith('./')).sort(), spec.files.map((f) => '.' + f.path).sort());
      for (const f of spec.files) {
        const p = join(dir, f.path);
        if (f.type === 'file') {
          assert.deepEqual(readFileSync(p), f.data);
          assert.equal(statSync(p).mode & 0o7777, f.mode);
          assert.equal(statSync(p).mtimeMs / 1000, f.mtime ?? spec.buildTime);
        } else if (f.type === 'symlink') assert.equal(readlinkSync(p), f.target);
        else assert.ok(statSync(p).isDirectory());
      }
    });

    test('bsdtar (libarchive, as the installer\'s extractor) and 7z read the payload', () => {
      const dir = join(work, label, 'bsdtar');
      mkdirSync(dir);
      run('bsdtar', ['-xf', file, '-C', dir]);
      for (const f of spec.files.filter((x) => x.type === 'file')) assert.deepEqual(readFileSync(join(dir, f.path)), f.data, f.path);
      const cpio = execFileSync('7z', ['x', '-so', file], { maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'ignore'] });
      assert.equal(sha256(cpio), readRpm(bytes).header.string(RPMTAG.PAYLOADDIGESTALT));
    });

    test('installs into a scratch root and rpm -V is clean', () => {
      const root = join(work, label, 'root');
      mkdirSync(root);
      run('rpm', ['--root', root, '--initdb']);
      const inst = runStatus('rpm', ['--root', root, '-ivh', '--nodeps', '--noscripts', file]);
      assert.equal(inst.status, 0, inst.stderr);
      const v = runStatus('rpm', ['--root', root, '-V', '--nodeps', spec.name]);
      assert.equal(v.status, 0, v.stdout + v.stderr);
      assert.equal(v.stdout.trim(), '');
      const mod = spec.files.find((f) => f.path.endsWith('.ko'))!;
      assert.deepEqual(readFileSync(join(root, mod.path)), mod.data);
      assert.equal(run('rpm', ['--root', root, '-q', spec.name]).trim(), `${spec.name}-${spec.version}-${spec.release}.${spec.arch}`);
    });

    test('readRpm and readRpmPayload decode what was written', async () => {
      const rpm = readRpm(bytes);
      assert.equal(rpm.lead.name, `${spec.name}-${spec.version}-${spec.release}`);
      assert.equal(rpm.lead.type, 0);
      assert.equal(rpm.name, spec.name);
      assert.equal(rpm.isSource, false);
      assert.equal(rpm.headerStart % 8, 0);
      assert.equal(rpm.header.string(RPMTAG.PAYLOADCOMPRESSOR), spec.compression);
      assert.deepEqual(rpm.provides().filter((p) => p.name === 'kernel-modules'), spec.provides.filter((p) => p.name === 'kernel-modules'));
      assert.deepEqual(rpm.files().map((f) => f.path), spec.files.map((f) => f.path).sort());
      assert.equal(rpm.headerEnd, bytes.length - rpm.payload.length);
      const entries = await readRpmPayload(bytes);
      for (const f of spec.files.filter((x) => x.type === 'file')) {
        const e = entries.find((x) => x.path === f.path);
        assert.ok(e, f.path);
        assert.deepEqual(e.data, f.data);
        assert.equal(e.name, '.' + f.path);
      }
    });

    test('verifyRpmDigests: clean, then catches a flipped payload byte and a flipped header byte', async () => {
      assert.deepEqual(await verifyRpmDigests(bytes), []);
      const rpm = readRpm(bytes);
      const badPayload = Buffer.from(bytes);
      badPayload[badPayload.length - 20] ^= 0xff;
      const p1 = await verifyRpmDigests(badPayload);
      assert.ok(p1.some((p) => /MD5|payload/.test(p)), p1.join('; '));
      const badHeader = Buffer.from(bytes);
      const namePos = badHeader.indexOf(Buffer.from(spec.summary), rpm.headerStart);
      badHeader[namePos] ^= 0x01;
      const p2 = await verifyRpmDigests(badHeader);
      assert.ok(p2.includes('header SHA256 digest mismatch'), p2.join('; '));
      assert.notEqual(runStatus('rpm', ['-K', writeTemp(badHeader)]).status, 0, 'rpm -K agrees the header is bad');
    });

    test('building twice gives identical bytes', async () => {
      const again = await buildRpm(structuredClone(spec));
      assert.ok(again.equals(bytes));
    });
  });
}

function writeTemp(b: Buffer): string {
  const p = join(work, `t-${sha256(b).slice(0, 12)}.rpm`);
  writeFileSync(p, b);
  return p;
}

goldenSuite('gzip', sampleSpec());
goldenSuite('xz', sampleSpec({ compression: 'xz', name: 'kmod-sample-xz' }));
// A module larger than three deflate blocks, so the payload is deflated in parallel pieces.
goldenSuite('gzip-blocks', (() => {
  const spec = sampleSpec({ name: 'kmod-sample-blocks' });
  const big = bigModuleBytes(3 * GZIP_BLOCK + 12345);
  spec.files = spec.files.map((f) => (f.path.endsWith('.ko') ? { ...f, data: big } : f));
  return spec;
})());

describe('builder input checks', () => {
  test('rejects relative paths, mode type bits, duplicate paths and bad versions', async () => {
    await assert.rejects(buildRpm(sampleSpec({ files: [{ path: 'rel/x', type: 'file', mode: 0o644 }] })), /absolute/);
    await assert.rejects(buildRpm(sampleSpec({ files: [{ path: '/x', type: 'file', mode: 0o100644 }] })), /permission bits/);
    await assert.rejects(buildRpm(sampleSpec({ files: [{ path: '/x', type: 'file', mode: 0o644 }, { path: '/x', type: 'file', mode: 0o644 }] })), /duplicate/);
    await assert.rejects(buildRpm(sampleSpec({ version: '1-2' })), /must not contain/);
  });

  test('an epoch shows in self-provides and in rpm -q', async () => {
    const spec = sampleSpec({ epoch: 2, name: 'kmod-epoch' });
    const p = writeTemp(await buildRpm(spec));
    assert.equal(run('rpm', ['-qp', '--qf', '%{EPOCH}:%{VERSION}', p]), '2:1.2.3');
    assert.ok(run('rpm', ['-qp', '--provides', p]).includes('kmod-epoch = 2:1.2.3-4.el9'));
  });
});

describe('%ghost files', () => {
  test('are listed in the header, left out of the payload, and verify clean once installed', async () => {
    const ghost = { path: '/var/lib/kmod-ghost/state', type: 'file' as const, mode: 0o644, flags: RPMFILE.GHOST };
    const spec = sampleSpec({ name: 'kmod-ghost', files: [...sampleSpec().files, ghost] });
    const bytes = await buildRpm(spec);
    const p = writeTemp(bytes);
    assert.ok(run('rpm', ['-qlp', p]).split('\n').includes(ghost.path));
    assert.ok(!(await readRpmPayload(bytes)).some((e) => e.path === ghost.path));
    assert.deepEqual(await verifyRpmDigests(bytes), []);
    const root = join(work, 'ghost-root');
    mkdirSync(root);
    run('rpm', ['--root', root, '--initdb']);
    assert.equal(runStatus('rpm', ['--root', root, '-i', '--nodeps', '--noscripts', p]).status, 0);
    const v = runStatus('rpm', ['--root', root, '-V', '--nodeps', 'kmod-ghost']);
    assert.equal(v.status, 0, v.stdout);
    assert.equal(v.stdout.trim(), '');
  });
});
