/**
 * Checking a repository's metadata against the RPMs beside it, the way dnf does in the
 * installer's stage 2: repomd.xml must point at files with the right checksums, and primary.xml
 * must list every package with the checksum of its exact bytes. Small purpose-built XML
 * scanning: the documents are machine-written and their shape is fixed.
 */
import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';

/** The most a compressed repodata file may inflate to when verify reads it. */
export const MAX_REPODATA_BYTES = 64 * 1024 * 1024;

export interface RepoFile {
  /** Path relative to the repository directory (rpms/<arch>/). */
  rel: string;
  read(): Buffer;
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

function attr(tag: string, name: string): string | undefined {
  return new RegExp(`\\b${name}="([^"]*)"`).exec(tag)?.[1];
}

interface RepomdData {
  type: string;
  href: string;
  checksum: string;
  openChecksum?: string;
}

export function parseRepomd(xml: string): RepomdData[] {
  const out: RepomdData[] = [];
  for (const m of xml.matchAll(/<data\s+type="([^"]+)">([\s\S]*?)<\/data>/g)) {
    const body = m[2];
    const href = attr(/<location[^>]*>/.exec(body)?.[0] ?? '', 'href') ?? '';
    const checksum = /<checksum[^>]*>([0-9a-f]+)<\/checksum>/.exec(body)?.[1] ?? '';
    const openChecksum = /<open-checksum[^>]*>([0-9a-f]+)<\/open-checksum>/.exec(body)?.[1];
    out.push({ type: m[1], href, checksum, openChecksum });
  }
  return out;
}

export interface PrimaryPackage {
  name: string;
  href: string;
  checksum: string;
  size?: number;
}

export function parsePrimary(xml: string): PrimaryPackage[] {
  const out: PrimaryPackage[] = [];
  for (const m of xml.matchAll(/<package\s+type="rpm">([\s\S]*?)<\/package>/g)) {
    const body = m[1];
    out.push({
      name: /<name>([^<]*)<\/name>/.exec(body)?.[1] ?? '',
      href: attr(/<location[^>]*>/.exec(body)?.[0] ?? '', 'href') ?? '',
      checksum: /<checksum[^>]*pkgid="YES"[^>]*>([0-9a-f]+)<\/checksum>/.exec(body)?.[1] ?? '',
      size: Number(attr(/<size[^>]*>/.exec(body)?.[0] ?? '', 'package')) || undefined,
    });
  }
  return out;
}

/** Problems with the repodata of one repository directory; [] when it is exactly right. */
export function checkRepodata(repoLabel: string, files: Map<string, RepoFile>, rpmNames: string[], rpmBytes: (name: string) => Buffer): string[] {
  const problems: string[] = [];
  const repomdFile = files.get('repodata/repomd.xml');
  if (!repomdFile) {
    // Allowed by the installer (it runs createrepo_c itself), but we always ship it.
    return [`${repoLabel}: no repodata/repomd.xml (the installer would have to generate it)`];
  }
  const data = parseRepomd(repomdFile.read().toString('utf8'));
  for (const type of ['primary', 'filelists', 'other']) {
    if (!data.some((d) => d.type === type)) problems.push(`${repoLabel}: repomd.xml has no ${type} entry`);
  }
  let primaryXml: string | undefined;
  for (const d of data) {
    const f = files.get(d.href);
    if (!f) {
      problems.push(`${repoLabel}: repomd.xml points at ${d.href}, which is not on the disk`);
      continue;
    }
    const bytes = f.read();
    if (sha256(bytes) !== d.checksum) problems.push(`${repoLabel}: ${d.href} does not match its checksum in repomd.xml (stale repodata)`);
    if (d.type === 'primary') {
      try {
        // Bounded: primary.xml for a driver disk is kilobytes; a gzip bomb must not take the memory.
        const open = d.href.endsWith('.gz') ? gunzipSync(bytes, { maxOutputLength: MAX_REPODATA_BYTES }) : bytes;
        if (d.openChecksum && sha256(open) !== d.openChecksum) problems.push(`${repoLabel}: ${d.href} does not match its open-checksum`);
        primaryXml = open.toString('utf8');
      } catch (err) {
        problems.push(`${repoLabel}: ${d.href} ${(err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' ? `inflates past ${MAX_REPODATA_BYTES} bytes` : 'is not valid gzip'}`);
      }
    }
  }
  if (primaryXml === undefined) return problems;
  const listed = parsePrimary(primaryXml);
  const byHref = new Map(listed.map((p) => [p.href, p]));
  for (const name of rpmNames) {
    const entry = byHref.get(name);
    if (!entry) {
      problems.push(`${repoLabel}: ${name} is not listed in the repodata (stale repodata)`);
      continue;
    }
    if (entry.checksum !== sha256(rpmBytes(name))) problems.push(`${repoLabel}: ${name} differs from its repodata checksum (stale repodata: dnf would reject it)`);
  }
  for (const p of listed) {
    if (!rpmNames.includes(p.href)) problems.push(`${repoLabel}: the repodata lists ${p.href}, which is not on the disk`);
  }
  return problems;
}
