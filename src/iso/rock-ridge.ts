/**
 * System Use Sharing Protocol 1.12 and Rock Ridge (RRIP 1.12) entries. Each entry is
 * "sig(2) length(1) version(1) data". Rock Ridge gives a level-1 image its real names (NM),
 * POSIX modes/owners (PX), times (TF) and symlinks (SL).
 */
import { date7, writeBoth32 } from './fields.js';

export const S_IFDIR = 0o040000;
export const S_IFREG = 0o100000;
export const S_IFLNK = 0o120000;

/** Length of a CE entry; reserved in a record whenever its entries spill into a continuation area. */
export const CE_LENGTH = 28;
/** Longest name chunk one NM entry carries (255 minus its 5-byte header). */
const MAX_NM_CHUNK = 250;
/** Longest component chunk in an SL entry (255 minus the 5-byte entry and 2-byte component headers). */
const MAX_SL_CHUNK = 248;

export const RRIP_ID = 'RRIP_1991A';
export const RRIP_DESCRIPTOR = 'THE ROCK RIDGE INTERCHANGE PROTOCOL PROVIDES SUPPORT FOR POSIX FILE SYSTEM SEMANTICS';
export const RRIP_SOURCE =
  'PLEASE CONTACT DISC PUBLISHER FOR SPECIFICATION SOURCE.  SEE PUBLISHER IDENTIFIER IN PRIMARY VOLUME DESCRIPTOR FOR CONTACT INFORMATION.';

function entry(sig: string, data: Buffer): Buffer {
  const head = Buffer.from([sig.charCodeAt(0), sig.charCodeAt(1), 4 + data.length, 1]);
  return Buffer.concat([head, data]);
}

/** SUSP §5.3 SP: marks the root "." record; "BE EF", no bytes skipped. */
export function spEntry(): Buffer {
  return entry('SP', Buffer.from([0xbe, 0xef, 0]));
}

/** SUSP §5.1 CE: where the rest of this record's entries live. */
export function ceEntry(lba: number, offset: number, length: number): Buffer {
  const data = Buffer.alloc(24);
  writeBoth32(data, 0, lba);
  writeBoth32(data, 8, offset);
  writeBoth32(data, 16, length);
  return entry('CE', data);
}

/** SUSP §5.5 ER: announces that Rock Ridge is in use (Linux ignores Rock Ridge without it). */
export function erEntry(): Buffer {
  const id = Buffer.from(RRIP_ID, 'latin1');
  const des = Buffer.from(RRIP_DESCRIPTOR, 'latin1');
  const src = Buffer.from(RRIP_SOURCE, 'latin1');
  const head = Buffer.from([id.length, des.length, src.length, 1]);
  return entry('ER', Buffer.concat([head, id, des, src]));
}

/** RRIP §4.1.1 PX (1.12 form, 44 bytes): mode, links, uid, gid, file serial number. */
export function pxEntry(mode: number, links: number, uid: number, gid: number, serial: number): Buffer {
  const data = Buffer.alloc(40);
  writeBoth32(data, 0, mode);
  writeBoth32(data, 8, links);
  writeBoth32(data, 16, uid);
  writeBoth32(data, 24, gid);
  writeBoth32(data, 32, serial);
  return entry('PX', data);
}

/** RRIP §4.1.6 TF: modify, access and attribute-change times, all `time` (reproducible). */
export function tfEntry(time: number): Buffer {
  const MODIFY = 2;
  const ACCESS = 4;
  const ATTRIBUTES = 8;
  const stamp = date7(time);
  return entry('TF', Buffer.concat([Buffer.from([MODIFY | ACCESS | ATTRIBUTES]), stamp, stamp, stamp]));
}

/** RRIP §4.1.4 NM: the real name, split over several entries (flag CONTINUE) when long. */
export function nmEntries(name: string): Buffer[] {
  const bytes = Buffer.from(name, 'utf8');
  const out: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += MAX_NM_CHUNK) {
    const chunk = bytes.subarray(at, at + MAX_NM_CHUNK);
    const more = at + MAX_NM_CHUNK < bytes.length;
    out.push(entry('NM', Buffer.concat([Buffer.from([more ? 1 : 0]), chunk])));
  }
  return out;
}

type LinkComponent = { special: number } | { text: Buffer };

function linkComponents(target: string): LinkComponent[] {
  const ROOT = 8;
  const CURRENT = 2;
  const PARENT = 4;
  const out: LinkComponent[] = [];
  const parts = target.split('/');
  if (target.startsWith('/')) {
    out.push({ special: ROOT });
    parts.shift();
  }
  parts.forEach((part, i) => {
    if (part === '' && i === parts.length - 1 && parts.length > 1) return; // trailing slash
    if (part === '.') out.push({ special: CURRENT });
    else if (part === '..') out.push({ special: PARENT });
    else out.push({ text: Buffer.from(part, 'utf8') });
  });
  return out;
}

/**
 * RRIP §4.1.3 SL: a symlink target as components ("/" → ROOT, "." → CURRENT, ".." → PARENT).
 * A long target needs several SL entries (entry flag CONTINUE). libarchive restarts its "/"
 * separator at each SL entry, so entries are cut inside a text component (component flag
 * CONTINUE) rather than between two components: both libarchive and Linux then agree.
 */
export function slEntries(target: string): Buffer[] {
  const CONTINUE = 1;
  const ROOM = 255 - 5; // component bytes per entry
  const groups: Buffer[][] = [[]];
  let used = 0;
  const flush = (): void => {
    groups.push([]);
    used = 0;
  };
  const components = linkComponents(target);
  components.forEach((c, i) => {
    const next = components[i + 1];
    // Bytes the next component needs to start in this entry (2 header bytes, + 1 of text).
    const nextStart = next === undefined ? 0 : 'special' in next ? 2 : 3;
    if ('special' in c) {
      if (used + 2 > ROOM) flush();
      groups[groups.length - 1].push(Buffer.from([c.special, 0]));
      used += 2;
      return;
    }
    let rest = c.text;
    for (;;) {
      if (ROOM - used < 3) flush();
      const room = Math.min(ROOM - used - 2, MAX_SL_CHUNK);
      let take = Math.min(rest.length, room);
      const last = take === rest.length;
      // The whole component fits but the next one would not start here: leave a byte behind so
      // that the entry boundary falls inside this component.
      if (last && next !== undefined && ROOM - (used + 2 + take) < nextStart && take >= 2) take -= 1;
      const done = take === rest.length;
      groups[groups.length - 1].push(Buffer.concat([Buffer.from([done ? 0 : CONTINUE, take]), rest.subarray(0, take)]));
      used += 2 + take;
      rest = rest.subarray(take);
      if (done) break;
      flush();
    }
  });
  return groups.map((g, i) => entry('SL', Buffer.concat([Buffer.from([i < groups.length - 1 ? CONTINUE : 0]), ...g])));
}
