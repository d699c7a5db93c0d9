/**
 * Import speed for the bench: `dudforge new` from a linux-source tarball next to its
 * decompression floor (`xz -dc FILE > /dev/null`, alternating round by round), and a no-change
 * `dudforge build` for every source kind (tar, git, kernel source directory, module directory).
 * The tarball is Debian's linux-source package (/usr/src/linux-source-*.tar.*): without it the
 * tar rows are left out. git and kernel-directory sources are a small tree holding a generated
 * driver, so that their first build is quick; the no-change rebuild does not compile anyway.
 */
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { BENCH_CLI } from './contenders.js';
import { fmt, measure, median, type Sample } from './measure.js';
import { writeSynthDriver } from './synth.js';

export interface ImportRow {
  label: string;
  /** What the row is compared with (the floor), when it has one. */
  floorLabel?: string;
  samples: Sample[];
  floor?: Sample[];
}

export function linuxSourceTarball(): string | undefined {
  if (!existsSync('/usr/src')) return undefined;
  return readdirSync('/usr/src')
    .filter((f) => /^linux-source-[\d.]+\.tar\.(xz|gz|bz2|zst)$/.test(f))
    .map((f) => join('/usr/src', f))
    .sort()[0];
}

const DECOMPRESSOR: Record<string, string> = { xz: 'xz', gz: 'gzip', bz2: 'bzip2', zst: 'zstd' };

const cli = (args: string[]) => measure(process.execPath, [BENCH_CLI, ...args], { env: { FORCE_COLOR: '0' } });

/** A stand-in kernel tree with one driver directory (a generated module), as git and as a directory. */
async function smallTree(dir: string): Promise<string> {
  writeSynthDriver(join(dir, 'drivers/misc/synth'), 2);
  await execa('git', ['init', '-q', dir]);
  await execa('git', ['-C', dir, 'add', '-A']);
  await execa('git', ['-C', dir, '-c', 'user.name=bench', '-c', 'user.email=bench@example.org', 'commit', '-qm', 'tree']);
  return 'drivers/misc/synth';
}

export async function benchImports(work: string, kernel: string, rounds: number, log: (m: string) => void): Promise<ImportRow[]> {
  const rows: ImportRow[] = [];
  const tarball = linuxSourceTarball();
  const tree = join(work, 'small-tree');
  const driverDir = await smallTree(tree);
  const moduleDir = join(work, 'module-dir');
  writeSynthDriver(moduleDir, 2);
  const kinds: { id: string; source: string; driverDir?: string }[] = [
    ...(tarball ? [{ id: 'tar', source: `tar:${tarball}`, driverDir: 'drivers/net/ethernet/intel/e1000' }] : []),
    { id: 'git', source: `git:${tree}@HEAD`, driverDir },
    { id: 'kernel directory', source: `dir:${tree}`, driverDir },
    { id: 'module directory', source: `dir:${moduleDir}` },
  ];

  if (tarball) {
    const ext = /\.tar\.(\w+)$/.exec(tarball)![1];
    const tool = DECOMPRESSOR[ext];
    const row: ImportRow = { label: `\`dudforge new\` from ${tarball.split('/').pop()} (e1000)`, floorLabel: `\`${tool} -dc\` > /dev/null`, samples: [], floor: [] };
    for (let i = 0; i < rounds; i++) {
      const floor = await measure('sh', ['-c', `${tool} -dc "$1" > /dev/null`, 'sh', tarball]);
      const project = join(work, `new-tar-${i}`);
      const s = await cli(['new', project, '--yes', '--source', `tar:${tarball}`, '--driver-dir', 'drivers/net/ethernet/intel/e1000', '--kernel', kernel]);
      rmSync(project, { recursive: true, force: true });
      log(`imports: new from tarball ${fmt(s.wall)} s, floor ${fmt(floor.wall)} s`);
      row.samples.push(s);
      row.floor!.push(floor);
    }
    rows.push(row);
  }

  for (const k of kinds) {
    const project = join(work, `rebuild-${k.id.replace(/\s+/g, '-')}`);
    mkdirSync(work, { recursive: true });
    await cli(['new', project, '--yes', '--source', k.source, ...(k.driverDir ? ['--driver-dir', k.driverDir] : []), '--kernel', kernel]);
    // The first build (untimed) compiles; the rounds then change nothing.
    await cli(['build', project, '--plain']);
    const row: ImportRow = { label: `no-change \`dudforge build\`, ${k.id} source`, floorLabel: 'target 1.5 s', samples: [] };
    for (let i = 0; i < rounds; i++) {
      const s = await cli(['build', project, '--plain']);
      if (!/not re-read/.test(s.stdout + s.stderr) && k.driverDir) log(`imports: ${k.id}: the rebuild read the source again`);
      row.samples.push(s);
    }
    log(`imports: rebuild ${k.id} ${fmt(median(row.samples.map((s) => s.wall)))} s`);
    rows.push(row);
    rmSync(project, { recursive: true, force: true });
  }
  return rows;
}

/** Markdown for the rows: medians, the floor beside them, and the ratio. */
export function importTable(rows: ImportRow[]): string {
  // The CPU columns tell what the wall ratio cannot on a shared machine: who did more work.
  const out = [
    '| workload | wall s (median) | CPU s | floor | floor wall s | floor CPU s | ratio (same round) | CPU ratio | wall s, every round (floor) |',
    '|---|---:|---:|---|---:|---:|---:|---:|---|',
  ];
  for (const r of rows) {
    const wall = median(r.samples.map((s) => s.wall));
    const cpu = median(r.samples.map((s) => s.cpu));
    const floor = r.floor ? median(r.floor.map((s) => s.wall)) : NaN;
    const floorCpu = r.floor ? median(r.floor.map((s) => s.cpu)) : NaN;
    const ratio = r.floor ? median(r.samples.map((s, i) => s.wall / r.floor![i].wall)) : NaN;
    const cpuRatio = r.floor ? median(r.samples.map((s, i) => s.cpu / r.floor![i].cpu)) : NaN;
    const rounds = r.samples.map((s, i) => `${fmt(s.wall)}${r.floor ? ` (${fmt(r.floor[i].wall)})` : ''}`).join(', ');
    out.push(`| ${r.label} | ${fmt(wall)} | ${fmt(cpu)} | ${r.floorLabel ?? ''} | ${fmt(floor)} | ${fmt(floorCpu)} | ${fmt(ratio)} | ${fmt(cpuRatio)} | ${rounds} |`);
  }
  return out.join('\n');
}
