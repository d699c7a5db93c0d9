/**
 * Turning the answers' source section into a directory that Kbuild can build: a standalone module
 * directory is used as it is; kernel-tree sources (git, tarball, kernel directory) are imported
 * into <projectDir>/sources first. Nothing here edits the user's sources.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { Answers } from '../answers/schema.js';
import { projectPath } from '../answers/io.js';
import { UserError } from '../errors.js';
import { scanKbuildDir } from '../kbuild/makefile.js';
import { importSources } from '../import/import.js';
import type { ResolvedSources } from './context.js';

/** Build outputs that never belong to the sources (and must not change the content hash). */
const BUILD_OUTPUT = /(\.o|\.ko|\.mod|\.mod\.c|\.cmd|\.order|\.symvers|\.a|\.tmp|\.d)$|^\.tmp_|^\.cache\.mk$/;

export function isBuildOutput(name: string): boolean {
  return BUILD_OUTPUT.test(name) || name === 'Module.symvers' || name === 'modules.order' || name === '.dudforge';
}

/** Every source file under dir (relative paths, sorted), skipping build outputs. */
export function listSourceFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      if (isBuildOutput(entry.name) || entry.name === '.git') continue;
      const full = join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile() || entry.isSymbolicLink()) out.push(relative(dir, full));
    }
  };
  walk(dir);
  return out;
}

export function hashSourceTree(dir: string): string {
  const hash = createHash('sha256');
  for (const file of listSourceFiles(dir)) {
    const full = join(dir, file);
    const st = statSync(full);
    hash.update(`${file}\0${st.mode & 0o111 ? 'x' : '-'}\0`);
    hash.update(readFileSync(full));
    hash.update('\0');
  }
  return hash.digest('hex');
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
      contentHash: hashSourceTree(dir),
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
  const driverDirs = answers.driverDirs ?? [];
  let expectedObjects = 0;
  for (const d of driverDirs) expectedObjects += scanKbuildDir(join(destDir, d), { ...result.config, ...config }).expectedObjects;
  return {
    rootDir: destDir,
    driverDirs,
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
