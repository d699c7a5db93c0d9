import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseKbuildLine } from '../../src/kbuild/progress.js';

test('Kbuild step lines', () => {
  assert.deepEqual(parseKbuildLine('  CC [M]  /tmp/x/main.o'), { kind: 'compile', object: '/tmp/x/main.o' });
  assert.deepEqual(parseKbuildLine('  AS [M]  /tmp/x/asm.o'), { kind: 'compile', object: '/tmp/x/asm.o' });
  assert.deepEqual(parseKbuildLine('  CC [M]  /tmp/x/dud.mod.o'), { kind: 'compile-aux', object: '/tmp/x/dud.mod.o' });
  assert.deepEqual(parseKbuildLine('  CC [M]  /tmp/x/.module-common.o'), { kind: 'compile-aux', object: '/tmp/x/.module-common.o' });
  assert.deepEqual(parseKbuildLine('  LD [M]  /tmp/x/dud.ko'), { kind: 'link', target: '/tmp/x/dud.ko' });
  assert.deepEqual(parseKbuildLine('  MODPOST /tmp/x/Module.symvers'), { kind: 'modpost', target: '/tmp/x/Module.symvers' });
  assert.deepEqual(parseKbuildLine('  BTF [M] /tmp/x/dud.ko'), { kind: 'btf', target: '/tmp/x/dud.ko' });
});

test('compiler diagnostics', () => {
  assert.deepEqual(parseKbuildLine("/tmp/x/main.c:12:5: error: 'foo' undeclared (first use in this function)"), {
    kind: 'error',
    file: '/tmp/x/main.c',
    line: 12,
    column: 5,
    message: "'foo' undeclared (first use in this function)",
    text: "/tmp/x/main.c:12:5: error: 'foo' undeclared (first use in this function)",
  });
  const fatal = parseKbuildLine('/tmp/x/a.c:3:10: fatal error: nope.h: No such file or directory');
  assert.equal(fatal.kind, 'error');
  const warn = parseKbuildLine('/tmp/x/a.c:7: warning: unused variable');
  assert.equal(warn.kind, 'warning');
  assert.equal(warn.kind === 'warning' && warn.column, undefined);
  assert.equal(parseKbuildLine('ERROR: modpost: "nope" [/tmp/x/dud.ko] undefined!').kind, 'error');
  assert.equal(parseKbuildLine('WARNING: modpost: missing MODULE_LICENSE() in /tmp/x/dud.o').kind, 'warning');
  assert.equal(parseKbuildLine('cc1: error: unrecognized command-line option').kind, 'error');
  assert.equal(parseKbuildLine('warning: the compiler differs from the one used to build the kernel').kind, 'warning');
});

test('make lines', () => {
  assert.deepEqual(parseKbuildLine('make[2]: *** [scripts/Makefile.build:250: /tmp/x/main.o] Error 1'), {
    kind: 'make-error',
    text: 'make[2]: *** [scripts/Makefile.build:250: /tmp/x/main.o] Error 1',
    code: 1,
  });
  assert.equal(parseKbuildLine('make: *** [Makefile:1898: /tmp/x] Error 2').kind, 'make-error');
  assert.equal(parseKbuildLine("make: Entering directory '/usr/src/linux-headers-6.1.0-56-amd64'").kind, 'make');
  assert.equal(parseKbuildLine('make[1]: Leaving directory').kind, 'make');
  assert.equal(parseKbuildLine('   12 |         foo = 1;').kind, 'other');
  assert.equal(parseKbuildLine('Skipping BTF generation for /tmp/x/dud.ko due to unavailability of vmlinux').kind, 'other');
});
