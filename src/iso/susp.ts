/**
 * Reading System Use areas: SUSP entries (SP, CE, ER, ST, PD) and the Rock Ridge ones the
 * reader needs (NM, PX, SL, CL, RE). Follows CE chains into continuation areas, as written by
 * genisoimage and xorriso for long names and the root's ER.
 */
import { readBoth32 } from './fields.js';

export interface SystemUseInfo {
  /** SP's byte count to skip in every later System Use area, when SP is present. */
  spSkip?: number;
  extensionIds: string[];
  name?: string;
  mode?: number;
  links?: number;
  target?: string;
  /** CL: this record stands for a directory relocated to this extent. */
  childLink?: number;
  /** RE: this is a relocated directory, listed where its CL record is. */
  relocated: boolean;
}

const MAX_CONTINUATIONS = 64;

export type AreaReader = (lba: number, offset: number, length: number) => Buffer;

export function parseSystemUse(first: Buffer, readArea: AreaReader): SystemUseInfo {
  const info: SystemUseInfo = { extensionIds: [], relocated: false };
  let nameParts: string[] | null = null;
  let nameDone = false;
  // Symlink assembly: components joined by "/", a CONTINUE flag glues the next one on.
  let linkParts: string[] | null = null;
  let absolute = false;
  let glueNext = false;
  let linkDone = false;

  let area: Buffer | null = first;
  for (let hops = 0; area && hops <= MAX_CONTINUATIONS; hops++) {
    let next: Buffer | null = null;
    let at = 0;
    while (at + 4 <= area.length) {
      const sig = area.toString('latin1', at, at + 2);
      const len = area[at + 2];
      if (len < 4 || at + len > area.length) break;
      const e = area.subarray(at, at + len);
      at += len;
      if (sig === 'ST') break;
      switch (sig) {
        case 'SP':
          if (len >= 7 && e[4] === 0xbe && e[5] === 0xef) info.spSkip = e[6];
          break;
        case 'CE':
          if (len >= 28) {
            try {
              next = readArea(readBoth32(e, 4), readBoth32(e, 12), readBoth32(e, 20));
            } catch {
              next = null; // a broken CE loses the extras, not the whole entry
            }
          }
          break;
        case 'ER':
          if (len >= 8) info.extensionIds.push(e.toString('latin1', 8, 8 + e[4]));
          break;
        case 'PX':
          if (len >= 36) {
            info.mode = readBoth32(e, 4);
            info.links = readBoth32(e, 12);
          }
          break;
        case 'NM': {
          const flags = e[4];
          if (nameDone || flags & 6) break; // CURRENT/PARENT name "." / ".."
          nameParts ??= [];
          nameParts.push(e.toString('latin1', 5));
          if (!(flags & 1)) nameDone = true;
          break;
        }
        case 'SL': {
          if (linkDone) break;
          linkParts ??= [];
          let c = 5;
          while (c + 2 <= e.length) {
            const cflags = e[c];
            const clen = e[c + 1];
            let text = e.toString('latin1', c + 2, c + 2 + clen);
            c += 2 + clen;
            if (cflags & 8) {
              absolute = true;
              continue;
            }
            if (cflags & 2) text = '.';
            if (cflags & 4) text = '..';
            if (glueNext && linkParts.length > 0) linkParts[linkParts.length - 1] += text;
            else linkParts.push(text);
            glueNext = (cflags & 1) !== 0;
          }
          if (!(e[4] & 1)) linkDone = true;
          break;
        }
        case 'CL':
          if (len >= 12) info.childLink = readBoth32(e, 4);
          break;
        case 'RE':
          info.relocated = true;
          break;
        default:
          break; // RR, TF, PN, SF, ZF, AL, PD, unknown: not needed here
      }
    }
    area = next;
  }
  if (nameParts) info.name = Buffer.from(nameParts.join(''), 'latin1').toString('utf8');
  if (linkParts) {
    const text = (absolute ? '/' : '') + linkParts.join('/');
    info.target = Buffer.from(text, 'latin1').toString('utf8');
  }
  return info;
}
