/**
 * What the build cache must know about a kernel build tree beyond its identity (release,
 * .config, Module.symvers, compiler text): the headers' point release. Debian keeps the ABI
 * name (`6.1.0-56-amd64`) across some point releases while the headers' inline code changes;
 * `include/config/kernel.release` ("6.1.192") and `LINUX_VERSION_CODE` say which one it is, and
 * the top-level Makefile names the shared tree it includes. All small files, read each build.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const STAMP_FILES = ['include/config/kernel.release', 'include/generated/uapi/linux/version.h', 'Makefile'];

export function treeStamp(treePath: string): string {
  const hash = createHash('sha256');
  for (const rel of STAMP_FILES) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(join(treePath, rel));
    } catch {
      bytes = Buffer.from('\0missing');
    }
    hash.update(`${rel}\0${bytes.length}\0`);
    hash.update(bytes);
  }
  return hash.digest('hex');
}
