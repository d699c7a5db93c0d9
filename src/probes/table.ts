/**
 * The probe × kernel table shown by `dudforge probe` and the wizard, and its JSON form.
 */
import type { ProbeRun } from './types.js';

function cell(value: boolean | 'broken' | undefined): string {
  return value === true ? 'yes' : value === false ? 'no' : value === 'broken' ? 'BROKEN' : '-';
}

/** Plain text, one row per probe (sorted by macro), one column per kernel; broken probes' messages below. */
export function formatProbeTable(run: ProbeRun): string {
  const defines = [...new Set(run.kernels.flatMap((k) => k.results.map((r) => r.define)))].sort();
  const header = ['probe', ...run.kernels.map((k) => k.release)];
  const rows = defines.map((d) => [d, ...run.kernels.map((k) => cell(k.results.find((r) => r.define === d)?.value))]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const fmt = (r: string[]) => r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  const out = [fmt(header), fmt(widths.map((w) => '-'.repeat(w))), ...rows.map(fmt)];
  const broken = run.kernels.flatMap((k) => k.results.filter((r) => r.value === 'broken').map((r) => `${r.define} on ${k.release}: ${r.message ?? 'no compiler message'}`));
  if (broken.length) out.push('', 'broken probes (fix the probe file):', ...broken.map((b) => `  ${b.split('\n').join('\n    ')}`));
  return out.join('\n') + '\n';
}

export function probeRunToJson(run: ProbeRun): object {
  return {
    seconds: run.seconds,
    kernels: run.kernels.map((k) => ({
      release: k.release,
      compiled: k.compiled,
      results: k.results.map((r) => ({ name: r.name, define: r.define, kind: r.kind, value: r.value, ...(r.message ? { message: r.message } : {}), cached: r.cached })),
    })),
  };
}
