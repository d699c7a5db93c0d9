/**
 * Validation of the answers document. Every problem names its field (`package.version`) and
 * says what RPM or the installer would do with the bad value, so a user can fix them all at once.
 */
import { ANSWERS_SCHEMA_VERSION, type Answers } from './schema.js';
import { specLineProblem } from '../kmod/description.js';
import { changelogText } from '../kmod/package.js';
import { parseRequirement } from '../kmod/requires.js';
import { MODPROBE_OPTION, MODULE_NAME } from '../kmod/extra-files.js';
import { buildTimeTooLarge, checkNameLimits, lineTooLong, MAX_KERNEL_RELEASE, MAX_LIST_ITEMS, pathTooLong, textTooLong } from './limits.js';

export interface AnswerProblem {
  field: string;
  message: string;
}

type Check = (value: unknown) => string | undefined;

/** RPM's own rules: a name may hold '-', but no whitespace or shell-special characters. */
const RPM_NAME = /^[A-Za-z0-9_+][A-Za-z0-9._+-]*$/;
/** Version and release: no '-' (it separates version from release), no whitespace. */
const RPM_VERSION = /^[A-Za-z0-9._+~^]+$/;
const CONFIG_SYMBOL = /^CONFIG_[A-Za-z0-9_]+$/;

const nonEmptyString: Check = (v) =>
  typeof v !== 'string' ? 'must be a string' : v.trim() === '' ? 'must not be empty' : undefined;

// A one-line spec tag (Summary:, Vendor:, …) ends at the newline: the rest would be spec text.
const singleLine: Check = (v) =>
  nonEmptyString(v) ??
  (/[\r\n]/.test(v as string)
    ? 'must be a single line'
    : /[\0-\x08\x0b-\x1f\x7f]/.test(v as string)
      ? 'must not contain control characters'
      : lineTooLong(v));
const text: Check = (v) => nonEmptyString(v) ?? textTooLong(v);
const path: Check = (v) => nonEmptyString(v) ?? pathTooLong(v);

const rpmName: Check = (v) =>
  nonEmptyString(v) ??
  lineTooLong(v) ??
  (RPM_NAME.test(v as string)
    ? undefined
    : `"${v}" is not a valid RPM name: use letters, digits and . _ + - only (no spaces)`);

const rpmVersionLike =
  (what: string): Check =>
  (v) => {
    const base = nonEmptyString(v) ?? lineTooLong(v);
    if (base) return base;
    const s = v as string;
    if (s.includes('-')) return `"${s}" contains "-", which RPM reserves to separate version and release; use "." or "_"`;
    if (/\s/.test(s)) return `"${s}" contains whitespace, which RPM rejects in a ${what}`;
    return RPM_VERSION.test(s) ? undefined : `"${s}" has characters RPM rejects in a ${what}; use letters, digits and . _ + ~ ^`;
  };

const description: Check = (v) =>
  text(v) ??
  ((v as string).split(/\r?\n/).some((line) => line.trim() === '---')
    ? 'must not contain a line "---": the installer splits its package list on such lines'
    : specLineProblem((v as string).trim()));

// The spec's %changelog carries the text as changelogEntry writes it.
const changelog: Check = (v) => nonEmptyString(v) ?? specLineProblem(changelogText(v as string));

const requirement: Check = (v) => {
  const base = singleLine(v);
  if (base) return base;
  try {
    parseRequirement(v as string);
    return undefined;
  } catch {
    return `"${v}" is not one dependency NAME [OP VERSION] (names of letters, digits and . _ + / @ : - with an optional (…) part; no %, commas or quotes)`;
  }
};

// A file name the spec names (Source2: …): plain characters only.
const specFileName: Check = (v) =>
  nonEmptyString(v) ??
  (/^[A-Za-z0-9._+@-]+$/.test((v as string).split('/').pop() as string)
    ? undefined
    : `the file name "${(v as string).split('/').pop()}" goes into the source RPM's spec: use letters, digits and . _ + @ - only`);

const oneOf =
  (...allowed: (string | number | boolean)[]): Check =>
  (v) =>
    allowed.includes(v as never) ? undefined : `must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`;

const bool: Check = (v) => (typeof v === 'boolean' ? undefined : 'must be true or false');
const stringList =
  (item: Check = nonEmptyString): Check =>
  (v) => {
    if (!Array.isArray(v)) return 'must be a list of strings';
    if (v.length > MAX_LIST_ITEMS) return `has ${v.length} items; at most ${MAX_LIST_ITEMS} are allowed`;
    const bad = v.map((x, i) => [i, item(x)] as const).find(([, m]) => m);
    return bad ? `item ${bad[0]}: ${bad[1]}` : undefined;
  };
const nonNegativeInt: Check = (v) => (Number.isInteger(v) && (v as number) >= 0 ? undefined : 'must be a whole number ≥ 0');
const rpmTime: Check = (v) => nonNegativeInt(v) ?? buildTimeTooLarge(v);

type Shape = Record<string, { check?: Check; required?: boolean; shape?: Shape }>;

function checkObject(value: unknown, shape: Shape, path: string, problems: AnswerProblem[]): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    problems.push({ field: path || '(document)', message: 'must be an object' });
    return;
  }
  const obj = value as Record<string, unknown>;
  for (const key of Object.keys(obj)) {
    if (!(key in shape)) problems.push({ field: join(path, key), message: `unknown key (allowed: ${Object.keys(shape).join(', ')})` });
  }
  for (const [key, rule] of Object.entries(shape)) {
    const field = join(path, key);
    const v = obj[key];
    if (v === undefined) {
      if (rule.required) problems.push({ field, message: 'is required' });
      continue;
    }
    if (rule.shape) checkObject(v, rule.shape, field, problems);
    const message = rule.check?.(v);
    if (message) problems.push({ field, message });
  }
}

const join = (path: string, key: string) => (path ? `${path}.${key}` : key);

const PACKAGE_SHAPE: Shape = {
  name: { required: true, check: rpmName },
  version: { required: true, check: rpmVersionLike('version') },
  release: { required: true, check: rpmVersionLike('release') },
  epoch: { check: nonNegativeInt },
  vendor: { required: true, check: singleLine },
  license: { required: true, check: singleLine },
  summary: { required: true, check: singleLine },
  description: { required: true, check: description },
  url: { check: singleLine },
  packager: { check: singleLine },
  requires: { check: stringList(requirement) },
  changelog: { check: (v) => text(v) ?? changelog(v) },
};

const PACKAGING_SHAPE: Shape = {
  match: { required: true, check: oneOf('exact', 'minimum') },
  compress: { required: true, check: oneOf('gzip', 'xz') },
  kabiRequires: { required: true, check: oneOf('auto', 'on', 'off') },
  kabiStablelist: { check: path },
  kabiStrict: { check: bool },
  srpm: { required: true, check: bool },
  strip: { required: true, check: bool },
  firmwarePackage: { check: bool },
  gpgKey: { check: singleLine },
};

const listOf =
  (shape: Shape): Check =>
  (v) => {
    if (!Array.isArray(v)) return 'must be a list';
    for (let i = 0; i < v.length; i++) {
      const problems: AnswerProblem[] = [];
      checkObject(v[i], shape, '', problems);
      if (problems.length) return `item ${i}: ${problems.map((p) => `${p.field} ${p.message}`).join('; ')}`;
    }
    return undefined;
  };

const regex: Check = (v) => {
  const base = nonEmptyString(v);
  if (base) return base;
  try {
    new RegExp(v as string);
    return undefined;
  } catch {
    return `"${v}" is not a regular expression`;
  }
};

const DKMS_SHAPE: Shape = {
  packageName: { check: singleLine },
  packageVersion: { check: singleLine },
  make: { check: listOf({ command: { required: true, check: singleLine }, match: { check: regex } }) },
  patches: { check: listOf({ file: { required: true, check: singleLine }, match: { check: regex } }) },
  modules: { check: listOf({ name: { required: true, check: singleLine }, location: { check: singleLine }, destLocation: { check: singleLine } }) },
  buildExclusive: { shape: { kernel: { check: regex }, arch: { check: regex }, config: { check: stringList(singleLine) } } },
  preBuild: { check: singleLine },
  postBuild: { check: singleLine },
  used: { required: true, check: stringList() },
  ignored: { required: true, check: stringList() },
};

const moduleName: Check = (v) => nonEmptyString(v) ?? (MODULE_NAME.test(v as string) ? undefined : `"${v}" is not a kernel module name (letters, digits, _ and -)`);
const modprobeOption: Check = (v) =>
  singleLine(v) ?? (MODPROBE_OPTION.test(v as string) ? undefined : `"${v}" is not MODULE OPTION=VALUE… (one line, no % or \\)`);

const EXTRA_FILES_SHAPE: Shape = {
  modprobeOptions: { check: stringList(modprobeOption) },
  loadAtBoot: { check: stringList(moduleName) },
  udevRules: { check: path },
  blacklist: { check: stringList(moduleName) },
};

const TOP_SHAPE: Shape = {
  schemaVersion: { required: true },
  project: {
    required: true,
    shape: { name: { required: true, check: singleLine }, vendor: { check: singleLine }, author: { check: singleLine }, email: { check: singleLine } },
  },
  source: { required: true },
  driverDirs: { check: stringList(path) },
  config: {},
  patches: { check: stringList(path) },
  patchSeries: { check: path },
  firmware: { check: stringList(path) },
  extraFiles: { shape: EXTRA_FILES_SHAPE },
  package: { required: true, shape: PACKAGE_SHAPE },
  kernels: { required: true },
  modules: { check: stringList(singleLine) },
  dkms: { shape: DKMS_SHAPE },
  probes: { check: (v) => path(v) ?? specFileName(v) },
  signing: { required: true },
  packaging: { required: true, shape: PACKAGING_SHAPE },
  output: {
    required: true,
    shape: { dir: { required: true, check: path }, isoName: { check: isoName }, allowPartial: { check: bool } },
  },
  buildTime: { required: true, check: rpmTime },
  wizard: { shape: { step: { required: true, check: nonNegativeInt }, lastResult: { check: singleLine } } },
};

function isoName(v: unknown): string | undefined {
  return nonEmptyString(v) ?? (/^[^/\0]+\.iso$/.test(v as string) ? undefined : 'must be a file name ending in .iso (no directories)');
}

function checkSource(v: unknown, problems: AnswerProblem[]): void {
  const kind = (v as { kind?: unknown } | null)?.kind;
  const shapes: Record<string, Shape> = {
    dir: { kind: {}, path: { required: true, check: path } },
    git: { kind: {}, repo: { required: true, check: nonEmptyString }, rev: { required: true, check: nonEmptyString }, commit: { check: nonEmptyString } },
    tar: { kind: {}, file: { required: true, check: path } },
  };
  if (typeof kind !== 'string' || !(kind in shapes)) {
    problems.push({ field: 'source.kind', message: 'must be one of "dir", "git", "tar"' });
    return;
  }
  checkObject(v, shapes[kind], 'source', problems);
}

function checkSigning(v: unknown, problems: AnswerProblem[]): void {
  const mode = (v as { mode?: unknown } | null)?.mode;
  const shapes: Record<string, Shape> = {
    none: { mode: {} },
    key: { mode: {}, key: { required: true, check: nonEmptyString }, cert: { required: true, check: path }, shipCert: { check: bool } },
    generate: { mode: {}, dir: { required: true, check: path }, bits: { check: oneOf(2048, 4096) }, shipCert: { check: bool } },
  };
  if (typeof mode !== 'string' || !(mode in shapes)) {
    problems.push({ field: 'signing.mode', message: 'must be one of "none", "key", "generate"' });
    return;
  }
  checkObject(v, shapes[mode], 'signing', problems);
}

function checkKernels(v: unknown, problems: AnswerProblem[]): void {
  if (!Array.isArray(v) || v.length === 0) {
    problems.push({ field: 'kernels', message: 'must list at least one target kernel ({ "release", "buildTree" })' });
    return;
  }
  const seen = new Set<string>();
  v.forEach((k, i) => {
    checkObject(k, { release: { required: true, check: kernelRelease }, buildTree: { required: true, check: nonEmptyString } }, `kernels[${i}]`, problems);
    const release = (k as { release?: unknown })?.release;
    if (typeof release === 'string') {
      if (seen.has(release)) problems.push({ field: `kernels[${i}].release`, message: `"${release}" is listed twice` });
      seen.add(release);
    }
  });
}

function kernelRelease(v: unknown): string | undefined {
  if (nonEmptyString(v)) return nonEmptyString(v);
  const s = v as string;
  if (Buffer.byteLength(s) > MAX_KERNEL_RELEASE) return `is ${Buffer.byteLength(s)} bytes long; a kernel release (uname -r) has at most ${MAX_KERNEL_RELEASE}`;
  // The release is written into the spec (%global kernel_version): rpm must read it as text.
  return (/^[A-Za-z0-9._+~^-]+$/.test(v as string) ? undefined : `"${v}" is not a kernel release (uname -r holds letters, digits and . _ + ~ ^ - only)`);
}

function checkConfig(v: unknown, problems: AnswerProblem[]): void {
  if (v === undefined) return;
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    problems.push({ field: 'config', message: 'must be an object like { "CONFIG_FOO": "m" }' });
    return;
  }
  for (const [key, value] of Object.entries(v)) {
    if (!CONFIG_SYMBOL.test(key)) problems.push({ field: `config.${key}`, message: 'is not a Kconfig symbol (CONFIG_[A-Z0-9_]+)' });
    else if (typeof value !== 'string' || !/^(m|y|n|[A-Za-z0-9_"./-]*)$/.test(value)) {
      problems.push({ field: `config.${key}`, message: 'must be "m", "y", "n" or a plain value' });
    }
  }
}

/**
 * Check a parsed `dudforge.json`. Returns the typed answers only when there is no problem.
 * Filesystem facts (does the build tree exist?) are checked later by the pipeline's resolve step.
 */
export function validateAnswers(doc: unknown): { answers?: Answers; problems: AnswerProblem[] } {
  const problems: AnswerProblem[] = [];
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    return { problems: [{ field: '(document)', message: 'must be a JSON object' }] };
  }
  const version = (doc as { schemaVersion?: unknown }).schemaVersion;
  if (typeof version === 'number' && version > ANSWERS_SCHEMA_VERSION) {
    return {
      problems: [
        { field: 'schemaVersion', message: `is ${version}, written by a newer dudforge (this one reads ${ANSWERS_SCHEMA_VERSION}); upgrade dudforge` },
      ],
    };
  }
  if (version !== ANSWERS_SCHEMA_VERSION) problems.push({ field: 'schemaVersion', message: `must be ${ANSWERS_SCHEMA_VERSION}` });
  checkObject(doc, TOP_SHAPE, '', problems);
  const d = doc as Record<string, unknown>;
  if (d.source !== undefined) checkSource(d.source, problems);
  if (d.signing !== undefined) checkSigning(d.signing, problems);
  if (d.kernels !== undefined) checkKernels(d.kernels, problems);
  checkConfig(d.config, problems);
  // File names built from several answers; only meaningful once each part is valid on its own.
  if (!problems.some((p) => /^package\.(name|version|release|vendor)$|^kernels/.test(p.field))) problems.push(...checkNameLimits(d));
  const match = (d.packaging as { match?: unknown } | undefined)?.match;
  if (match === 'minimum' && Array.isArray(d.kernels) && d.kernels.length > 1) {
    problems.push({
      field: 'packaging.match',
      message: '"minimum" (kernel-modules >= release) with several kernels lets one installer kernel accept two RPMs of the driver; use "exact"',
    });
  }
  return problems.length ? { problems } : { answers: doc as Answers, problems };
}

/** Validate one field for the wizard's inline messages (`package.version`, `extraFiles.blacklist`, …). */
export function validateField(field: string, value: unknown): string | undefined {
  const [section, key] = field.split('.');
  const shape = section === 'package' ? PACKAGE_SHAPE : section === 'packaging' ? PACKAGING_SHAPE : section === 'extraFiles' ? EXTRA_FILES_SHAPE : undefined;
  const rule = shape?.[key];
  if (!rule) return undefined;
  if (value === undefined || value === '') return rule.required ? 'is required' : undefined;
  return rule.check?.(value);
}

export function formatProblems(file: string, problems: AnswerProblem[]): string {
  return `${file} has ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n${problems.map((p) => `  ${p.field}: ${p.message}`).join('\n')}`;
}
