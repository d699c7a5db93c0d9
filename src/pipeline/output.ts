/**
 * Writing artifacts into the output directory without ever leaving half a file: each artifact
 * goes to a temp name beside its target and is renamed into place. Temp files still open when
 * the run is cancelled are removed. Once the build knows its keys (`guard`), every artifact is
 * scanned for them before it is written (src/pipeline/secrets.ts).
 */
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import type { IsoEntry } from '../iso/index.js';
import type { PackedInput, SecretGuard } from './secrets.js';

export class OutputWriter {
  private readonly pending = new Set<string>();
  /** Set by the resolve step; artifacts are only written after it. */
  guard?: SecretGuard;

  constructor(readonly dir: string) {}

  /** Throw (naming the key and the artifact) when `bytes` or what was packed into them holds a key. */
  assertPublishable(name: string, bytes: Buffer, packed: PackedInput[] = []): void {
    if (!this.guard) throw new Error(`OutputWriter: ${name} written before the build's keys were known`);
    this.guard.assertClean(name, bytes, packed);
  }

  /** The driver disk's files, before the image is written. */
  assertDiskPublishable(name: string, entries: IsoEntry[]): void {
    if (!this.guard) throw new Error(`OutputWriter: ${name} written before the build's keys were known`);
    this.guard.assertDiskClean(name, entries);
  }

  /** A temp path for `target`, removed by `discardPending()` unless committed. */
  tempFor(target: string): string {
    mkdirSync(dirname(target), { recursive: true });
    const tmp = join(dirname(target), `.${basename(target)}.tmp-${process.pid}`);
    this.pending.add(tmp);
    return tmp;
  }

  /** Rename a finished temp file into place; a file written by another tool is scanned first. */
  commit(tmp: string, target: string, scan = true): void {
    if (scan) this.assertPublishable(basename(target), readFileSync(tmp));
    renameSync(tmp, target);
    this.pending.delete(tmp);
  }

  write(relPath: string, data: Buffer | string, packed: PackedInput[] = []): string {
    const bytes = Buffer.isBuffer(data) ? data : Buffer.from(data);
    this.assertPublishable(relPath, bytes, packed);
    const target = join(this.dir, relPath);
    const tmp = this.tempFor(target);
    writeFileSync(tmp, bytes);
    this.commit(tmp, target, false);
    return target;
  }

  discardPending(): void {
    for (const tmp of this.pending) rmSync(tmp, { force: true });
    this.pending.clear();
  }
}
