/**
 * The identity of an import: everything that shapes `<project>/sources`, read cheaply. A tarball
 * is its real path, size, mtime and inode; a git source the commit its revision resolves to; a
 * kernel directory a stamp (lstat) of the chosen driver directories and of the headers the last
 * import pulled in from it. Patches are hashed (they are small); firmware and build trees are
 * stamped. When the identity and the imported copy are what the last import recorded, the import
 * is reused and the source is not read at all (a kernel tarball takes half a minute to decompress).
 *
 * The record lives in `<project>/.dudforge/import/<dest name>.json`.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { SourceSpec } from '../answers/schema.js';
import type { PatchStep } from './patches.js';
import { resolveCommit, resolveAgainst } from './source-tree.js';
import { realPathOf } from './tree-guard.js';
import { writeFileAtomicSync } from '../fs/atomic-write.js';

/** Bump when the import's output for the same inputs changes. */
const FORMAT = 1;

export interface IdentityInputs {
  source: SourceSpec;
  projectDir: string;
  destDir: string;
  firmwareDir: string;
  dirs: string[];
  steps: PatchStep[];
  firmware: string[];
  buildTrees: string[];
  exclude: string[];
}

export interface ImportRecord<R> {
  identity: string;
  /** Tree-relative headers pulled in last time (a directory source stamps them too). */
  pulled: string[];
  /** The CONFIG_ defaults the Makefiles gave (before the user's config). */
  defaults: Record<string, string>;
  result: R;
}

function recordPath(projectDir: string, destDir: string): string {
  return path.join(projectDir, '.dudforge', 'import', `${path.basename(destDir)}.json`);
}

/** lstat lines of everything under `abs` (sorted, not following links); `skip` leaves entries out. */
function stamp(abs: string, lines: string[], skip: (p: string) => boolean): void {
  if (skip(abs)) return;
  let st: fs.Stats;
  try {
    st = fs.lstatSync(abs);
  } catch {
    lines.push(`${abs} -`);
    return;
  }
  const link = st.isSymbolicLink() ? fs.readlinkSync(abs) : '';
  lines.push(`${abs} ${st.mode} ${st.size} ${st.mtimeMs} ${st.ino} ${link}`);
  if (!st.isDirectory()) return;
  for (const name of fs.readdirSync(abs).sort()) {
    const p = path.join(abs, name);
    if (name === '.git') continue;
    stamp(p, lines, skip);
  }
}

function statLine(p: string): string {
  try {
    const st = fs.statSync(p);
    return `${fs.realpathSync.native(p)} ${st.size} ${st.mtimeMs} ${st.ino} ${st.dev}`;
  } catch {
    return `${p} -`;
  }
}

/** The identity, or undefined when the source cannot be read cheaply (the import then says why). */
export async function importIdentity(inputs: IdentityInputs, pulled: string[]): Promise<string | undefined> {
  const { source, projectDir } = inputs;
  const lines: string[] = [`format ${FORMAT}`, `kind ${source.kind}`];
  // Compared as real paths, as the directory source's copy does (openDir).
  // The import's own outputs are never inputs (a firmware entry `firmware/x.bin` not in the tree
  // would otherwise stamp the copy in `<project>/firmware`).
  const excluded = [...inputs.exclude, inputs.destDir, inputs.firmwareDir].map((e) => (e.endsWith('*') ? realPathOf(e.slice(0, -1)) + '*' : realPathOf(e)));
  const skip = (p: string) => excluded.some((e) => (e.endsWith('*') ? p.startsWith(e.slice(0, -1)) : p === e || p.startsWith(e + path.sep)));
  let treeRoot: string | undefined;
  if (source.kind === 'tar') {
    const file = resolveAgainst(projectDir, source.file);
    if (!fs.existsSync(file)) return undefined;
    lines.push(`tar ${statLine(file)}`);
  } else if (source.kind === 'git') {
    const repo = resolveAgainst(projectDir, source.repo);
    const commit = await resolveCommit(repo, source.rev);
    if (!commit) return undefined;
    lines.push(`git ${fs.realpathSync.native(repo)} ${commit}`);
  } else {
    const root = resolveAgainst(projectDir, source.path);
    if (!fs.existsSync(root)) return undefined;
    treeRoot = fs.realpathSync.native(root);
    lines.push(`dir ${treeRoot}`);
    for (const d of inputs.dirs) stamp(path.join(treeRoot, d), lines, skip);
    for (const h of pulled) stamp(path.join(treeRoot, h), lines, skip);
  }
  lines.push(`dirs ${JSON.stringify(inputs.dirs)}`, `dest ${inputs.destDir} ${inputs.firmwareDir}`);
  // What a directory source leaves out matters to its copy only.
  if (treeRoot) lines.push(`exclude ${JSON.stringify(inputs.exclude)}`);
  for (const s of inputs.steps) {
    lines.push(`patch ${s.name} ${s.strip} ${createHash('sha256').update(fs.readFileSync(s.file)).digest('hex')}`);
  }
  for (const f of inputs.firmware) {
    const src = f.split('=')[0];
    lines.push(`firmware ${f}`);
    stamp(realPathOf(path.resolve(projectDir, src)), lines, skip);
    if (treeRoot) stamp(path.join(treeRoot, src), lines, skip);
  }
  // Which `<…>` headers are pulled in depends on what the target build trees hold.
  for (const t of inputs.buildTrees) lines.push(`kernel ${statLine(t)} ${statLine(path.join(t, '.config'))} ${statLine(path.join(t, 'include'))}`);
  return createHash('sha256').update(lines.join('\n')).digest('hex');
}

export function readImportRecord<R>(projectDir: string, destDir: string): ImportRecord<R> | undefined {
  try {
    const rec = JSON.parse(fs.readFileSync(recordPath(projectDir, destDir), 'utf8')) as ImportRecord<R>;
    return typeof rec.identity === 'string' && Array.isArray(rec.pulled) && rec.defaults && rec.result ? rec : undefined;
  } catch {
    return undefined;
  }
}

export function writeImportRecord<R>(projectDir: string, destDir: string, record: ImportRecord<R>): void {
  const file = recordPath(projectDir, destDir);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  writeFileAtomicSync(file, JSON.stringify(record));
}
