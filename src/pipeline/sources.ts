/**
 * Turning the answers' source section into a directory that Kbuild can build: a standalone module
 * directory is used as it is (after checking that nothing in it leads out of it); kernel-tree
 * sources (git, tarball, kernel directory) are imported into <projectDir>/sources first. The
 * project's own files are never sources, even when the project lives in its module directory.
 * Nothing here edits the user's sources.
 */
import { chmodSync, copyFileSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { basename, dirname, join, posix, sep } from 'node:path';
import type { Answers } from '../answers/schema.js';
import { answersPath, projectPath } from '../answers/io.js';
import { UserError } from '../errors.js';
import { scanKbuildDir } from '../kbuild/makefile.js';
import { firmwareEntryKind, splitFirmwareEntry } from '../import/firmware.js';
import { importSources } from '../import/import.js';
import { formatSource } from '../import/source-flag.js';
import { isBuildOutput, listTree, treeHash } from '../import/tree-files.js';
import { checkTree, realPathOf } from '../import/tree-guard.js';
import type { ResolvedSources } from './context.js';

/**
 * Names that are never sources of a module directory: Kbuild's leftovers (the import's own list),
 * VCS metadata, and dudforge's work dir for a project that lives inside its module directory.
 */
export function isNotSource(name: string): boolean {
  return isBuildOutput(name) || name === '.git' || name === '.dudforge';
}

/**
 * The project's own files and directories, as real absolute paths: dudforge.json, .dudforge/
 * (build copies, logs, caches), sources/ and firmware/ (imports), the output directory and a
 * signing key pair. Never sources, whichever directory the sources are read from.
 */
export function projectOwnPaths(projectDir: string, outDir: string, signing?: Answers['signing']): string[] {
  const own = [answersPath(projectDir), join(projectDir, '.dudforge'), join(projectDir, 'sources'), join(projectDir, 'firmware'), outDir];
  if (signing?.mode === 'generate') own.push(projectPath(projectDir, signing.dir));
  if (signing?.mode === 'key') own.push(...[signing.key, signing.cert].filter((p) => !p.startsWith('pkcs11:')).map((p) => projectPath(projectDir, p)));
  return own.map(realPathOf);
}

/** The skip rule of a module directory's walk: Kbuild leftovers, VCS data, the project's own paths. */
export function notSource(own: string[]): (name: string, abs: string) => boolean {
  return (name, abs) => isNotSource(name) || own.some((o) => abs === o || abs.startsWith(o + sep));
}

/**
 * A standalone module directory, checked where it is: no link out of it, no loop, no FIFO or
 * device (tree-guard.ts). Returns its real path and its source files with their hashes.
 */
export function checkModuleDir(dir: string, label: string, own: string[]) {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    const what = existsSync(dir) ? 'is not a directory' : 'does not exist';
    throw new UserError(`driver source directory ${dir} ${what}`, 'set source.path in dudforge.json (or --source dir:PATH) to the module directory');
  }
  const skip = notSource(own);
  const root = checkTree(dir, label, { skip });
  return { root, files: listTree(root, skip) };
}

/**
 * Copy the source files into a build directory as plain files (a checked link becomes a copy
 * of the file it points at) with plain modes: 0644, or 0755 for an executable script.
 */
export function copySourceFiles(root: string, files: string[], dest: string): void {
  for (const f of files) {
    const to = join(dest, f);
    mkdirSync(dirname(to), { recursive: true });
    copyFileSync(join(root, f), to);
    chmodSync(to, statSync(to).mode & 0o111 ? 0o755 : 0o644);
  }
}

/** `outDir`: the output directory of this run (`--out`), default the answers' one. */
export async function resolveSources(answers: Answers, projectDir: string, buildTrees: string[], outDir?: string): Promise<ResolvedSources> {
  const config = answers.config ?? {};
  const source = answers.source;
  const own = projectOwnPaths(projectDir, outDir ?? projectPath(projectDir, answers.output.dir), answers.signing);
  const standalone = source.kind === 'dir' && !(answers.driverDirs && answers.driverDirs.length);
  if (standalone) {
    const { root, files } = checkModuleDir(projectPath(projectDir, source.path), formatSource(source), own);
    const scan = scanKbuildDir(root, config);
    const firmware = (answers.firmware ?? []).map((f) => {
      const { src, target } = splitFirmwareEntry(f);
      const from = projectPath(projectDir, src);
      firmwareEntryKind(f, from, { allowDir: false });
      return { path: target ?? basename(src), from };
    });
    return {
      rootDir: root,
      files: files.map((f) => f.path),
      driverDirs: [''],
      includeDirs: [],
      makeArgs: configArgs(config),
      expectedObjects: scan.expectedObjects,
      contentHash: treeHash(files),
      firmware,
    };
  }
  const destDir = join(projectDir, 'sources');
  const result = await importSources({
    source,
    driverDirs: answers.driverDirs,
    patches: answers.patches,
    patchSeries: answers.patchSeries,
    firmware: answers.firmware,
    config,
    projectDir,
    destDir,
    buildTrees,
    exclude: own,
  });
  // A driver at the root of the tree (`--driver-dir .`) is built like a standalone module
  // directory: a wrapper Kbuild `obj-m += ./` there would recurse into itself.
  const named = (answers.driverDirs ?? []).map(treeRelative);
  const driverDirs = named.includes('') ? [''] : named;
  let expectedObjects = 0;
  for (const d of driverDirs.length ? driverDirs : ['']) expectedObjects += scanKbuildDir(join(destDir, d), { ...result.config, ...config }).expectedObjects;
  return {
    rootDir: destDir,
    files: result.files,
    driverDirs,
    ...(driverDirs.includes('') ? {} : { wrapperKbuild: driverDirs.map((d) => `obj-m += ${d}/\n`).join('') }),
    includeDirs: result.includeDirs ?? [],
    makeArgs: configArgs({ ...result.config, ...config }),
    expectedObjects,
    contentHash: result.sourceHash,
    // Packed from the import's own copy (firmware/ beside sources/), never re-read from where it came.
    firmware: (result.firmware ?? []).map((f) => ({ path: f.path, from: join(projectDir, 'firmware', f.path) })),
    commit: result.commit,
    importNotes: importNotes(result),
  };
}

/** A driver directory as a clean tree-relative path; '' for the root ('.', './', ''). */
function treeRelative(dir: string): string {
  return posix.normalize(dir.replace(/\\/g, '/')).replace(/^(\.\/)+|\/+$/g, '').replace(/^\.$/, '');
}

function configArgs(config: Record<string, string>): string[] {
  return Object.keys(config)
    .sort()
    .filter((k) => config[k] !== 'n')
    .map((k) => `${k}=${config[k]}`);
}

function importNotes(result: Awaited<ReturnType<typeof importSources>>): string[] {
  const notes: string[] = [];
  if (result.reused) notes.push('sources unchanged since the last import (same source, patches, firmware and kernels), not re-read');
  if (result.editedCopy) notes.push('sources/ was edited since the last import: imported again from the source (edit the source or add a patch instead)');
  if (result.commit) notes.push(`sources imported from commit ${result.commit}`);
  for (const h of result.pulledHeaders) notes.push(`pulled in ${h.path}: ${h.reason}`);
  if (result.changes && !result.unchanged) {
    const { added, removed, modified } = result.changes;
    notes.push(`sources changed since the last import: ${added.length} added, ${removed.length} removed, ${modified.length} modified`);
    for (const f of added) notes.push(`  + ${f}`);
    for (const f of removed) notes.push(`  - ${f}`);
    for (const f of modified) notes.push(`  M ${f}`);
  }
  return notes;
}
