import { children, decodeOid, decodeString, expectUniversal, UNIVERSAL, type DerNode } from './der.js';

/** One attribute of a distinguished name, e.g. { oid: '2.5.4.3', short: 'CN', value: 'Acme' }. */
export interface NameAttribute {
  oid: string;
  /** The short name openssl prints (CN, O, OU, …), or the dotted OID when we do not know it. */
  short: string;
  value: string;
}

const SHORT_NAMES: Record<string, string> = {
  '2.5.4.3': 'CN',
  '2.5.4.4': 'SN',
  '2.5.4.5': 'serialNumber',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.12': 'title',
  '2.5.4.42': 'GN',
  '1.2.840.113549.1.9.1': 'emailAddress',
  '0.9.2342.19200300.100.1.25': 'DC',
};

export const OID_COMMON_NAME = '2.5.4.3';

/** Name ::= SEQUENCE OF RelativeDistinguishedName (SET OF AttributeTypeAndValue), in order. */
export function readName(node: DerNode): NameAttribute[] {
  expectUniversal(node, UNIVERSAL.SEQUENCE, 'Name');
  const out: NameAttribute[] = [];
  for (const rdn of children(node)) {
    expectUniversal(rdn, UNIVERSAL.SET, 'RelativeDistinguishedName');
    for (const atv of children(rdn)) {
      const [type, value] = children(expectUniversal(atv, UNIVERSAL.SEQUENCE, 'AttributeTypeAndValue'));
      const oid = decodeOid(expectUniversal(type, UNIVERSAL.OID, 'attribute type'));
      if (!value) continue;
      out.push({ oid, short: SHORT_NAMES[oid] ?? oid, value: decodeString(value) });
    }
  }
  return out;
}

/**
 * The first commonName, as kmod's modinfo prints a PKCS#7 signer (it takes the CN of the
 * signer's issuer name). Undefined when the name has no CN.
 */
export function commonName(name: NameAttribute[]): string | undefined {
  return name.find((a) => a.oid === OID_COMMON_NAME)?.value;
}

/** One line, `CN=Acme Kmod Signing, O=Acme`, in the order the name stores them. */
export function formatName(name: NameAttribute[]): string {
  return name.map((a) => `${a.short}=${a.value}`).join(', ');
}
