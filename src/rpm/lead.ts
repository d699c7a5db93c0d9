/**
 * The 96-byte lead that opens every RPM. rpm itself only checks the magic, but `file(1)` and
 * old tools read the name and type, so it is filled in as rpmbuild does.
 */
export const LEAD_SIZE = 96;
export const LEAD_MAGIC = Buffer.from([0xed, 0xab, 0xee, 0xdb]);

/** rpm's archnum for the lead (rpmrc arch_canon); 0 where rpm has none. */
const ARCHNUM: Record<string, number> = { x86_64: 1, i686: 1, aarch64: 19, ppc64le: 16, s390x: 15, noarch: 0 };

export interface RpmLead {
  major: number;
  minor: number;
  /** 0 binary, 1 source. */
  type: number;
  archnum: number;
  name: string;
  osnum: number;
  signatureType: number;
}

export function writeLead(nvr: string, isSource: boolean, arch: string): Buffer {
  const b = Buffer.alloc(LEAD_SIZE);
  LEAD_MAGIC.copy(b, 0);
  b.writeUInt8(3, 4);
  b.writeUInt8(0, 5);
  b.writeUInt16BE(isSource ? 1 : 0, 6);
  b.writeUInt16BE(ARCHNUM[arch] ?? 0, 8);
  // 65 bytes of name at most: the 66th stays NUL.
  Buffer.from(nvr, 'utf8').subarray(0, 65).copy(b, 10);
  b.writeUInt16BE(1, 76); // osnum: Linux
  b.writeUInt16BE(5, 78); // signature_type: a header-style signature follows
  return b;
}

export function readLead(buf: Buffer): RpmLead {
  if (buf.length < LEAD_SIZE || !buf.subarray(0, 4).equals(LEAD_MAGIC)) {
    throw new Error('not an RPM file (no lead magic ED AB EE DB)');
  }
  const nameBytes = buf.subarray(10, 76);
  const nul = nameBytes.indexOf(0);
  return {
    major: buf[4],
    minor: buf[5],
    type: buf.readUInt16BE(6),
    archnum: buf.readUInt16BE(8),
    name: nameBytes.toString('utf8', 0, nul < 0 ? 66 : nul),
    osnum: buf.readUInt16BE(76),
    signatureType: buf.readUInt16BE(78),
  };
}
