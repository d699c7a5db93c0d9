/**
 * Checks of the file system made before anything is compiled (by `dudforge build`'s resolve step
 * and by `new --yes` before it writes dudforge.json), so that a directory we cannot write, an
 * output path that is a file, or a firmware file that is missing, a directory or a FIFO stops
 * the run with its path named, instead of failing after every kernel has been built.
 */
import { readUdevRules } from '../kmod/extra-files.js';
import { splitFirmwareEntry } from '../import/firmware.js';
import { accessSync, constants, statSync, type Stats } from 'node:fs';
import { dirname } from 'node:path';
import type { Answers } from '../answers/schema.js';
import { projectPath } from '../answers/io.js';
import { UserError } from '../errors.js';
import { fsUserError } from '../fs-errors.js';

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch (err) {
    // ENOTDIR: a parent is a file; the walk up finds it and names it.
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw fsUserError(err, path) ?? err;
  }
}

/**
 * `dir` (which may not exist yet) can be created and written: it or its nearest existing parent
 * is a directory we may write. Root passes access() whatever the mode bits, but not on a
 * read-only mount, which access() reports as EROFS.
 */
export function checkWritableDir(dir: string, what: string, hint: string): void {
  let p = dir;
  let st = statOrUndefined(p);
  while (!st && dirname(p) !== p) {
    p = dirname(p);
    st = statOrUndefined(p);
  }
  if (!st) return;
  if (!st.isDirectory()) {
    throw new UserError(p === dir ? `${what} ${dir} is not a directory` : `${what} ${dir} cannot be created: ${p} is not a directory`, hint);
  }
  try {
    accessSync(p, constants.W_OK | constants.X_OK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EROFS') throw new UserError(`${what} ${dir} is on a read-only file system (${p})`, hint);
    if (code === 'EACCES' || code === 'EPERM') throw new UserError(`${what} ${dir} is not writable: this user may not write to ${p}`, hint);
    throw fsUserError(err, p) ?? err;
  }
}

/** A firmware file of a standalone module directory: it must be a regular file. */
export function checkFirmwareFile(file: string, entry: string): void {
  const st = statOrUndefined(file);
  const hint = 'give --firmware the path of a firmware file (or fix "firmware" in dudforge.json)';
  if (!st) throw new UserError(`firmware ${entry}: ${file} does not exist`, hint);
  if (st.isDirectory()) throw new UserError(`firmware ${entry}: ${file} is a directory, not a file`, `${hint}; a directory of firmware can be given with a kernel-tree source`);
  if (!st.isFile()) throw new UserError(`firmware ${entry}: ${file} is not a regular file (a FIFO, socket or device)`, hint);
  try {
    accessSync(file, constants.R_OK);
  } catch (err) {
    throw new UserError(`firmware ${entry}: ${file} cannot be read (${(err as NodeJS.ErrnoException).code})`, hint);
  }
}

/** Every check that needs no compiler: project and output directories, firmware files. */
export function preflight(answers: Answers, projectDir: string, outDir: string): void {
  checkWritableDir(projectDir, 'the project directory', 'run dudforge as a user who may write there, or copy the project somewhere writable');
  checkWritableDir(outDir, 'the output directory', 'give --out a directory this user may write (or fix output.dir in dudforge.json)');
  const standalone = answers.source.kind === 'dir' && !answers.driverDirs?.length;
  if (standalone) {
    for (const f of answers.firmware ?? []) checkFirmwareFile(projectPath(projectDir, splitFirmwareEntry(f).src), f);
  }
  if (answers.extraFiles?.udevRules) readUdevRules(projectPath(projectDir, answers.extraFiles.udevRules), 'extraFiles.udevRules');
}
