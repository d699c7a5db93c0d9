/**
 * Compiler messages name the copy a kernel is built from (.dudforge/build/<kernel>/src/…, or a
 * scratch directory): the user edits their own files, so every message shown or returned names
 * the file in the source directory instead. Pure text rewriting; the copy mirrors the source
 * directory file for file (pipeline/build.ts copies the source list as it is).
 */
import { isAbsolute, join } from 'node:path';

/** A message that starts with a relative `file.c:12:` (Kbuild 6.13+ prints paths relative to M=). */
const RELATIVE_LOCATION = /^([A-Za-z0-9_.+-][A-Za-z0-9_./+-]*\.(?:c|h|S)):(\d+)/;

export function toUserPaths(message: string, copyDir: string, sourceDir: string): string {
  const copy = copyDir.replace(/\/+$/, '') + '/';
  const source = sourceDir.replace(/\/+$/, '') + '/';
  let out = message.split(copy).join(source);
  const rel = RELATIVE_LOCATION.exec(out);
  if (rel && !isAbsolute(rel[1]) && !rel[1].startsWith('../')) out = join(sourceDir, rel[1]) + out.slice(rel[1].length);
  return out;
}
