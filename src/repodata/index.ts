/**
 * yum/dnf repository metadata for a directory of RPMs, written natively in createrepo_c
 * 0.17's form: repodata/repomd.xml plus gzip'd primary, filelists and other (no sqlite).
 */
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { filelistsXml } from './filelists.js';
import { otherXml } from './other.js';
import { packageInfo, type RepoPackage } from './package-info.js';
import { primaryXml } from './primary.js';
import { repomdXml, type RepomdRecord } from './repomd.js';

export { packageInfo, splitEVR, isPrimaryFile, type RepoPackage, type RepoDependency } from './package-info.js';
export { primaryXml } from './primary.js';
export { filelistsXml } from './filelists.js';
export { otherXml } from './other.js';
export { repomdXml } from './repomd.js';
export { escapeAttr, escapeText } from './xml.js';

export interface RepoInputPackage {
  /** Location relative to the repository directory, e.g. `kmod-foo-1.0-1.x86_64.rpm`. */
  href: string;
  bytes: Buffer;
}

export interface RepodataOptions {
  /** Used for repomd timestamps and revision, and as each package's file time. */
  timestamp: number;
}

export interface RepodataFile {
  /** Relative to the repository directory: `repodata/...`. */
  path: string;
  data: Buffer;
}

/** Build the repodata files. Packages are listed in byte order of their href. */
export function buildRepodata(pkgs: RepoInputPackage[], opts: RepodataOptions): RepodataFile[] {
  const sorted = [...pkgs].sort((a, b) => Buffer.compare(Buffer.from(a.href), Buffer.from(b.href)));
  const infos: RepoPackage[] = sorted.map((p) => packageInfo(p.href, p.bytes, opts.timestamp));
  const documents: [RepomdRecord['type'], string][] = [
    ['primary', primaryXml(infos)],
    ['filelists', filelistsXml(infos)],
    ['other', otherXml(infos)],
  ];
  const files: RepodataFile[] = [];
  const records: RepomdRecord[] = documents.map(([type, xml]) => {
    const open = Buffer.from(xml, 'utf8');
    const compressed = gzipSync(open, { level: 9 });
    const href = `repodata/${createHash('sha256').update(compressed).digest('hex')}-${type}.xml.gz`;
    files.push({ path: href, data: compressed });
    return { type, href, compressed, open, timestamp: opts.timestamp };
  });
  return [{ path: 'repodata/repomd.xml', data: Buffer.from(repomdXml(records, opts.timestamp), 'utf8') }, ...files];
}
