/**
 * Volume descriptors (ECMA-119 §8): the primary volume descriptor at sector 16 — where blkid
 * and the installer find the label OEMDRV — and the set terminator after it.
 */
import { UserError } from '../errors.js';
import { A_CHARS, D_CHARS, SECTOR_SIZE, date17, date17Unspecified, writeBoth16, writeBoth32, writePadded } from './fields.js';

export const STANDARD_ID = 'CD001';
export const VD_PRIMARY = 1;
export const VD_TERMINATOR = 255;

export interface PrimaryVolumeFields {
  volumeId: string;
  systemId: string;
  publisherId: string;
  applicationId: string;
  volumeSectors: number;
  pathTableSize: number;
  lPathTableLba: number;
  mPathTableLba: number;
  /** The 34-byte root directory record (§8.4.18). */
  rootRecord: Buffer;
  time: number;
}

/** The volume ID must be d-characters, at most 32: the installer matches the label exactly. */
export function checkVolumeId(volumeId: string): void {
  if (volumeId.length === 0 || volumeId.length > 32 || !D_CHARS.test(volumeId)) {
    throw new UserError(
      `volume ID '${volumeId}' is not a valid ISO 9660 volume ID`,
      'Use 1 to 32 characters from A-Z, 0-9 and _ (a driver disk uses OEMDRV).',
    );
  }
}

function checkIdentifier(what: string, value: string, width: number): void {
  if (value.length > width || !A_CHARS.test(value)) {
    throw new UserError(
      `${what} '${value}' is not a valid ISO 9660 identifier`,
      `Use at most ${width} characters from A-Z, 0-9, space and _!"%&'()*+,-./:;<=>? (upper case).`,
    );
  }
}

export function checkIdentifiers(fields: { systemId: string; publisherId: string; applicationId: string }): void {
  checkIdentifier('system ID', fields.systemId, 32);
  checkIdentifier('publisher ID', fields.publisherId, 128);
  checkIdentifier('application ID', fields.applicationId, 128);
}

function header(type: number): Buffer {
  const buf = Buffer.alloc(SECTOR_SIZE);
  buf[0] = type;
  buf.write(STANDARD_ID, 1, 'latin1');
  buf[6] = 1; // descriptor version
  return buf;
}

export function encodePrimaryVolumeDescriptor(f: PrimaryVolumeFields): Buffer {
  const buf = header(VD_PRIMARY);
  writePadded(buf, 8, 32, f.systemId);
  writePadded(buf, 40, 32, f.volumeId);
  writeBoth32(buf, 80, f.volumeSectors);
  writeBoth16(buf, 120, 1); // volume set size
  writeBoth16(buf, 124, 1); // volume sequence number
  writeBoth16(buf, 128, SECTOR_SIZE); // logical block size
  writeBoth32(buf, 132, f.pathTableSize);
  buf.writeUInt32LE(f.lPathTableLba, 140);
  buf.writeUInt32BE(f.mPathTableLba, 148);
  f.rootRecord.copy(buf, 156);
  writePadded(buf, 190, 128, ''); // volume set
  writePadded(buf, 318, 128, f.publisherId);
  writePadded(buf, 446, 128, ''); // data preparer
  writePadded(buf, 574, 128, f.applicationId);
  writePadded(buf, 702, 37, ''); // copyright file
  writePadded(buf, 739, 37, ''); // abstract file
  writePadded(buf, 776, 37, ''); // bibliographic file
  date17(f.time).copy(buf, 813); // creation
  date17(f.time).copy(buf, 830); // modification
  date17Unspecified().copy(buf, 847); // expiration
  date17Unspecified().copy(buf, 864); // effective
  buf[881] = 1; // file structure version
  return buf;
}

export function encodeTerminator(): Buffer {
  return header(VD_TERMINATOR);
}
