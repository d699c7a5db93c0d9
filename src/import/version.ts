/**
 * Which version a new project's package gets, and from where. The order follows what a
 * maintainer states most deliberately: dkms.conf's PACKAGE_VERSION (what DKMS installs it as),
 * then a MODULE_VERSION we can evaluate (a literal, or a macro defined as one in the driver's
 * own files; an unexpanded macro name is never a version), then the git tag the source revision
 * sits on, and only then a default, which always comes with a warning the user sees.
 */
import { execa } from 'execa';
import { readDkmsConf } from './dkms-conf.js';
import { readModuleInfoDefaults } from './module-info.js';

export type VersionSource = 'flag' | 'module.config' | 'dkms.conf' | 'MODULE_VERSION' | 'git tag' | 'default';

export interface ResolvedVersion {
  /** As found (not yet made RPM-safe). */
  version: string;
  source: VersionSource;
  /** Set when nothing in the sources said which version this is. */
  warning?: string;
}

export const DEFAULT_VERSION = '1.0';

export function resolveVersion(found: { dkms?: string; moduleVersion?: string; gitTag?: string }): ResolvedVersion {
  if (found.dkms?.trim()) return { version: found.dkms.trim(), source: 'dkms.conf' };
  if (found.moduleVersion?.trim()) return { version: found.moduleVersion.trim(), source: 'MODULE_VERSION' };
  if (found.gitTag?.trim()) return { version: tagVersion(found.gitTag.trim()), source: 'git tag' };
  return {
    version: DEFAULT_VERSION,
    source: 'default',
    warning: `no version found in the sources (no dkms.conf PACKAGE_VERSION, no MODULE_VERSION that evaluates to a string, no git tag on the revision): using ${DEFAULT_VERSION}; give the real one with --version`,
  };
}

/** A tag as a version: `v1.2.3` → `1.2.3`, `mydrv-2.0` → `2.0`; other tags as they are. */
export function tagVersion(tag: string): string {
  const m = /^(?:[A-Za-z][\w.]*?[-_])?[vV]?(\d[\w.+~-]*)$/.exec(tag);
  return m ? m[1] : tag;
}

const GIT_ENV = { GIT_OPTIONAL_LOCKS: '0', LC_ALL: 'C', GIT_DIR: undefined, GIT_WORK_TREE: undefined, GIT_INDEX_FILE: undefined };

/**
 * The tag a git source's revision is: the revision itself when it names a tag, else a tag
 * pointing exactly at the commit (`git describe --tags --exact-match`). Works on bare clones.
 */
export async function gitTagOf(repo: string, rev: string, commit: string | undefined): Promise<string | undefined> {
  const git = (args: string[]) => execa('git', ['-C', repo, ...args], { env: GIT_ENV, reject: false });
  const named = await git(['rev-parse', '--verify', '--quiet', '--end-of-options', `refs/tags/${rev}^{commit}`]);
  if (named.exitCode === 0 && (!commit || named.stdout.trim() === commit)) return rev;
  const described = await git(['describe', '--tags', '--exact-match', '--end-of-options', commit ?? rev]);
  return described.exitCode === 0 && described.stdout.trim() ? described.stdout.trim() : undefined;
}

/**
 * The version a module directory defaults to, and from where (for the wizard's package step,
 * which shows `warning` next to the field; `new --yes` prints the same through create.ts).
 */
export function versionDefaultOf(moduleDir: string, gitTag?: string): ResolvedVersion {
  return resolveVersion({ dkms: readDkmsConf(moduleDir)?.packageVersion, moduleVersion: readModuleInfoDefaults(moduleDir).version, gitTag });
}
