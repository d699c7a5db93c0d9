import { resolve } from 'node:path';
import { answersPath, projectPath, saveAnswers } from '../../answers/io.js';
import { fsUserError } from '../../fs-errors.js';
import { preflight } from '../../pipeline/preflight.js';
import { createProject, type NewProjectOptions } from '../../answers/create.js';
import type { Answers, SigningAnswers, SourceSpec } from '../../answers/schema.js';
import { discoverKernels, findKernel } from '../../kernel/discover.js';
import { UserError } from '../../errors.js';
import { parseSourceFlag } from '../../import/source-flag.js';
import { shellQuote } from '../format.js';
import { readDdiskitConfig, type DdiskitDefaults } from '../../import/ddiskit-config.js';
import { backupFile } from '../../projects/registry.js';
import { readSavedProjectInfo } from '../../wizard/validate-step.js';
import type { Command, ParsedCommandArgs } from '../command.js';
import { boolOption, listOption, stringOption } from '../command.js';
import { loadWizard } from '../load-face.js';

function oneOf<T extends string>(flag: string, value: string | undefined, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (!allowed.includes(value as T)) throw new UserError(`--${flag} ${value}: must be one of ${allowed.join(', ')}`);
  return value as T;
}

function parseConfigFlags(flags: string[]): Record<string, string> | undefined {
  if (!flags.length) return undefined;
  const config: Record<string, string> = {};
  for (const f of flags) {
    const m = /^(CONFIG_[A-Za-z0-9_]+)=(.*)$/.exec(f);
    if (!m) throw new UserError(`--config ${f}: expected CONFIG_NAME=VALUE`, 'for example --config CONFIG_E1000=m');
    config[m[1]] = m[2];
  }
  return config;
}

function signingFromFlags(values: ParsedCommandArgs['values']): SigningAnswers | undefined {
  const key = stringOption(values, 'sign-key');
  const cert = stringOption(values, 'sign-cert');
  const generate = stringOption(values, 'sign-generate');
  const shipCert = boolOption(values, 'ship-cert') || undefined;
  if (generate && (key || cert)) throw new UserError('--sign-generate cannot be combined with --sign-key/--sign-cert', 'choose an existing pair or a new one');
  if (generate) {
    const bits = stringOption(values, 'sign-bits');
    if (bits && bits !== '2048' && bits !== '4096') throw new UserError(`--sign-bits ${bits}: must be 2048 or 4096`);
    return { mode: 'generate', dir: resolve(generate), ...(bits ? { bits: Number(bits) as 2048 | 4096 } : {}), ...(shipCert ? { shipCert } : {}) };
  }
  if (key || cert) {
    if (!key || !cert) throw new UserError('--sign-key and --sign-cert go together', 'give both the private key and its X.509 certificate');
    return { mode: 'key', key: key.startsWith('pkcs11:') ? key : resolve(key), cert: resolve(cert), ...(shipCert ? { shipCert } : {}) };
  }
  return undefined;
}

export function parseBuildTime(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v)) throw new UserError(`--build-time ${v}: expected seconds since 1970`, 'for example --build-time 1700000000');
  if (Number(v) >= 2 ** 32) throw new UserError(`--build-time ${v}: past 4294967295 (year 2106); RPM stores times as 32-bit numbers`, 'for example --build-time 1700000000');
  return Number(v);
}

/** The flags of `dudforge new`, turned into the engine's options (shared with the wizard's prefill). */
export function newProjectOptionsFromFlags(projectDir: string, values: ParsedCommandArgs['values']): NewProjectOptions {
  const sourceFlag = stringOption(values, 'source');
  const source: SourceSpec = sourceFlag ? parseSourceFlag(sourceFlag) : { kind: 'dir', path: resolve('.') };
  const match = oneOf('match', stringOption(values, 'match'), ['exact', 'minimum'] as const);
  const compress = oneOf('compress', stringOption(values, 'compress'), ['gzip', 'xz'] as const);
  const kabiRequires = oneOf('kabi-requires', stringOption(values, 'kabi-requires'), ['on', 'off', 'auto'] as const);
  const stablelist = stringOption(values, 'kabi-stablelist');
  return {
    projectDir,
    source: source.kind === 'dir' ? { kind: 'dir', path: resolve(source.path) } : source,
    driverDirs: listOption(values, 'driver-dir'),
    config: parseConfigFlags(listOption(values, 'config')),
    patchSeries: stringOption(values, 'patches'),
    firmware: listOption(values, 'firmware'),
    shipDeclaredFirmware: boolOption(values, 'ship-declared-firmware') || undefined,
    firmwareTrees: listOption(values, 'firmware-tree'),
    modules: listOption(values, 'module'),
    extraFiles: {
      modprobeOptions: listOption(values, 'modprobe-option'),
      loadAtBoot: listOption(values, 'load-at-boot'),
      udevRules: stringOption(values, 'udev-rules') ? resolve(stringOption(values, 'udev-rules') as string) : undefined,
      blacklist: listOption(values, 'blacklist'),
    },
    name: stringOption(values, 'name'),
    version: stringOption(values, 'version'),
    release: stringOption(values, 'release'),
    vendor: stringOption(values, 'vendor'),
    license: stringOption(values, 'license'),
    summary: stringOption(values, 'summary'),
    description: stringOption(values, 'description'),
    url: stringOption(values, 'url'),
    requires: listOption(values, 'requires'),
    kernels: listOption(values, 'kernel'),
    kernelDirs: listOption(values, 'kernel-dir'),
    probes: stringOption(values, 'probes') ? resolve(stringOption(values, 'probes') as string) : undefined,
    signing: signingFromFlags(values),
    packaging: {
      ...(match ? { match } : {}),
      ...(compress ? { compress } : {}),
      ...(kabiRequires ? { kabiRequires } : {}),
      ...(stablelist ? { kabiStablelist: resolve(stablelist) } : {}),
      ...(boolOption(values, 'kabi-strict') ? { kabiStrict: true } : {}),
      ...(boolOption(values, 'no-srpm') ? { srpm: false } : {}),
      ...(boolOption(values, 'strip') ? { strip: true } : {}),
      ...(boolOption(values, 'firmware-package') ? { firmwarePackage: true } : {}),
      ...(stringOption(values, 'gpg-key') ? { gpgKey: stringOption(values, 'gpg-key') } : {}),
    },
    outDir: stringOption(values, 'out') ? resolve(stringOption(values, 'out') as string) : undefined,
    isoName: stringOption(values, 'iso-name'),
    buildTime: parseBuildTime(stringOption(values, 'build-time')),
    author: stringOption(values, 'author'),
    email: stringOption(values, 'email'),
  };
}

/**
 * A ddiskit module.config's values under the flags: a flag given on the command line wins.
 * Returns the options and the lines `new` prints about the file.
 */
export function withDdiskitDefaults(opts: NewProjectOptions, d: DdiskitDefaults, values: ParsedCommandArgs['values']): { opts: NewProjectOptions; notes: string[] } {
  const notes = [`info: module.config: used ${d.used.join(', ') || 'no key'}`];
  for (const i of d.ignored) notes.push(`info: module.config: ignored ${i.key} (${i.why})`);
  for (const w of d.warnings) notes.push(`warning: ${w}`);
  const out: NewProjectOptions = { ...opts };
  if (!stringOption(values, 'source') && d.source) {
    if (d.source.kind === 'dir') out.source = d.source;
    else {
      out.source = { kind: 'git', repo: d.source.repo, rev: d.source.rev };
      if (!listOption(values, 'driver-dir').length) out.driverDirs = [d.source.driverDir];
    }
  }
  for (const key of ['name', 'version', 'release', 'vendor', 'author', 'email', 'summary', 'description'] as const) out[key] ??= d[key];
  if (!opts.version && d.version) out.versionSource = 'module.config';
  if (!out.requires?.length && d.requires) out.requires = d.requires;
  if (!out.firmware?.length && d.firmware) out.firmware = d.firmware;
  if (d.srpm === false && out.packaging?.srpm === undefined) out.packaging = { ...out.packaging, srpm: false };
  if (!out.kernels?.length && d.kernel) {
    const tree = findKernel(discoverKernels(out.kernelDirs ?? []), d.kernel);
    if (tree?.usable) out.kernels = [d.kernel];
    else notes.push(`warning: module.config: kernel_version ${d.kernel} has no usable build tree here; targeting every usable kernel (give --kernel to choose)`);
  }
  return { opts: out, notes };
}

/**
 * The flags of `dudforge new DIR` (without --yes) as answers that pre-fill the wizard's steps.
 * Only what was given is set, so every other step keeps its defaults.
 */
export function prefillFromFlags(values: ParsedCommandArgs['values']): Partial<Answers> | undefined {
  const pick = (...names: string[]) => Object.fromEntries(names.map((n) => [n, stringOption(values, n)]).filter(([, v]) => v !== undefined));
  const pkg = pick('name', 'version', 'release', 'vendor', 'license', 'summary', 'description', 'url');
  const project = pick('vendor', 'author', 'email');
  const sourceFlag = stringOption(values, 'source');
  const kernels = listOption(values, 'kernel');
  const prefill: Record<string, unknown> = {};
  if (Object.keys(project).length) prefill.project = project;
  if (Object.keys(pkg).length) prefill.package = pkg;
  if (sourceFlag) {
    const source = parseSourceFlag(sourceFlag);
    prefill.source = source.kind === 'dir' ? { kind: 'dir', path: resolve(source.path) } : source;
  }
  if (listOption(values, 'driver-dir').length) prefill.driverDirs = listOption(values, 'driver-dir');
  if (stringOption(values, 'probes')) prefill.probes = resolve(stringOption(values, 'probes') as string);
  const signing = signingFromFlags(values);
  if (signing) prefill.signing = signing;
  if (kernels.length) {
    const trees = discoverKernels(listOption(values, 'kernel-dir'));
    prefill.kernels = kernels.map((release) => ({ release, buildTree: findKernel(trees, release)?.path ?? '' })).filter((k) => k.buildTree);
  }
  return Object.keys(prefill).length ? (prefill as Partial<Answers>) : undefined;
}

export const NEW_OPTIONS = {
  yes: { type: 'boolean', short: 'y' },
  'from-ddiskit': { type: 'string' },
  force: { type: 'boolean' },
  source: { type: 'string' },
  'driver-dir': { type: 'string', multiple: true },
  config: { type: 'string', multiple: true },
  patches: { type: 'string' },
  firmware: { type: 'string', multiple: true },
  'ship-declared-firmware': { type: 'boolean' },
  'firmware-tree': { type: 'string', multiple: true },
  module: { type: 'string', multiple: true },
  'modprobe-option': { type: 'string', multiple: true },
  'load-at-boot': { type: 'string', multiple: true },
  'udev-rules': { type: 'string' },
  blacklist: { type: 'string', multiple: true },
  name: { type: 'string' },
  version: { type: 'string' },
  release: { type: 'string' },
  vendor: { type: 'string' },
  license: { type: 'string' },
  summary: { type: 'string' },
  description: { type: 'string' },
  url: { type: 'string' },
  author: { type: 'string' },
  email: { type: 'string' },
  requires: { type: 'string', multiple: true },
  kernel: { type: 'string', multiple: true },
  'kernel-dir': { type: 'string', multiple: true },
  probes: { type: 'string' },
  'sign-key': { type: 'string' },
  'sign-cert': { type: 'string' },
  'sign-generate': { type: 'string' },
  'sign-bits': { type: 'string' },
  'ship-cert': { type: 'boolean' },
  'gpg-key': { type: 'string' },
  match: { type: 'string' },
  compress: { type: 'string' },
  'kabi-requires': { type: 'string' },
  'kabi-stablelist': { type: 'string' },
  'kabi-strict': { type: 'boolean' },
  'no-srpm': { type: 'boolean' },
  strip: { type: 'boolean' },
  'firmware-package': { type: 'boolean' },
  out: { type: 'string' },
  'iso-name': { type: 'string' },
  'build-time': { type: 'string' },
} as const;

export const newCommand: Command = {
  name: 'new',
  summary: 'create a project: the wizard, or with --yes its scriptable twin',
  usage: 'new [DIR] [--yes] [--from-ddiskit module.config] [--source dir:PATH|git:REPO@REV|tar:FILE] [--name N] [--version V] [--release R] [--kernel RELEASE]... [more flags]',
  help: [
    '  DIR                      project directory (default: .); dudforge.json is written there',
    '  -y, --yes                no questions: write dudforge.json from the flags and defaults',
    '  --force                  replace an existing dudforge.json (kept as .bak-<time>; its build time is kept)',
    '  --from-ddiskit FILE      defaults from a ddiskit module.config (flags given here win)',
    'sources (issue: import)',
    '  --source KIND:WHERE      dir:PATH (module dir or kernel tree), git:REPO@REV, tar:FILE',
    '  --driver-dir REL_PATH    driver directory inside a kernel tree (repeatable)',
    '  --config CONFIG_X=m      Kconfig symbol for make (repeatable)',
    '  --patches SERIES_FILE    quilt series of patches applied with -p1',
    '  --firmware PATH          firmware file shipped under /lib/firmware (repeatable)',
    '  --ship-declared-firmware  ship the MODULE_FIRMWARE files found (new lists them, names the missing)',
    '  --firmware-tree DIR      look for declared firmware here (repeatable; default /lib/firmware)',
    '  --module NAME            package only this module of the directory (repeatable; default all)',
    'files shipped beside the modules (in every kmod; docs/kmod-packages.md)',
    '  --modprobe-option "MODULE OPTS"  /etc/modprobe.d/<name>.conf: options MODULE OPTS (repeatable)',
    '  --load-at-boot MODULE    /etc/modules-load.d/<name>.conf (repeatable)',
    '  --udev-rules FILE        /usr/lib/udev/rules.d/NN-<name>.rules (NN from FILE\'s name, else 90)',
    '  --blacklist MODULE       /etc/modprobe.d/<name>-blacklist.conf: the inbox driver replaced (repeatable)',
    'package (defaults read from MODULE_* in the sources)',
    '  --name --version --release --vendor --license --summary --description --url',
    '  --author --email         project author and e-mail',
    '  --requires \'NAME [OP V]\'  extra Requires (repeatable)',
    'kernels',
    '  --kernel RELEASE         target kernel (repeatable; default: every usable build tree)',
    '  --kernel-dir DIR         also look for build trees here (repeatable)',
    '  --probes FILE            compatibility probe file',
    'signing',
    '  --sign-key FILE --sign-cert FILE   sign modules with this key pair (or pkcs11: URI)',
    '  --sign-generate DIR      generate a key pair in DIR at the first build',
    '  --sign-bits 2048|4096    size of a generated key',
    '  --ship-cert              ship the DER certificate in the kmod under /etc/pki/<vendor>/',
    '  --gpg-key ID             sign the RPMs with this GnuPG key',
    'packaging',
    '  --match exact|minimum    kmod-<name>-<uname -r> per kernel (default), or one kmod-<name>',
    '  --compress gzip|xz       RPM payload compression (default gzip)',
    '  --kabi-requires on|off   kernel()/ksym() Requires (default: on for RHEL kernels)',
    '  --kabi-stablelist PATH   report symbols not on this kABI stablelist',
    '  --kabi-strict            fail the build when a symbol is not on the stablelist',
    '  --no-srpm                do not build a source RPM',
    '  --strip                  strip debug info from modules (before signing)',
    '  --firmware-package       ship firmware in one noarch kmod-<name>-firmware that the kmods Require',
    'output',
    '  --out DIR                output directory (default: DIR/out)',
    '  --iso-name NAME.iso      driver disk file name',
    '  --build-time EPOCH       time stamped into every artifact (default: SOURCE_DATE_EPOCH or now)',
  ].join('\n'),
  options: NEW_OPTIONS,
  maxPositionals: 1,
  async run({ values, positionals }) {
    const projectDir = resolve(positionals[0] ?? '.');
    if (!boolOption(values, 'yes')) {
      if (stringOption(values, 'from-ddiskit')) throw new UserError('--from-ddiskit goes with --yes', 'run `dudforge new DIR --yes --from-ddiskit module.config`, then `dudforge resume DIR` to go through the answers in the wizard');
      if (!process.stdin.isTTY || !process.stdout.isTTY) {
        throw new UserError('the wizard needs a terminal', 'give --yes with flags to create the project without questions (see `dudforge new --help`)');
      }
      const { runWizard } = await loadWizard();
      return runWizard({ startDir: projectDir, prefill: prefillFromFlags(values) });
    }
    const file = answersPath(projectDir);
    const existing = readSavedProjectInfo(projectDir);
    if (existing && !boolOption(values, 'force')) {
      throw new UserError(`${file} already exists`, 'use `dudforge build` to build it, `dudforge resume` to edit it, or --force to replace it (its build time is kept)');
    }
    let opts = newProjectOptionsFromFlags(projectDir, values);
    const ddiskit = stringOption(values, 'from-ddiskit');
    if (ddiskit) {
      const merged = withDdiskitDefaults(opts, readDdiskitConfig(resolve(ddiskit)), values);
      opts = merged.opts;
      for (const n of merged.notes) process.stderr.write(`${n}\n`);
    }
    // --force replaces the answers, not the reproducibility anchor: the old build time stays
    // unless --build-time says otherwise, and the old file is kept as dudforge.json.bak-<time>.
    const { answers, notes } = await createProject({ ...opts, buildTime: opts.buildTime ?? existing?.buildTime });
    for (const n of notes) process.stderr.write(`${n.level === 'warning' ? 'warning' : 'info'}: ${n.message}\n`);
    // What `build` would find only after compiling is refused now, before dudforge.json exists.
    preflight(answers, projectDir, projectPath(projectDir, answers.output.dir));
    const backup = existing ? backupFile(file) : undefined;
    let written: string;
    try {
      written = saveAnswers(projectDir, answers);
    } catch (err) {
      throw fsUserError(err, file) ?? err;
    }
    if (backup) process.stdout.write(`kept the old answers as ${backup}\n`);
    // Copy-pasteable into a shell whatever the directory is called (spaces, quotes).
    const buildHint = `dudforge build ${shellQuote(positionals[0] ?? '.')}`;
    process.stdout.write(`wrote ${written}\n  kernels: ${answers.kernels.map((k) => k.release).join(', ')}\n  build it with: ${buildHint}\n`);
    return 0;
  },
};
