/**
 * Parity with rpmbuild: the same package described once as a spec file for the real rpmbuild
 * and once as an RpmPackageSpec for buildRpm must give the same header values (deps with their
 * flags and order, file arrays, dirnames, scriptlets, changelog) and the same tag types.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { buildRpm, formatDependency, readRpm, RPMFILE, RPMTAG, type RpmPackageSpec } from '../../src/rpm/index.js';
import { run, sampleSpec } from './fixtures.js';
import { GZIP_PAYLOAD_LEVEL } from '../../src/rpm/compress.js';

/** The fixture with changelog times at noon UTC, which is what rpmbuild makes of a `* Day Mon DD YYYY` line. */
function paritySpec(): RpmPackageSpec {
  const base = sampleSpec();
  return sampleSpec({
    // rpmbuild refuses a version with two '-' (Debian's `6.1.0-56-amd64`); rpm and dnf accept it.
    provides: base.provides.map((p) => (p.name === 'kernel-modules' ? { ...p, version: '6.1.0-99.test' } : p)),
    changelog: [
      { time: 1699963200, name: 'Builder <builder@example.com> - 1.2.3-4', text: '- Newest & best' },
      { time: 1690027200, name: 'Builder <builder@example.com> - 1.0-1', text: '- First <release>' },
    ],
  });
}

function specFile(s: RpmPackageSpec): string {
  const dep = (kind: string, list: RpmPackageSpec['requires'] | undefined) => (list ?? []).map((d) => `${kind}: ${formatDependency(d)}\n`).join('');
  const install = s.files.map((f) => {
    const p = `%{buildroot}${f.path}`;
    if (f.type === 'dir') return `mkdir -p ${p}`;
    if (f.type === 'symlink') return `mkdir -p $(dirname ${p}) && ln -s ${f.target} ${p}`;
    return `mkdir -p $(dirname ${p}) && echo ${f.data!.toString('base64')} | base64 -d > ${p}`;
  }).join('\n');
  const touch = s.files.map((f) => `touch -h -d @${f.mtime ?? s.buildTime} %{buildroot}${f.path}`).join('\n');
  const files = s.files.map((f) => {
    const flags = f.flags ?? 0;
    const attr = f.type === 'symlink' ? '%attr(-,root,root) ' : `%attr(${f.mode.toString(8).padStart(4, '0')},root,root) `;
    const kind = f.type === 'dir' ? '%dir ' : flags & RPMFILE.NOREPLACE ? '%config(noreplace) ' : flags & RPMFILE.CONFIG ? '%config ' : flags & RPMFILE.DOC ? '%doc ' : '';
    return `${attr}${kind}${f.path}`;
  }).join('\n');
  const day = (t: number) => {
    const d = new Date(t * 1000);
    return d.toUTCString().replace(/^(\w+), (\d+) (\w+) (\d+).*$/, (_m, wd, dd, mon, yy) => `${wd} ${mon} ${dd} ${yy}`);
  };
  const scripts = Object.entries(s.scripts ?? {}).map(([k, v]) => `%${k}\n${v!.body}\n`).join('');
  return `Name: ${s.name}
Version: ${s.version}
Release: ${s.release}
Summary: ${s.summary}
License: ${s.license}
Group: ${s.group}
URL: ${s.url}
Vendor: ${s.vendor}
Packager: ${s.packager}
${dep('Provides', s.provides)}${dep('Requires', s.requires)}${dep('Conflicts', s.conflicts)}${dep('Obsoletes', s.obsoletes)}
%description
${s.description}

%install
${install}
${touch}

${scripts}
%files
${files}

%changelog
${s.changelog!.map((c) => `* ${day(c.time)} ${c.name}\n${c.text}\n`).join('\n')}`;
}

// Tags rpmbuild writes that buildRpm leaves out on purpose (build-machine details and file
// classification that no installer reads), plus the signature tags python merges in.
const NOT_WRITTEN = new Set([RPMTAG.SOURCE, 1094 /* COOKIE */, 1122 /* OPTFLAGS */, 1132 /* PLATFORM */, 1140 /* FILECOLORS */,
  1141 /* FILECLASS */, 1142 /* CLASSDICT */, 1143 /* FILEDEPENDSX */, 1144 /* FILEDEPENDSN */, 1145 /* DEPENDSDICT */]);

describe('parity with rpmbuild', () => {
  const spec = paritySpec();
  const work = mkdtempSync(join(tmpdir(), 'dudforge-parity-'));
  let theirs = '';
  let ours = '';
  before(async () => {
    mkdirSync(join(work, 'SPECS'), { recursive: true });
    writeFileSync(join(work, 'SPECS', 't.spec'), specFile(spec));
    run('rpmbuild', ['-bb', '--define', `_topdir ${work}`, '--define', `_binary_payload w${GZIP_PAYLOAD_LEVEL}.gzdio`, '--define', `_buildhost ${spec.buildHost}`,
      '--define', 'use_source_date_epoch_as_buildtime 1', '--define', 'debug_package %{nil}', '--define', '__os_install_post %{nil}',
      '--define', '_build_id_links none', join(work, 'SPECS', 't.spec')], { env: { ...process.env, SOURCE_DATE_EPOCH: String(spec.buildTime) } });
    const dir = join(work, 'RPMS', spec.arch);
    theirs = join(dir, readdirSync(dir)[0]);
    ours = join(work, 'ours.rpm');
    writeFileSync(ours, await buildRpm(spec));
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  const TAGS = ['NAME', 'VERSION', 'RELEASE', 'SUMMARY', 'DESCRIPTION', 'LICENSE', 'GROUP', 'URL', 'VENDOR', 'PACKAGER', 'BUILDHOST',
    'BUILDTIME', 'SIZE', 'OS', 'ARCH', 'SOURCERPM', 'PREIN', 'POSTIN', 'POSTUN', 'POSTTRANS', 'PREINPROG', 'POSTINPROG', 'POSTUNPROG',
    'POSTTRANSPROG', 'FILESIZES', 'FILEMODES', 'FILERDEVS', 'FILEMTIMES', 'FILEDIGESTS', 'FILELINKTOS', 'FILEFLAGS', 'FILEUSERNAME',
    'FILEGROUPNAME', 'FILEVERIFYFLAGS', 'FILEDEVICES', 'FILEINODES', 'FILELANGS', 'DIRINDEXES', 'BASENAMES', 'DIRNAMES',
    'PROVIDENAME', 'PROVIDEFLAGS', 'PROVIDEVERSION', 'REQUIRENAME', 'REQUIREFLAGS', 'REQUIREVERSION', 'CONFLICTNAME',
    'CONFLICTFLAGS', 'CONFLICTVERSION', 'OBSOLETENAME', 'OBSOLETEFLAGS', 'OBSOLETEVERSION', 'CHANGELOGTIME', 'CHANGELOGNAME',
    'CHANGELOGTEXT', 'PAYLOADFORMAT', 'PAYLOADCOMPRESSOR', 'PAYLOADFLAGS', 'FILEDIGESTALGO', 'ENCODING', 'PAYLOADDIGESTALGO',
    'PAYLOADDIGESTALT', 'HEADERI18NTABLE'];

  for (const tag of TAGS) {
    test(`${tag} matches`, () => {
      const qf = `[%{${tag}}\\n]`;
      assert.equal(run('rpm', ['-qp', '--qf', qf, ours]), run('rpm', ['-qp', '--qf', qf, theirs]));
    });
  }

  test('every tag rpmbuild writes is written with the same type, apart from the documented omissions', () => {
    const a = readRpm(readFileSync(ours)).header.entries;
    const b = readRpm(readFileSync(theirs)).header.entries;
    for (const [tag, entry] of b) {
      if (NOT_WRITTEN.has(tag) || tag === RPMTAG.HEADERIMMUTABLE) continue;
      assert.ok(a.has(tag), `tag ${tag} missing`);
      assert.equal(a.get(tag)!.type, entry.type, `tag ${tag} type`);
    }
    for (const tag of a.keys()) assert.ok(b.has(tag), `tag ${tag} not written by rpmbuild`);
  });

  test('the lead is byte-identical', () => {
    assert.deepEqual(readFileSync(ours).subarray(0, 96), readFileSync(theirs).subarray(0, 96));
  });

  test('the payload holds the same files with the same bytes', () => {
    const list = (f: string) => run('sh', ['-c', `rpm2cpio '${f}' | cpio -itv --quiet`]).replace(/ +/g, ' ');
    assert.equal(list(ours), list(theirs));
  });
});
