/**
 * The package builder: file table → cpio payload → main header → signature header → lead.
 * Everything is derived from the spec alone (no clock, no randomness), so the same spec gives
 * the same bytes.
 */
import { createHash } from 'node:crypto';
import { compressPayload, GZIP_PAYLOAD_LEVEL } from './compress.js';
import { writeCpio } from './cpio.js';
import { evrString, packageProvides, packageRequires, sortDependencies } from './deps.js';
import { cpioEntries, fileRows, fillDigests, installedSize, splitDirnames, type FileRow } from './files.js';
import { encodeHeader, type HeaderTag } from './header.js';
import { writeLead } from './lead.js';
import { PGPHASHALGO_SHA256, RPM_TYPE, RPMSIGTAG, RPMTAG, RPMVERSION_STRING } from './tags.js';
import type { BuildRpmOptions, RpmDependency, RpmPackageSpec } from './types.js';

const T = RPM_TYPE;

/** `<name>-<version>-<release>.<arch>.rpm`, or `.src.rpm` for a source package. */
export function rpmFileName(spec: Pick<RpmPackageSpec, 'name' | 'version' | 'release' | 'arch' | 'isSource'>): string {
  return `${spec.name}-${spec.version}-${spec.release}.${spec.isSource ? 'src' : spec.arch}.rpm`;
}

function sha256(b: Buffer): string {
  return createHash('sha256').update(b).digest('hex');
}

function depTags(deps: RpmDependency[], nameTag: number, flagsTag: number, versionTag: number): HeaderTag[] {
  if (deps.length === 0) return [];
  return [
    { tag: nameTag, type: T.STRING_ARRAY, value: deps.map((d) => d.name) },
    { tag: flagsTag, type: T.INT32, value: deps.map((d) => d.flags) },
    { tag: versionTag, type: T.STRING_ARRAY, value: deps.map((d) => d.version ?? '') },
  ];
}

const SCRIPT_TAGS = [
  ['pre', RPMTAG.PREIN, RPMTAG.PREINPROG],
  ['post', RPMTAG.POSTIN, RPMTAG.POSTINPROG],
  ['preun', RPMTAG.PREUN, RPMTAG.PREUNPROG],
  ['postun', RPMTAG.POSTUN, RPMTAG.POSTUNPROG],
  ['posttrans', RPMTAG.POSTTRANS, RPMTAG.POSTTRANSPROG],
] as const;

function validateSpec(spec: RpmPackageSpec): void {
  for (const [what, v] of [['name', spec.name], ['version', spec.version], ['release', spec.release]] as const) {
    if (!v || /[\s]/.test(v)) throw new Error(`RPM ${what} must be non-empty without spaces: ${JSON.stringify(v)}`);
  }
  if (spec.version.includes('-') || spec.release.includes('-')) throw new Error('RPM version and release must not contain "-"');
  if (!Number.isInteger(spec.buildTime) || spec.buildTime < 0) throw new Error(`buildTime must be a Unix time: ${spec.buildTime}`);
}

interface Payload { compressed: Buffer; uncompressedSize: number; uncompressedDigest: string }

/** The main header's tags, given the file rows and payload facts. */
function mainHeaderTags(spec: RpmPackageSpec, rows: FileRow[], payload: Payload): HeaderTag[] {
  const isSource = spec.isSource === true;
  const tags: HeaderTag[] = [
    { tag: RPMTAG.HEADERI18NTABLE, type: T.STRING_ARRAY, value: ['C'] },
    { tag: RPMTAG.NAME, type: T.STRING, value: spec.name },
    { tag: RPMTAG.VERSION, type: T.STRING, value: spec.version },
    { tag: RPMTAG.RELEASE, type: T.STRING, value: spec.release },
    { tag: RPMTAG.SUMMARY, type: T.I18NSTRING, value: [spec.summary] },
    { tag: RPMTAG.DESCRIPTION, type: T.I18NSTRING, value: [spec.description] },
    { tag: RPMTAG.BUILDTIME, type: T.INT32, value: [spec.buildTime] },
    { tag: RPMTAG.BUILDHOST, type: T.STRING, value: spec.buildHost },
    { tag: RPMTAG.SIZE, type: T.INT32, value: [installedSize(rows)] },
    { tag: RPMTAG.LICENSE, type: T.STRING, value: spec.license },
    { tag: RPMTAG.GROUP, type: T.I18NSTRING, value: [spec.group ?? 'Unspecified'] },
    { tag: RPMTAG.OS, type: T.STRING, value: spec.os ?? 'linux' },
    { tag: RPMTAG.ARCH, type: T.STRING, value: spec.arch },
    { tag: RPMTAG.RPMVERSION, type: T.STRING, value: RPMVERSION_STRING },
    { tag: RPMTAG.ENCODING, type: T.STRING, value: 'utf-8' },
    { tag: RPMTAG.PAYLOADFORMAT, type: T.STRING, value: 'cpio' },
    { tag: RPMTAG.PAYLOADCOMPRESSOR, type: T.STRING, value: spec.compression },
    { tag: RPMTAG.PAYLOADFLAGS, type: T.STRING, value: spec.compression === 'gzip' ? String(GZIP_PAYLOAD_LEVEL) : '9' },
    { tag: RPMTAG.PAYLOADDIGEST, type: T.STRING_ARRAY, value: [sha256(payload.compressed)] },
    { tag: RPMTAG.PAYLOADDIGESTALGO, type: T.INT32, value: [PGPHASHALGO_SHA256] },
    { tag: RPMTAG.PAYLOADDIGESTALT, type: T.STRING_ARRAY, value: [payload.uncompressedDigest] },
  ];
  if (spec.epoch !== undefined) tags.push({ tag: RPMTAG.EPOCH, type: T.INT32, value: [spec.epoch] });
  if (spec.url) tags.push({ tag: RPMTAG.URL, type: T.STRING, value: spec.url });
  if (spec.vendor) tags.push({ tag: RPMTAG.VENDOR, type: T.STRING, value: spec.vendor });
  if (spec.packager) tags.push({ tag: RPMTAG.PACKAGER, type: T.STRING, value: spec.packager });
  if (isSource) tags.push({ tag: RPMTAG.SOURCEPACKAGE, type: T.INT32, value: [1] });
  else if (spec.sourceRpm) tags.push({ tag: RPMTAG.SOURCERPM, type: T.STRING, value: spec.sourceRpm });

  for (const [kind, bodyTag, progTag] of SCRIPT_TAGS) {
    const script = spec.scripts?.[kind];
    if (!script) continue;
    tags.push({ tag: bodyTag, type: T.STRING, value: script.body });
    // rpmbuild stores a lone interpreter as STRING (an array only when it has arguments).
    tags.push({ tag: progTag, type: T.STRING, value: script.prog ?? '/bin/sh' });
  }

  if (rows.length > 0) {
    const { dirnames, dirindexes } = splitDirnames(rows);
    tags.push(
      { tag: RPMTAG.FILESIZES, type: T.INT32, value: rows.map((r) => r.size) },
      { tag: RPMTAG.FILEMODES, type: T.INT16, value: rows.map((r) => r.mode) },
      { tag: RPMTAG.FILERDEVS, type: T.INT16, value: rows.map(() => 0) },
      { tag: RPMTAG.FILEMTIMES, type: T.INT32, value: rows.map((r) => r.mtime) },
      { tag: RPMTAG.FILEDIGESTS, type: T.STRING_ARRAY, value: rows.map((r) => r.digest) },
      { tag: RPMTAG.FILELINKTOS, type: T.STRING_ARRAY, value: rows.map((r) => r.linkTo) },
      { tag: RPMTAG.FILEFLAGS, type: T.INT32, value: rows.map((r) => r.flags) },
      { tag: RPMTAG.FILEUSERNAME, type: T.STRING_ARRAY, value: rows.map((r) => r.user) },
      { tag: RPMTAG.FILEGROUPNAME, type: T.STRING_ARRAY, value: rows.map((r) => r.group) },
      { tag: RPMTAG.FILEVERIFYFLAGS, type: T.INT32, value: rows.map(() => -1) },
      { tag: RPMTAG.FILEDEVICES, type: T.INT32, value: rows.map(() => 1) },
      { tag: RPMTAG.FILEINODES, type: T.INT32, value: rows.map((r) => r.inode) },
      { tag: RPMTAG.FILELANGS, type: T.STRING_ARRAY, value: rows.map(() => '') },
      { tag: RPMTAG.DIRINDEXES, type: T.INT32, value: dirindexes },
      { tag: RPMTAG.BASENAMES, type: T.STRING_ARRAY, value: rows.map((r) => r.basename) },
      { tag: RPMTAG.DIRNAMES, type: T.STRING_ARRAY, value: dirnames },
      { tag: RPMTAG.FILEDIGESTALGO, type: T.INT32, value: [PGPHASHALGO_SHA256] },
    );
  }

  tags.push(...depTags(packageProvides(spec), RPMTAG.PROVIDENAME, RPMTAG.PROVIDEFLAGS, RPMTAG.PROVIDEVERSION));
  tags.push(...depTags(packageRequires(spec), RPMTAG.REQUIRENAME, RPMTAG.REQUIREFLAGS, RPMTAG.REQUIREVERSION));
  tags.push(...depTags(sortDependencies(spec.conflicts ?? []), RPMTAG.CONFLICTNAME, RPMTAG.CONFLICTFLAGS, RPMTAG.CONFLICTVERSION));
  tags.push(...depTags(sortDependencies(spec.obsoletes ?? []), RPMTAG.OBSOLETENAME, RPMTAG.OBSOLETEFLAGS, RPMTAG.OBSOLETEVERSION));

  const log = spec.changelog ?? [];
  if (log.length > 0) {
    tags.push(
      { tag: RPMTAG.CHANGELOGTIME, type: T.INT32, value: log.map((c) => c.time) },
      { tag: RPMTAG.CHANGELOGNAME, type: T.STRING_ARRAY, value: log.map((c) => c.name) },
      { tag: RPMTAG.CHANGELOGTEXT, type: T.STRING_ARRAY, value: log.map((c) => c.text) },
    );
  }
  return tags;
}

/** Build a complete .rpm file in memory. */
export async function buildRpm(spec: RpmPackageSpec, opts: BuildRpmOptions = {}): Promise<Buffer> {
  validateSpec(spec);
  const isSource = spec.isSource === true;
  const rows = fileRows(spec.files, spec.buildTime, isSource);
  const cpio = writeCpio(cpioEntries(rows, isSource));
  // Compression runs on the thread pool; hash the files and the payload here meanwhile.
  const compressing = compressPayload(cpio, spec.compression);
  fillDigests(rows);
  const uncompressedDigest = sha256(cpio);
  const payload: Payload = { compressed: await compressing, uncompressedSize: cpio.length, uncompressedDigest };
  const header = encodeHeader(mainHeaderTags(spec, rows, payload), RPMTAG.HEADERIMMUTABLE);

  const sigTags: HeaderTag[] = [
    { tag: RPMSIGTAG.SHA1, type: T.STRING, value: createHash('sha1').update(header).digest('hex') },
    { tag: RPMSIGTAG.SHA256, type: T.STRING, value: sha256(header) },
    { tag: RPMSIGTAG.SIZE, type: T.INT32, value: [header.length + payload.compressed.length] },
    { tag: RPMSIGTAG.MD5, type: T.BIN, value: createHash('md5').update(header).update(payload.compressed).digest() },
    { tag: RPMSIGTAG.PAYLOADSIZE, type: T.INT32, value: [payload.uncompressedSize] },
  ];
  if (opts.signHeader) {
    const signature = await opts.signHeader(header);
    if (!Buffer.isBuffer(signature) || signature.length === 0) throw new Error('signHeader returned no signature');
    sigTags.push({ tag: RPMSIGTAG.RSA, type: T.BIN, value: signature });
  }
  const sigHeader = encodeHeader(sigTags, RPMSIGTAG.HEADERSIGNATURES);
  // The main header starts on an 8-byte boundary after the signature header.
  const sigPad = Buffer.alloc((8 - (sigHeader.length % 8)) % 8);
  const lead = writeLead(`${spec.name}-${evrString({ version: spec.version, release: spec.release })}`, isSource, spec.arch);
  return Buffer.concat([lead, sigHeader, sigPad, header, payload.compressed]);
}
