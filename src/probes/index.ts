/** Compatibility probes: the public face of src/probes. */
export type { Probe, ProbeKind, ProbeKernel, ProbeKernelRun, ProbeResult, ProbeRun, RunProbesOptions, ProbeSource } from './types.js';
export { PROBE_KINDS } from './types.js';
export { parseProbeFile, readProbeFile, canonicalProbeText, validateProbes } from './parse.js';
export { runProbes } from './run.js';
export { renderCompatHeader } from './header.js';
export { formatProbeTable, probeRunToJson } from './table.js';
export { probeHash } from './cache.js';
