/**
 * Benchmark of the probe step (issue 6), run by hand:
 *   npm run bench:probes   (or: node dist/test/bench/probes.js [rounds])
 * Compares 30 probes on every installed kernel with compiling one probe module on one kernel
 * with a plain `make modules`, alternating for ≥ 3 rounds so that machine load hits both alike:
 *  - cold: a fresh cache, kernels dudforge has never probed (the top Makefile runs once per kernel);
 *  - known kernels: no answers cached, but the kernels were probed before, so Kbuild's inner
 *    make is started directly (src/probes/kbuild-replay.ts) — a new or edited probe file;
 *  - cached: nothing changed.
 * Targets: ratio ≤ 3, cached run < 1 s.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { discoverKernels } from '../../src/kernel/discover.js';
import { parseProbeFile, runProbes, type ProbeKernel } from '../../src/probes/index.js';

const PROBES = `
call class_create(THIS_MODULE, "bench")
    include <linux/module.h>
    include <linux/device.h>
call class_create("bench")
    include <linux/device.h>
symbol strlcpy
    include <linux/string.h>
code HAVE_PLATFORM_DRIVER_REMOVE_VOID
    include <linux/platform_device.h>
    global static void bench_remove(struct platform_device *pdev) { }
    global static struct platform_driver bench_driver __maybe_unused = { .remove = bench_remove };
member struct platform_driver remove_new
    include <linux/platform_device.h>
symbol strscpy
    include <linux/string.h>
symbol system_bh_wq
    include <linux/workqueue.h>
type rcuref_t
    include <linux/types.h>
header linux/args.h
header linux/cleanup.h
member struct i2c_driver probe_new
    include <linux/i2c.h>
export class_create
export __class_create
symbol timer_delete_sync
    include <linux/timer.h>
symbol from_timer
    include <linux/timer.h>
member struct net_device min_mtu
    include <linux/netdevice.h>
symbol netif_napi_add_weight
    include <linux/netdevice.h>
call netif_napi_add(NULL, NULL, NULL)
    include <linux/netdevice.h>
symbol eth_hw_addr_set
    include <linux/etherdevice.h>
symbol pci_enable_pcie_error_reporting
    include <linux/pci.h>
symbol devm_kzalloc
    include <linux/device.h>
symbol dev_err_probe
    include <linux/device.h>
symbol kmalloc_array
    include <linux/slab.h>
symbol kvmalloc
    include <linux/slab.h>
symbol devm_request_irq
    include <linux/interrupt.h>
symbol dma_set_mask_and_coherent
    include <linux/dma-mapping.h>
type struct ethtool_link_ksettings
    include <linux/ethtool.h>
member struct ethtool_ops get_link_ksettings
    include <linux/ethtool.h>
symbol of_device_get_match_data
    include <linux/of_device.h>
symbol ida_alloc
    include <linux/idr.h>
`;

const ONE_MODULE = `#include <linux/module.h>
#include <linux/device.h>
MODULE_LICENSE("GPL");
void bench_probe(void);
void bench_probe(void) { (void)class_create(THIS_MODULE, "bench"); }
`;

/**
 * CPU seconds used so far by this process's finished children (make and everything under it:
 * cutime + cstime of /proc/self/stat). Unlike wall time it does not grow when other work
 * shares the machine, so it shows the cost even on a loaded box.
 */
function childCpuSeconds(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state); cutime and cstime are fields 16 and 17.
  return (Number(fields[13]) + Number(fields[14])) / 100;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

async function timeOneModule(kernel: ProbeKernel, cpu: number[]): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'dudforge-bench-one-'));
  try {
    writeFileSync(join(dir, 'Kbuild'), 'obj-m := bench_one.o\n');
    writeFileSync(join(dir, 'bench_one.c'), ONE_MODULE);
    const cpu0 = childCpuSeconds();
    const start = performance.now();
    // Plain make as a driver author would run it; the 6.12 class_create(owner, name) error is
    // not reached on 6.1 and does not matter for timing, but pick the kernel where it compiles.
    await execa('make', ['-C', kernel.buildTree, `M=${dir}`, '-j2', 'modules'], { reject: false, env: { LC_ALL: 'C' } });
    const wall = (performance.now() - start) / 1000;
    cpu.push(childCpuSeconds() - cpu0);
    return wall;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function runProbeBench(requestedRounds = 3): Promise<void> {
  const rounds = Math.max(3, requestedRounds);
  const kernels: ProbeKernel[] = discoverKernels()
    .filter((k) => k.usable && k.release)
    .map((k) => ({ release: k.release!, buildTree: k.path, identity: k.identity, llvm: k.llvm }));
  if (kernels.length === 0) throw new Error('no usable kernel build tree');
  const probes = parseProbeFile(PROBES, 'bench.probes');
  // The one-module baseline on the kernel where class_create(owner, name) exists (or the first).
  const baseKernel = kernels.find((k) => k.release.startsWith('6.1.')) ?? kernels[0];
  console.log(`${probes.length} probes × ${kernels.length} kernels (${kernels.map((k) => k.release).join(', ')}); baseline: one module on ${baseKernel.release}; ${rounds} rounds`);

  const one: number[] = [];
  const all: number[] = [];
  const known: number[] = [];
  const cached: number[] = [];
  const oneCpu: number[] = [];
  const allCpu: number[] = [];
  const work = mkdtempSync(join(tmpdir(), 'dudforge-bench-probes-'));
  try {
    for (let r = 0; r < rounds; r++) {
      one.push(await timeOneModule(baseKernel, oneCpu));
      const cacheDir = join(work, `round-${r}`);
      mkdirSync(cacheDir);
      const cpu0 = childCpuSeconds();
      const start = performance.now();
      const run = await runProbes({ probes, kernels, cacheDir, jobs: 2 });
      all.push((performance.now() - start) / 1000);
      allCpu.push(childCpuSeconds() - cpu0);
      const again = performance.now();
      const second = await runProbes({ probes, kernels, cacheDir, jobs: 2 });
      cached.push((performance.now() - again) / 1000);
      if (second.kernels.some((k) => k.makeInvoked)) throw new Error('the cached run started make');
      // Known kernels: the same cache with every answer removed, the Kbuild recordings kept.
      for (const k of kernels) {
        for (const f of readdirSync(join(cacheDir, k.identity))) if (/^[0-9a-f]{64}\.json$/.test(f)) rmSync(join(cacheDir, k.identity, f));
      }
      const third = performance.now();
      let replayed = 0;
      await runProbes({ probes, kernels, cacheDir, jobs: 2, onEvent: (e) => { if (e.type === 'info' && /inner make started directly/.test(e.message)) replayed++; } });
      known.push((performance.now() - third) / 1000);
      if (replayed < kernels.length) throw new Error('the known-kernel run did not start the inner make directly');
      const counts = run.kernels.map((k) => `${k.release}: ${k.results.filter((x) => x.value === true).length} yes/${k.results.filter((x) => x.value === false).length} no/${k.results.filter((x) => x.value === 'broken').length} broken`);
      console.log(`round ${r + 1}: one module ${one[r].toFixed(2)} s (cpu ${oneCpu[r].toFixed(2)} s), ${probes.length} probes cold ${all[r].toFixed(2)} s (cpu ${allCpu[r].toFixed(2)} s), known kernels ${known[r].toFixed(2)} s, cached ${cached[r].toFixed(3)} s  (${counts.join('; ')})`);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const ratio = median(all) / median(one);
  const knownRatio = median(known) / median(one);
  console.log(`median one module on one kernel: ${median(one).toFixed(2)} s`);
  console.log(`median ${probes.length} probes on ${kernels.length} kernels, cold: ${median(all).toFixed(2)} s; known kernels: ${median(known).toFixed(2)} s`);
  console.log(`ratio cold: ${ratio.toFixed(2)} (target ≤ 3) ${ratio <= 3 ? 'OK' : 'MISSED'}; known kernels: ${knownRatio.toFixed(2)} ${knownRatio <= 3 ? 'OK' : 'MISSED'}`);
  console.log(`cpu: one module ${median(oneCpu).toFixed(2)} s, probes ${median(allCpu).toFixed(2)} s, ratio ${(median(allCpu) / median(oneCpu)).toFixed(2)}; load average now ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}, ${availableParallelism()} cpus`);
  console.log(`median cached probe step: ${median(cached).toFixed(3)} s (target < 1 s) ${median(cached) < 1 ? 'OK' : 'MISSED'}`);
}

// `node --test dist/test/` also loads every file under test/: the benchmark only runs when
// started by hand, never inside the test runner (which sets NODE_TEST_CONTEXT).
if (!process.env.NODE_TEST_CONTEXT && /probes\.[tj]s$/.test(process.argv[1] ?? '')) {
  await runProbeBench(Number(process.argv[2] ?? 3));
}
