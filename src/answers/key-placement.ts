/**
 * Where signing keys may live. Everything in the driver sources goes into the source RPM and
 * everything in the output directory is what gets handed out, so a key generated into either
 * would be one careless copy away from being published: refused (`new --yes` and `build`).
 * An existing key pair kept beside the driver is allowed (it is left out of the source package),
 * but not one inside the output directory.
 */
import { existsSync, realpathSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { UserError } from '../errors.js';
import { projectPath } from './io.js';
import type { Answers } from './schema.js';

/** The real path of p, resolving symlinks of the part that exists (a key dir may not exist yet). */
export function realPathOf(p: string): string {
  const abs = resolve(p);
  if (existsSync(abs)) return realpathSync(abs);
  const parent = dirname(abs);
  return parent === abs ? abs : join(realPathOf(parent), basename(abs));
}

/** Is `child` the directory `parent` or inside it (symlinks resolved)? */
export function isInside(child: string, parent: string): boolean {
  const rel = relative(realPathOf(parent), realPathOf(child));
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** The directory whose files become the source RPM's tarball: the module dir, or the import's copy. */
export function publishedSourceDir(answers: Answers, projectDir: string): string {
  const standalone = answers.source.kind === 'dir' && !(answers.driverDirs && answers.driverDirs.length);
  return standalone ? projectPath(projectDir, (answers.source as { path: string }).path) : join(projectDir, 'sources');
}

/** A place for keys that is neither published directory. */
function suggestedKeyDir(answers: Answers, projectDir: string, published: string[]): string {
  const beside = join(projectDir, 'keys');
  if (!published.some((d) => isInside(beside, d))) return beside;
  return join(homedir(), '.dudforge', 'keys', answers.package.name);
}

/**
 * Refuse a key location inside what gets published. `outDir` defaults to the answers' output.dir
 * (a build's --out overrides it). Paths are compared after resolving symlinks.
 */
export function checkKeyPlacement(answers: Answers, projectDir: string, outDir = projectPath(projectDir, answers.output.dir)): void {
  const s = answers.signing;
  if (s.mode === 'none') return;
  const sources = publishedSourceDir(answers, projectDir);
  const places = [
    { dir: sources, what: 'the driver sources', why: 'every file there is packed into the source RPM on the disk' },
    { dir: outDir, what: 'the output directory', why: 'everything written there is published' },
  ];
  const published = places.map((p) => p.dir);
  if (s.mode === 'generate') {
    const dir = projectPath(projectDir, s.dir);
    for (const p of places) {
      if (!isInside(dir, p.dir)) continue;
      throw new UserError(
        `signing.dir ${dir} (--sign-generate) is inside ${p.what} (${p.dir}): ${p.why}, and a private key must never be`,
        `generate the key pair outside the sources and the output directory, e.g. --sign-generate ${suggestedKeyDir(answers, projectDir, published)}`,
      );
    }
    return;
  }
  if (s.key.startsWith('pkcs11:')) return;
  const key = projectPath(projectDir, s.key);
  if (isInside(key, outDir)) {
    throw new UserError(
      `signing.key ${key} is inside the output directory (${outDir}): everything written there is published`,
      `move the key pair elsewhere, e.g. to ${suggestedKeyDir(answers, projectDir, published)}, and name the new place with --sign-key/--sign-cert`,
    );
  }
}
