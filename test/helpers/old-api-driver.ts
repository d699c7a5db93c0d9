/**
 * A module that builds before Linux 6.12 and fails on 6.12 and later: it includes
 * <asm/unaligned.h>, which 6.12 moved to <linux/unaligned.h> (assets/kernel-api-changes).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function writeOldUnalignedDriver(dir: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'Kbuild'), 'obj-m := oldapi.o\n');
  writeFileSync(
    join(dir, 'oldapi.c'),
    [
      '#include <linux/module.h>',
      '#include <asm/unaligned.h>',
      'static int __init oldapi_init(void) { u8 b[4] = { 1, 2, 3, 4 }; return get_unaligned_le32(b) == 0; }',
      'module_init(oldapi_init);',
      'MODULE_LICENSE("GPL");',
      'MODULE_DESCRIPTION("uses the pre-6.12 unaligned header");',
      'MODULE_VERSION("1.0");',
      '',
    ].join('\n'),
  );
}
