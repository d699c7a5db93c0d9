/**
 * dkms.conf, the file DKMS packages ship beside a module's sources. It is a bash fragment that
 * DKMS sources; we never execute it. The simple assignment forms are read (`KEY=value`,
 * `KEY="value"`, `KEY='value'`, `KEY[0]="value"`); `$var`/`${var}` references to the file's
 * own PACKAGE_NAME/PACKAGE_VERSION are expanded here, DKMS's per-kernel variables ($kernelver,
 * $kernel_source_dir, $dkms_tree, …) are kept and filled in for each kernel at build time
 * (`expandDkmsVars`). Every key is reported as used or ignored, and every line that is not a
 * simple assignment as ignored, so the user knows what dudforge took from the file.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { DkmsAnswers } from '../answers/schema.js';

export interface DkmsConf extends DkmsAnswers {
  /** Lines that are not simple assignments (conditionals, command substitutions…), with numbers. */
  unparsed: string[];
}

/** Keys dudforge acts on. */
const USED = new Set([
  'PACKAGE_NAME',
  'PACKAGE_VERSION',
  'BUILT_MODULE_NAME',
  'BUILT_MODULE_LOCATION',
  'DEST_MODULE_LOCATION',
  'MAKE',
  'MAKE_MATCH',
  'PATCH',
  'PATCH_MATCH',
  'BUILD_EXCLUSIVE_KERNEL',
  'BUILD_EXCLUSIVE_ARCH',
  'BUILD_EXCLUSIVE_CONFIG',
  'PRE_BUILD',
  'POST_BUILD',
]);

/** Keys that are arrays in DKMS: `KEY=x` is `KEY[0]=x`, as in bash. */
const INDEXED = new Set(['BUILT_MODULE_NAME', 'BUILT_MODULE_LOCATION', 'DEST_MODULE_LOCATION', 'DEST_MODULE_NAME', 'MAKE', 'MAKE_MATCH', 'PATCH', 'PATCH_MATCH', 'STRIP', 'MODULES_CONF']);

/** Variables DKMS sets while it sources dkms.conf and runs its commands, per kernel. */
export const DKMS_RUNTIME_VARS = ['kernelver', 'kernel_source_dir', 'dkms_tree', 'source_tree', 'arch', 'module', 'module_version', 'kernel_config'] as const;
export type DkmsRuntimeVars = Partial<Record<(typeof DKMS_RUNTIME_VARS)[number], string>>;

export function dkmsConfPath(moduleDir: string): string {
  return path.join(moduleDir, 'dkms.conf');
}

/** Read `<moduleDir>/dkms.conf`; undefined when there is none. */
export function readDkmsConf(moduleDir: string): DkmsConf | undefined {
  let text: string;
  try {
    text = fs.readFileSync(dkmsConfPath(moduleDir), 'utf8');
  } catch {
    return undefined;
  }
  return parseDkmsConf(text);
}

/** One shell word's value: quotes removed, `\x` escapes resolved, `$PACKAGE_*` expanded. */
function unquote(raw: string, own: Record<string, string>): string | undefined {
  let out = '';
  let i = 0;
  const expand = (s: string) => s.replace(/\$\{(\w+)\}|\$(\w+)/g, (m, a: string | undefined, b: string | undefined) => own[(a ?? b)!] ?? m);
  while (i < raw.length) {
    const c = raw[i];
    if (c === "'") {
      const end = raw.indexOf("'", i + 1);
      if (end < 0) return undefined;
      out += raw.slice(i + 1, end); // bash: no expansion in single quotes (DKMS expands later, when it evals)
      i = end + 1;
    } else if (c === '"') {
      let j = i + 1;
      let body = '';
      while (j < raw.length && raw[j] !== '"') {
        if (raw[j] === '\\' && j + 1 < raw.length && '"\\$`'.includes(raw[j + 1])) {
          body += raw[j] + raw[j + 1];
          j += 2;
        } else body += raw[j++];
      }
      if (j >= raw.length) return undefined;
      out += expand(body).replace(/\\(["\\`])/g, '$1');
      i = j + 1;
    } else if (c === '\\' && i + 1 < raw.length) {
      out += raw[i + 1];
      i += 2;
    } else if (/\s/.test(c)) {
      return undefined; // a second word: a command follows the assignment
    } else {
      let j = i;
      while (j < raw.length && !`'"\\`.includes(raw[j]) && !/\s/.test(raw[j])) j++;
      out += expand(raw.slice(i, j));
      i = j;
    }
  }
  return out;
}

export function parseDkmsConf(text: string): DkmsConf {
  const scalars: Record<string, string> = {};
  const arrays: Record<string, string[]> = {};
  const seen: string[] = [];
  const unparsed: string[] = [];
  const lines = text.replace(/\\\n/g, '').split('\n');
  lines.forEach((line, n) => {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    // A comment after the value: ` # …` outside quotes. Values with '#' inside quotes are kept.
    const m = /^([A-Za-z_]\w*)(?:\[(\d+)\])?=(.*)$/.exec(trimmed);
    const valueText = m ? stripTrailingComment(m[3]) : undefined;
    const value = m && valueText !== undefined ? unquote(valueText, { ...scalars }) : undefined;
    if (!m || value === undefined) {
      unparsed.push(`line ${n + 1}: ${trimmed}: not a simple assignment`);
      return;
    }
    const [, key, index] = m;
    if (!seen.includes(key)) seen.push(key);
    if (index !== undefined || INDEXED.has(key)) (arrays[key] ??= [])[Number(index ?? 0)] = value;
    else scalars[key] = value;
  });

  // A name, version or pattern must be plain text once the file's own variables are expanded:
  // `PACKAGE_VERSION=$(cat VERSION)` would need the file executed. Commands (MAKE, PRE_BUILD,
  // POST_BUILD) keep `$(pwd)` and DKMS's variables: the shell fills them in the kernel's copy.
  const commands = new Set(['MAKE', 'PRE_BUILD', 'POST_BUILD']);
  for (const key of [...seen]) {
    if (commands.has(key) || !USED.has(key)) continue;
    const dynamic = (v: string | undefined) => v !== undefined && /\$[({\w]|`/.test(v);
    if (dynamic(scalars[key]) || (arrays[key] ?? []).some(dynamic)) {
      unparsed.push(`${key}: its value needs the shell (${scalars[key] ?? (arrays[key] ?? []).find(dynamic)})`);
      delete scalars[key];
      delete arrays[key];
      seen.splice(seen.indexOf(key), 1, `${key} (not plain text)`);
    }
  }
  const conf: DkmsConf = { used: seen.filter((k) => USED.has(k)), ignored: seen.filter((k) => !USED.has(k)), unparsed };
  if (scalars.PACKAGE_NAME) conf.packageName = scalars.PACKAGE_NAME;
  if (scalars.PACKAGE_VERSION) conf.packageVersion = scalars.PACKAGE_VERSION;
  const indexes = (...keys: string[]) => [...new Set(keys.flatMap((k) => Object.keys(arrays[k] ?? {}).map(Number)))].sort((a, b) => a - b);

  const make = indexes('MAKE')
    .filter((i) => arrays.MAKE?.[i])
    .map((i) => ({ command: arrays.MAKE[i], ...(arrays.MAKE_MATCH?.[i] ? { match: arrays.MAKE_MATCH[i] } : {}) }));
  if (make.length) conf.make = make;
  const patches = indexes('PATCH')
    .filter((i) => arrays.PATCH?.[i])
    .map((i) => ({ file: arrays.PATCH[i], ...(arrays.PATCH_MATCH?.[i] ? { match: arrays.PATCH_MATCH[i] } : {}) }));
  if (patches.length) conf.patches = patches;
  const modules = indexes('BUILT_MODULE_NAME')
    .filter((i) => arrays.BUILT_MODULE_NAME?.[i])
    .map((i) => ({
      name: arrays.BUILT_MODULE_NAME[i],
      ...(arrays.BUILT_MODULE_LOCATION?.[i] ? { location: arrays.BUILT_MODULE_LOCATION[i] } : {}),
      ...(arrays.DEST_MODULE_LOCATION?.[i] ? { destLocation: arrays.DEST_MODULE_LOCATION[i] } : {}),
    }));
  if (modules.length) conf.modules = modules;
  const exclusive: NonNullable<DkmsAnswers['buildExclusive']> = {};
  if (scalars.BUILD_EXCLUSIVE_KERNEL) exclusive.kernel = scalars.BUILD_EXCLUSIVE_KERNEL;
  if (scalars.BUILD_EXCLUSIVE_ARCH) exclusive.arch = scalars.BUILD_EXCLUSIVE_ARCH;
  if (scalars.BUILD_EXCLUSIVE_CONFIG?.trim()) exclusive.config = scalars.BUILD_EXCLUSIVE_CONFIG.trim().split(/\s+/);
  if (Object.keys(exclusive).length) conf.buildExclusive = exclusive;
  if (scalars.PRE_BUILD) conf.preBuild = scalars.PRE_BUILD;
  if (scalars.POST_BUILD) conf.postBuild = scalars.POST_BUILD;
  return conf;
}

/** The value part before an unquoted ` #` comment; undefined for an unterminated quote. */
function stripTrailingComment(v: string): string | undefined {
  let quote: string | undefined;
  for (let i = 0; i < v.length; i++) {
    const c = v[i];
    if (quote) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = undefined;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === '#' && (i === 0 || /\s/.test(v[i - 1]))) return v.slice(0, i).trimEnd();
  }
  return quote ? undefined : v.trimEnd();
}

/** Fill DKMS's per-kernel variables into a command (`$kernelver`, `${kernel_source_dir}`, …). */
export function expandDkmsVars(text: string, vars: DkmsRuntimeVars): string {
  return text.replace(/\$\{(\w+)\}|\$(\w+)/g, (m, a: string | undefined, b: string | undefined) => {
    const v = vars[(a ?? b) as keyof DkmsRuntimeVars];
    return v === undefined ? m : v;
  });
}

/** The make command DKMS would run for `release`: the last MAKE[#] whose MAKE_MATCH[#] matches, else MAKE[0]. */
export function makeCommandFor(dkms: DkmsAnswers, release: string): string | undefined {
  let chosen: string | undefined;
  for (const m of dkms.make ?? []) if (m.match && safeRegex(m.match)?.test(release)) chosen = m.command;
  return chosen ?? dkms.make?.find((m) => !m.match)?.command ?? dkms.make?.[0]?.command;
}

/** PATCH[#] files for `release`: those without PATCH_MATCH, and those whose regex matches. */
export function patchesFor(dkms: DkmsAnswers, release: string): string[] {
  return (dkms.patches ?? []).filter((p) => !p.match || safeRegex(p.match)?.test(release)).map((p) => p.file);
}

/** bash's =~ takes POSIX EREs; the forms dkms.conf files use (^6\.1\., [0-9]+) mean the same in JS. */
export function safeRegex(re: string): RegExp | undefined {
  try {
    return new RegExp(re);
  } catch {
    return undefined;
  }
}
