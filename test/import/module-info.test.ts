import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readModuleInfoDefaults, rpmLicense } from '../../src/import/module-info.js';
import { evalCString, stripComments, collectDefines } from '../../src/import/c-strings.js';

function write(root: string, rel: string, text: string): void {
  const p = path.join(root, rel);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, text);
}

describe('readModuleInfoDefaults', () => {
  let tmp: string;
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dudforge-modinfo-'));
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  test('in-tree Makefile: composite module, concatenated literals, macros from a header', () => {
    const dir = path.join(tmp, 'foo_net');
    write(dir, 'Makefile', [
      '# SPDX-License-Identifier: GPL-2.0',
      'obj-$(CONFIG_FOO_HELPER) += foo_helper.o',
      'obj-$(CONFIG_FOO_NET) += foo_net.o',
      'foo_net-y := foo_main.o \\',
      '            foo_hw.o',
      '',
    ].join('\n'));
    write(dir, 'foo_hw.h', '#define FOO_MAJOR 2\n#define FOO_MINOR 7\n#define DRV_VERSION __stringify(FOO_MAJOR) "." __stringify(FOO_MINOR) "-k"\n');
    write(dir, 'foo_main.c', [
      '// SPDX-License-Identifier: GPL-2.0-or-later',
      '#include <linux/module.h>',
      '#include "foo_hw.h"',
      '#define DRV_DESC "Foo " /* the vendor */ "Networks" \\',
      '   " 10G driver"',
      'MODULE_AUTHOR("Ada <ada@example.com>");',
      'MODULE_AUTHOR ( "Bob \\"B\\" Smith" );',
      'MODULE_DESCRIPTION(DRV_DESC);',
      '// MODULE_LICENSE("Proprietary");',
      'MODULE_LICENSE("GPL"',
      '               " v2");',
      'MODULE_VERSION(DRV_VERSION);',
      '',
    ].join('\n'));
    write(dir, 'foo_hw.c', 'int foo_hw;\n');
    write(dir, 'foo_helper.c', 'MODULE_LICENSE("Dual MIT/GPL");\nMODULE_DESCRIPTION("helper");\n');
    const info = readModuleInfoDefaults(dir);
    assert.deepEqual(info, {
      name: 'foo_net',
      mainModule: 'foo_net.ko',
      spdx: 'GPL-2.0-or-later',
      license: 'GPL v2',
      description: 'Foo Networks 10G driver',
      version: '2.7-k',
      author: 'Ada <ada@example.com>, Bob "B" Smith',
    });
  });

  test('Kbuild wins over Makefile; obj-m; first module when none is named like the dir', () => {
    const dir = path.join(tmp, 'oot');
    write(dir, 'Makefile', 'obj-m := wrong.o\n');
    write(dir, 'Kbuild', 'obj-m += bar_drv.o other.o\nbar_drv-objs := core.o\n');
    write(dir, 'core.c', '/* SPDX-License-Identifier: (GPL-2.0 OR BSD-3-Clause) */\nMODULE_LICENSE("Dual BSD/GPL");\n');
    write(dir, 'other.c', 'MODULE_LICENSE("Proprietary");\n');
    const info = readModuleInfoDefaults(dir);
    assert.equal(info.name, 'bar_drv');
    assert.equal(info.license, 'Dual BSD/GPL');
    assert.equal(info.spdx, '(GPL-2.0 OR BSD-3-Clause)');
    assert.equal(info.description, undefined);
    assert.equal(rpmLicense(info.license!, info.spdx), 'GPL-2.0-only OR BSD-3-Clause');
  });

  test('an expression we cannot evaluate leaves the field unset', () => {
    const dir = path.join(tmp, 'weird');
    write(dir, 'Makefile', 'obj-m := weird.o\n');
    write(dir, 'weird.c', 'MODULE_LICENSE("GPL");\nMODULE_VERSION(make_version(1, 2));\nMODULE_DESCRIPTION(UNKNOWN_MACRO);\n');
    const info = readModuleInfoDefaults(dir);
    assert.equal(info.license, 'GPL');
    assert.equal(info.version, undefined);
    assert.equal(info.description, undefined);
  });

  test('a directory without sources gives an empty result', () => {
    assert.deepEqual(readModuleInfoDefaults(path.join(tmp, 'does-not-exist')), {});
  });
});

describe('rpmLicense', () => {
  const cases: [string, string][] = [
    ['GPL', 'GPL-2.0-only'],
    ['GPL v2', 'GPL-2.0-only'],
    ['GPL and additional rights', 'GPL-2.0-only'],
    ['Dual BSD/GPL', 'GPL-2.0-only OR BSD-3-Clause'],
    ['Dual MIT/GPL', 'GPL-2.0-only OR MIT'],
    ['Dual MPL/GPL', 'GPL-2.0-only OR MPL-1.1'],
    ['Proprietary', 'LicenseRef-Proprietary'],
    ['  something else ', 'something else'],
  ];
  for (const [kernel, rpm] of cases) test(`${kernel.trim()} → ${rpm}`, () => assert.equal(rpmLicense(kernel), rpm));
  test('an SPDX identifier from the source wins and is modernised', () => {
    assert.equal(rpmLicense('GPL', 'GPL-2.0+'), 'GPL-2.0-or-later');
    assert.equal(rpmLicense('GPL', 'GPL-2.0'), 'GPL-2.0-only');
    assert.equal(rpmLicense('Dual BSD/GPL', '(GPL-2.0 OR BSD-2-Clause)'), 'GPL-2.0-only OR BSD-2-Clause');
  });
});

describe('evalCString', () => {
  test('literals, escapes, macros, parentheses', () => {
    const defs = collectDefines(stripComments('#define A "a\\tb"\n#define B (A "\\x41\\101")\n#define F(x) x\n'));
    assert.equal(evalCString('B "!"', defs), 'a\tbAA!');
    assert.equal(defs.has('F'), false);
    assert.equal(evalCString('1 + 2', defs), undefined);
    assert.equal(evalCString('"// not a comment"', defs), '// not a comment');
  });
});

describe('makefileIncludes', () => {
  test('-I into the source tree from ccflags', async () => {
    const { makefileIncludes } = await import('../../src/import/headers.js');
    assert.deepEqual(
      makefileIncludes('drivers/net/foo', ['-I$(srctree)/drivers/net/shared', '-I $(src)/../inc', '-I$(obj)', '-DFOO=1', '-I/usr/include', '-I$(srctree)/$(src)/x']),
      [
        { dir: 'drivers/net/shared', needsFlag: true },
        { dir: 'drivers/net/inc', needsFlag: false },
        { dir: 'drivers/net/foo', needsFlag: false },
      ],
    );
  });
});
