import { UserError } from '../errors.js';

/**
 * The little of ELF that reading a kernel module needs: the section table and the symbol
 * table, for 32- and 64-bit files of either byte order (the ELF spec, "generic ABI").
 */

export interface ElfSection {
  name: string;
  type: number;
  offset: number;
  size: number;
  link: number;
  entsize: number;
}

export interface ElfSymbol {
  name: string;
  /** Section index; 0 (SHN_UNDEF) means the symbol is imported. */
  shndx: number;
  value: bigint;
  /** STB_LOCAL 0, STB_GLOBAL 1, STB_WEAK 2. */
  bind: number;
  /** STT_NOTYPE 0, STT_OBJECT 1, STT_FUNC 2, STT_SECTION 3, STT_FILE 4. */
  type: number;
}

export interface ElfFile {
  is64: boolean;
  littleEndian: boolean;
  /** e_type: 1 = ET_REL (what a .ko is). */
  type: number;
  /** e_machine: 62 x86-64, 183 AArch64, 21 PPC64, 22 S390, 3 i386. */
  machine: number;
  sections: ElfSection[];
  buf: Buffer;
}

export const SHT_SYMTAB = 2;
export const SHT_NOBITS = 8;

interface Reader {
  u16(o: number): number;
  u32(o: number): number;
  u64(o: number): bigint;
  /** A 32- or 64-bit address/offset field, as a number (files we read are far below 2^53). */
  word(o: number): number;
}

function reader(buf: Buffer, le: boolean, is64: boolean): Reader {
  const check = (o: number, n: number) => {
    if (o < 0 || o + n > buf.length) throw new UserError(`ELF file is truncated (read at ${o} past ${buf.length} bytes)`, 'rebuild the module');
  };
  const r: Reader = {
    u16: (o) => (check(o, 2), le ? buf.readUInt16LE(o) : buf.readUInt16BE(o)),
    u32: (o) => (check(o, 4), le ? buf.readUInt32LE(o) : buf.readUInt32BE(o)),
    u64: (o) => (check(o, 8), le ? buf.readBigUInt64LE(o) : buf.readBigUInt64BE(o)),
    word: (o) => (is64 ? Number(r.u64(o)) : r.u32(o)),
  };
  return r;
}

function cString(buf: Buffer, offset: number): string {
  const end = buf.indexOf(0, offset);
  return buf.toString('latin1', offset, end < 0 ? buf.length : end);
}

export function readElf(buf: Buffer, what = 'file'): ElfFile {
  if (buf.length < 52 || buf.readUInt32BE(0) !== 0x7f454c46) {
    throw new UserError(`${what} is not an ELF file`, 'give a kernel module (.ko) as built by Kbuild; compressed modules (.ko.xz, .ko.zst) must be decompressed first');
  }
  const cls = buf[4];
  const data = buf[5];
  if ((cls !== 1 && cls !== 2) || (data !== 1 && data !== 2)) {
    throw new UserError(`${what} has an unknown ELF class or byte order (${cls}/${data})`);
  }
  const is64 = cls === 2;
  const littleEndian = data === 1;
  const r = reader(buf, littleEndian, is64);
  const type = r.u16(16);
  const machine = r.u16(18);
  const shoff = is64 ? Number(r.u64(0x28)) : r.u32(0x20);
  const shentsize = r.u16(is64 ? 0x3a : 0x2e);
  let shnum = r.u16(is64 ? 0x3c : 0x30);
  let shstrndx = r.u16(is64 ? 0x3e : 0x32);
  const sectionAt = (i: number) => {
    const o = shoff + i * shentsize;
    return is64
      ? { nameOff: r.u32(o), type: r.u32(o + 4), offset: r.word(o + 24), size: r.word(o + 32), link: r.u32(o + 40), entsize: r.word(o + 56) }
      : { nameOff: r.u32(o), type: r.u32(o + 4), offset: r.u32(o + 16), size: r.u32(o + 20), link: r.u32(o + 24), entsize: r.u32(o + 36) };
  };
  if (shoff === 0) return { is64, littleEndian, type, machine, sections: [], buf };
  // More than 0xff00 sections: the real counts live in section 0.
  if (shnum === 0) shnum = sectionAt(0).size;
  if (shstrndx === 0xffff) shstrndx = sectionAt(0).link;
  const raw = Array.from({ length: shnum }, (_, i) => sectionAt(i));
  const names = raw[shstrndx];
  const sections = raw.map((s) => ({
    name: names ? cString(buf, names.offset + s.nameOff) : '',
    type: s.type,
    offset: s.offset,
    size: s.size,
    link: s.link,
    entsize: s.entsize,
  }));
  for (const s of sections) {
    if (s.type !== SHT_NOBITS && s.offset + s.size > buf.length) {
      throw new UserError(`${what} is truncated: section ${s.name} ends past the end of the file`, 'rebuild the module');
    }
  }
  return { is64, littleEndian, type, machine, sections, buf };
}

export function sectionData(elf: ElfFile, name: string): Buffer | undefined {
  const s = elf.sections.find((x) => x.name === name);
  if (!s || s.type === SHT_NOBITS) return undefined;
  return elf.buf.subarray(s.offset, s.offset + s.size);
}

export function readSymbols(elf: ElfFile): ElfSymbol[] {
  const symtab = elf.sections.find((s) => s.type === SHT_SYMTAB);
  if (!symtab) return [];
  const strtab = elf.sections[symtab.link];
  const r = reader(elf.buf, elf.littleEndian, elf.is64);
  const size = symtab.entsize || (elf.is64 ? 24 : 16);
  const out: ElfSymbol[] = [];
  for (let o = symtab.offset; o + size <= symtab.offset + symtab.size; o += size) {
    const nameOff = r.u32(o);
    const info = elf.is64 ? elf.buf[o + 4] : elf.buf[o + 12];
    out.push({
      name: strtab ? cString(elf.buf, strtab.offset + nameOff) : '',
      shndx: elf.is64 ? r.u16(o + 6) : r.u16(o + 14),
      value: elf.is64 ? r.u64(o + 8) : BigInt(r.u32(o + 4)),
      bind: info >> 4,
      type: info & 0xf,
    });
  }
  return out;
}

export function elfReader(elf: ElfFile): Reader {
  return reader(elf.buf, elf.littleEndian, elf.is64);
}
