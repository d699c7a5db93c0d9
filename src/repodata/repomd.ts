/** repomd.xml: the index dnf reads first, naming each metadata file by its checksums. */
import { createHash } from 'node:crypto';
import { XML_DECLARATION } from './xml.js';

export interface RepomdRecord {
  type: 'primary' | 'filelists' | 'other';
  /** The compressed file, e.g. `repodata/<sha256>-primary.xml.gz`. */
  href: string;
  compressed: Buffer;
  open: Buffer;
  timestamp: number;
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

export function repomdXml(records: RepomdRecord[], revision: number): string {
  const data = records.map((r) => `  <data type="${r.type}">
    <checksum type="sha256">${sha256(r.compressed)}</checksum>
    <open-checksum type="sha256">${sha256(r.open)}</open-checksum>
    <location href="${r.href}"/>
    <timestamp>${r.timestamp}</timestamp>
    <size>${r.compressed.length}</size>
    <open-size>${r.open.length}</open-size>
  </data>
`).join('');
  return XML_DECLARATION
    + '<repomd xmlns="http://linux.duke.edu/metadata/repo" xmlns:rpm="http://linux.duke.edu/metadata/rpm">\n'
    + `  <revision>${revision}</revision>\n`
    + data
    + '</repomd>\n';
}
