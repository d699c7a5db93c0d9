/**
 * The shapes of compatibility probes and their results. A probe asks one question of a kernel's
 * headers ("is strlcpy declared?") and answers it with one macro in dudforge-compat.h.
 */
import type { PipelineEvent } from '../events.js';

export type ProbeKind = 'symbol' | 'header' | 'member' | 'type' | 'call' | 'code' | 'export';

export const PROBE_KINDS: readonly ProbeKind[] = ['symbol', 'header', 'member', 'type', 'call', 'code', 'export'];

/** Where a probe was declared, so messages can point at the user's own lines. */
export interface ProbeSource {
  file: string;
  /** Line of the `<kind> <subject>` line. */
  line: number;
  includeLines: number[];
  globalLines: number[];
  bodyLines: number[];
  defineLine?: number;
}

export interface Probe {
  kind: ProbeKind;
  /** The macro the probe defines when its answer is yes, e.g. HAVE_STRLCPY. */
  define: string;
  /**
   * What is probed, as written after the kind: an identifier (symbol, export), a header path
   * (header), `<type> <member>` (member), a type name (type), a call expression (call); empty
   * for code.
   */
  subject: string;
  /** Headers the probe needs, as `linux/x.h` (no angle brackets). */
  includes: string[];
  /** Lines of C at file scope. For a code probe they are what is tested; otherwise setup. */
  globals: string[];
  /** Lines of C inside the probe function. For a code probe they are tested; otherwise setup. */
  body: string[];
  source?: ProbeSource;
}

export interface ProbeKernel {
  release: string;
  /** The kernel build tree (`/lib/modules/<release>/build`). */
  buildTree: string;
  /** A key that changes whenever the tree's answers could (see src/kernel/tree.ts). */
  identity: string;
  /** The tree was built with clang (CONFIG_CC_IS_CLANG): pass LLVM=1 and clang's flag names. */
  llvm?: boolean;
}

export interface ProbeResult {
  name: string;
  define: string;
  kind: string;
  /** true/false is the kernel's answer; 'broken' means the probe itself does not compile. */
  value: boolean | 'broken';
  /** Why a probe is false or broken: the first compiler error, located in the probe file. */
  message?: string;
  /** The answer came from the cache; nothing was compiled for it in this run. */
  cached: boolean;
}

export interface ProbeKernelRun {
  release: string;
  results: ProbeResult[];
  /** The dudforge-compat.h text for this kernel. */
  header: string;
  /** How many probes were compiled for this kernel in this run (0 when all came from cache). */
  compiled: number;
  /** Whether make was started for this kernel in this run. */
  makeInvoked: boolean;
}

export interface ProbeRun {
  kernels: ProbeKernelRun[];
  seconds: number;
}

export interface RunProbesOptions {
  /** The probes, or the path of a probe file. */
  probes: Probe[] | string;
  kernels: ProbeKernel[];
  /** Results are kept in `<cacheDir>/<identity>/<sha256 of the probe's canonical text>.json`. */
  cacheDir: string;
  /** The job budget shared by all kernels (each kernel runs one make). */
  jobs: number;
  signal?: AbortSignal;
  onEvent?: (e: PipelineEvent) => void;
}
