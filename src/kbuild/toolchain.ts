/**
 * The toolchain's identity for the build cache: the compiler, linker and make that Kbuild will
 * run. A different gcc gives different objects, so it must give a different cache key.
 * Kernels name their own compiler (Debian's trees run `gcc-12` or `x86_64-linux-gnu-gcc-12`
 * through `.kernelvariables`, not `gcc`), so each kernel's compiler is identified too: its
 * resolved path, size and mtime (a package update changes them even when `--version` does not)
 * and its version line.
 */
import { mkdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { execa } from 'execa';
import { writeFileAtomicSync } from '../fs/atomic-write.js';

let cached: Promise<string> | undefined;
/** Version lines by command, so each tool is asked once per process (the cache key and the job server both need make's). */
const versions = new Map<string, Promise<string>>();

/** The file `cmd` runs from PATH, with its size and mtime; undefined when not found. */
function installedFile(cmd: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    try {
      const real = realpathSync(join(dir, cmd));
      const st = statSync(real);
      if (st.isFile()) return `${real} ${st.size} ${Math.floor(st.mtimeMs)}`;
    } catch {
      /* not in this directory */
    }
  }
  return undefined;
}

function versionLine(cmd: string): Promise<string> {
  let line = versions.get(cmd);
  if (!line) {
    line = askVersion(cmd);
    versions.set(cmd, line);
  }
  return line;
}

/**
 * Version lines already asked, by the file they came from with its size and mtime: the same
 * file says the same, so a no-change rebuild starts no compiler just to ask (each start costs
 * tens of milliseconds). $DUDFORGE_CACHE, else $XDG_CACHE_HOME/dudforge, else ~/.cache/dudforge.
 */
function versionCacheFile(): string {
  const env = process.env;
  return join(env.DUDFORGE_CACHE || join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'dudforge'), 'tool-versions.json');
}

let knownVersions: Record<string, string> | undefined;
function known(): Record<string, string> {
  if (!knownVersions) {
    try {
      const parsed = JSON.parse(readFileSync(versionCacheFile(), 'utf8')) as unknown;
      knownVersions = parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, string>) : {};
    } catch {
      knownVersions = {};
    }
  }
  return knownVersions;
}

function remember(key: string, line: string): void {
  const all = known();
  all[key] = line;
  try {
    const file = versionCacheFile();
    mkdirSync(dirname(file), { recursive: true });
    writeFileAtomicSync(file, JSON.stringify(all));
  } catch {
    // A read-only home: ask again next time.
  }
}

async function askVersion(cmd: string): Promise<string> {
  const file = installedFile(cmd);
  if (!file) return `${cmd}: missing`;
  const key = `${cmd}\0${file}`;
  const seen = known()[key];
  if (typeof seen === 'string') return seen;
  try {
    const { stdout } = await execa(cmd, ['--version'], { timeout: 10_000 });
    const line = `${cmd}: ${stdout.split('\n')[0]} (${file})`;
    remember(key, line);
    return line;
  } catch {
    return `${cmd}: unusable (${file})`;
  }
}

export function toolchainIdentity(): Promise<string> {
  cached ??= Promise.all(['gcc', 'ld', 'make'].map(versionLine)).then((lines) => lines.join('\n'));
  return cached;
}

/**
 * The compiler a kernel's Kbuild runs, from its `CONFIG_CC_VERSION_TEXT` (first word, e.g.
 * `gcc-12`, `x86_64-linux-gnu-gcc-12`, `clang`). Empty when the tree does not say.
 */
export function kernelCompilerIdentity(ccVersionText: string | undefined): Promise<string> {
  const cmd = ccVersionText?.trim().split(/\s+/)[0];
  if (!cmd || !/^[\w.+-]+$/.test(cmd)) return Promise.resolve('');
  return versionLine(cmd);
}

/** GNU make's major and minor version, or undefined when make is not GNU make. */
export async function makeVersion(): Promise<{ major: number; minor: number } | undefined> {
  const m = /^make: GNU Make (\d+)\.(\d+)/.exec(await versionLine('make'));
  return m ? { major: Number(m[1]), minor: Number(m[2]) } : undefined;
}
