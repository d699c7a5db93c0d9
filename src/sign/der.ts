/**
 * A small ASN.1 DER/BER reader: just enough to walk a PKCS#7/CMS SignedData and an X.509
 * certificate (ITU-T X.690). It reads definite lengths and, because some signers stream their
 * output, BER indefinite lengths of constructed values too. Values are views on the input buffer.
 */

export interface DerNode {
  /** Tag class: 0 universal, 1 application, 2 context-specific, 3 private. */
  cls: number;
  constructed: boolean;
  /** Tag number (low-tag and high-tag forms). */
  tag: number;
  /** Offset of the identifier octet in the whole buffer. */
  offset: number;
  /** Offset of the contents. */
  contentOffset: number;
  /** The contents (for indefinite lengths: without the end-of-contents octets). */
  content: Buffer;
  /** Offset just past this value (end-of-contents included). */
  end: number;
}

export const UNIVERSAL = {
  BOOLEAN: 1,
  INTEGER: 2,
  BIT_STRING: 3,
  OCTET_STRING: 4,
  NULL: 5,
  OID: 6,
  UTF8String: 12,
  SEQUENCE: 16,
  SET: 17,
  PrintableString: 19,
  T61String: 20,
  IA5String: 22,
  UTCTime: 23,
  GeneralizedTime: 24,
  UniversalString: 28,
  BMPString: 30,
} as const;

export class DerError extends Error {
  constructor(message: string, readonly offset: number) {
    super(`${message} (at byte ${offset})`);
    this.name = 'DerError';
  }
}

/** Read the value that starts at `offset` of `buf` (no further than `limit`). */
export function readNode(buf: Buffer, offset = 0, limit = buf.length): DerNode {
  let p = offset;
  const need = (n: number): void => {
    if (p + n > limit) throw new DerError('truncated ASN.1 value', offset);
  };
  need(2);
  const first = buf[p++];
  const cls = first >> 6;
  const constructed = (first & 0x20) !== 0;
  let tag = first & 0x1f;
  if (tag === 0x1f) {
    tag = 0;
    for (;;) {
      need(1);
      const b = buf[p++];
      tag = tag * 128 + (b & 0x7f);
      if (!(b & 0x80)) break;
      if (tag > 0xffffff) throw new DerError('tag number too large', offset);
    }
  }
  need(1);
  const lenByte = buf[p++];
  if (lenByte === 0x80) {
    if (!constructed) throw new DerError('indefinite length on a primitive value', offset);
    const contentOffset = p;
    // Children until the end-of-contents octets (00 00).
    for (;;) {
      need(2);
      if (buf[p] === 0 && buf[p + 1] === 0) break;
      p = readNode(buf, p, limit).end;
    }
    return { cls, constructed, tag, offset, contentOffset, content: buf.subarray(contentOffset, p), end: p + 2 };
  }
  let length = lenByte;
  if (lenByte & 0x80) {
    const count = lenByte & 0x7f;
    if (count > 4) throw new DerError('length field too long', offset);
    need(count);
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + buf[p++];
  }
  need(length);
  return { cls, constructed, tag, offset, contentOffset: p, content: buf.subarray(p, p + length), end: p + length };
}

/** The values inside a constructed value, in order. */
export function children(node: DerNode): DerNode[] {
  if (!node.constructed) throw new DerError('expected a constructed value', node.offset);
  const out: DerNode[] = [];
  // Offsets inside `content` are relative to the content view; translate back for messages.
  const content = node.content;
  let p = 0;
  while (p < content.length) {
    const child = readNode(content, p);
    out.push({
      ...child,
      offset: node.contentOffset + child.offset,
      contentOffset: node.contentOffset + child.contentOffset,
    });
    p = child.end;
  }
  return out;
}

export function isUniversal(node: DerNode, tag: number): boolean {
  return node.cls === 0 && node.tag === tag;
}

export function isContext(node: DerNode, tag: number): boolean {
  return node.cls === 2 && node.tag === tag;
}

/** Assert the node is the universal type `tag`; `what` names it in the error. */
export function expectUniversal(node: DerNode | undefined, tag: number, what: string): DerNode {
  if (!node) throw new DerError(`missing ${what}`, 0);
  if (!isUniversal(node, tag)) throw new DerError(`expected ${what}`, node.offset);
  return node;
}

/** Dotted OBJECT IDENTIFIER text, e.g. 2.16.840.1.101.3.4.2.1. */
export function decodeOid(node: DerNode): string {
  const bytes = node.content;
  if (bytes.length === 0) throw new DerError('empty OBJECT IDENTIFIER', node.offset);
  const arcs: number[] = [];
  let value = 0;
  for (const b of bytes) {
    value = value * 128 + (b & 0x7f);
    if (!(b & 0x80)) {
      if (arcs.length === 0) {
        const first = value < 80 ? Math.floor(value / 40) : 2;
        arcs.push(first, value - first * 40);
      } else {
        arcs.push(value);
      }
      value = 0;
    }
  }
  return arcs.join('.');
}

/**
 * The magnitude bytes of an INTEGER without the sign-padding zero: what OpenSSL's BN_bn2bin
 * gives (and so what modinfo prints as sig_key). Zero gives an empty buffer, as BN_bn2bin does.
 */
export function integerMagnitude(node: DerNode): Buffer {
  let bytes = node.content;
  while (bytes.length > 0 && bytes[0] === 0) bytes = bytes.subarray(1);
  return bytes;
}

/** Bytes as `AB:CD:…` (uppercase, colon-separated), the form modinfo and openssl print. */
export function colonHex(bytes: Buffer): string {
  return [...bytes].map((b) => b.toString(16).toUpperCase().padStart(2, '0')).join(':');
}

/** The text of a directory string (UTF8String, PrintableString, IA5String, BMPString, …). */
export function decodeString(node: DerNode): string {
  if (node.cls === 0 && node.tag === UNIVERSAL.BMPString) {
    const swapped = Buffer.from(node.content.subarray(0, node.content.length & ~1));
    swapped.swap16();
    return swapped.toString('utf16le');
  }
  if (node.cls === 0 && node.tag === UNIVERSAL.UniversalString) {
    let out = '';
    for (let i = 0; i + 4 <= node.content.length; i += 4) out += String.fromCodePoint(node.content.readUInt32BE(i));
    return out;
  }
  // T61String is in practice Latin-1; the rest are ASCII subsets of UTF-8.
  return node.content.toString(node.tag === UNIVERSAL.T61String ? 'latin1' : 'utf8');
}
