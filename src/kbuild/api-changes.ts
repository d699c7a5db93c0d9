/**
 * Known kernel API changes (assets/kernel-api-changes): a failed build whose compiler errors
 * match one is told which change it hit and which probe lets one source tree build on both
 * sides of it. The table is text that anyone can extend; its format is described at its top.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { assetsDir } from '../paths.js';

export interface ApiChange {
  /** The kernel version that made the change, e.g. "6.12". */
  since: string;
  what: string;
  errors: RegExp[];
  /** The probe, in dudforge.probes form (first line and indented includes). */
  probe: string;
  use?: string;
}

export const API_CHANGES_FILE = join(assetsDir, 'kernel-api-changes');

/** Parse the table; a malformed block throws naming its line (the table ships with dudforge). */
export function parseApiChanges(text: string, fileName = 'kernel-api-changes'): ApiChange[] {
  const changes: ApiChange[] = [];
  let current: (Omit<ApiChange, 'probe'> & { probeLine?: string; includes: string[] }) | undefined;
  const finish = (line: number) => {
    if (!current) return;
    if (!current.errors.length || !current.probeLine) throw new Error(`${fileName}:${line}: the change "${current.what}" needs an error and a probe line`);
    const probe = [current.probeLine, ...current.includes.map((i) => `    include <${i}>`)].join('\n');
    changes.push({ since: current.since, what: current.what, errors: current.errors, probe, ...(current.use ? { use: current.use } : {}) });
    current = undefined;
  };
  text.split('\n').forEach((raw, i) => {
    const n = i + 1;
    if (raw.trim() === '' || raw.trim().startsWith('#')) return;
    const m = /^change\s+(\d+\.\d+)\s+(.+)$/.exec(raw);
    if (m) {
      finish(n);
      current = { since: m[1], what: m[2].trim(), errors: [], includes: [] };
      return;
    }
    const a = /^\s+(error|probe|include|use)\s+(.+)$/.exec(raw);
    if (!a || !current) throw new Error(`${fileName}:${n}: expected "change <version> <text>" or an indented error/probe/include/use line`);
    const value = a[2].trim();
    if (a[1] === 'error') current.errors.push(new RegExp(value));
    else if (a[1] === 'probe') current.probeLine = value;
    else if (a[1] === 'include') current.includes.push(value.replace(/^<|>$/g, ''));
    else current.use = value;
  });
  finish(text.split('\n').length);
  return changes;
}

let table: ApiChange[] | undefined;

export function knownApiChanges(): ApiChange[] {
  table ??= parseApiChanges(readFileSync(API_CHANGES_FILE, 'utf8'), API_CHANGES_FILE);
  return table;
}

/** The compiler's error lines in a build log (`file:line:col: error: …`, `fatal error:`). */
export function errorLines(log: string): string[] {
  return log.split('\n').filter((l) => /\b(fatal )?error: /.test(l));
}

/** The known changes the errors point at, in table order, each once. */
export function matchApiChanges(errors: string[], changes = knownApiChanges()): ApiChange[] {
  return changes.filter((c) => errors.some((e) => c.errors.some((re) => re.test(e))));
}

/** One line for the failure summary: what changed, and the probe that handles it. */
export function describeApiChange(c: ApiChange): string {
  const probe = c.probe.split('\n').map((l) => l.trim()).join('; ');
  return `known kernel API change (${c.since}): ${c.what}. Handle it with a probe in dudforge.probes: ${probe}${c.use ? `; then ${c.use}` : ''}`;
}
