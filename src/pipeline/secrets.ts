/**
 * Keeping private keys out of what gets published (the kmod RPMs, the source RPM, the driver
 * disk, the certificate export).
 *
 * Two layers. First, the source RPM's tarball packs an explicit list: regular files of the source
 * tree, minus the signing key and certificate, minus a generated key directory, minus every file
 * that is a private key (by content, src/sign/key-files.ts). Second, every artifact is scanned
 * before it is written for the secret parts of each of those keys (src/sign/key-leak.ts
 * keyNeedles: key DER, PEM body lines, private exponent and primes); a hit fails the build.
 *
 * Compressed payloads are not decompressed to be scanned. An RPM payload is the cpio archive of
 * exactly the files the package was built from, and the sources tarball the tar of exactly its
 * entries: the writers (src/rpm, src/archive) compress those bytes and nothing else, and the
 * names and metadata they add are in the RPM header, which is stored uncompressed. So scanning
 * the artifact's raw bytes plus every uncompressed input packed into it ("packed") covers
 * everything the compressed streams can hold. The disk's repodata is small gzip XML made from
 * those headers; it is unpacked and scanned directly.
 */
import type { KeyObject } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { Answers } from '../answers/schema.js';
import { isInside, realPathOf } from '../answers/key-placement.js';
import { UserError } from '../errors.js';
import type { IsoEntry } from '../iso/index.js';
import { listTree } from '../import/tree-files.js';
import { keyNeedles } from '../sign/key-leak.js';
import { NeedleIndex } from '../sign/needle-scan.js';
import { privateKeyFile } from '../sign/key-files.js';
import { isPkcs11Uri, loadPrivateKey } from '../sign/private-key.js';
import type { ResolvedSources } from './context.js';
import type { Reporter } from '../events.js';
import type { SigningSetup } from './signing.js';
import { isNotSource } from './sources.js';

/** An uncompressed input of an artifact: a file packed into an RPM payload or a tarball. */
export interface PackedInput {
  name: string;
  bytes: Buffer;
}

interface GuardedKey {
  /** The key file, as the user knows it (the signing key, or a key file found in the sources). */
  file: string;
  needles: Buffer[];
}

export class SecretGuard {
  /** Artifacts already judged, so the disk does not scan the same RPM bytes twice. */
  private readonly judged = new WeakSet<Buffer>();
  /** Every key's needles, found in one pass over each artifact. */
  private readonly index: NeedleIndex<GuardedKey>;

  constructor(
    private readonly keys: GuardedKey[],
    /** Source-tree-relative paths of the files the source tarball may pack. */
    readonly sourceFiles: string[],
  ) {
    this.index = new NeedleIndex(keys.flatMap((key) => key.needles.map((needle) => ({ needle, owner: key }))));
  }

  /** Throw when a key's secret bytes are in `bytes` or in any input packed into it. */
  assertClean(artifact: string, bytes: Buffer, packed: PackedInput[] = []): void {
    if (!this.keys.length) return;
    if (!this.judged.has(bytes)) {
      this.check(artifact, artifact, bytes);
      for (const p of packed) this.check(artifact, p.name, p.bytes);
    }
    this.judged.add(bytes);
  }

  /** The driver disk, before it is written: each file it stores (ISO 9660 stores them as they are). */
  assertDiskClean(artifact: string, entries: IsoEntry[]): void {
    if (!this.keys.length) return;
    for (const e of entries) {
      // The RPMs were judged (with what was packed into them) when they were written.
      if (!Buffer.isBuffer(e.source) || this.judged.has(e.source)) continue;
      this.check(artifact, e.path, e.source);
      if (e.path.endsWith('.gz')) this.check(artifact, e.path, gunzipSync(e.source));
    }
  }

  private check(artifact: string, part: string, bytes: Buffer): void {
    const key = this.index.find(bytes);
    if (key) {
      throw new UserError(
        `the private key ${key.file} would be published: its secret bytes are in ${artifact}${part === artifact ? '' : ` (in ${part}, packed into it)`}, so ${artifact} was not written`,
        'remove the copy of the key from the driver sources, firmware and package fields, and keep keys outside the sources and the output directory',
      );
    }
  }
}

/** The needles of one key file; an encrypted key that does not open gives needles from its bytes. */
function needlesOf(file: string, bytes: Buffer, opened?: KeyObject): GuardedKey {
  const found = opened ? { key: opened } : privateKeyFile(bytes);
  return { file, needles: keyNeedles(found?.key, bytes) };
}

function groupOrOthers(mode: number): string | undefined {
  const readers = [mode & 0o040 ? 'group' : '', mode & 0o004 ? 'others' : ''].filter(Boolean);
  return readers.length ? readers.join(' and ') : undefined;
}

/**
 * Find every key the build must not publish and the source files it may. Runs in the resolve
 * step, after the signing pair is checked (or generated).
 */
export async function prepareSecrets(opts: {
  answers: Answers;
  sources: ResolvedSources;
  signing: SigningSetup | undefined;
  /** The output directory: when it lies inside the sources (a project kept in its driver dir), its files are artifacts, not sources. */
  outDir: string;
  reporter: Reporter;
}): Promise<SecretGuard> {
  const { sources, signing, reporter } = opts;
  const keys: GuardedKey[] = [];
  const keyPaths = new Set<string>();
  const withheldFiles = new Set<string>();
  const withheldDirs: string[] = [];
  if (signing) {
    withheldFiles.add(realPathOf(signing.cert));
    if (opts.answers.signing.mode === 'generate') withheldDirs.push(join(signing.key, '..'));
    if (!isPkcs11Uri(signing.key)) {
      const loaded = await loadPrivateKey(signing.key);
      keys.push(needlesOf(signing.key, loaded.bytes, loaded.key));
      keyPaths.add(realPathOf(signing.key));
      withheldFiles.add(realPathOf(signing.key));
    }
  }

  const root = sources.rootDir;
  const sourceFiles: string[] = [];
  const leftOut: string[] = [];
  // The checked source list (sources.ts): regular files, and links that end at one inside the
  // tree (packed as that file, as the build copies it); never the project's own paths.
  for (const path of sources.files) {
    const f = { path };
    const abs = join(root, f.path);
    const real = realPathOf(abs);
    if (!isInside(real, realPathOf(root))) {
      leftOut.push(`${f.path} (links out of the source tree)`);
      continue;
    }
    // The output directory inside the sources is never a source (sources.ts leaves it out too).
    if (isInside(real, opts.outDir)) continue;
    if (withheldFiles.has(real) || withheldDirs.some((d) => isInside(real, d))) {
      leftOut.push(`${f.path} (signing key pair)`);
      continue;
    }
    const bytes = readFileSync(abs);
    const key = privateKeyFile(bytes);
    if (!key) {
      sourceFiles.push(f.path);
      continue;
    }
    leftOut.push(`${f.path} (private key)`);
    if (!keyPaths.has(real)) {
      keyPaths.add(real);
      keys.push(needlesOf(abs, bytes));
    }
    const readers = groupOrOthers(statSync(abs).mode);
    if (readers) reporter.emit({ type: 'warning', message: `private key ${abs} is readable by ${readers}: run chmod 600 ${abs}` });
  }
  // The signing pair inside the sources is one of the project's own paths, so the checked list
  // never held it: still say that it was left out.
  const rootReal = realPathOf(root);
  for (const p of [...withheldFiles].sort()) {
    const rel = relative(rootReal, p);
    if (isInside(p, rootReal) && !leftOut.some((l) => l.startsWith(`${rel} `))) leftOut.push(`${rel} (signing key pair)`);
  }
  if (leftOut.length) {
    reporter.emit({ type: 'warning', message: `left out of the source package (never published): ${leftOut.join(', ')}` });
  }

  // Firmware ships as it is, in every kmod: a key there cannot be left out, only refused.
  for (const fw of sources.firmware) {
    if (privateKeyFile(readFileSync(fw.from))) {
      throw new UserError(`firmware ${fw.from} is a private key: it would be shipped in every kmod RPM`, 'remove it from the firmware list (firmware in dudforge.json, --firmware)');
    }
  }
  return new SecretGuard(keys, sourceFiles);
}
