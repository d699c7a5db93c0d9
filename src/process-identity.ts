/**
 * Who a process is, in a way that survives pid reuse: its pid and its start time (field 22 of
 * /proc/<pid>/stat, clock ticks since boot). A lock or a temporary directory that records both
 * can be judged stale safely: the pid is gone, or it now belongs to a process started later.
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';

export interface ProcessIdentity {
  pid: number;
  /** Start time in clock ticks since boot, as a decimal string ('' where /proc is missing). */
  start: string;
  host: string;
}

/** The start time of `pid`, or undefined when no such process exists. */
export function processStartTime(pid: number): string | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) is in parentheses and may hold spaces or ')': fields after the
  // last ')' start with field 3 (state); the start time is field 22.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return fields[19];
}

let self: ProcessIdentity | undefined;

export function selfIdentity(): ProcessIdentity {
  self ??= { pid: process.pid, start: processStartTime(process.pid) ?? '', host: hostname() };
  return self;
}

/**
 * Whether the process described is still running. Only answerable on this host: a process on
 * another host (a project on a shared filesystem) counts as alive.
 */
export function isAlive(id: { pid: number; start: string; host?: string }): boolean {
  if (id.host !== undefined && id.host !== hostname()) return true;
  const start = processStartTime(id.pid);
  if (start === undefined) {
    // No /proc (not Linux): fall back to signal 0, which cannot tell a reused pid.
    if (id.start !== '') return false;
    try {
      process.kill(id.pid, 0);
      return true;
    } catch (err) {
      return (err as NodeJS.ErrnoException).code === 'EPERM';
    }
  }
  return id.start === '' || start === id.start;
}

/** `<pid>-<start>`: a name part that lets a later run tell whether the owner is gone. */
export function ownerTag(id: ProcessIdentity = selfIdentity()): string {
  return `${id.pid}-${id.start || '0'}`;
}

/** Parse an ownerTag back; undefined when `tag` is not one. */
export function parseOwnerTag(tag: string): { pid: number; start: string } | undefined {
  const m = /^(\d+)-(\d+)$/.exec(tag);
  return m ? { pid: Number(m[1]), start: m[2] === '0' ? '' : m[2] } : undefined;
}
