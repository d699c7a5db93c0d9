/**
 * Payload compression.
 *
 * gzip is deflated in parallel the way pigz does it, yet stays ONE ordinary gzip member: the
 * payload is cut into fixed 512 KiB blocks; each block is deflated on libuv's thread pool with
 * the 32 KiB before it as a preset dictionary, and ends in a sync flush (byte-aligned, not
 * final) except the last, which finishes the stream. The raw deflate pieces are joined behind
 * one gzip header (mtime 0, no name) and followed by the CRC-32 and size of the whole input.
 * Block boundaries depend on the input length only, so the bytes are the same on any machine
 * and any number of cores; a payload of one block is byte for byte what gzipSync writes.
 *
 * Level 4 rather than rpmbuild's 9: on module code level 9 is 10x slower and 6 is 1.6x slower,
 * for payloads 2-4% smaller (figures in docs/bench); level 4 is the last one that keeps the
 * writer above 100 MiB/s on two cores for stripped machine code, the hardest input. Every rpm
 * and installer reads any level.
 *
 * xz has no usable pure-JS encoder on Node 20, so the xz-utils binary that every target system
 * has is run single-threaded, which is deterministic.
 */
import { spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { constants, crc32, createGunzip, deflateRaw, gunzipSync, type ZlibOptions } from 'node:zlib';

export type PayloadCompression = 'gzip' | 'xz';

/** The gzip level of payloads; recorded in PAYLOADFLAGS. */
export const GZIP_PAYLOAD_LEVEL = 4;

/** Input bytes per parallel deflate block. */
export const GZIP_BLOCK = 512 * 1024;

const WINDOW = 32 * 1024;
const deflateRawAsync = promisify(deflateRaw) as (buf: Buffer, opts: ZlibOptions) => Promise<Buffer>;

/**
 * gzip `input` as one member, its blocks deflated concurrently (see the file comment).
 * `block` is for tests; callers use the default.
 */
export async function gzipParallel(input: Buffer, level = GZIP_PAYLOAD_LEVEL, block = GZIP_BLOCK): Promise<Buffer> {
  const pieces: Promise<Buffer>[] = [];
  for (let off = 0; off === 0 || off < input.length; off += block) {
    const end = Math.min(off + block, input.length);
    const opts: ZlibOptions = {
      level,
      memLevel: 9,
      strategy: constants.Z_DEFAULT_STRATEGY,
      finishFlush: end === input.length ? constants.Z_FINISH : constants.Z_SYNC_FLUSH,
      // Room for the whole deflated block, so each block is one trip to the thread pool
      // (the default 16 KiB output chunk costs a round trip per 16 KiB).
      chunkSize: end - off + ((end - off) >> 6) + 1024,
    };
    if (off > 0) opts.dictionary = input.subarray(Math.max(0, off - WINDOW), off);
    pieces.push(deflateRawAsync(input.subarray(off, end), opts));
  }
  // RFC 1952 header as zlib writes it: CM=8, no flags, MTIME 0, XFL by level, OS 3 (Unix).
  const xfl = level === 9 ? 2 : level <= 1 ? 4 : 0;
  const head = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, xfl, 3]);
  const tail = Buffer.alloc(8);
  tail.writeUInt32LE(crc32(input) >>> 0, 0);
  tail.writeUInt32LE(input.length % 2 ** 32, 4);
  return Buffer.concat([head, ...(await Promise.all(pieces)), tail]);
}

function runFilter(cmd: string, args: string[], input: Buffer, maxOutput = Infinity, discard = false): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    child.stdout.on('data', (d: Buffer) => {
      size += d.length;
      if (size > maxOutput) {
        // Stop reading and stop the filter: a bomb must not be held in memory.
        if (!tooLarge) child.kill('SIGKILL');
        tooLarge = true;
        return;
      }
      if (!discard) out.push(d);
    });
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', (e) => reject(new Error(`${cmd} could not run: ${e.message}`)));
    child.on('close', (code) => {
      if (tooLarge) reject(new PayloadTooLargeError(maxOutput));
      else if (code === 0) resolve(Buffer.concat(out));
      else reject(new Error(`${cmd} ${args.join(' ')} exited ${code}: ${Buffer.concat(err).toString().trim()}`));
    });
    child.stdin.on('error', () => { /* reported through the exit code */ });
    child.stdin.end(input);
  });
}

export async function compressPayload(cpio: Buffer, how: PayloadCompression): Promise<Buffer> {
  if (how === 'gzip') return gzipParallel(cpio);
  return runFilter('xz', ['-9e', '--threads=1', '--check=crc64', '-c'], cpio);
}

/**
 * The most a payload may inflate to when read back (`dudforge verify`, the repodata writer):
 * a 1 MiB disk must not be able to make verify allocate gigabytes. Far above any kmod's payload.
 */
export const MAX_PAYLOAD_BYTES = 512 * 1024 * 1024;

/** A payload that inflates past its declared size or past MAX_PAYLOAD_BYTES. */
export class PayloadTooLargeError extends Error {
  constructor(readonly limit: number, declared?: number) {
    super(
      declared !== undefined && declared <= limit
        ? `it inflates past ${declared} bytes, the size its signature header declares (PAYLOADSIZE)`
        : `it inflates past ${limit} bytes, more than a payload may have here`,
    );
    this.name = 'PayloadTooLargeError';
  }
}

/**
 * Decompress by PAYLOADCOMPRESSOR; rpm assumes gzip when the tag is absent. `expectedSize`
 * (the signature's PAYLOADSIZE) lets gzip write into one buffer of that size instead of 16 KiB
 * pieces joined at the end (a second copy); a wrong size only costs that copy again. Output is
 * bounded by the declared size (when there is one) and by `limit`, so a compression bomb fails
 * with PayloadTooLargeError instead of taking the memory.
 */
export async function decompressPayload(payload: Buffer, compressor: string | undefined, expectedSize?: number, limit = MAX_PAYLOAD_BYTES): Promise<Buffer> {
  const declared = expectedSize !== undefined && expectedSize >= 0 ? expectedSize : undefined;
  const max = Math.min(limit, declared ?? limit);
  const chunkSize = declared && declared > 0 && declared < 2 ** 30 ? Math.min(declared, max) + 64 : undefined;
  const tooLarge = () => new PayloadTooLargeError(limit, declared);
  // A large allowance may be a lie (a forged PAYLOADSIZE): count first, throwing the output
  // away, so that a bomb costs time, not memory; only a payload within it is then kept.
  if (max > COUNT_FIRST_ABOVE && !(await inflatesWithin(payload, compressor ?? 'gzip', max))) throw tooLarge();
  switch (compressor ?? 'gzip') {
    case 'gzip':
      try {
        return gunzipSync(payload, { ...(chunkSize ? { chunkSize } : {}), maxOutputLength: Math.max(1, max) });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge();
        throw err;
      }
    case 'xz':
    case 'lzma': return runFilter('xz', ['-dc'], payload, max).catch(rethrowSized(tooLarge));
    case 'zstd': return runFilter('zstd', ['-dc'], payload, max).catch(rethrowSized(tooLarge));
    case 'bzip2': return runFilter('bzip2', ['-dc'], payload, max).catch(rethrowSized(tooLarge));
    case 'identity':
    case 'none':
      if (payload.length > max) throw tooLarge();
      return payload;
    default: throw new Error(`unsupported payload compressor ${compressor}`);
  }
}

/** Above this allowance the inflated size is counted before the output is kept. */
const COUNT_FIRST_ABOVE = 64 * 1024 * 1024;

/** Does the payload inflate to at most `max` bytes? Damaged data answers yes: the real pass reports it. */
async function inflatesWithin(payload: Buffer, compressor: string, max: number): Promise<boolean> {
  const filter = ({ xz: 'xz', lzma: 'xz', zstd: 'zstd', bzip2: 'bzip2' } as Record<string, string>)[compressor];
  if (filter) {
    return runFilter(filter, ['-dc'], payload, max, true).then(
      () => true,
      (err) => !(err instanceof PayloadTooLargeError),
    );
  }
  if (compressor !== 'gzip') return payload.length <= max || !['identity', 'none'].includes(compressor);
  return new Promise((resolve) => {
    const gunzip = createGunzip({ chunkSize: 1024 * 1024 });
    let size = 0;
    gunzip.on('data', (d: Buffer) => {
      size += d.length;
      if (size > max) {
        gunzip.destroy();
        resolve(false);
      }
    });
    gunzip.on('end', () => resolve(true));
    gunzip.on('error', () => resolve(true));
    gunzip.end(payload);
  });
}

function rethrowSized(make: () => Error): (err: unknown) => never {
  return (err) => {
    throw err instanceof PayloadTooLargeError ? make() : err;
  };
}
