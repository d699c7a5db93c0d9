/**
 * Reusing out/ when nothing that shapes it changed. Packaging, the repodata, the ISO and its
 * verification take most of a no-change rebuild (deflating a module into an RPM alone is a
 * second), and for the same inputs they write the same bytes. The inputs are keyed here: the
 * answers, the build time, the output options, each kernel's build-cache entry (sources,
 * make arguments, probe results, kernel identity, compiler: build-cache.ts) stamped by its
 * manifest's inode and mtime, the firmware shipped, the project files packaging reads (probe
 * file, udev rules, kABI stablelist) and dudforge's own code and templates. The record also
 * stamps every file out/ held after that run: a file removed, replaced or touched there means
 * out/ is written again.
 *
 * Signed builds are never reused (keys, certificates and GnuPG are outside this key), nor are
 * partial ones. The record lives in `<project>/.dudforge/output.json`.
 */
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { projectPath } from '../answers/io.js';
import { writeFileAtomicSync } from '../fs/atomic-write.js';
import { packageRoot, packageVersion } from '../paths.js';
import type { PipelineContext } from './context.js';
import type { KernelBuildResult } from './build.js';

/** Bump when what out/ holds for the same inputs changes. */
const FORMAT = 1;

/** What a reused run reports, as the run that wrote out/ reported it. */
export interface ReusedOutput {
  rpms: { path: string; bytes: number; release: string }[];
  srpms: { path: string; bytes: number }[];
  iso?: { path: string; bytes: number };
  kabi?: { release: string; symbolsNotOnList: string[] }[];
}

interface OutputRecord {
  key: string;
  outDir: string;
  /** name → `size mtime inode` of every entry of out/ after the run. */
  files: Record<string, string>;
  result: ReusedOutput;
}

function recordPath(workDir: string): string {
  return join(workDir, 'output.json');
}

function statLine(p: string): string {
  try {
    const st = statSync(p);
    return `${st.size} ${st.mtimeMs} ${st.ino}`;
  } catch {
    return '-';
  }
}

function fileHash(p: string): string {
  try {
    return createHash('sha256').update(readFileSync(p)).digest('hex');
  } catch {
    return '-';
  }
}

let codeStampOnce: string | undefined;
/** dudforge's own compiled code and templates, by stat: a rebuilt dudforge writes out/ again. */
function codeStamp(): string {
  if (codeStampOnce) return codeStampOnce;
  const lines: string[] = [packageVersion];
  const walk = (dir: string) => {
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch {
      return;
    }
    for (const name of names) {
      const p = join(dir, name);
      const st = lstatSync(p);
      if (st.isDirectory()) walk(p);
      else lines.push(`${p} ${st.size} ${st.mtimeMs} ${st.ino}`);
    }
  };
  // dist/src after tsc (src under tsx): the code tree this file was loaded from.
  walk(dirname(dirname(fileURLToPath(import.meta.url))));
  walk(join(packageRoot, 'templates'));
  codeStampOnce = createHash('sha256').update(lines.join('\n')).digest('hex');
  return codeStampOnce;
}

/** The stamp of every entry of out/ (empty when it does not exist). */
function outputFiles(outDir: string): Record<string, string> {
  let names: string[];
  try {
    names = readdirSync(outDir).sort();
  } catch {
    return {};
  }
  return Object.fromEntries(names.map((n) => [n, statLine(join(outDir, n))]));
}

/**
 * The key of what this run would write to out/, or undefined when it is never reused (signing,
 * a GnuPG header signature, a kernel that failed or whose modules are not in the build cache).
 */
export function outputKey(ctx: PipelineContext, built: KernelBuildResult[], opts: { noDisk: boolean; isoName: string; cacheDir: string }): string | undefined {
  const { answers } = ctx;
  if ((answers.signing && answers.signing.mode !== 'none') || answers.packaging.gpgKey || answers.packaging.strip) return undefined;
  if (built.length === 0 || built.some((b) => !b.ok || !b.cacheKey)) return undefined;
  const lines = [
    `format ${FORMAT}`,
    `code ${codeStamp()}`,
    `answers ${JSON.stringify(answers)}`,
    `time ${ctx.buildTime}`,
    `out ${ctx.outDir} ${opts.noDisk} ${opts.isoName}`,
    ...built.map((b) => `kernel ${b.release} ${b.cacheKey} ${statLine(join(opts.cacheDir, b.release, 'manifest.json'))}`),
    ...ctx.sources.firmware.map((f) => `firmware ${f.path} ${f.from} ${statLine(f.from)}`),
  ];
  const projectFile = (label: string, p: string | undefined) => {
    if (p) lines.push(`${label} ${fileHash(projectPath(ctx.projectDir, p))}`);
  };
  projectFile('probes', answers.probes);
  projectFile('udev', answers.extraFiles?.udevRules);
  projectFile('kabi', answers.packaging.kabiStablelist);
  return createHash('sha256').update(lines.join('\n')).digest('hex');
}

/** What the run that wrote out/ reported, when out/ is still exactly what it wrote for `key`. */
export function reusableOutput(workDir: string, key: string, outDir: string): ReusedOutput | undefined {
  let record: OutputRecord;
  try {
    record = JSON.parse(readFileSync(recordPath(workDir), 'utf8')) as OutputRecord;
  } catch {
    return undefined;
  }
  if (record.key !== key || record.outDir !== outDir || !record.files || !record.result) return undefined;
  const now = outputFiles(outDir);
  const names = Object.keys(record.files);
  if (names.length === 0 || names.length !== Object.keys(now).length || names.some((n) => now[n] !== record.files[n])) return undefined;
  return record.result;
}

/** Remember what this run wrote (call after out/ was swapped in). */
export function recordOutput(workDir: string, key: string, outDir: string, result: ReusedOutput): void {
  const record: OutputRecord = { key, outDir, files: outputFiles(outDir), result };
  writeFileAtomicSync(recordPath(workDir), JSON.stringify(record));
}

/** Forget the record: out/ is about to change in a way the record does not describe. */
export function forgetOutput(workDir: string): void {
  try {
    writeFileAtomicSync(recordPath(workDir), '{}');
  } catch {
    /* no work dir yet: nothing recorded */
  }
}
