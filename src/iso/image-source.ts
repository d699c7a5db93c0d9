/**
 * Random access to an image held in memory or in a file, so the reader can judge a large disk
 * without loading it whole.
 */
import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { UserError } from '../errors.js';

export interface ImageSource {
  /** File name for messages, or '<buffer>'. */
  readonly name: string;
  readonly size: number;
  /** `length` bytes at `offset`; throws UserError when the image is shorter. */
  read(offset: number, length: number): Buffer;
  close(): void;
}

function truncated(name: string, offset: number, length: number, size: number): UserError {
  return new UserError(
    `${name} is truncated or damaged: needs bytes ${offset}..${offset + length} but has ${size}`,
    'Rebuild the image or copy it again.',
  );
}

export class BufferSource implements ImageSource {
  readonly name = '<buffer>';
  constructor(private readonly buf: Buffer) {}
  get size(): number {
    return this.buf.length;
  }
  read(offset: number, length: number): Buffer {
    if (offset < 0 || offset + length > this.buf.length) throw truncated(this.name, offset, length, this.buf.length);
    return this.buf.subarray(offset, offset + length);
  }
  close(): void {}
}

/** Keeps a descriptor open while the reader walks; reopens on demand for later reads. */
export class FileSource implements ImageSource {
  private fd: number | null = null;
  readonly size: number;
  constructor(readonly name: string) {
    let fd: number;
    try {
      // Before open: opening a FIFO blocks until a writer comes, so `verify fifo` would hang.
      if (!statSync(name).isFile()) throw new UserError(`${name} is not a regular file`, 'Give the path of an ISO image (not a FIFO, device or directory).');
      fd = openSync(name, 'r');
    } catch (err) {
      if (err instanceof UserError) throw err;
      throw new UserError(`cannot open ${name}: ${(err as Error).message}`, 'Check the path of the ISO image.');
    }
    const st = fstatSync(fd);
    if (!st.isFile()) {
      closeSync(fd);
      throw new UserError(`${name} is not a file`, 'Give the path of an ISO image.');
    }
    this.fd = fd;
    this.size = st.size;
  }
  read(offset: number, length: number): Buffer {
    if (offset < 0 || offset + length > this.size) throw truncated(this.name, offset, length, this.size);
    const keepOpen = this.fd !== null;
    const fd = this.fd ?? openSync(this.name, 'r');
    try {
      const buf = Buffer.alloc(length);
      let done = 0;
      while (done < length) {
        const n = readSync(fd, buf, done, length - done, offset + done);
        if (n === 0) throw truncated(this.name, offset, length, this.size);
        done += n;
      }
      return buf;
    } finally {
      if (!keepOpen) closeSync(fd);
    }
  }
  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}
