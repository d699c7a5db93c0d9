/**
 * Throughput of the packaging writers on generated data: one kmod-style RPM holding a 10 MiB
 * module, and an ISO of 200 MiB of RPM-sized files. The module bytes come two ways, each
 * repeated to 10 MiB: real machine code (the kernel's vmlinux from a build tree: what a
 * stripped module is made of, and the slowest to deflate), and a module the bench just built
 * (machine code plus the DWARF that Debian's kernel config adds). The ISO files are random
 * bytes, like the already compressed RPMs a disk holds.
 */
import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildRpm, type RpmPackageSpec } from '../../src/rpm/index.js';
import { GZIP_PAYLOAD_LEVEL, gzipParallel } from '../../src/rpm/compress.js';
import { writeIso, type IsoEntry } from '../../src/iso/index.js';
import { median } from './measure.js';

const MiB = 1024 * 1024;

export interface WriterResult {
  label: string;
  mib: number;
  seconds: number[];
  mibPerSecond: number;
  /** What the input was, in words. */
  input: string;
}

function tile(seed: Buffer, size: number): Buffer {
  const out = Buffer.alloc(size);
  for (let off = 0; off < size; off += seed.length) seed.copy(out, off, 0, Math.min(seed.length, size - off));
  return out;
}

/** The module inputs: a tree's vmlinux (code), and the largest .ko built under `builtDir` (code + DWARF). */
export function moduleInputs(buildTrees: string[], builtDir: string): { bytes: Buffer; input: string }[] {
  const seeds: { path: string; what: string }[] = [];
  const vmlinux = buildTrees.map((t) => join(t, 'vmlinux')).find((p) => existsSync(p) && statSync(p).size > MiB);
  if (vmlinux) seeds.push({ path: vmlinux, what: 'machine code' });
  const built = largestModule(builtDir);
  if (built) seeds.push({ path: built, what: 'a built module with debug info' });
  return seeds.map((s) => ({ bytes: tile(readFileSync(s.path), 10 * MiB), input: `10 MiB of ${s.what}: ${s.path} repeated` }));
}

function largestModule(dir: string): string | undefined {
  let best: { path: string; size: number } | undefined;
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && e.name.endsWith('.ko')) {
        const size = statSync(p).size;
        if (!best || size > best.size) best = { path: p, size };
      }
    }
  };
  if (existsSync(dir)) walk(dir);
  return best?.path;
}

export async function benchRpmWriter(module: { bytes: Buffer; input: string }, rounds: number): Promise<WriterResult> {
  const { bytes, input } = module;
  const spec: RpmPackageSpec = {
    name: 'kmod-bench',
    version: '1.0.0',
    release: '1',
    summary: 'bench module',
    description: 'A 10 MiB module for the RPM writer bench.',
    license: 'GPL-2.0-only',
    buildHost: 'bench.example.org',
    buildTime: 1767225600,
    arch: 'x86_64',
    provides: [],
    requires: [],
    files: [
      { path: '/lib/modules/6.1.0-bench/extra/bench', type: 'dir', mode: 0o755 },
      { path: '/lib/modules/6.1.0-bench/extra/bench/bench.ko', type: 'file', mode: 0o644, data: bytes },
    ],
    compression: 'gzip',
  };
  const seconds: number[] = [];
  // One untimed round first: the figure is the writer's speed, not the JIT's or the thread pool's start.
  let size = (await buildRpm(spec)).length;
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    size = (await buildRpm(spec)).length;
    seconds.push((performance.now() - t0) / 1000);
  }
  return {
    label: `RPM writer (buildRpm, gzip -${GZIP_PAYLOAD_LEVEL} payload), ${input.includes('debug') ? 'module with debug info' : 'machine code'}`,
    mib: 10,
    seconds,
    mibPerSecond: 10 / median(seconds),
    input: `${input}; RPM ${(size / MiB).toFixed(1)} MiB`,
  };
}

export async function benchIsoWriter(workDir: string, rounds: number): Promise<WriterResult> {
  const inputDir = join(workDir, 'iso-input');
  mkdirSync(inputDir, { recursive: true });
  // 200 MiB as 80 files of 2.5 MiB: the size of kmod RPMs of a large driver.
  const files = 80;
  const perFile = (200 * MiB) / files;
  const entries: IsoEntry[] = [{ path: 'rhdd3', type: 'file', source: Buffer.from('Driver Update Disk version 3\n') }];
  for (let i = 0; i < files; i++) {
    const name = `kmod-bench${i}-1.0.0-1.x86_64.rpm`;
    writeFileSync(join(inputDir, name), randomBytes(perFile));
    entries.push({ path: `rpms/x86_64/${name}`, type: 'file', source: { file: join(inputDir, name) } });
  }
  const out = join(workDir, 'bench.iso');
  const seconds: number[] = [];
  try {
    // One untimed round first, as for the RPM writer (it also puts the input files in the page cache).
    await writeIso(out, entries, { volumeId: 'OEMDRV', time: 1767225600 });
    for (let r = 0; r < rounds; r++) {
      rmSync(out, { force: true });
      const t0 = performance.now();
      await writeIso(out, entries, { volumeId: 'OEMDRV', time: 1767225600 });
      seconds.push((performance.now() - t0) / 1000);
    }
  } finally {
    rmSync(inputDir, { recursive: true, force: true });
    rmSync(out, { force: true });
  }
  return {
    label: 'ISO writer (writeIso, files streamed from disk)',
    mib: 200,
    seconds,
    mibPerSecond: 200 / median(seconds),
    input: `${files} files × ${(perFile / MiB).toFixed(1)} MiB of random bytes (page-cached)`,
  };
}

/**
 * Where the RPM writer's time goes, per gzip level on the machine-code bytes (median of 3):
 * zlib deflating in one sequential stream, and our parallel one-member writer.
 */
export async function gzipLevels(module: { bytes: Buffer }): Promise<string[]> {
  const { bytes } = module;
  const rows: string[] = [];
  for (const level of [9, 6, 5, 4, 1]) {
    const timed = async (f: () => Promise<Buffer> | Buffer): Promise<{ mibs: number; size: number }> => {
      const seconds: number[] = [];
      let size = 0;
      for (let r = 0; r < 3; r++) {
        const t0 = performance.now();
        size = (await f()).length;
        seconds.push((performance.now() - t0) / 1000);
      }
      return { mibs: bytes.length / MiB / median(seconds), size };
    };
    const seq = await timed(() => gzipSync(bytes, { level, memLevel: 9 }));
    const par = await timed(() => gzipParallel(bytes, level));
    rows.push(`| ${level}${level === GZIP_PAYLOAD_LEVEL ? ' (used)' : ''} | ${seq.mibs.toFixed(0)} | ${(seq.size / MiB).toFixed(3)} | ${par.mibs.toFixed(0)} | ${(par.size / MiB).toFixed(3)} |`);
  }
  return rows;
}
