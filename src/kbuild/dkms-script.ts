/**
 * The shell text of a dkms.conf's build steps, written once and run in two places: by dudforge's
 * own build for each kernel (src/pipeline/dkms.ts, started like Kbuild's make) and by the source
 * RPM's %build (src/kmod/dkms-source.ts ships it as a Source file rpm never macro-expands).
 *
 * Nothing about the kernel is written into the text: the steps read DKMS's per-kernel variables
 * from the environment ($kernelver, $kernel_source_dir, $kernel_config, $arch, $dkms_tree,
 * $source_tree) and pick PATCH_MATCH[#] / MAKE_MATCH[#] / BUILD_EXCLUSIVE_* with `grep -E`, the
 * POSIX ERE that DKMS's bash `=~` uses. The working directory is the module directory (where
 * dkms.conf sits). Every value from dkms.conf is a single-quoted shell word; MAKE[#], PRE_BUILD
 * and POST_BUILD are shell commands by design and run with `eval`, as DKMS runs them.
 */
import type { DkmsAnswers } from '../answers/schema.js';

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** A CONFIG_ symbol as BUILD_EXCLUSIVE_CONFIG names it (`CONFIG_X`, `X`, `!CONFIG_X`). */
function configSymbol(c: string): { symbol: string; negated: boolean } | undefined {
  const m = /^(!?)(?:CONFIG_)?([A-Za-z0-9_]+)$/.exec(c);
  return m ? { symbol: `CONFIG_${m[2]}`, negated: m[1] === '!' } : undefined;
}

/** Shell helpers both parts use: `dkms_matches RE TEXT` is bash's `[[ TEXT =~ RE ]]`. */
const HELPERS = [`dkms_matches() { printf '%s\\n' "$2" | grep -Eq -e "$1"; }`];

/**
 * `dkms_excluded`: prints why BUILD_EXCLUSIVE_* leave this kernel out and returns 0, or returns 1
 * when the kernel is one the driver builds for. The same rules as exclusionOf() in
 * src/pipeline/dkms.ts (which decides for dudforge's own build before anything runs).
 */
export function dkmsExclusionFunction(dkms: DkmsAnswers | undefined): string {
  const ex = dkms?.buildExclusive;
  const body: string[] = [];
  if (ex?.kernel) {
    body.push(`  if ! dkms_matches ${q(ex.kernel)} "$kernelver"; then echo ${q(`BUILD_EXCLUSIVE_KERNEL="${ex.kernel}"`)}; return 0; fi`);
  }
  if (ex?.arch) {
    body.push(`  if ! dkms_matches ${q(ex.arch)} "$arch"; then echo ${q(`BUILD_EXCLUSIVE_ARCH="${ex.arch}"`)}" (the kernel is \${arch:-of unknown arch})"; return 0; fi`);
  }
  if (ex?.config?.length) {
    const all = ex.config.join(' ');
    body.push(`  if [ ! -r "$kernel_config" ]; then echo ${q(`BUILD_EXCLUSIVE_CONFIG="${all}" (the kernel's .config cannot be read)`)}; return 0; fi`, '  unmet=');
    for (const c of ex.config) {
      const s = configSymbol(c);
      // A word that is no symbol name cannot be met (exclusionOf() reads it as an unset symbol).
      const on = s ? `grep -Fqx -e ${q(`${s.symbol}=y`)} -e ${q(`${s.symbol}=m`)} "$kernel_config"` : 'false';
      body.push(`  if ${s?.negated ? '' : '! '}${on}; then unmet="$unmet "${q(c)}; fi`);
    }
    body.push(`  if [ -n "$unmet" ]; then echo ${q(`BUILD_EXCLUSIVE_CONFIG="${all}" (not met:`)}"$unmet)"; return 0; fi`);
  }
  return ['dkms_excluded() {', ...body, '  return 1', '}'].join('\n');
}

export interface DkmsStepsOptions {
  /** $module and $module_version (dkms.conf's PACKAGE_NAME/PACKAGE_VERSION, else the package's). */
  module: string;
  moduleVersion: string;
  /** Shell text of the make command for a kernel no MAKE[#] applies to (Kbuild's own make). */
  defaultMake: string;
}

/**
 * The build steps, in DKMS's order: PATCH[#] whose PATCH_MATCH[#] matches $kernelver (patch -p1
 * from patches/), PRE_BUILD, the MAKE[#] DKMS would pick (the last whose MAKE_MATCH[#] matches,
 * else the first without one, else MAKE[0]; Kbuild's make without MAKE), POST_BUILD.
 * $dkms_tree/$module/$module_version/build and $source_tree/$module-$module_version are made
 * links to this directory, so a MAKE written against DKMS's layout builds here.
 */
export function dkmsBuildSteps(dkms: DkmsAnswers, o: DkmsStepsOptions): string {
  const fail = (what: string) => `{ echo ${q(`dkms.conf: error: ${what}`)} >&2; exit 1; }`;
  const lines = [
    'set -u',
    ...HELPERS,
    `module=${q(o.module)}`,
    `module_version=${q(o.moduleVersion)}`,
    'mkdir -p "$dkms_tree/$module/$module_version" "$source_tree" || exit 1',
    'ln -sfn "$PWD" "$dkms_tree/$module/$module_version/build" || exit 1',
    'ln -sfn "$PWD" "$source_tree/$module-$module_version" || exit 1',
  ];
  for (const p of dkms.patches ?? []) {
    const apply = `echo ${q(`dkms.conf: applying patches/${p.file}`)}; patch -p1 -s -N -i ${q(`patches/${p.file}`)} || ${fail(`PATCH patches/${p.file} does not apply`)}`;
    lines.push(p.match ? `if dkms_matches ${q(p.match)} "$kernelver"; then ${apply}; fi` : apply);
  }
  // As DKMS: the script path is relative to the sources; one that is not executable is skipped with a warning.
  lines.push(
    'dkms_script() {',
    '  cmd=${2#./}',
    '  file=${cmd%%[ \t]*}',
    '  if [ -x "$file" ]; then',
    '    echo "dkms.conf: running $1 $cmd"',
    '    eval "./$cmd" || { echo "dkms.conf: error: $1 $cmd failed" >&2; exit 1; }',
    '  else',
    '    echo "dkms.conf: warning: $1 $file is not executable; skipped (as DKMS does)" >&2',
    '  fi',
    '}',
  );
  if (dkms.preBuild) lines.push(`dkms_script PRE_BUILD ${q(dkms.preBuild.trim())}`);
  const make = dkms.make ?? [];
  const fallback = make.find((m) => !m.match)?.command ?? make[0]?.command;
  lines.push(`make_command=${q(fallback ?? o.defaultMake)}`);
  for (const m of make) if (m.match) lines.push(`if dkms_matches ${q(m.match)} "$kernelver"; then make_command=${q(m.command)}; fi`);
  if (make.length) lines.push('echo "dkms.conf: running MAKE $make_command"');
  lines.push('eval "$make_command"', 'status=$?', '[ "$status" -eq 0 ] || exit "$status"');
  if (dkms.postBuild) lines.push(`dkms_script POST_BUILD ${q(dkms.postBuild.trim())}`);
  return lines.join('\n') + '\n';
}

export interface DkmsRebuildScriptOptions {
  module: string;
  moduleVersion: string;
  /** The module directory relative to where %build runs (the top of the sources tarball). */
  moduleDir: string;
}

/**
 * The script the source RPM carries (Source file, never macro-expanded by rpm): `--excluded`
 * runs dkms_excluded alone (the spec asks it while it is parsed, and %build again for the
 * message); otherwise it changes to the module directory and runs dkmsBuildSteps(), with the
 * spec's Kbuild make command as its arguments for a kernel no MAKE[#] applies to.
 */
export function dkmsRebuildScript(dkms: DkmsAnswers, o: DkmsRebuildScriptOptions): string {
  return [
    '#!/bin/sh',
    `# dkms.conf's build steps for ${o.module.replace(/[^\w.+-]/g, '_')}, written by dudforge: the same steps its own build runs.`,
    ...HELPERS,
    dkmsExclusionFunction(dkms),
    'if [ "${1-}" = --excluded ]; then dkms_excluded; exit $?; fi',
    `cd ${q(o.moduleDir || '.')} || exit 1`,
    dkmsBuildSteps(dkms, { module: o.module, moduleVersion: o.moduleVersion, defaultMake: '"$@"' }),
  ].join('\n');
}

/** The source RPM's name for dkmsRebuildScript(). */
export const DKMS_SCRIPT_SOURCE = 'dudforge-dkms.sh';

/** True when a dkms.conf asks for more than Kbuild's plain make for some kernel. */
export function hasDkmsSteps(dkms: DkmsAnswers): boolean {
  return !!(dkms.make?.length || dkms.patches?.length || dkms.preBuild || dkms.postBuild || dkms.buildExclusive);
}
