/**
 * The kernels installed here, for probe tests: every usable build tree that discoverKernels()
 * finds, with its major.minor — tests key known answers by that, never by a release string.
 */
import { discoverKernels } from '../../src/kernel/discover.js';
import type { ProbeKernel } from '../../src/probes/index.js';

export interface TestKernel extends ProbeKernel {
  /** "6.1", "6.12" */
  series: string;
}

export function installedKernels(): TestKernel[] {
  return discoverKernels()
    .filter((k) => k.usable && k.release && !k.cross)
    .map((k) => ({
      release: k.release!,
      buildTree: k.path,
      identity: k.identity,
      llvm: k.llvm,
      series: /^(\d+\.\d+)/.exec(k.release!)?.[1] ?? '?',
    }));
}

/** The answer a probe must give on `series`; undefined when the test does not know that series. */
export function expected<T>(table: Record<string, T>, series: string): T | undefined {
  return Object.prototype.hasOwnProperty.call(table, series) ? table[series] : undefined;
}
