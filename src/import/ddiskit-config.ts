/**
 * ddiskit's module.config (Red Hat's driver-disk kit) as the defaults of a new project:
 * `dudforge new DIR --yes --from-ddiskit path/module.config`. The file is INI: sections
 * [global], [spec_file], [defaults]; a value may refer to another as `{key}` (same section,
 * then any) or `{section.key}`. Placeholders ddiskit's template ships (`ENTER_…`) count as unset.
 * Every key is reported as used or ignored, with why, so nothing is dropped silently.
 */
import fs from 'node:fs';
import path from 'node:path';
import { UserError } from '../errors.js';

export type IniSections = Record<string, Record<string, string>>;

export function parseIni(text: string, file: string): IniSections {
  const sections: IniSections = {};
  let current: Record<string, string> | undefined;
  let lastKey: string | undefined;
  text.split(/\r?\n/).forEach((raw, i) => {
    if (/^\s*([#;]|$)/.test(raw)) return;
    // Python's configparser: an indented line continues the previous value.
    if (/^\s/.test(raw) && current && lastKey) {
      current[lastKey] += `\n${raw.trim()}`;
      return;
    }
    const section = /^\s*\[([^\]]+)\]\s*$/.exec(raw);
    if (section) {
      current = sections[section[1].trim()] ??= {};
      lastKey = undefined;
      return;
    }
    const kv = /^\s*([^=:\s][^=:]*?)\s*[=:]\s*(.*?)\s*$/.exec(raw);
    if (!kv || !current) throw new UserError(`${file}:${i + 1}: "${raw.trim()}" is not a key = value line inside a [section]`, 'module.config is an INI file: [global], [spec_file], [defaults] sections with key = value lines');
    current[kv[1].toLowerCase()] = kv[2];
    lastKey = kv[1].toLowerCase();
  });
  return sections;
}

/** Expand `{key}` and `{section.key}` references; an unknown one stays as written and is reported. */
export function interpolate(sections: IniSections, unresolved: string[]): IniSections {
  const lookup = (section: string, ref: string): string | undefined => {
    const dot = ref.indexOf('.');
    if (dot > 0 && sections[ref.slice(0, dot)]?.[ref.slice(dot + 1)] !== undefined) return sections[ref.slice(0, dot)][ref.slice(dot + 1)];
    if (sections[section]?.[ref] !== undefined) return sections[section][ref];
    for (const s of ['spec_file', 'global', 'defaults', ...Object.keys(sections)]) if (sections[s]?.[ref] !== undefined) return sections[s][ref];
    return undefined;
  };
  const expand = (section: string, value: string, depth: number): string =>
    value.replace(/\{([\w.]+)\}/g, (m, ref: string) => {
      const v = depth < 10 ? lookup(section, ref) : undefined;
      if (v === undefined) {
        unresolved.push(`${section}: ${m}`);
        return m;
      }
      return expand(section, v, depth + 1);
    });
  return Object.fromEntries(Object.entries(sections).map(([s, kv]) => [s, Object.fromEntries(Object.entries(kv).map(([k, v]) => [k, expand(s, v, 0)]))]));
}

export interface DdiskitDefaults {
  /** Where the module's sources are (module_build_dir, or a git revision from [defaults]). */
  source?: { kind: 'dir'; path: string } | { kind: 'git'; repo: string; rev: string; driverDir: string };
  name?: string;
  version?: string;
  release?: string;
  vendor?: string;
  author?: string;
  email?: string;
  summary?: string;
  description?: string;
  requires?: string[];
  firmware?: string[];
  srpm?: boolean;
  /** kernel_version: a target kernel when this machine has its build tree. */
  kernel?: string;
  kernelArch?: string;
  /** `section.key` names. */
  used: string[];
  ignored: { key: string; why: string }[];
  warnings: string[];
}

const PLACEHOLDER = /^ENTER_[A-Z_]+$/;
const truthy = (v: string) => /^(1|yes|true|on)$/i.test(v.trim());

/** Why dudforge has no use for a key (the ones it knows about). */
const KNOWN_IGNORED: Record<string, string> = {
  'spec_file.rpm_dist': 'dudforge writes the kernel into each kmod release itself',
  'spec_file.firmware_version': 'firmware ships inside the kmod, with its version',
  'spec_file.build_extra_cflags': 'dudforge passes no extra CFLAGS; put them in the driver\'s Kbuild (ccflags-y)',
  'spec_file.git_hash': 'informational; a git source records its commit itself',
};

export function readDdiskitConfig(file: string): DdiskitDefaults {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new UserError(`--from-ddiskit ${file}: cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, 'give the path of the ddiskit project\'s module.config');
  }
  const unresolved: string[] = [];
  const ini = interpolate(parseIni(text, file), unresolved);
  const base = path.dirname(path.resolve(file));
  const out: DdiskitDefaults = { used: [], ignored: [], warnings: unresolved.map((u) => `${path.basename(file)}: ${u} names no key; left as written`) };
  const taken = new Set<string>();
  const get = (section: string, key: string): string | undefined => {
    const v = ini[section]?.[key];
    if (v === undefined) return undefined;
    taken.add(`${section}.${key}`);
    if (v.trim() === '' || PLACEHOLDER.test(v.trim())) {
      out.ignored.push({ key: `${section}.${key}`, why: v.trim() === '' ? 'empty' : `the template's placeholder ${v.trim()}` });
      return undefined;
    }
    out.used.push(`${section}.${key}`);
    return v.trim();
  };

  out.vendor = get('global', 'module_vendor');
  out.author = get('global', 'module_author');
  out.email = get('global', 'module_author_email');
  const srpm = get('global', 'include_srpm');
  if (srpm !== undefined) out.srpm = truthy(srpm);
  out.name = get('spec_file', 'module_name')?.replace(/_/g, '-');
  out.version = get('spec_file', 'module_version');
  out.release = get('spec_file', 'module_rpm_release');
  out.summary = get('spec_file', 'summary');
  out.description = get('spec_file', 'description');
  out.kernel = get('spec_file', 'kernel_version');
  out.kernelArch = get('spec_file', 'kernel_arch');
  const deps = get('spec_file', 'dependencies');
  if (deps) out.requires = deps.split(/[,\n]/).map((d) => d.trim()).filter(Boolean);
  const buildDir = get('spec_file', 'module_build_dir') ?? 'src';
  const gitDir = get('defaults', 'git_dir');
  const gitRev = get('defaults', 'git_revision');
  if (gitDir && gitRev) out.source = { kind: 'git', repo: path.resolve(base, gitDir), rev: gitRev, driverDir: buildDir };
  else out.source = { kind: 'dir', path: path.resolve(base, buildDir) };
  const fw = get('spec_file', 'firmware_include');
  if (fw !== undefined && truthy(fw)) {
    // ddiskit's layout: the firmware files sit in firmware/ beside module.config.
    const dir = path.join(base, 'firmware');
    const files = fs.existsSync(dir) ? listFiles(dir) : [];
    if (!files.length) out.warnings.push(`spec_file.firmware_include is set but ${dir} holds no files`);
    out.firmware = files.map((f) => path.join(dir, f));
  }
  for (const [section, kv] of Object.entries(ini)) {
    for (const key of Object.keys(kv)) {
      const name = `${section}.${key}`;
      if (taken.has(name)) continue;
      out.ignored.push({ key: name, why: KNOWN_IGNORED[name] ?? 'not used by dudforge' });
    }
  }
  return out;
}

function listFiles(dir: string, prefix = ''): string[] {
  return fs
    .readdirSync(path.join(dir, prefix), { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((e) => (e.isDirectory() ? listFiles(dir, path.join(prefix, e.name)) : e.isFile() ? [path.join(prefix, e.name)] : []));
}
