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

export class FileSink implements ImageSink {
  private readonly staging = Buffer.alloc(STAGING_BYTES);
  private used = 0;
  written = 0;
  constructor(private readonly out: FileHandle) {}

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

  async zeros(count: number): Promise<void> {
    let left = count;
    while (left > 0) {
      if (this.used === STAGING_BYTES) await this.flush();
      const n = Math.min(left, STAGING_BYTES - this.used);
      this.staging.fill(0, this.used, this.used + n);
      this.used += n;
      left -= n;
    }
    this.written += count;
  }

  async copyFile(path: string, size: number): Promise<void> {
    const fh = await openSource(path, size);
    try {
      let done = 0;
      while (done < size) {
        if (this.used === STAGING_BYTES) await this.flush();
        const want = Math.min(size - done, STAGING_BYTES - this.used);
        const { bytesRead } = await fh.read(this.staging, this.used, want, done);
        if (bytesRead === 0) throw shrank(path);
        this.used += bytesRead;
        done += bytesRead;
      }
    } finally {
      await fh.close();
    }
    this.written += size;
  }
}

export class BufferSink implements ImageSink {
  written = 0;
  constructor(readonly buffer: Buffer) {}

  async write(data: Buffer): Promise<void> {
    this.written += data.copy(this.buffer, this.written);
  }

  async zeros(count: number): Promise<void> {
    this.buffer.fill(0, this.written, this.written + count);
    this.written += count;
  }

  async copyFile(path: string, size: number): Promise<void> {
    const fh = await openSource(path, size);
    try {
      let done = 0;
      while (done < size) {
        const { bytesRead } = await fh.read(this.buffer, this.written + done, size - done, done);
        if (bytesRead === 0) throw shrank(path);
        done += bytesRead;
      }
    } finally {
      await fh.close();
    }
    this.written += size;
  }
}
