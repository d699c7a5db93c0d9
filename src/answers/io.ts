/**
 * Reading and writing `dudforge.json`. Writes are atomic (temp file + rename) so a crash never
 * leaves half a document; a bad document is reported with its path and never overwritten.
 */
import { existsSync, readFileSync, mkdirSync, statSync } from 'node:fs';
import { writeFileAtomicSync } from '../fs/atomic-write.js';
import { isAbsolute, join, resolve } from 'node:path';
import { UserError } from '../errors.js';
import type { Answers } from './schema.js';
import { formatProblems, validateAnswers } from './validate.js';

export const ANSWERS_FILE = 'dudforge.json';

export function answersPath(projectDir: string): string {
  return join(projectDir, ANSWERS_FILE);
}

/** Parse a file as JSON, with a message that names the file and the position. */
export function readJsonFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UserError(
      code === 'ENOENT' ? `no answers file at ${file}` : `cannot read ${file}: ${(err as Error).message}`,
      code === 'ENOENT' ? 'create one with `dudforge new DIR --yes …` or the wizard (`dudforge new DIR`)' : undefined,
    );
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new UserError(`${file} is not valid JSON: ${(err as Error).message}`, 'fix the file, or move it away and run `dudforge new` again');
  }
}

/** Load and validate answers from a file (`dudforge build --answers FILE`). */
export function loadAnswersFile(file: string): Answers {
  const { answers, problems } = validateAnswers(readJsonFile(file));
  if (!answers) throw new UserError(formatProblems(file, problems), 'correct the fields above; nothing was built');
  return answers;
}

/** Write `dudforge.json` atomically, with stable key order and a trailing newline. */
export function saveAnswers(projectDir: string, answers: Partial<Answers> | Answers): string {
  mkdirSync(projectDir, { recursive: true });
  const file = answersPath(projectDir);
  writeFileAtomicSync(file, JSON.stringify(answers, null, 2) + '\n');
  return file;
}

/** Resolve a path from the answers against the project directory. */
export function projectPath(projectDir: string, p: string): string {
  return isAbsolute(p) ? p : resolve(projectDir, p);
}

/**
 * The project directory for `dudforge build [PROJECT_DIR] [--answers FILE]`: the answers file's
 * folder when only --answers is given.
 */
export function locateProject(projectDirArg: string | undefined, answersArg: string | undefined): { projectDir: string; answersFile: string } {
  if (answersArg) {
    const answersFile = resolve(answersArg);
    return { projectDir: projectDirArg ? resolve(projectDirArg) : resolve(answersFile, '..'), answersFile };
  }
  const projectDir = resolve(projectDirArg ?? '.');
  if (existsSync(projectDir) && !statSync(projectDir).isDirectory()) {
    throw new UserError(`${projectDir} is not a directory`, 'give the project directory, or the answers file with --answers FILE');
  }
  return { projectDir, answersFile: answersPath(projectDir) };
}
