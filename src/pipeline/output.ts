/**
 * Writing artifacts into the output directory without ever leaving half a file: each artifact
 * goes to a temp name beside its target and is renamed into place. Temp files still open when
 * the run is cancelled are removed.
 */
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import { fsUserError } from '../fs-errors.js';

export class OutputWriter {
  private readonly pending = new Set<string>();

  constructor(readonly dir: string) {}

  /** A temp path for `target`, removed by `discardPending()` unless committed. */
  tempFor(target: string): string {
    mkdirSync(dirname(target), { recursive: true });
    const tmp = join(dirname(target), `.${basename(target)}.tmp-${process.pid}`);
    this.pending.add(tmp);
    return tmp;
  }

  commit(tmp: string, target: string): void {
    renameSync(tmp, target);
    this.pending.delete(tmp);
  }

  write(relPath: string, data: Buffer | string): string {
    const target = join(this.dir, relPath);
    const tmp = this.tempFor(target);
    try {
      writeFileSync(tmp, data);
    } catch (err) {
      rmSync(tmp, { force: true });
      throw fsUserError(err, target, Buffer.byteLength(data)) ?? err;
    }
    this.commit(tmp, target);
    return target;
  }

  discardPending(): void {
    for (const tmp of this.pending) rmSync(tmp, { force: true });
    this.pending.clear();
  }
}
