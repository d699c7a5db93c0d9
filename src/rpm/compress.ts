/**
 * Payload compression. gzip comes from node:zlib (level 6; zlib writes mtime 0 and no name,
 * so the bytes depend only on the input). Level 6 rather than rpmbuild's 9: on modules full of
 * debug info level 9 is 7-30x slower for the same size (measured by the bench), and every
 * rpm and installer reads any level. xz has no usable pure-JS encoder on Node 20, so the
 * xz-utils binary that every target system has is run single-threaded, which is deterministic.
 */
import { spawn } from 'node:child_process';
import { gunzipSync, gzipSync, constants } from 'node:zlib';

export type PayloadCompression = 'gzip' | 'xz';

/** The gzip level of payloads; recorded in PAYLOADFLAGS. */
export const GZIP_PAYLOAD_LEVEL = 6;

function runFilter(cmd: string, args: string[], input: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', (e) => reject(new Error(`${cmd} could not run: ${e.message}`)));
    child.on('close', (code) => {
      if (code === 0) resolve(Buffer.concat(out));
      else reject(new Error(`${cmd} ${args.join(' ')} exited ${code}: ${Buffer.concat(err).toString().trim()}`));
    });
    child.stdin.on('error', () => { /* reported through the exit code */ });
    child.stdin.end(input);
  });
}

export async function compressPayload(cpio: Buffer, how: PayloadCompression): Promise<Buffer> {
  if (how === 'gzip') return gzipSync(cpio, { level: GZIP_PAYLOAD_LEVEL, memLevel: 9, strategy: constants.Z_DEFAULT_STRATEGY });
  return runFilter('xz', ['-9e', '--threads=1', '--check=crc64', '-c'], cpio);
}

/** Decompress by PAYLOADCOMPRESSOR; rpm assumes gzip when the tag is absent. */
export async function decompressPayload(payload: Buffer, compressor: string | undefined): Promise<Buffer> {
  switch (compressor ?? 'gzip') {
    case 'gzip': return gunzipSync(payload);
    case 'xz':
    case 'lzma': return runFilter('xz', ['-dc'], payload);
    case 'zstd': return runFilter('zstd', ['-dc'], payload);
    case 'bzip2': return runFilter('bzip2', ['-dc'], payload);
    case 'identity':
    case 'none': return payload;
    default: throw new Error(`unsupported payload compressor ${compressor}`);
  }
}
