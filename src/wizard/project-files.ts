/**
 * What "delete the project's files" on the start screen removes: only what dudforge wrote in the
 * project directory — dudforge.json (and its backups), the output directory when its manifest
 * says dudforge wrote it, and .dudforge/ (build copies, logs, the lock). Sources, keys and anything
 * else stay, and so does the directory unless nothing else is left in it. The screen names these
 * paths before asking a second time.
 */
import { existsSync, readdirSync, readFileSync, rmdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { answersPath } from '../answers/io.js';
import { outputDirOf } from '../answers/facts.js';
import { MANIFEST } from '../pipeline/output.js';

function outputDir(projectDir: string): string | undefined {
  let doc: { output?: { dir?: string } } = {};
  try {
    doc = JSON.parse(readFileSync(answersPath(projectDir), 'utf8'));
  } catch {
    // An unreadable dudforge.json names no output directory: the default one is still checked.
  }
  const out = outputDirOf(doc, projectDir);
  return existsSync(join(out, MANIFEST)) ? out : undefined;
}

/** The paths deleting the project would remove, those that exist. */
export function projectFiles(projectDir: string): string[] {
  const json = answersPath(projectDir);
  const backups = existsSync(projectDir) ? readdirSync(projectDir).filter((n) => n.startsWith('dudforge.json.bak-')).map((n) => join(projectDir, n)) : [];
  return [json, ...backups, outputDir(projectDir), join(projectDir, '.dudforge')].filter((p): p is string => !!p && existsSync(p));
}

/** Removes `projectFiles`, then the directory if that left it empty. Returns what was removed. */
export function deleteProjectFiles(projectDir: string): string[] {
  const files = projectFiles(projectDir);
  for (const p of files) rmSync(p, { recursive: true, force: true });
  if (existsSync(projectDir) && readdirSync(projectDir).length === 0) rmdirSync(projectDir);
  return files;
}
