/**
 * Destinations for image bytes: a file written through a large staging buffer (few, big
 * write calls — the data of many small RPMs is coalesced), or one preallocated Buffer.
 * File contents on disk are read straight into the destination, never loaded whole.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { UserError } from '../errors.js';

const STAGING_BYTES = 4 * 1024 * 1024;

export interface ImageSink {
  write(data: Buffer): Promise<void>;
  zeros(count: number): Promise<void>;
  /** Copy exactly `size` bytes of the file at `path`. */
  copyFile(path: string, size: number): Promise<void>;
  /** Bytes written so far. */
  readonly written: number;
}

async function openSource(path: string, size: number): Promise<FileHandle> {
  const fh = await open(path, 'r');
  const st = await fh.stat();
  if (st.size !== size) {
    await fh.close();
    throw new UserError(`${path} changed size while the image was being written`, 'Do not modify the input files during the build; run it again.');
  }
  return fh;
}

function shrank(path: string): UserError {
  return new UserError(`${path} became shorter while the image was being written`, 'Do not modify the input files during the build; run it again.');
}

/** Where the next bytes go: `room` bytes of `buf` from `at`. */
interface Window {
  buf: Buffer;
  at: number;
  room: number;
}

/**
 * zeros and copyFile fill the sink's free window and advance past what they filled; only the
 * window differs (a staging buffer flushed when full, or the preallocated image itself).
 */
abstract class WindowedSink implements ImageSink {
  written = 0;
  abstract write(data: Buffer): Promise<void>;
  protected abstract window(): Promise<Window>;
  protected abstract advance(count: number): void;

  async zeros(count: number): Promise<void> {
    let left = count;
    while (left > 0) {
      const w = await this.window();
      const n = Math.min(left, w.room);
      w.buf.fill(0, w.at, w.at + n);
      this.advance(n);
      left -= n;
    }
  }

  async copyFile(path: string, size: number): Promise<void> {
    const fh = await openSource(path, size);
    try {
      let done = 0;
      while (done < size) {
        const w = await this.window();
        const { bytesRead } = await fh.read(w.buf, w.at, Math.min(size - done, w.room), done);
        if (bytesRead === 0) throw shrank(path);
        this.advance(bytesRead);
        done += bytesRead;
      }
    } finally {
      await fh.close();
    }
  }
}

export class FileSink extends WindowedSink {
  private readonly staging = Buffer.alloc(STAGING_BYTES);
  private used = 0;
  constructor(private readonly out: FileHandle) {
    super();
  }

  async flush(): Promise<void> {
    let at = 0;
    while (at < this.used) {
      const { bytesWritten } = await this.out.write(this.staging, at, this.used - at);
      at += bytesWritten;
    }
    this.used = 0;
  }

  async write(data: Buffer): Promise<void> {
    if (data.length >= STAGING_BYTES) {
      await this.flush();
      let at = 0;
      while (at < data.length) at += (await this.out.write(data, at, data.length - at)).bytesWritten;
    } else {
      if (this.used + data.length > STAGING_BYTES) await this.flush();
      data.copy(this.staging, this.used);
      this.used += data.length;
    }
    this.written += data.length;
  }

  protected async window(): Promise<Window> {
    if (this.used === STAGING_BYTES) await this.flush();
    return { buf: this.staging, at: this.used, room: STAGING_BYTES - this.used };
  }

  protected advance(count: number): void {
    this.used += count;
    this.written += count;
  }
}

export class BufferSink extends WindowedSink {
  constructor(readonly buffer: Buffer) {
    super();
  }

  async write(data: Buffer): Promise<void> {
    this.written += data.copy(this.buffer, this.written);
  }

  protected async window(): Promise<Window> {
    // The layout sized the buffer; running out means a layout bug, and must not loop forever.
    if (this.written >= this.buffer.length) throw new RangeError(`image overruns its ${this.buffer.length}-byte buffer`);
    return { buf: this.buffer, at: this.written, room: this.buffer.length - this.written };
  }

  protected advance(count: number): void {
    this.written += count;
  }
}
