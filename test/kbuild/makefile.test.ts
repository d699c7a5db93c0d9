import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { scanKbuildDir } from '../../src/kbuild/makefile.js';
import { UserError } from '../../src/errors.js';
import { expandVars, logicalLines, splitIfeqArgs } from '../../src/kbuild/makefile-eval.js';

const tmp = mkdtempSync(join(tmpdir(), 'dudforge-makefile-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
let n = 0;

/** A driver directory made of the given files (path → text). */
function driver(files: Record<string, string>): string {
  const dir = join(tmp, `d${n++}`);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

test('single-object module with obj-m', () => {
  const scan = scanKbuildDir(driver({ Makefile: 'obj-m += hello.o\n' }));
  assert.deepEqual(scan.modules, [{ name: 'hello', dir: '', objects: ['hello.o'], configSymbol: undefined }]);
  assert.equal(scan.expectedObjects, 1);
  assert.deepEqual(scan.configSymbols, []);
});

test('composite module: -y, -objs, continuations and comments', () => {
  const scan = scanKbuildDir(
    driver({
      Kbuild: [
        '# a comment line',
        'obj-m := a.o b.o   # two modules',
        'a-y := a_main.o \\',
        '       a_util.o',
        'a-y += a_extra.o',
        'b-objs := b1.o b2.o',
        '',
      ].join('\n'),
    }),
  );
  assert.deepEqual(
    scan.modules.map((m) => [m.name, m.objects]),
    [
      ['a', ['a_main.o', 'a_util.o', 'a_extra.o']],
      ['b', ['b1.o', 'b2.o']],
    ],
  );
  assert.equal(scan.expectedObjects, 5);
});

test('Kbuild wins over Makefile; the classic dual-use Makefile works', () => {
  const both = scanKbuildDir(driver({ Kbuild: 'obj-m += k.o\n', Makefile: 'obj-m += m.o\n' }));
  assert.deepEqual(both.modules.map((m) => m.name), ['k']);
  const classic = scanKbuildDir(
    driver({
      Makefile: [
        'ifneq ($(KERNELRELEASE),)',
        'obj-m := foo.o',
        'foo-y := one.o two.o',
        'else',
        'KDIR ?= /lib/modules/$(shell uname -r)/build',
        'default:',
        '\t$(MAKE) -C $(KDIR) M=$$PWD modules',
        'obj-m += never.o',
        'endif',
      ].join('\n'),
    }),
  );
  assert.deepEqual(classic.modules.map((m) => [m.name, m.objects]), [['foo', ['one.o', 'two.o']]]);
});

test('obj-$(CONFIG_X) and x-$(CONFIG_Z): counted by the given config; symbols always reported', () => {
  const files = {
    Makefile: ['obj-$(CONFIG_FOO) += foo.o', 'foo-y := core.o', 'foo-$(CONFIG_FOO_DEBUG) += debug.o', 'obj-$(CONFIG_BAR) += bar.o'].join('\n'),
  };
  const off = scanKbuildDir(driver(files), { CONFIG_FOO: 'm' });
  assert.deepEqual(off.modules.map((m) => [m.name, m.objects, m.configSymbol]), [['foo', ['core.o'], 'CONFIG_FOO']]);
  assert.equal(off.expectedObjects, 1);
  assert.deepEqual(off.configSymbols, [
    { name: 'CONFIG_FOO', for: 'foo' },
    { name: 'CONFIG_FOO_DEBUG', for: 'foo' },
    { name: 'CONFIG_BAR', for: 'bar' },
  ]);
  const on = scanKbuildDir(driver(files), { FOO: 'm', FOO_DEBUG: 'y', BAR: 'm' });
  assert.deepEqual(on.modules.map((m) => [m.name, m.objects]), [
    ['foo', ['core.o', 'debug.o']],
    ['bar', ['bar.o']],
  ]);
  assert.equal(on.expectedObjects, 3);
  // No config at all: everything the driver can build.
  assert.equal(scanKbuildDir(driver(files)).expectedObjects, 3);
  // obj-y builds nothing out of tree.
  assert.equal(scanKbuildDir(driver(files), { CONFIG_FOO: 'y' }).modules.length, 0);
});

test('subdirectories through obj-m += sub/ and obj-$(CONFIG_Y) += sub/', () => {
  const dir = driver({
    Makefile: 'obj-m += top.o\nobj-$(CONFIG_NET_PART) += net/\nobj-$(CONFIG_OFF) += off/\n',
    'net/Makefile': 'obj-m += netdrv.o\nnetdrv-objs := rx.o tx.o\nobj-m += deeper/\n',
    'net/deeper/Kbuild': 'obj-m += deep.o\n',
    'off/Makefile': 'obj-$(CONFIG_OFF_INNER) += inner.o\n',
  });
  const scan = scanKbuildDir(dir, { CONFIG_NET_PART: 'm' });
  assert.deepEqual(
    scan.modules.map((m) => [m.name, m.dir, m.objects]),
    [
      ['top', '', ['top.o']],
      ['netdrv', 'net', ['net/rx.o', 'net/tx.o']],
      ['deep', 'net/deeper', ['net/deeper/deep.o']],
    ],
  );
  assert.equal(scan.expectedObjects, 4);
  assert.deepEqual(
    scan.configSymbols.map((s) => `${s.name}:${s.for}`),
    ['CONFIG_NET_PART:net/', 'CONFIG_OFF:off/', 'CONFIG_OFF_INNER:inner'],
  );
});

test('ifdef/ifeq on config symbols: decided with a config, both branches without', () => {
  const files = {
    Kbuild: [
      'obj-m += drv.o',
      'drv-y := main.o',
      'ifdef CONFIG_DRV_PCI',
      'drv-y += pci.o',
      'else ifeq ($(CONFIG_DRV_USB),y)',
      'drv-y += usb.o',
      'else',
      'drv-y += none.o',
      'endif',
      'ifeq ($(ARCH),x86)',
      'drv-y += x86.o',
      'endif',
    ].join('\n'),
  };
  const pci = scanKbuildDir(driver(files), { CONFIG_DRV_PCI: 'y' });
  assert.deepEqual(pci.modules[0].objects, ['main.o', 'pci.o', 'x86.o']); // ARCH undecidable: taken
  const usb = scanKbuildDir(driver(files), { CONFIG_DRV_USB: 'y' });
  assert.deepEqual(usb.modules[0].objects, ['main.o', 'usb.o', 'x86.o']);
  const neither = scanKbuildDir(driver(files), {});
  assert.deepEqual(neither.modules[0].objects, ['main.o', 'none.o', 'x86.o']);
  const unknown = scanKbuildDir(driver(files));
  assert.deepEqual(unknown.modules[0].objects, ['main.o', 'pci.o', 'usb.o', 'none.o', 'x86.o']);
});

test('ccflags-y, ccflags-$(CONFIG), EXTRA_CFLAGS and variables', () => {
  const scan = scanKbuildDir(
    driver({
      Makefile: [
        'MOD := widget',
        'obj-m += $(MOD).o',
        '$(MOD)-y := w1.o w2.o',
        'ccflags-y := -I$(src)/include -DWIDGET=1',
        'ccflags-$(CONFIG_WIDGET_DEBUG) += -DDEBUG',
        'EXTRA_CFLAGS += -Wno-unused',
      ].join('\n'),
    }),
    { CONFIG_WIDGET_DEBUG: 'y' },
  );
  assert.deepEqual(scan.modules.map((m) => [m.name, m.objects]), [['widget', ['w1.o', 'w2.o']]]);
  assert.deepEqual(scan.ccflags, ['-I$(src)/include', '-DWIDGET=1', '-DDEBUG', '-Wno-unused']);
});

test('a directory without Makefile or Kbuild is a UserError naming it', () => {
  const dir = driver({ 'main.c': 'int x;\n' });
  assert.throws(() => scanKbuildDir(dir), (e: unknown) => e instanceof UserError && e.message === `no Makefile or Kbuild in ${dir}` && !!e.hint);
  const sub = driver({ Makefile: 'obj-m += gone/\n' });
  assert.throws(() => scanKbuildDir(sub), (e: unknown) => e instanceof UserError && e.message.includes(join(sub, 'gone')));
});

test('evaluator pieces', () => {
  assert.deepEqual(logicalLines('a := 1 \\\n   2 # c\nb = x\\#y'), ['a := 1 2', 'b = x\\#y']);
  assert.deepEqual(splitIfeqArgs('($(call f,a),y)'), ['$(call f,a)', 'y']);
  assert.deepEqual(splitIfeqArgs('"a" \'b\''), ['a', 'b']);
  const lookup = (n: string) => ({ A: 'x$(B)', B: 'y' })[n];
  assert.equal(expandVars('$(A)-${B}-$(shell ls)-$(C)', lookup), 'xy-y-$(shell ls)-$(C)');
});

test('make text functions in object lists', () => {
  const scan = scanKbuildDir(
    driver({
      Kbuild: [
        'COMMON := util.o crc.o',
        'obj-m += fn.o',
        'fn-y := $(addprefix common/, $(COMMON)) $(patsubst %.c,%.o,main.c extra.c)',
        'fn-y += $(filter-out crc.o,a.o crc.o) $(subst .x,.o,b.x)',
        'obj-m += opaque.o',
        'opaque-y := $(shell ls *.c)',
      ].join('\n'),
    }),
  );
  assert.deepEqual(scan.modules.map((m) => [m.name, m.objects]), [
    ['fn', ['common/util.o', 'common/crc.o', 'main.o', 'extra.o', 'a.o', 'b.o']],
    ['opaque', []],
  ]);
  assert.equal(scan.expectedObjects, 6);
});
