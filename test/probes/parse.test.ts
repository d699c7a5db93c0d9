import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { UserError } from '../../src/errors.js';
import { canonicalProbeText, parseProbeFile } from '../../src/probes/parse.js';
import { probeHash } from '../../src/probes/cache.js';
import { probeSource } from '../../src/probes/source.js';

const SAMPLE = `# probes
symbol strlcpy
    include <linux/string.h>

header linux/args.h
member struct i2c_driver probe_new
    include linux/i2c.h
type rcuref_t
call class_create(THIS_MODULE, "a,b", f(1, 2), (struct x){ 1, 2 })
call foo()
    define HAVE_FOO_NOARGS
code HAVE_REMOVE_VOID
    include <linux/platform_device.h>
    global static void r(struct platform_device *p) { }
    body (void)r;
export class_create
`;

describe('parseProbeFile', () => {
  const probes = parseProbeFile(SAMPLE, 'x.probes');

  test('reads every kind with its default macro', () => {
    assert.deepEqual(
      probes.map((p) => [p.kind, p.define]),
      [
        ['symbol', 'HAVE_STRLCPY'],
        ['header', 'HAVE_LINUX_ARGS_H'],
        ['member', 'HAVE_STRUCT_I2C_DRIVER_PROBE_NEW'],
        ['type', 'HAVE_RCUREF_T'],
        ['call', 'HAVE_4_ARG_CLASS_CREATE'],
        ['call', 'HAVE_FOO_NOARGS'],
        ['code', 'HAVE_REMOVE_VOID'],
        ['export', 'HAVE_EXPORTED_CLASS_CREATE'],
      ],
    );
    assert.deepEqual(probes[0].includes, ['linux/string.h']);
    assert.deepEqual(probes[2].includes, ['linux/i2c.h']);
    assert.deepEqual(probes[6].globals, ['static void r(struct platform_device *p) { }']);
    assert.deepEqual(probes[6].body, ['(void)r;']);
    assert.equal(probes[6].source?.line, 12);
    assert.deepEqual(probes[6].source?.globalLines, [14]);
  });

  const bad: [string, number, RegExp][] = [
    ['symbol strlcpy\nfrobnicate x\n', 2, /unknown probe kind "frobnicate"/],
    ['    include <linux/x.h>\n', 1, /no probe has started/],
    ['symbol strlcpy\n    includ <linux/x.h>\n', 2, /unknown probe line "includ"/],
    ['symbol 9lives\n', 1, /not a C identifier/],
    ['call class_create(THIS_MODULE, name\n', 1, /balanced parentheses/],
    ['member struct net_device\n', 1, /<type> <member>/],
    ['code lowercase\n', 1, /names its macro/],
    ['code HAVE_X\n    include <linux/x.h>\n', 1, /no "global" or "body"/],
    ['symbol a\nsymbol b\n    define HAVE_A\n', 2, /already defined by the probe on line 1/],
    ['header linux/x.c\n', 1, /not a header path/],
    ['export foo\n    body x;\n', 2, /compiles nothing/],
  ];
  for (const [text, line, re] of bad) {
    test(`rejects ${JSON.stringify(text.split('\n')[line - 1])} with file:line`, () => {
      assert.throws(
        () => parseProbeFile(text, 'bad.probes'),
        (err: unknown) => err instanceof UserError && err.message.startsWith(`bad.probes:${line}: `) && re.test(err.message),
      );
    });
  }

  test('the canonical text (and cache key) does not depend on position or attribute order', () => {
    const a = parseProbeFile('# one\n\nsymbol x\n    include <linux/a.h>\n    body int y;\n', 'a');
    const b = parseProbeFile('symbol x\n    body int y;\n    include linux/a.h\n', 'b');
    assert.equal(canonicalProbeText(a[0]), canonicalProbeText(b[0]));
    assert.equal(probeHash(a[0]), probeHash(b[0]));
    const c = parseProbeFile('symbol x\n    body int z;\n    include linux/a.h\n', 'c');
    assert.notEqual(probeHash(a[0]), probeHash(c[0]));
  });

  test('generated C points every probe line at its canonical line', () => {
    const src = probeSource(probes[6]);
    // canonical: 1 code line, 2 include, 3 global, 4 body
    assert.match(src, /#line 2 "HAVE_REMOVE_VOID"\n#include <linux\/platform_device.h>/);
    assert.match(src, /#line 3 "HAVE_REMOVE_VOID"\nstatic void r/);
    assert.match(src, /#line 4 "HAVE_REMOVE_VOID"\n\(void\)r;/);
  });
});
