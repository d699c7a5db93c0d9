/**
 * Reading an RPM back: lead, signature header, main header and payload, with the decoded
 * views the repodata writer and `dudforge verify` need.
 */
import { decompressPayload } from './compress.js';
import { parseCpio } from './cpio.js';
import { decodeHeader, type DecodedHeader } from './header.js';
import { LEAD_SIZE, readLead, type RpmLead } from './lead.js';
import { RPMTAG } from './tags.js';
import type { CpioEntry, RpmDependency, RpmHeaderEntry, RpmHeaderFile } from './types.js';

/** A header with typed accessors. Missing tags give undefined / empty lists. */
export class RpmHeader {
  constructor(readonly decoded: DecodedHeader) {}
  get entries(): Map<number, RpmHeaderEntry> {
    return this.decoded.entries;
  }
  get(tag: number): RpmHeaderEntry | undefined {
    return this.decoded.entries.get(tag);
  }
  has(tag: number): boolean {
    return this.decoded.entries.has(tag);
  }
  /** A STRING, or the first element of an I18NSTRING/STRING_ARRAY. */
  string(tag: number): string | undefined {
    const v = this.get(tag)?.value;
    if (typeof v === 'string') return v;
    if (Array.isArray(v) && typeof v[0] === 'string') return v[0] as string;
    return undefined;
  }
  strings(tag: number): string[] {
    const v = this.get(tag)?.value;
    if (typeof v === 'string') return [v];
    if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
    return [];
  }
  numbers(tag: number): number[] {
    const v = this.get(tag)?.value;
    if (Array.isArray(v)) return v.map((x) => (typeof x === 'bigint' ? Number(x) : (x as number)));
    return [];
  }
  number(tag: number): number | undefined {
    return this.numbers(tag)[0];
  }
  buffer(tag: number): Buffer | undefined {
    const v = this.get(tag)?.value;
    return Buffer.isBuffer(v) ? v : undefined;
  }
}

export interface ParsedRpm {
  lead: RpmLead;
  signature: RpmHeader;
  header: RpmHeader;
  /** Offset of the signature header (always 96). */
  signatureStart: number;
  /** Offset of the main header: 96 + signature header + padding to 8. */
  headerStart: number;
  /** Offset just past the main header, where the payload starts. */
  headerEnd: number;
  /** The main header bytes (what SHA1/SHA256/RSA signatures cover). */
  headerBytes: Buffer;
  /** The compressed payload bytes. */
  payload: Buffer;
  name: string;
  version: string;
  release: string;
  epoch: number | undefined;
  arch: string;
  isSource: boolean;
  provides(): RpmDependency[];
  requires(): RpmDependency[];
  conflicts(): RpmDependency[];
  obsoletes(): RpmDependency[];
  files(): RpmHeaderFile[];
}

function deps(h: RpmHeader, nameTag: number, flagsTag: number, versionTag: number): RpmDependency[] {
  const names = h.strings(nameTag);
  const flags = h.numbers(flagsTag);
  const versions = h.strings(versionTag);
  return names.map((name, i) => {
    const d: RpmDependency = { name, flags: flags[i] ?? 0 };
    if (versions[i]) d.version = versions[i];
    return d;
  });
}

/** Paths from DIRNAMES/BASENAMES/DIRINDEXES (or the legacy OLDFILENAMES). */
export function headerFilePaths(h: RpmHeader): string[] {
  const basenames = h.strings(RPMTAG.BASENAMES);
  if (basenames.length === 0) return h.strings(RPMTAG.OLDFILENAMES);
  const dirnames = h.strings(RPMTAG.DIRNAMES);
  const dirindexes = h.numbers(RPMTAG.DIRINDEXES);
  return basenames.map((b, i) => (dirnames[dirindexes[i]] ?? '') + b);
}

function headerFiles(h: RpmHeader): RpmHeaderFile[] {
  const paths = headerFilePaths(h);
  const col = (tag: number) => h.numbers(tag);
  const scol = (tag: number) => h.strings(tag);
  const [modes, sizes, mtimes, flags, inodes] = [RPMTAG.FILEMODES, RPMTAG.FILESIZES, RPMTAG.FILEMTIMES, RPMTAG.FILEFLAGS, RPMTAG.FILEINODES].map(col);
  const [digests, links, users, groups] = [RPMTAG.FILEDIGESTS, RPMTAG.FILELINKTOS, RPMTAG.FILEUSERNAME, RPMTAG.FILEGROUPNAME].map(scol);
  return paths.map((path, i) => ({
    path,
    mode: modes[i] ?? 0,
    size: sizes[i] ?? 0,
    mtime: mtimes[i] ?? 0,
    digest: digests[i] ?? '',
    linkTo: links[i] ?? '',
    flags: flags[i] ?? 0,
    user: users[i] ?? '',
    group: groups[i] ?? '',
    inode: inodes[i] ?? 0,
  }));
}

/** Parse an RPM file. Throws an Error naming the broken part when the file is malformed. */
export function readRpm(buf: Buffer): ParsedRpm {
  const lead = readLead(buf);
  const signatureStart = LEAD_SIZE;
  const sigDecoded = decodeHeader(buf, signatureStart);
  const headerStart = signatureStart + sigDecoded.byteLength + ((8 - (sigDecoded.byteLength % 8)) % 8);
  const mainDecoded = decodeHeader(buf, headerStart);
  const headerEnd = headerStart + mainDecoded.byteLength;
  const signature = new RpmHeader(sigDecoded);
  const header = new RpmHeader(mainDecoded);
  const isSource = header.has(RPMTAG.SOURCEPACKAGE) || lead.type === 1;
  return {
    lead,
    signature,
    header,
    signatureStart,
    headerStart,
    headerEnd,
    headerBytes: buf.subarray(headerStart, headerEnd),
    payload: buf.subarray(headerEnd),
    name: header.string(RPMTAG.NAME) ?? '',
    version: header.string(RPMTAG.VERSION) ?? '',
    release: header.string(RPMTAG.RELEASE) ?? '',
    epoch: header.number(RPMTAG.EPOCH),
    arch: header.string(RPMTAG.ARCH) ?? '',
    isSource,
    provides: () => deps(header, RPMTAG.PROVIDENAME, RPMTAG.PROVIDEFLAGS, RPMTAG.PROVIDEVERSION),
    requires: () => deps(header, RPMTAG.REQUIRENAME, RPMTAG.REQUIREFLAGS, RPMTAG.REQUIREVERSION),
    conflicts: () => deps(header, RPMTAG.CONFLICTNAME, RPMTAG.CONFLICTFLAGS, RPMTAG.CONFLICTVERSION),
    obsoletes: () => deps(header, RPMTAG.OBSOLETENAME, RPMTAG.OBSOLETEFLAGS, RPMTAG.OBSOLETEVERSION),
    files: () => headerFiles(header),
  };
}

/** Decompress and parse the payload (gzip, xz or none, by PAYLOADCOMPRESSOR). */
export async function readRpmPayload(buf: Buffer): Promise<CpioEntry[]> {
  const rpm = readRpm(buf);
  const cpio = await decompressPayload(rpm.payload, rpm.header.string(RPMTAG.PAYLOADCOMPRESSOR));
  return parseCpio(cpio);
}
