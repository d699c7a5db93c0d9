/**
 * The `--source` flag of `dudforge new --yes`: `git:REPO@REV`, `dir:PATH`, `tar:FILE`.
 */
import type { SourceSpec } from '../answers/schema.js';
import { UserError } from '../errors.js';

const FORMS = 'use --source git:REPO@REV (a branch, tag or commit), --source dir:PATH or --source tar:FILE';

export function parseSourceFlag(flag: string): SourceSpec {
  const m = /^(git|dir|tar):(.*)$/s.exec(flag.trim());
  if (!m || m[2].trim() === '') throw new UserError(`--source ${flag}: not a source`, FORMS);
  const [, kind, rest] = m;
  if (kind === 'dir') return { kind: 'dir', path: rest };
  if (kind === 'tar') return { kind: 'tar', file: rest };
  // The revision follows the last '@': repository paths and URLs (git@host:repo) may hold '@'.
  const at = rest.lastIndexOf('@');
  const repo = at > 0 ? rest.slice(0, at) : '';
  const rev = at > 0 ? rest.slice(at + 1) : '';
  if (!repo || !rev || /[\s]/.test(rev)) {
    throw new UserError(`--source ${flag}: a git source needs a repository and a revision`, 'write it as git:REPO@REV, e.g. git:~/linux@v6.6 or git:/srv/linux@main');
  }
  return { kind: 'git', repo, rev };
}

/** The flag form of a source (for messages and for printing a replayable command). */
export function formatSource(source: SourceSpec): string {
  if (source.kind === 'dir') return `dir:${source.path}`;
  if (source.kind === 'tar') return `tar:${source.file}`;
  return `git:${source.repo}@${source.rev}`;
}

/**
 * A `--config` flag: `CONFIG_X=m`, `X=y` (the prefix is added) or `CONFIG_X` (= m). Values
 * are Kconfig's: y, m, n, a number or a string.
 */
export function parseConfigFlag(flag: string): [string, string] {
  const m = /^(?:CONFIG_)?([A-Za-z0-9_]+)(?:=(.*))?$/.exec(flag.trim());
  if (!m || (m[2] !== undefined && m[2] === '')) {
    throw new UserError(`--config ${flag}: not a Kconfig setting`, 'write it as CONFIG_FOO=m (or =y for a bool symbol)');
  }
  return [`CONFIG_${m[1]}`, m[2] ?? 'm'];
}
