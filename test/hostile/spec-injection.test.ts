/**
 * Issue 12 §4: answers that reach the source RPM's spec stay text. A description line
 * `%pre -n kmod-NAME` (or any line rpm would read as a directive or a comment), a Requires
 * carrying `%(shell)` or a comma, a newline in a one-line tag: refused when the answers are
 * checked (exit 2, nothing built). Everything else is escaped: the SRPM dudforge writes from
 * hostile-looking text is rebuilt by the real `rpmbuild --rebuild` for an installed kernel, and
 * `rpm -qp` shows no extra scriptlet, no shell run, and every field literally as given.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { installedKernels, removeDir, runCli, sh, shOk, tempDir, type CliResult } from '../helpers/cli.js';
import { packageRoot } from '../../src/paths.js';
import { needs } from '../helpers/needs.js';

const kernels = installedKernels();
const hasRpmbuild = sh('rpmbuild', ['--version']).status === 0;
let work: string;
let driver: string;
let canary: string;

/** Text rpm would expand, run or split if it were pasted into the spec as it is. */
function hostile() {
  return {
    summary: `50% faster %{version} %(touch ${canary}) %%pre`,
    description: [
      'A dummy driver: 100% of the time %{name} and %{?nil}.',
      `Shell: %(touch ${canary}) and %{lua: os.execute("touch ${canary}")}`,
      'not a section: see %pre -n kmod-dudforge-dummy',
      '  indented text ending in a backslash \\',
      '- a list item %%post -n kmod-dudforge-dummy',
      'Last line %{expand:%%define x 1}',
    ].join('\n'),
    vendor: 'ACME %{?vendor} 100%',
    url: 'https://example.org/%7Edriver?q=%{name}',
    changelog: ['%pre -n kmod-dudforge-dummy', '# not a comment', 'fixed 100% of %(id)'].join('\n'),
    requires: 'kmod >= 25',
  };
}

function newProject(dir: string, extra: string[]): CliResult {
  return runCli([
    'new', dir, '--yes', '--source', `dir:${driver}`, '--probes', join(driver, 'dudforge.probes'),
    '--kernel', kernels[0].release, '--build-time', '1700000000', ...extra,
  ]);
}

const qp = (rpm: string, format: string) => shOk('rpm', ['-qp', '--qf', format, rpm]);

describe('answers reach the spec as text', { skip: needs(kernels.length > 0 && hasRpmbuild, 'a kernel build tree and rpmbuild') }, () => {
  let project: string;
  let build: CliResult;
  let nativeRpm: string;
  let rebuiltRpm: string;
  let rebuild: { status: number | null; stdout: string; stderr: string };

  before(() => {
    work = tempDir('spec-injection');
    driver = join(work, 'driver');
    canary = join(work, 'shell-ran');
    cpSync(join(packageRoot, 'assets', 'sample-driver'), driver, { recursive: true });
    project = join(work, 'project');
    const h = hostile();
    const created = newProject(project, [
      '--summary', h.summary, '--description', h.description, '--vendor', h.vendor, '--url', h.url, '--requires', h.requires,
      '--author', 'Dev %{name} 100%', '--email', 'dev@example.org',
    ]);
    assert.equal(created.status, 0, created.stderr);
    // No flag for the changelog: it is a dudforge.json answer.
    const file = join(project, 'dudforge.json');
    const doc = JSON.parse(readFileSync(file, 'utf8'));
    doc.package.changelog = h.changelog;
    writeFileSync(file, JSON.stringify(doc, null, 2));
    build = runCli(['build', project, '--plain']);
    const out = join(project, 'out');
    nativeRpm = join(out, readdirSync(out).find((f) => f.startsWith('kmod-') && f.endsWith('.x86_64.rpm')) ?? 'missing');
    const srpm = join(out, readdirSync(out).find((f) => f.endsWith('.src.rpm')) ?? 'missing');
    const topdir = join(work, 'rpmbuild');
    // Debian's rpm database does not know gcc/make/kmod: --nodeps skips the BuildRequires check.
    rebuild = sh('rpmbuild', ['--rebuild', '--nodeps', '--define', `_topdir ${topdir}`, '--define', `kernel_version ${kernels[0].release}`,
      '--define', `kernel_source ${kernels[0].buildTree}`, srpm]);
    const rpms = existsSync(join(topdir, 'RPMS', 'x86_64')) ? readdirSync(join(topdir, 'RPMS', 'x86_64')) : [];
    rebuiltRpm = join(topdir, 'RPMS', 'x86_64', rpms[0] ?? 'missing');
  });
  after(() => removeDir(work));

  test('the build and rpmbuild --rebuild of its SRPM succeed, and no shell command in the text ran', () => {
    assert.equal(build.status, 0, build.stdout + build.stderr);
    assert.equal(rebuild.status, 0, (rebuild.stdout + rebuild.stderr).slice(-4000));
    assert.ok(existsSync(rebuiltRpm), 'rpmbuild wrote one kmod');
    assert.equal(existsSync(canary), false, '%(…) or %{lua:…} from an answer was run');
  });

  test('the rebuilt kmod has the same scriptlets as the native one: %post and %postun only', () => {
    // rpmbuild keeps the blank line that ends a section in the script; dudforge does not.
    const scripts = (rpm: string) => shOk('rpm', ['-qp', '--scripts', rpm]).replace(/\n\n+/g, '\n');
    const rebuilt = scripts(rebuiltRpm);
    const kinds = [...rebuilt.matchAll(/^(\w+) scriptlet/gm)].map((m) => m[1]);
    assert.deepEqual(kinds, ['postinstall', 'postuninstall']);
    assert.equal(rebuilt, scripts(nativeRpm));
  });

  test('summary, description, vendor, URL, changelog and Requires come through literally', () => {
    const h = hostile();
    for (const rpm of [rebuiltRpm, nativeRpm]) {
      assert.equal(qp(rpm, '%{SUMMARY}'), h.summary, rpm);
      assert.equal(qp(rpm, '%{DESCRIPTION}'), h.description, rpm);
      assert.equal(qp(rpm, '%{VENDOR}'), h.vendor, rpm);
      assert.equal(qp(rpm, '%{URL}'), h.url, rpm);
      assert.equal(qp(rpm, '[%{CHANGELOGTEXT}\n]'), '- %pre -n kmod-dudforge-dummy\n- # not a comment\n- fixed 100% of %(id)\n', rpm);
      assert.match(qp(rpm, '[%{CHANGELOGNAME}\n]'), /^Dev %\{name\} 100% <dev@example\.org> - /, rpm);
      assert.ok(shOk('rpm', ['-qp', '--requires', rpm]).split('\n').includes('kmod >= 25'), rpm);
    }
  });

  test('text rpm cannot carry is refused by new --yes: exit 2, the field named, nothing written', () => {
    const cases: [string[], RegExp][] = [
      [['--description', 'Dummy.\n%pre -n kmod-dudforge-dummy\ntouch /tmp/x'], /package\.description: line 2 starts with "%".*new section/],
      [['--description', 'Dummy.\n   %PRE -n kmod-dudforge-dummy'], /package\.description: line 2 starts with "%"/],
      [['--description', 'Dummy.\n%if 0\nhidden\n%endif'], /package\.description: line 2 starts with "%"/],
      [['--description', 'Dummy.\n# Features'], /package\.description: line 2 starts with "#".*comment/],
      [['--summary', 'one\n%pre'], /package\.summary: must be a single line/],
      [['--requires', 'foo%(touch${IFS}/tmp/x)'], /package\.requires: item 0: .* is not one dependency/],
      [['--requires', 'foo, bar'], /package\.requires: item 0: .* is not one dependency/],
      [['--vendor', 'ACME\u0001'], /package\.vendor: must not contain control characters/],
    ];
    for (const [flags, message] of cases) {
      const p = join(work, 'refused');
      const r = newProject(p, flags);
      assert.equal(r.status, 2, `${flags.join(' ')}: ${r.stdout}${r.stderr}`);
      assert.match(r.stderr, message, flags.join(' '));
      assert.equal(existsSync(join(p, 'dudforge.json')), false);
    }
  });

  test('a hostile dudforge.json is refused by build before anything is built', () => {
    const file = join(project, 'dudforge.json');
    const saved = readFileSync(file);
    const doc = JSON.parse(saved.toString());
    doc.package.description = 'Dummy.\n%post -n kmod-dudforge-dummy\nrm -rf /';
    doc.package.changelog = 'fine\n  %pre -n kmod-dudforge-dummy';
    doc.package.requires = ['kmod, evil'];
    writeFileSync(file, JSON.stringify(doc));
    const out = join(work, 'out-refused');
    const r = runCli(['build', project, '--plain', '--out', out]);
    writeFileSync(file, saved);
    assert.equal(r.status, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /package\.description: line 2 starts with "%"/);
    assert.match(r.stderr, /package\.changelog: line 2 starts with "%"/);
    assert.match(r.stderr, /package\.requires: item 0/);
    assert.equal(existsSync(out), false);
  });
});
