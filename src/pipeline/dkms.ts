/**
 * Building a driver the way its dkms.conf says (answers.dkms, read by `new`): kernels outside
 * BUILD_EXCLUSIVE_* are excluded (not built, not packaged, not failed); for the others one shell
 * script runs in the kernel's own copy of the sources, in DKMS's order: PATCH[#] (with -p1 from
 * patches/), PRE_BUILD, MAKE[#] (or Kbuild's own make), POST_BUILD. The script is started like any
 * build's make (own process group, the shared job server, progress from Kbuild's output), so a
 * driver's own make command gets the same treatment as ours.
 */
import { join } from 'node:path';
import type { Answers, DkmsAnswers } from '../answers/schema.js';
import { UserError } from '../errors.js';
import { isEnabled, readKernelConfig, type KernelConfig } from '../kernel/config.js';
import { makeCommandFor, patchesFor, safeRegex, type DkmsRuntimeVars } from '../import/dkms-conf.js';
import { dkmsBuildSteps } from '../kbuild/dkms-script.js';
import { shellQuote } from '../shell-quote.js';
import type { ResolvedKernel } from './context.js';

export interface ExcludedKernel {
  release: string;
  /** Which BUILD_EXCLUSIVE_* rule leaves it out, e.g. `BUILD_EXCLUSIVE_KERNEL="^6\.1\."`. */
  reason: string;
}

/** Why dkms.conf excludes this kernel, or undefined when it is one the driver builds for. */
export function exclusionOf(dkms: DkmsAnswers | undefined, kernel: ResolvedKernel, readConfig = (k: ResolvedKernel) => readKernelConfig(join(k.tree.path, '.config'))): string | undefined {
  const ex = dkms?.buildExclusive;
  if (!ex) return undefined;
  if (ex.kernel && !safeRegex(ex.kernel)?.test(kernel.release)) return `BUILD_EXCLUSIVE_KERNEL="${ex.kernel}"`;
  if (ex.arch && !safeRegex(ex.arch)?.test(kernel.tree.arch ?? '')) return `BUILD_EXCLUSIVE_ARCH="${ex.arch}" (the kernel is ${kernel.tree.arch ?? 'of unknown arch'})`;
  if (ex.config?.length) {
    let config: KernelConfig;
    try {
      config = readConfig(kernel);
    } catch {
      return `BUILD_EXCLUSIVE_CONFIG="${ex.config.join(' ')}" (the kernel's .config cannot be read)`;
    }
    // DKMS also accepts `!CONFIG_X`: the symbol must be off.
    const unmet = ex.config.filter((c) => (c.startsWith('!') ? isEnabled(config, c.slice(1)) : !isEnabled(config, c)));
    if (unmet.length) return `BUILD_EXCLUSIVE_CONFIG="${ex.config.join(' ')}" (not met: ${unmet.join(' ')})`;
  }
  return undefined;
}

/** The kernels to build and those dkms.conf leaves out; all of them out is the user's problem. */
export function excludeKernels(answers: Answers, kernels: ResolvedKernel[]): { kernels: ResolvedKernel[]; excluded: ExcludedKernel[] } {
  const excluded: ExcludedKernel[] = [];
  const kept = kernels.filter((k) => {
    const reason = exclusionOf(answers.dkms, k);
    if (reason) excluded.push({ release: k.release, reason });
    return !reason;
  });
  if (kernels.length && !kept.length) {
    throw new UserError(
      `dkms.conf excludes every target kernel: ${excluded.map((x) => `${x.release} (${x.reason})`).join(', ')}`,
      'target a kernel the driver supports (--kernel RELEASE), or edit dkms.buildExclusive in dudforge.json',
    );
  }
  return { kernels: kept, excluded };
}

/** True when the build needs the script form (anything beyond Kbuild's plain make). */
export function needsDkmsScript(dkms: DkmsAnswers | undefined, release: string): boolean {
  return !!dkms && (!!makeCommandFor(dkms, release) || !!dkms.preBuild || !!dkms.postBuild || patchesFor(dkms, release).length > 0);
}

export interface DkmsScriptOptions {
  dkms: DkmsAnswers;
  kernel: ResolvedKernel;
  /** This kernel's copy of the sources. */
  srcCopy: string;
  /** The module directory inside the copy (where dkms.conf sits): the script's working directory. */
  moduleDir: string;
  /** The kernel's work directory: $dkms_tree and $source_tree are laid out under it. */
  workDir: string;
  /** Kbuild's make arguments, for a driver without MAKE[#]. */
  defaultMake: string[];
  packageName: string;
  packageVersion: string;
}

/**
 * The script for one kernel (dkmsBuildSteps(), the same text the source RPM's %build runs) and
 * the variables it reads from its environment. The script makes
 * $dkms_tree/<name>/<version>/build and $source_tree/<name>-<version> links to the copy it runs
 * in, so a MAKE written against DKMS's layout (M=${dkms_tree}/${PACKAGE_NAME}/${PACKAGE_VERSION}/build)
 * builds the copy.
 */
export function dkmsScript(o: DkmsScriptOptions): { script: string; vars: DkmsRuntimeVars } {
  const name = o.dkms.packageName ?? o.packageName;
  const version = o.dkms.packageVersion ?? o.packageVersion;
  const vars: DkmsRuntimeVars = {
    kernelver: o.kernel.release,
    kernel_source_dir: o.kernel.tree.path,
    kernel_config: join(o.kernel.tree.path, '.config'),
    dkms_tree: join(o.workDir, 'dkms'),
    source_tree: join(o.workDir, 'dkms-src'),
    arch: o.kernel.tree.arch ?? '',
    module: name,
    module_version: version,
  };
  const script = dkmsBuildSteps(o.dkms, { module: name, moduleVersion: version, defaultMake: ['make', ...o.defaultMake].map(shellQuote).join(' ') });
  return { script: `cd ${shellQuote(o.moduleDir)} || exit 1\n${script}`, vars };
}

/**
 * The modules a dkms.conf names (BUILT_MODULE_NAME[#] in BUILT_MODULE_LOCATION[#]) among the
 * .ko files the build left; every one when it names none. A named module that is missing is
 * the build's failure.
 */
export function builtModulesOf(dkms: DkmsAnswers | undefined, found: string[], moduleDir: string): { modules: string[]; missing: string[] } {
  if (!dkms?.modules?.length) return { modules: found, missing: [] };
  const modules: string[] = [];
  const missing: string[] = [];
  for (const m of dkms.modules) {
    const file = join(moduleDir, m.location ?? '', `${m.name}.ko`);
    if (found.includes(file)) modules.push(file);
    else missing.push(`${(m.location ? `${m.location.replace(/\/+$/, '')}/` : '') + m.name}.ko`);
  }
  return { modules, missing };
}
