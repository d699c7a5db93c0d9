/**
 * Probe answers kept per kernel identity and probe text:
 * `<cacheDir>/<identity>/<sha256 of the canonical probe text>.json`. An unchanged probe is never
 * compiled twice for one kernel; editing a probe changes its hash, so only it is compiled again.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { writeFileAtomicSync } from '../fs/atomic-write.js';
import { join } from 'node:path';
import type { ProbeError } from './diagnostics.js';
import { canonicalProbeText } from './parse.js';
import { PROBE_GENERATOR_VERSION } from './source.js';
import type { Probe } from './types.js';

export interface CachedAnswer {
  generator: number;
  define: string;
  kind: string;
  /** The canonical text the hash was taken of, for a human reading the cache. */
  probe: string;
  value: boolean | 'broken';
  /** The first compiler errors (canonical line numbers), or a reason without a compile. */
  errors?: ProbeError[];
  reason?: string;
}

export function probeHash(p: Probe): string {
  // The define is part of the key: two probes asking the same thing under different names
  // are two answers in the header.
  return createHash('sha256').update(`${p.define}\n${canonicalProbeText(p)}`).digest('hex');
}

/** A directory name for a kernel identity (identities are hex, but callers may pass anything). */
function identityDir(cacheDir: string, identity: string): string {
  return join(cacheDir, identity.replace(/[^A-Za-z0-9._+-]/g, '_'));
}

export function readCachedAnswer(cacheDir: string, identity: string, p: Probe): CachedAnswer | undefined {
  try {
    const a = JSON.parse(readFileSync(join(identityDir(cacheDir, identity), `${probeHash(p)}.json`), 'utf8')) as CachedAnswer;
    return a.generator === PROBE_GENERATOR_VERSION && a.define === p.define ? a : undefined;
  } catch {
    return undefined;
  }
}

export function writeCachedAnswer(cacheDir: string, identity: string, p: Probe, answer: Omit<CachedAnswer, 'generator' | 'define' | 'kind' | 'probe'>): void {
  const dir = identityDir(cacheDir, identity);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${probeHash(p)}.json`);
  const full: CachedAnswer = { generator: PROBE_GENERATOR_VERSION, define: p.define, kind: p.kind, probe: canonicalProbeText(p), ...answer };
  writeFileAtomicSync(file, JSON.stringify(full, null, 2) + '\n');
}
