/**
 * The closure reader's lower bound (src/probes/closure.ts): only #include lines that are
 * certainly reached count, so it never claims a header the compiler would not open. Checked
 * on a small header tree, and against gcc's own -M list for real kernel headers.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { execa } from 'execa';
import { ClosureReader, directiveLines, exactPositions, guessTreeFlags, parseOpened } from '../../src/probes/closure.js';
import { parseProbeFile } from '../../src/probes/index.js';
import { installedKernels } from './kernels.js';

describe('closure reader', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dudforge-closure-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const put = (name: string, text: string) => {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  };
  put('x/top.h', [
    '#ifndef _TOP_H',
    '#define _TOP_H',
    '#include <x/always.h>',
    '#include "near.h"',
    '/* #include <x/commented.h>',
    '   still a comment */',
    '// #include <x/line-comment.h>',
    '#ifdef CONFIG_ON',
    '#include <x/config-on.h>',
    '#else',
    '#include <x/config-on-else.h>',
    '#endif',
    '#if IS_ENABLED(CONFIG_MOD) && !defined(__ASSEMBLY__)',
    '#include <x/module-on.h>',
    '#endif',
    '#ifdef CONFIG_OFF',
    '#include <x/config-off.h>',
    '#endif',
    '#ifdef SOME_MACRO',
    '#include <x/unknown.h>',
    '#endif',
    '#define S "/* not a comment"',
    '#include <x/after-string.h>',
    '#include <x/missing.h>',
    '#endif',
  ].join('\n'));
  for (const h of ['always', 'commented', 'line-comment', 'config-on', 'config-on-else', 'module-on', 'config-off', 'unknown', 'after-string']) put(`x/${h}.h`, `/* ${h} */\n`);
  put('x/near.h', '#include <x/always.h>\n');
  const reader = new ClosureReader({ cwd: dir, includeDirs: [dir], config: new Set(['CONFIG_ON', 'CONFIG_MOD_MODULE']) });
  const names = () => [...reader.headerClosure('x/top.h')].map((f) => f.slice(dir.length + 1)).sort();

  test('follows certain includes only: guards, CONFIG_ tests, comments and literals read right', () => {
    assert.deepEqual(names(), ['x/after-string.h', 'x/always.h', 'x/config-on.h', 'x/module-on.h', 'x/near.h', 'x/top.h']);
  });

  test('inclusions gcc was seen to make are added', () => {
    reader.addSeen([[join(dir, 'x/top.h'), join(dir, 'x/unknown.h')]]);
    assert.ok(names().includes('x/unknown.h'));
  });

  test('comments keep their line breaks and continued lines are joined', () => {
    assert.deepEqual(directiveLines('a /* b\nc */ d\n#if X \\\n && Y\n'), ['a  ', ' d', '#if X  && Y', '']);
  });

  test('-H lines give each region the headers it opened first; later regions are exact only within their own closure', () => {
    const stderr = [
      '. /k/forced.h',
      '.. /k/forced-inner.h',
      `. ${dir}/dudforge-batch-0-0.h`,
      `.. ${dir}/x/always.h`,
      'HAVE_X:1:2: error: something',
      `. ${dir}/dudforge-batch-0-1.h`,
      `.. ${dir}/x/top.h`,
      `... ${dir}/x/near.h`,
      `. ${dir}/dudforge-batch-0-2.h`,
      `.. ${dir}/x/unknown.h`,
    ].join('\n');
    const seen = parseOpened(stderr, dir);
    const regions = seen.byBatch.get(0)!;
    assert.deepEqual([...regions.get(0)!], [join(dir, 'x/always.h')]);
    assert.deepEqual([...regions.get(1)!].sort(), [join(dir, 'x/near.h'), join(dir, 'x/top.h')]);
    assert.ok(seen.edges.some(([p, c]) => p === join(dir, 'x/top.h') && c === join(dir, 'x/near.h')));
    assert.ok(!seen.edges.some(([p]) => p.includes('dudforge-batch')), 'a region is not a header');
    const probes = parseProbeFile('symbol a\n    include <x/always.h>\nsymbol b\n    include <x/top.h>\nsymbol c\n    include <x/always.h>\n', 't.probes');
    assert.deepEqual(exactPositions(probes, regions, reader), [true, true, false]);
    assert.deepEqual(exactPositions(probes, undefined, reader), [false, false, false]);
  });

  test('on the installed kernels, the bound is within what gcc opens (-M) for real headers', async () => {
    let checked = 0;
    for (const k of installedKernels()) {
      const flags = guessTreeFlags(k.buildTree);
      if (!flags) assert.fail(`no include path for ${k.release}`);
      const r = new ClosureReader(flags);
      const cwd: string = flags.cwd;
      const includes: string[] = flags.includeDirs.map((d) => `-I${d}`);
      for (const header of ['linux/string.h', 'linux/netdevice.h', 'linux/i2c.h']) {
        const src = join(dir, 'm.c');
        writeFileSync(src, `#include <${header}>\n`);
        // gcc's own list with the tree's include path and configuration: every file the
        // reader names must be in it.
        const m: { exitCode?: number; stdout: string; stderr: string } = await execa('gcc', ['-M', '-nostdinc', '-D__KERNEL__', '-O2', ...includes, '-include', 'linux/kconfig.h', src], { cwd, reject: false });
        assert.equal(m.exitCode, 0, m.stderr);
        const words: string[] = m.stdout.replace(/\\\n/g, ' ').split(/\s+/).slice(2);
        const gccList = new Set<string>(words.map((f) => (f.startsWith('/') ? f : join(cwd, f))));
        const bound = r.headerClosure(header);
        assert.ok(bound.size > 0);
        assert.deepEqual([...bound].filter((f) => !gccList.has(f)), [], `${header} on ${k.release}`);
        checked++;
      }
    }
    assert.ok(checked > 0);
  });
});
