/**
 * Every probe kind, true and false, against every installed kernel: real API differences
 * between 6.1 and 6.12, checked in their headers. One runProbes call for all of them (before).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { PipelineEvent } from '../../src/events.js';
import { formatProbeTable, parseProbeFile, probeRunToJson, renderCompatHeader, runProbes, type ProbeRun } from '../../src/probes/index.js';
import { runningBuildGroups } from '../../src/kbuild/process-group.js';
import { expected, installedKernels } from './kernels.js';

const PROBES = `
# function: strlcpy was removed in 6.8
symbol strlcpy
    include <linux/string.h>
# macro: __counted_by_le arrived in 6.9
symbol __counted_by_le
    include <linux/compiler.h>
# variable: system_bh_wq arrived in 6.9
symbol system_bh_wq
    include <linux/workqueue.h>
# header: linux/args.h arrived in 6.6; linux/apple_bl.h left in 6.5
header linux/args.h
header linux/apple_bl.h
# member: i2c_driver.probe_new was removed in 6.6
member struct i2c_driver probe_new
    include <linux/i2c.h>
# type: rcuref_t arrived in 6.4
type rcuref_t
    include <linux/types.h>
# call: class_create lost its owner in 6.4
call class_create(THIS_MODULE, "dudforge")
    include <linux/module.h>
    include <linux/device.h>
call class_create("dudforge")
    include <linux/device.h>
# code: platform_driver.remove returns void since 6.11
code HAVE_PLATFORM_DRIVER_REMOVE_VOID
    include <linux/platform_device.h>
    global static void probe_remove(struct platform_device *pdev) { }
    global static struct platform_driver probe_driver __maybe_unused = { .remove = probe_remove };
# export: __class_create was the exported half of the old macro
export __class_create
export class_create

# broken: a syntax error in the tested code
code HAVE_BROKEN_SYNTAX
    global static int probe_x = ;
# broken: a syntax error in a call's arguments
call kfree(0 +)
    include <linux/slab.h>
# broken: its own setup include does not exist anywhere
symbol strscpy
    include <linux/no_such_header_anywhere.h>
`;

type Answer = boolean | 'broken';
const KNOWN: Record<string, Record<string, Answer>> = {
  HAVE_STRLCPY: { '6.1': true, '6.12': false },
  HAVE___COUNTED_BY_LE: { '6.1': false, '6.12': true },
  HAVE_SYSTEM_BH_WQ: { '6.1': false, '6.12': true },
  HAVE_LINUX_ARGS_H: { '6.1': false, '6.12': true },
  HAVE_LINUX_APPLE_BL_H: { '6.1': true, '6.12': false },
  HAVE_STRUCT_I2C_DRIVER_PROBE_NEW: { '6.1': true, '6.12': false },
  HAVE_RCUREF_T: { '6.1': false, '6.12': true },
  HAVE_2_ARG_CLASS_CREATE: { '6.1': true, '6.12': false },
  HAVE_1_ARG_CLASS_CREATE: { '6.1': false, '6.12': true },
  HAVE_PLATFORM_DRIVER_REMOVE_VOID: { '6.1': false, '6.12': true },
  HAVE_EXPORTED___CLASS_CREATE: { '6.1': true, '6.12': false },
  HAVE_EXPORTED_CLASS_CREATE: { '6.1': false, '6.12': true },
};
/** The line of the probe file that holds `text`. */
const lineOf = (text: string) => PROBES.split('\n').findIndex((l) => l.includes(text)) + 1;
const BROKEN = ['HAVE_BROKEN_SYNTAX', 'HAVE_1_ARG_KFREE', 'HAVE_STRSCPY'];

describe('runProbes on the installed kernels', () => {
  const kernels = installedKernels();
  const cacheDir = mkdtempSync(join(tmpdir(), 'dudforge-probe-test-'));
  const events: PipelineEvent[] = [];
  let run: ProbeRun;

  before(async () => {
    run = await runProbes({ probes: parseProbeFile(PROBES, 'test.probes'), kernels, cacheDir, jobs: 2, onEvent: (e) => events.push(e) });
  });
  after(() => rmSync(cacheDir, { recursive: true, force: true }));

  test('there are kernels of a known series to test against', () => {
    assert.ok(kernels.length >= 1, 'no usable kernel build tree under /lib/modules');
    assert.ok(kernels.some((k) => k.series === '6.1' || k.series === '6.12'), `no 6.1/6.12 kernel among ${kernels.map((k) => k.release)}`);
  });

  for (const [define, answers] of Object.entries(KNOWN)) {
    test(`${define} gives the known answer per kernel series`, () => {
      let checked = 0;
      for (const k of run.kernels) {
        const series = kernels.find((x) => x.release === k.release)!.series;
        const want = expected(answers, series);
        if (want === undefined) continue;
        const r = k.results.find((x) => x.define === define)!;
        assert.equal(r.value, want, `${define} on ${k.release}: ${r.message ?? ''}`);
        assert.equal(r.cached, false);
        if (want === false) assert.ok(r.message, `${define} on ${k.release} says why it is false`);
        checked++;
      }
      assert.ok(checked > 0);
    });
  }

  test('every installed kernel answers the probes both ways (the kinds are seen true and false)', () => {
    for (const k of run.kernels) {
      const kinds = (v: Answer) => new Set(k.results.filter((r) => r.value === v).map((r) => r.kind));
      if (!['6.1', '6.12'].includes(kernels.find((x) => x.release === k.release)!.series)) continue;
      for (const kind of ['symbol', 'header', 'member', 'type', 'call', 'code', 'export']) {
        assert.ok(kinds(true).has(kind) || kinds(false).has(kind), `${kind} on ${k.release}`);
      }
    }
    // Over both series together, each kind is seen true and false.
    const all = (v: Answer) => new Set(run.kernels.flatMap((k) => k.results.filter((r) => r.value === v && !BROKEN.includes(r.define)).map((r) => r.kind)));
    if (kernels.some((k) => k.series === '6.1') && kernels.some((k) => k.series === '6.12')) {
      assert.deepEqual([...all(true)].sort(), ['call', 'code', 'export', 'header', 'member', 'symbol', 'type']);
      assert.deepEqual([...all(false)].sort(), ['call', 'code', 'export', 'header', 'member', 'symbol', 'type']);
    }
  });

  test('a probe with an error of its own is broken, with the compiler message at its line', () => {
    for (const k of run.kernels) {
      const r = (d: string) => k.results.find((x) => x.define === d)!;
      assert.equal(r('HAVE_BROKEN_SYNTAX').value, 'broken');
      assert.match(r('HAVE_BROKEN_SYNTAX').message!, new RegExp(`^test\\.probes:${lineOf('probe_x = ;')}:\\d+: error: expected expression`));
      assert.equal(r('HAVE_1_ARG_KFREE').value, 'broken');
      assert.match(r('HAVE_1_ARG_KFREE').message!, new RegExp(`^test\\.probes:${lineOf('kfree(0 +)')}:\\d+: error: expected expression`));
      assert.equal(r('HAVE_STRSCPY').value, 'broken');
      assert.match(r('HAVE_STRSCPY').message!, new RegExp(`^test\\.probes:${lineOf('no_such_header_anywhere')}:\\d+: error: linux/no_such_header_anywhere\\.h: No such file or directory`));
      assert.ok(events.some((e) => e.type === 'compiler-error' && e.release === k.release && e.message.includes('HAVE_BROKEN_SYNTAX')));
    }
  });

  test('false answers carry the compiler message at the probe line', () => {
    for (const k of run.kernels) {
      const series = kernels.find((x) => x.release === k.release)!.series;
      if (series === '6.12') assert.match(k.results.find((r) => r.define === 'HAVE_STRLCPY')!.message!, new RegExp(`^test\\.probes:${lineOf('symbol strlcpy')}:\\d+: error: 'strlcpy' undeclared`));
      if (series === '6.1') assert.match(k.results.find((r) => r.define === 'HAVE_1_ARG_CLASS_CREATE')!.message!, /macro "class_create" requires 2 arguments/);
      // THIS_MODULE is a kernel macro: the error GCC reports inside its header is moved to
      // the probe's own call line (the note "in expansion of macro").
      if (series === '6.12') {
        assert.match(k.results.find((r) => r.define === 'HAVE_2_ARG_CLASS_CREATE')!.message!, new RegExp(`^test\\.probes:${lineOf('call class_create(THIS_MODULE')}:\\d+: error: `));
      }
    }
  });

  test('dudforge-compat.h has one #define per true probe and a comment per other one, sorted', () => {
    for (const k of run.kernels) {
      assert.equal(k.header, renderCompatHeader(k.results));
      assert.equal(k.header, renderCompatHeader([...k.results].reverse()), 'order of results does not matter');
      assert.match(k.header, /^#ifndef DUDFORGE_COMPAT_H\n#define DUDFORGE_COMPAT_H$/m);
      const lines = k.header.split('\n').filter((l) => /^(#define HAVE_|\/\* HAVE_)/.test(l));
      assert.equal(lines.length, k.results.length);
      const names = lines.map((l) => /(HAVE_\w+)/.exec(l)![1]);
      assert.deepEqual(names, [...names].sort());
      for (const r of k.results) {
        if (r.value === true) assert.ok(k.header.includes(`#define ${r.define} 1\n`));
        else assert.match(k.header, new RegExp(`/\\* ${r.define} is not set: .+ \\*/`));
      }
    }
  });

  test('the table shows probe × kernel with yes/no/BROKEN, and JSON carries the same', () => {
    const table = formatProbeTable(run);
    for (const k of run.kernels) assert.ok(table.split('\n')[0].includes(k.release));
    const row = table.split('\n').find((l) => l.startsWith('HAVE_BROKEN_SYNTAX '))!;
    assert.deepEqual(row.split(/\s+/).slice(1), run.kernels.map(() => 'BROKEN'));
    const strl = table.split('\n').find((l) => l.startsWith('HAVE_STRLCPY '))!;
    assert.deepEqual(strl.split(/\s+/).slice(1), run.kernels.map((k) => (k.results.find((r) => r.define === 'HAVE_STRLCPY')!.value ? 'yes' : 'no')));
    const json = JSON.parse(JSON.stringify(probeRunToJson(run)));
    assert.equal(json.kernels.length, run.kernels.length);
    assert.equal(json.kernels[0].results.length, run.kernels[0].results.length);
  });

  test('one make per kernel, and none left running', () => {
    for (const k of run.kernels) assert.equal(k.makeInvoked, true);
    assert.deepEqual(runningBuildGroups(), []);
  });
});
