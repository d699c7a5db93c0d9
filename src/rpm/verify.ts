/**
 * Digest checks equivalent to `rpm -Kv` plus per-file digests, without rpm. Each problem is
 * one line of text; an empty list means the package is intact.
 */
import { createHash } from 'node:crypto';
import { decompressPayload } from './compress.js';
import { parseCpio } from './cpio.js';
import { regionTrailer } from './header.js';
import { readRpm, type ParsedRpm } from './reader.js';
import { RPMFILE } from './sense.js';
import { RPMSIGTAG, RPMTAG } from './tags.js';
import type { CpioEntry } from './types.js';

const HASH_BY_ALGO: Record<number, string> = { 1: 'md5', 2: 'sha1', 8: 'sha256', 9: 'sha384', 10: 'sha512', 11: 'sha224' };

function hex(algo: string, ...parts: Buffer[]): string {
  const h = createHash(algo);
  for (const p of parts) h.update(p);
  return h.digest('hex');
}

/** Every digest and size problem of a package; [] when rpm -K would say OK. */
export async function verifyRpmDigests(buf: Buffer): Promise<string[]> {
  return (await checkRpm(buf)).problems;
}

/**
 * The digest checks, and the payload entries they had to decompress anyway, so a caller that
 * also looks inside the package (dudforge verify) does not decompress it a second time. A
 * caller that has already parsed `buf` passes the result, so the headers are not parsed twice.
 */
export async function checkRpm(buf: Buffer, parsed?: ParsedRpm): Promise<{ problems: string[]; entries?: CpioEntry[] }> {
  const problems: string[] = [];
  let rpm = parsed;
  if (!rpm) {
    try {
      rpm = readRpm(buf);
    } catch (e) {
      return { problems: [`unreadable: ${(e as Error).message}`] };
    }
  }
  const { signature: sig, header, headerBytes, payload } = rpm;

  const trailer = regionTrailer(buf, rpm.headerStart, header.decoded);
  if (header.decoded.index[0]?.tag !== RPMTAG.HEADERIMMUTABLE || trailer?.tag !== RPMTAG.HEADERIMMUTABLE
      || trailer.offset !== -header.decoded.il * 16) {
    problems.push('main header has no immutable region (tag 63)');
  }
  const sha1 = sig.string(RPMSIGTAG.SHA1);
  if (sha1 === undefined) problems.push('no header SHA1 digest');
  else if (sha1 !== hex('sha1', headerBytes)) problems.push('header SHA1 digest mismatch');
  const sha256 = sig.string(RPMSIGTAG.SHA256);
  if (sha256 === undefined) problems.push('no header SHA256 digest');
  else if (sha256 !== hex('sha256', headerBytes)) problems.push('header SHA256 digest mismatch');
  const size = sig.number(RPMSIGTAG.SIZE);
  if (size !== undefined && size !== headerBytes.length + payload.length) {
    problems.push(`size mismatch: signature says ${size}, file has ${headerBytes.length + payload.length}`);
  }
  const md5 = sig.buffer(RPMSIGTAG.MD5);
  if (md5 && md5.toString('hex') !== hex('md5', headerBytes, payload)) problems.push('MD5 digest mismatch');

  const payloadAlgo = HASH_BY_ALGO[header.number(RPMTAG.PAYLOADDIGESTALGO) ?? 8] ?? 'sha256';
  const payloadDigest = header.string(RPMTAG.PAYLOADDIGEST);
  if (payloadDigest === undefined) problems.push('no payload digest');
  else if (payloadDigest !== hex(payloadAlgo, payload)) problems.push('payload digest mismatch');

  let cpio: Buffer;
  try {
    cpio = await decompressPayload(payload, header.string(RPMTAG.PAYLOADCOMPRESSOR), sig.number(RPMSIGTAG.PAYLOADSIZE));
  } catch (e) {
    problems.push(`payload does not decompress: ${(e as Error).message}`);
    return { problems };
  }
  const payloadSize = sig.number(RPMSIGTAG.PAYLOADSIZE);
  if (payloadSize !== undefined && payloadSize !== cpio.length) problems.push(`payload size mismatch: ${payloadSize} != ${cpio.length}`);
  const alt = header.string(RPMTAG.PAYLOADDIGESTALT);
  if (alt !== undefined && alt !== hex(payloadAlgo, cpio)) problems.push('uncompressed payload digest mismatch');

  let entries: CpioEntry[];
  try {
    entries = parseCpio(cpio);
  } catch (e) {
    problems.push(`payload is not a valid cpio archive: ${(e as Error).message}`);
    return { problems };
  }
  const fileAlgo = HASH_BY_ALGO[header.number(RPMTAG.FILEDIGESTALGO) ?? 1] ?? 'md5';
  const byPath = new Map(entries.map((e) => [e.path, e]));
  for (const f of rpm.files()) {
    const entry = byPath.get(f.path);
    if (!entry) {
      if (!(f.flags & RPMFILE.GHOST)) problems.push(`${f.path}: in the header but not in the payload`);
      continue;
    }
    byPath.delete(f.path);
    if ((f.mode & 0o170000) !== 0o100000) continue;
    if (entry.data.length !== f.size) problems.push(`${f.path}: size ${entry.data.length}, header says ${f.size}`);
    if (f.digest !== hex(fileAlgo, entry.data)) problems.push(`${f.path}: file digest mismatch`);
  }
  for (const path of byPath.keys()) problems.push(`${path}: in the payload but not in the header`);
  return { problems, entries };
}
