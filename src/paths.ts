import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The package root (the folder with dudforge's package.json), found by walking up from this
 * file, so the same code works from `src/` under tsx and from `dist/src/` after tsc.
 */
function findPackageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate)) {
      try {
        if (JSON.parse(readFileSync(candidate, 'utf8')).name === 'dudforge') return dir;
      } catch {
        /* keep walking */
      }
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error('dudforge package root not found');
    dir = parent;
  }
}

export const packageRoot = findPackageRoot();
export const assetsDir = join(packageRoot, 'assets');
export const templatesDir = join(packageRoot, 'templates');
export const packageVersion: string = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')).version;
