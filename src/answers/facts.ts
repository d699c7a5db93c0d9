/**
 * Facts derived from the answers (or from the driver's sources) that both faces show or use:
 * `dudforge new --yes` / `dudforge build` on the command line, and the wizard. Each fact is
 * worked out here once, so the two faces cannot drift apart. Pure and light: the wizard's steps
 * load this without the import engine or the pipeline.
 */
import type { ModuleInfoDefaults } from '../import/module-info.js';
import { rpmLicense } from '../import/license.js';
import { UserError } from '../errors.js';
import { projectPath } from './io.js';
import type { Answers } from './schema.js';

/** Make a module version string acceptable to RPM ("1.0-rc1" → "1.0_rc1"). */
export function rpmSafeVersion(v: string): string {
  return v.trim().replace(/[-\s]+/g, '_').replace(/[^A-Za-z0-9._+~^]/g, '') || '1.0';
}

/** The package answers a driver's MODULE_* lines suggest (each only when the line is there). */
export interface ModulePackageDefaults {
  name?: string;
  version?: string;
  license?: string;
  summary?: string;
  description?: string;
}

/**
 * Package defaults from the main module's MODULE_* lines: the Kbuild name with `-` for `_`, the
 * version made RPM-safe, the license as an SPDX expression, the description's first line as
 * the summary. `new --yes` puts its own choices (flags, dkms.conf, a project of several modules)
 * before these; the wizard fills its empty fields with them.
 */
export function packageDefaultsFrom(info: ModuleInfoDefaults): ModulePackageDefaults {
  const description = info.description?.trim() || undefined;
  return {
    name: info.name?.replace(/_/g, '-'),
    version: info.version?.trim() ? rpmSafeVersion(info.version) : undefined,
    license: info.license ? rpmLicense(info.license, info.spdx) : undefined,
    summary: description?.split('\n')[0].trim(),
    description,
  };
}

/**
 * SOURCE_DATE_EPOCH as seconds, or undefined when it is unset or empty. A value RPM cannot store
 * is the user's mistake, refused the same way wherever it is read.
 */
export function sourceDateEpoch(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const sde = env.SOURCE_DATE_EPOCH;
  if (sde === undefined || sde === '') return undefined;
  if (!/^\d+$/.test(sde) || Number(sde) >= 2 ** 32) {
    throw new UserError(`SOURCE_DATE_EPOCH="${sde}" is not a number of seconds that RPM can store`, 'unset it or set it to an integer below 2^32');
  }
  return Number(sde);
}

/** A new project's build time: SOURCE_DATE_EPOCH when set, else now (recorded once, so later builds are reproducible). */
export function newBuildTime(env: NodeJS.ProcessEnv = process.env, now = Date.now()): number {
  return sourceDateEpoch(env) ?? Math.floor(now / 1000);
}

/** The time a build stamps into its artifacts: SOURCE_DATE_EPOCH wins, else the project's recorded time — never "now". */
export function effectiveBuildTime(answers: Pick<Answers, 'buildTime'>, env: NodeJS.ProcessEnv = process.env): number {
  return sourceDateEpoch(env) ?? answers.buildTime;
}

/** The driver disk's file name in the output directory: `output.isoName`, else dd-NAME-VERSION-RELEASE.iso. */
export function isoFileName(answers: { output?: { isoName?: string }; package: Pick<Answers['package'], 'name' | 'version' | 'release'> }): string {
  return answers.output?.isoName ?? `dd-${answers.package.name}-${answers.package.version}-${answers.package.release}.iso`;
}

/** The output directory a build of these answers writes (`output.dir`, relative to the project; default out/). */
export function outputDirOf(answers: { output?: { dir?: string } }, projectDir: string): string {
  return projectPath(projectDir, answers.output?.dir ?? 'out');
}
