/**
 * Test helpers: run the real dudforge binary (compiled by `npm test` before the tests run),
 * find the kernels installed here, and make scratch directories.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../../src/paths.js';

export const CLI = join(packageRoot, 'dist', 'src', 'cli', 'main.js');

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], opts: { cwd?: string; env?: Record<string, string | undefined>; timeoutMs?: number } = {}): CliResult {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first (npm test does)`);
  const r: SpawnSyncReturns<string> = spawnSync(process.execPath, [CLI, ...args], {
    cwd: opts.cwd,
    env: { ...process.env, FORCE_COLOR: '0', ...opts.env },
    encoding: 'utf8',
    timeout: opts.timeoutMs ?? 300_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `dudforge-${prefix}-`));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** Kernel releases with a usable build tree in /lib/modules/<release>/build, as installed by .ci/run. */
export function installedKernels(): { release: string; buildTree: string }[] {
  if (!existsSync('/lib/modules')) return [];
  return readdirSync('/lib/modules')
    .sort()
    .map((release) => ({ release, buildTree: join('/lib/modules', release, 'build') }))
    .filter((k) => existsSync(join(k.buildTree, 'Makefile')) && existsSync(join(k.buildTree, '.config')) && readRelease(k.buildTree) === k.release);
}

function readRelease(tree: string): string | undefined {
  try {
    return /#define\s+UTS_RELEASE\s+"([^"]+)"/.exec(readFileSync(join(tree, 'include/generated/utsrelease.h'), 'utf8'))?.[1];
  } catch {
    return undefined;
  }
}

export function sh(cmd: string, args: string[], opts: { cwd?: string; input?: string | Buffer; env?: NodeJS.ProcessEnv } = {}): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { cwd: opts.cwd, input: opts.input, env: opts.env ?? process.env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/** Like sh, but throws with the output when the command fails. */
export function shOk(cmd: string, args: string[], opts: Parameters<typeof sh>[2] = {}): string {
  const r = sh(cmd, args, opts);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}
