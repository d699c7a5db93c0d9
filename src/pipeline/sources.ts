/**
 * Turning the answers' source section into a directory that Kbuild can build: a standalone module
 * directory is used as it is; kernel-tree sources (git, tarball, kernel directory) are imported
 * into <projectDir>/sources first. Nothing here edits the user's sources.
 */
import { statSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Answers } from '../answers/schema.js';
import { projectPath } from '../answers/io.js';
import { UserError } from '../errors.js';
import { scanKbuildDir } from '../kbuild/makefile.js';
import { importSources } from '../import/import.js';
import { isBuildOutput, listTree, treeHash } from '../import/tree-files.js';
import type { ResolvedSources } from './context.js';

/**
 * Names that are never sources of a module directory: Kbuild's leftovers (the import's own list),
 * VCS metadata, and dudforge's work dir for a project that lives inside its module directory.
 */
export function isNotSource(name: string): boolean {
  return isBuildOutput(name) || name === '.git' || name === '.dudforge';
}

/** Every source file under dir (relative paths, sorted). */
export function listSourceFiles(dir: string): string[] {
  return listTree(dir, isNotSource).map((f) => f.path);
}

export async function resolveSources(answers: Answers, projectDir: string, buildTrees: string[]): Promise<ResolvedSources> {
  const config = answers.config ?? {};
  const source = answers.source;
  const standalone = source.kind === 'dir' && !(answers.driverDirs && answers.driverDirs.length);
  if (standalone) {
    const dir = projectPath(projectDir, source.path);
    if (!existsSync(dir) || !statSync(dir).isDirectory()) {
      throw new UserError(`driver source directory ${dir} does not exist`, 'set source.path in dudforge.json (or --source dir:PATH) to the module directory');
    }
    const scan = scanKbuildDir(dir, config);
    return {
      rootDir: dir,
      driverDirs: [''],
      includeDirs: [],
      makeArgs: configArgs(config),
      expectedObjects: scan.expectedObjects,
      contentHash: treeHash(listTree(dir, isNotSource)),
      firmware: (answers.firmware ?? []).map((f) => ({ path: f.split('/').pop() as string, from: projectPath(projectDir, f) })),
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
  });
  // '.' (the top) means the imported tree is one module: built as it is, without a wrapper Kbuild.
  const driverDirs = (answers.driverDirs ?? []).filter((d) => !/^\.?\/*$/.test(d));
  let expectedObjects = 0;
  for (const d of driverDirs.length ? driverDirs : ['']) expectedObjects += scanKbuildDir(join(destDir, d), { ...result.config, ...config }).expectedObjects;
  return {
    rootDir: destDir,
    driverDirs: driverDirs.length ? driverDirs : [''],
    wrapperKbuild: driverDirs.map((d) => `obj-m += ${d.replace(/\/+$/, '')}/\n`).join(''),
    includeDirs: result.includeDirs ?? [],
    makeArgs: configArgs({ ...result.config, ...config }),
    expectedObjects,
    contentHash: result.sourceHash,
    firmware: result.firmware ?? [],
    commit: result.commit,
    importNotes: importNotes(result),
  };
}

function configArgs(config: Record<string, string>): string[] {
  return Object.keys(config)
    .sort()
    .filter((k) => config[k] !== 'n')
    .map((k) => `${k}=${config[k]}`);
}

function importNotes(result: Awaited<ReturnType<typeof importSources>>): string[] {
  const notes: string[] = [];
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
