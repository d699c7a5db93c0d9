/**
 * The build cache: compiled modules per kernel, keyed by everything that can change them —
 * the sources' content, the make arguments, the probe results (compat header), the kernel
 * build tree's identity and the toolchain. A failed build is never stored; an entry is written
 * to a temp directory and renamed, so a crash leaves no half entry.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tempPathFor } from '../fs/atomic-write.js';
import { basename, join } from 'node:path';

export interface BuildCacheKeyParts {
  sources: string;
  makeArgs: string[];
  wrapper: string;
  compatHeader: string;
  kernelIdentity: string;
  /** The tree's path: debug info names the headers it was built against. */
  treePath: string;
  /** See tree-stamp.ts: the headers' point release. */
  treeStamp: string;
  toolchain: string;
  /** The compiler this kernel's Kbuild runs (see toolchain.ts). */
  kernelCompiler: string;
  /** Extra -I directories given to the compiler. */
  includeDirs: string[];
}

/** Bump when the way modules are built changes, so old entries stop matching. */
const CACHE_FORMAT = 'dudforge-build-cache-3';

export function buildCacheKey(parts: BuildCacheKeyParts): string {
  return createHash('sha256').update(JSON.stringify([CACHE_FORMAT, parts])).digest('hex');
}

interface Manifest {
  key: string;
  /** The cached files: modules (.ko) and the build's Module.symvers. */
  modules: string[];
}

export class BuildCache {
  constructor(private readonly root: string) {}

  private entryDir(release: string): string {
    return join(this.root, release);
  }

  /** The cached module files for this kernel and key, or undefined on a miss. */
  lookup(release: string, key: string): string[] | undefined {
    const dir = this.entryDir(release);
    try {
      const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Manifest;
      if (manifest.key !== key) return undefined;
      const files = manifest.modules.map((m) => join(dir, m));
      return files.every((f) => existsSync(f)) ? files : undefined;
    } catch {
      return undefined;
    }
  }

  /** Keep one entry per kernel: the newest good build. */
  store(release: string, key: string, moduleFiles: string[]): void {
    mkdirSync(this.root, { recursive: true });
    const dir = this.entryDir(release);
    // A directory, so the atomic-write helper's temp name but not its single-file write.
    const tmp = tempPathFor(dir);
    try {
      mkdirSync(tmp, { recursive: true });
      for (const f of moduleFiles) copyFileSync(f, join(tmp, basename(f)));
      const manifest: Manifest = { key, modules: moduleFiles.map((f) => basename(f)).sort() };
      writeFileSync(join(tmp, 'manifest.json'), JSON.stringify(manifest, null, 1));
      rmSync(dir, { recursive: true, force: true });
      renameSync(tmp, dir);
    } catch (err) {
      rmSync(tmp, { recursive: true, force: true });
      throw err;
    }
  }
}
