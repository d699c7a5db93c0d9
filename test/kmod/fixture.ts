/**
 * A tiny but real two-module driver, written by the test, built with the real Kbuild against
 * each installed kernel build tree; and the tools-derived view of each built module (so the
 * expected values come from modprobe/nm and Module.symvers, not from our own ELF reader).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Answers } from '../../src/answers/schema.js';
import { DEFAULT_PACKAGING } from '../../src/answers/schema.js';
import type { ModuleImports } from '../../src/kmod/module-imports.js';

export const DRIVER_SOURCES: Record<string, string> = {
  Kbuild: 'obj-m := dfk_main.o dfk_helper.o\n',
  'dfk_main.c': `#include <linux/module.h>
#include <linux/miscdevice.h>
#include <linux/slab.h>
#include <linux/fs.h>
extern int dfk_helper_value(void);
static const struct file_operations dfk_fops = { .owner = THIS_MODULE };
static struct miscdevice dfk_dev = { .minor = MISC_DYNAMIC_MINOR, .name = "dfk", .fops = &dfk_fops };
static void *dfk_buf;
static int __init dfk_init(void)
{
	dfk_buf = kmalloc(64, GFP_KERNEL);
	if (!dfk_buf)
		return -ENOMEM;
	printk(KERN_INFO "dfk: helper says %d\\n", dfk_helper_value());
	return misc_register(&dfk_dev);
}
static void __exit dfk_exit(void)
{
	misc_deregister(&dfk_dev);
	kfree(dfk_buf);
}
module_init(dfk_init);
module_exit(dfk_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("dudforge kmod test driver");
MODULE_VERSION("1.0");
`,
  'dfk_helper.c': `#include <linux/module.h>
int dfk_helper_value(void) { return 42; }
EXPORT_SYMBOL_GPL(dfk_helper_value);
MODULE_LICENSE("GPL");
MODULE_VERSION("1.0");
`,
};

export const MODULE_FILES = ['dfk_helper.ko', 'dfk_main.ko'];

export interface InstalledKernel {
  release: string;
  build: string;
  symvers: string;
}

/** Kernel build trees installed here that can build modules and have a Module.symvers. */
export function installedKernels(): InstalledKernel[] {
  return readdirSync('/lib/modules')
    .sort()
    .map((release) => ({ release, build: `/lib/modules/${release}/build`, symvers: `/lib/modules/${release}/build/Module.symvers` }))
    .filter((k) => existsSync(join(k.build, 'Makefile')) && existsSync(k.symvers));
}

export function writeDriver(dir: string): void {
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(DRIVER_SOURCES)) writeFileSync(join(dir, name), text);
}

/** Build the driver in `dir` against `build` with the real Kbuild. */
export function buildDriver(dir: string, build: string): void {
  writeDriver(dir);
  execFileSync('make', ['-C', build, `M=${dir}`, 'modules', '-j2'], { stdio: ['ignore', 'pipe', 'pipe'] });
}

/** __versions via `modprobe --dump-modversions`, undefined symbols via `nm -u`, exports via __ksymtab_*. */
export function importsFromTools(ko: string): ModuleImports {
  const versions = execFileSync('modprobe', ['--dump-modversions', ko], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const [crc, symbol] = l.split('\t');
      return { symbol, crc: Number.parseInt(crc, 16) >>> 0 };
    });
  const nm = execFileSync('nm', [ko], { encoding: 'utf8' }).split('\n');
  const undefinedSymbols = nm.map((l) => /^\s+U (\S+)$/.exec(l)?.[1]).filter((s): s is string => !!s);
  const exportedSymbols = nm.map((l) => /\s__ksymtab_(\S+)$/.exec(l)?.[1]).filter((s): s is string => !!s);
  return { versions, undefinedSymbols, exportedSymbols };
}

export function readModules(dir: string) {
  return MODULE_FILES.map((name) => ({ name, bytes: readFileSync(join(dir, name)), info: importsFromTools(join(dir, name)) }));
}

export function makeAnswers(sourceDir: string, releases: string[], over: Partial<Answers['package']> = {}): Answers {
  return {
    schemaVersion: 1,
    project: { name: 'dftest', author: 'Test Author', email: 'test@example.org' },
    source: { kind: 'dir', path: sourceDir },
    package: {
      name: 'dftest',
      version: '1.0',
      release: '1',
      vendor: 'Example Vendor',
      license: 'GPL-2.0-only',
      summary: 'dudforge test driver',
      description: 'A test driver.\nSecond line.',
      changelog: 'First build',
      ...over,
    },
    kernels: releases.map((r) => ({ release: r, buildTree: `/lib/modules/${r}/build` })),
    signing: { mode: 'none' },
    packaging: { ...DEFAULT_PACKAGING, kabiRequires: 'on' },
    output: { dir: 'out' },
    buildTime: 1767225600,
  };
}
