/**
 * What every pipeline step shares: the answers, where things go, the kernels as inspected, and
 * the reporter. Built once by the resolve step.
 */
import type { Answers } from '../answers/schema.js';
import type { KernelTree } from '../kernel/tree.js';
import type { Reporter } from '../events.js';
import type { SecretGuard } from './secrets.js';

export interface ResolvedKernel {
  release: string;
  tree: KernelTree;
}

export interface ResolvedSources {
  /** Directory copied for each kernel and given to make as M=. */
  rootDir: string;
  /** The source files under rootDir (relative, sorted): the only files copied, hashed and packed. */
  files: string[];
  /** Driver directories inside rootDir (relative; '' for a standalone module directory). */
  driverDirs: string[];
  /** When several driver dirs are built together, the Kbuild text written at the copy's root. */
  wrapperKbuild?: string;
  /** Extra include directories (relative to rootDir) for headers the import pulled in. */
  includeDirs: string[];
  /** make command-line assignments: CONFIG_FOO=m … */
  makeArgs: string[];
  expectedObjects: number;
  /** sha256 of every source file's path and content: part of the cache key. */
  contentHash: string;
  /** Firmware to ship: path under /lib/firmware and the file it comes from. */
  firmware: { path: string; from: string }[];
  /** The git commit the sources were imported from. */
  commit?: string;
  /** What the import says happened, for the log: pulled-in headers, changes since the last import. */
  importNotes?: string[];
}

export interface PipelineContext {
  answers: Answers;
  projectDir: string;
  /** <projectDir>/.dudforge: per-kernel build copies, logs, caches. */
  workDir: string;
  outDir: string;
  /** Seconds since the epoch stamped into every artifact. */
  buildTime: number;
  jobs: number;
  kernels: ResolvedKernel[];
  sources: ResolvedSources;
  reporter: Reporter;
  signal: AbortSignal;
  /** The keys no artifact may contain, and the source files the source RPM may pack. */
  secrets: SecretGuard;
}
