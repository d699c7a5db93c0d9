/**
 * Throughput of the packaging writers on generated data: one kmod-style RPM holding a 10 MiB
 * module, and an ISO of 200 MiB of RPM-sized files. The module bytes are real machine code
 * (the kernel's vmlinux from a build tree when one ships it, else a built module), repeated to
 * 10 MiB: it compresses like a module does. The ISO files are random bytes, like the already
 * compressed RPMs a disk holds.
 */
import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildRpm, type RpmPackageSpec } from '../../src/rpm/index.js';
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

/** Pick real ELF code for the module: a tree's vmlinux, else the given built module. */
function moduleBytes(buildTrees: string[], fallbackKo: string | undefined): { bytes: Buffer; input: string } {
  const vmlinux = buildTrees.map((t) => join(t, 'vmlinux')).find((p) => existsSync(p) && statSync(p).size > MiB);
  const seedPath = vmlinux ?? fallbackKo;
  if (!seedPath) throw new Error('no ELF file to build the 10 MiB module from');
  return { bytes: tile(readFileSync(seedPath), 10 * MiB), input: `10 MiB module: ${seedPath} repeated` };
}

export async function benchRpmWriter(buildTrees: string[], fallbackKo: string | undefined, rounds: number): Promise<WriterResult> {
  const { bytes, input } = moduleBytes(buildTrees, fallbackKo);
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
  let size = 0;
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    size = (await buildRpm(spec)).length;
    seconds.push((performance.now() - t0) / 1000);
  }
  return {
    label: 'RPM writer (buildRpm, gzip payload)',
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

/** zlib's own speed on the module bytes, per level (median of 3): where the RPM writer's time goes. */
export function gzipLevels(buildTrees: string[], fallbackKo: string | undefined): string[] {
  const { bytes } = moduleBytes(buildTrees, fallbackKo);
  return [9, 6, 4, 1].map((level) => {
    const seconds: number[] = [];
    let size = 0;
    for (let r = 0; r < 3; r++) {
      const t0 = performance.now();
      size = gzipSync(bytes, { level, memLevel: 9 }).length;
      seconds.push((performance.now() - t0) / 1000);
    }
    return `| ${level} | ${(bytes.length / MiB / median(seconds)).toFixed(0)} | ${(size / MiB).toFixed(2)} |`;
  });
}
