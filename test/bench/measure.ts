/**
 * Timing for the bench: wall seconds, CPU seconds of the finished children (user + sys from
 * /proc/self/stat cutime/cstime, which cover make, gcc and everything they waited for), and the
 * dudforge process's own peak RSS through rss-hook.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';

export interface Sample {
  wall: number;
  cpu: number;
  /** MiB; only for dudforge runs. */
  rss?: number;
}

/** cutime + cstime of this process in seconds: CPU used by children that have been waited for. */
export function childCpuSeconds(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = 100; // USER_HZ on Linux
  return (Number(fields[13]) + Number(fields[14])) / ticks;
}

export interface RunOptions {
  cwd?: string;
  env?: Record<string, string>;
  /** Measure the peak RSS of this node process (the command must be `node`). */
  nodeRss?: boolean;
}

export const RSS_HOOK = new URL('./rss-hook.js', import.meta.url).pathname;

/** Run one command to completion and measure it; a non-zero exit throws with its output. */
export async function measure(cmd: string, args: string[], opts: RunOptions = {}): Promise<Sample & { stdout: string; stderr: string }> {
  let rssDir: string | undefined;
  const env: Record<string, string> = { LC_ALL: 'C', ...opts.env };
  let fullArgs = args;
  if (opts.nodeRss) {
    rssDir = mkdtempSync(join(tmpdir(), 'dudforge-bench-rss-'));
    env.DUDFORGE_BENCH_RSS_FILE = join(rssDir, 'rss');
    fullArgs = ['--import', RSS_HOOK, ...args];
  }
  try {
    const cpu0 = childCpuSeconds();
    const t0 = performance.now();
    const r = await execa(cmd, fullArgs, { cwd: opts.cwd, env, reject: false, all: false, maxBuffer: 256 * 1024 * 1024 });
    const wall = (performance.now() - t0) / 1000;
    const cpu = childCpuSeconds() - cpu0;
    if (r.exitCode !== 0) {
      throw new Error(`${cmd} ${fullArgs.join(' ')} exited ${r.exitCode}\n${String(r.stdout).slice(-3000)}\n${String(r.stderr).slice(-3000)}`);
    }
    const rss = rssDir ? Number(readFileSync(join(rssDir, 'rss'), 'utf8')) / 1024 : undefined;
    return { wall, cpu, rss, stdout: String(r.stdout), stderr: String(r.stderr) };
  } finally {
    if (rssDir) rmSync(rssDir, { recursive: true, force: true });
  }
}

export function median(xs: number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

export function fmt(n: number | undefined, digits = 2): string {
  return n === undefined || Number.isNaN(n) ? '–' : n.toFixed(digits);
}
