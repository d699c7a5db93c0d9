import type { RpmDependency } from './types.js';

/** Dependency flags (rpmds.h). The low bits are the comparison; the rest say where it came from. */
export const RPMSENSE = {
  ANY: 0,
  LESS: 1 << 1,
  GREATER: 1 << 2,
  EQUAL: 1 << 3,
  POSTTRANS: 1 << 5,
  PREREQ: 1 << 6,
  PRETRANS: 1 << 7,
  INTERP: 1 << 8,
  SCRIPT_PRE: 1 << 9,
  SCRIPT_POST: 1 << 10,
  SCRIPT_PREUN: 1 << 11,
  SCRIPT_POSTUN: 1 << 12,
  RPMLIB: 1 << 24,
  CONFIG: 1 << 28,
} as const;

export const RPMSENSE_SENSEMASK = 0x0f;

/** File flags (rpmfiles.h). */
export const RPMFILE = {
  NONE: 0,
  CONFIG: 1 << 0,
  DOC: 1 << 1,
  MISSINGOK: 1 << 3,
  NOREPLACE: 1 << 4,
  SPECFILE: 1 << 5,
  GHOST: 1 << 6,
  LICENSE: 1 << 7,
  README: 1 << 8,
} as const;

const OPERATORS: Record<string, number> = {
  '<': RPMSENSE.LESS,
  '>': RPMSENSE.GREATER,
  '=': RPMSENSE.EQUAL,
  '==': RPMSENSE.EQUAL,
  '<=': RPMSENSE.LESS | RPMSENSE.EQUAL,
  '=<': RPMSENSE.LESS | RPMSENSE.EQUAL,
  '>=': RPMSENSE.GREATER | RPMSENSE.EQUAL,
  '=>': RPMSENSE.GREATER | RPMSENSE.EQUAL,
};

/**
 * Parse a spec-file style dependency, `NAME` or `NAME OP VERSION` (e.g.
 * `kernel-modules >= 6.1.0-56-amd64`). Returns undefined when the text is not of that shape.
 */
export function parseDependency(text: string): RpmDependency | undefined {
  const parts = text.trim().split(/\s+/).filter((p) => p.length > 0);
  if (parts.length === 1) return { name: parts[0], flags: RPMSENSE.ANY };
  if (parts.length !== 3) return undefined;
  const flags = OPERATORS[parts[1]];
  if (flags === undefined) return undefined;
  return { name: parts[0], flags, version: parts[2] };
}

/**
 * The operator text for the comparison bits of a flags word ('' when unversioned). Bit by bit,
 * as rpmdsNewDNEVR prints it, so that a damaged package's `<>` shows as rpm -q shows it.
 */
export function senseOperator(flags: number): string {
  const sense = flags & RPMSENSE_SENSEMASK;
  return `${sense & RPMSENSE.LESS ? '<' : ''}${sense & RPMSENSE.GREATER ? '>' : ''}${sense & RPMSENSE.EQUAL ? '=' : ''}`;
}

/** `NAME OP VERSION` as rpm -q --provides prints it. */
export function formatDependency(dep: RpmDependency): string {
  const op = senseOperator(dep.flags);
  return op && dep.version ? `${dep.name} ${op} ${dep.version}` : dep.name;
}
