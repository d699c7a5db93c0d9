/** Compiler messages from a kernel's build copy name the user's files instead (kbuild/user-paths.ts). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toUserPaths } from '../../src/kbuild/user-paths.js';

const copy = '/p/proj/.dudforge/build/6.12.1-x/src';
const user = '/home/u/driver';

test('an absolute path in the copy becomes the same file in the source directory', () => {
  assert.equal(toUserPaths(`${copy}/oldapi.c:2:10: fatal error: asm/unaligned.h: No such file or directory`, copy, user), `${user}/oldapi.c:2:10: fatal error: asm/unaligned.h: No such file or directory`);
  assert.equal(toUserPaths(`${copy}/sub/a.h:3:1: error: x (from ${copy}/b.c)`, `${copy}/`, user), `${user}/sub/a.h:3:1: error: x (from ${user}/b.c)`);
});

test('a path relative to the module directory (newer Kbuild) is placed in the source directory', () => {
  assert.equal(toUserPaths('drv/main.c:10:5: error: boom', copy, user), `${user}/drv/main.c:10:5: error: boom`);
});

test('anything else is left as it is', () => {
  assert.equal(toUserPaths('make: *** [Makefile:236: __sub-make] Error 2', copy, user), 'make: *** [Makefile:236: __sub-make] Error 2');
  assert.equal(toUserPaths('/usr/src/linux/include/linux/x.h:5:1: error: y', copy, user), '/usr/src/linux/include/linux/x.h:5:1: error: y');
  assert.equal(toUserPaths('../outside.c:1:1: error: z', copy, user), '../outside.c:1:1: error: z');
});
