import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateAnswers, validateField } from '../../src/answers/validate.js';

const good = () => ({
  schemaVersion: 1,
  project: { name: 'p' },
  source: { kind: 'dir', path: 'drv' },
  package: { name: 'foo', version: '1.2.3', release: '1', vendor: 'V', license: 'GPL-2.0-only', summary: 's', description: 'd' },
  kernels: [{ release: '6.1.0-56-amd64', buildTree: '/lib/modules/6.1.0-56-amd64/build' }],
  signing: { mode: 'none' },
  packaging: { match: 'exact', compress: 'gzip', kabiRequires: 'auto', srpm: true, strip: false },
  output: { dir: 'out' },
  buildTime: 0,
});

const fields = (doc: unknown) => validateAnswers(doc).problems.map((p) => p.field);

test('a complete document is valid', () => {
  const { answers, problems } = validateAnswers(good());
  assert.deepEqual(problems, []);
  assert.equal(answers?.package.name, 'foo');
});

test('unknown keys are named at every level', () => {
  const d: any = good();
  d.extra = 1;
  d.package.colour = 'red';
  d.source.branch = 'x';
  assert.deepEqual(fields(d).sort(), ['extra', 'package.colour', 'source.branch']);
});

test('missing required answers are named', () => {
  const d: any = good();
  delete d.package.version;
  delete d.kernels;
  delete d.output;
  assert.deepEqual(fields(d).sort(), ['kernels', 'output', 'package.version']);
});

test('values RPM would reject', () => {
  const d: any = good();
  d.package.version = '1.0-2';
  d.package.release = '1 beta';
  d.package.name = 'foo bar';
  d.package.epoch = -1;
  assert.deepEqual(fields(d).sort(), ['package.epoch', 'package.name', 'package.release', 'package.version']);
  assert.equal(validateField('package.version', '1~rc1'), undefined);
  assert.match(validateField('package.version', 'a-b')!, /contains "-"/);
});

test('a description with a line "---" is refused (the installer splits on it)', () => {
  const d: any = good();
  d.package.description = 'a\n---\nb';
  assert.deepEqual(fields(d), ['package.description']);
  d.package.description = 'a\n--- b';
  assert.deepEqual(fields(d), []);
});

test('kernels: empty, duplicate, bad release', () => {
  const d: any = good();
  d.kernels = [];
  assert.deepEqual(fields(d), ['kernels']);
  d.kernels = [good().kernels[0], good().kernels[0], { release: 'a b', buildTree: '/x' }];
  assert.deepEqual(fields(d).sort(), ['kernels[1].release', 'kernels[2].release']);
});

test('minimum match with several kernels is refused (one kernel would get two RPMs)', () => {
  const d: any = good();
  d.packaging.match = 'minimum';
  d.kernels.push({ release: '6.12.1', buildTree: '/x' });
  assert.deepEqual(fields(d), ['packaging.match']);
});

test('source and signing variants', () => {
  const d: any = good();
  d.source = { kind: 'git', repo: '/r' };
  assert.deepEqual(fields(d), ['source.rev']);
  d.source = { kind: 'svn' };
  assert.deepEqual(fields(d), ['source.kind']);
  d.source = good().source;
  d.signing = { mode: 'key', key: 'k.pem' };
  assert.deepEqual(fields(d), ['signing.cert']);
  d.signing = { mode: 'generate', dir: 'keys', bits: 1024 };
  assert.deepEqual(fields(d), ['signing.bits']);
});

test('config symbols', () => {
  const d: any = good();
  d.config = { CONFIG_FOO: 'm', FOO: 'y', CONFIG_BAR: 'x y' };
  assert.deepEqual(fields(d).sort(), ['config.CONFIG_BAR', 'config.FOO']);
});

test('newer schema versions are reported as such', () => {
  const d: any = good();
  d.schemaVersion = 7;
  const { problems } = validateAnswers(d);
  assert.match(problems[0].message, /newer dudforge/);
});

test('extraFiles: modprobe options, module names and the udev path are checked by field', () => {
  const d: any = good();
  d.extraFiles = { modprobeOptions: ['r8169 aspm=0', 'r8169'], loadAtBoot: ['ok', 'bad name'], blacklist: ['50%'], udevRules: '', colour: 1 };
  assert.deepEqual(fields(d).sort(), ['extraFiles.blacklist', 'extraFiles.colour', 'extraFiles.loadAtBoot', 'extraFiles.modprobeOptions', 'extraFiles.udevRules']);
  d.extraFiles = { modprobeOptions: ['r8169 aspm=0 name="a b"'], loadAtBoot: ['r8169'], blacklist: ['r8169'], udevRules: 'rules/70-x.rules' };
  assert.deepEqual(fields(d), []);
  d.extraFiles = { modprobeOptions: ['r8169 x=100%'] };
  assert.deepEqual(fields(d), ['extraFiles.modprobeOptions']);
});
