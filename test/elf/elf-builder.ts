/**
 * Writes a minimal relocatable ELF (ET_REL) for any class and byte order, so the reader can be
 * tested on big-endian and 32-bit modules this x86-64 machine cannot compile. Every file it
 * writes is checked with readelf (which reads foreign ELF) before the reader's answers are
 * compared with readelf's.
 */
export interface BuilderSection {
  name: string;
  data: Buffer;
  type?: number; // SHT_PROGBITS by default
}

export interface BuilderOptions {
  is64: boolean;
  littleEndian: boolean;
  machine: number;
  sections: BuilderSection[];
  /** Global symbols; `section` = index into `sections` (1-based in the file), or 0 for undefined. */
  symbols: { name: string; section: number }[];
}

class Out {
  private chunks: Buffer[] = [];
  length = 0;
  constructor(private le: boolean) {}
  bytes(b: Buffer) {
    this.chunks.push(b);
    this.length += b.length;
  }
  int(size: 1 | 2 | 4 | 8, v: number | bigint) {
    const b = Buffer.alloc(size);
    if (size === 1) b.writeUInt8(Number(v));
    else if (size === 2) this.le ? b.writeUInt16LE(Number(v)) : b.writeUInt16BE(Number(v));
    else if (size === 4) this.le ? b.writeUInt32LE(Number(v)) : b.writeUInt32BE(Number(v));
    else this.le ? b.writeBigUInt64LE(BigInt(v)) : b.writeBigUInt64BE(BigInt(v));
    this.bytes(b);
  }
  align(n: number) {
    while (this.length % n) this.bytes(Buffer.alloc(1));
  }
  done() {
    return Buffer.concat(this.chunks);
  }
}

function strtab(names: string[]): { data: Buffer; offsets: number[] } {
  const offsets: number[] = [];
  const parts: Buffer[] = [Buffer.alloc(1)];
  let off = 1;
  for (const n of names) {
    offsets.push(off);
    parts.push(Buffer.from(n + '\0', 'latin1'));
    off += n.length + 1;
  }
  return { data: Buffer.concat(parts), offsets };
}

export function buildElf(opts: BuilderOptions): Buffer {
  const { is64, littleEndian: le } = opts;
  const word = is64 ? 8 : 4;
  const syms = strtab(opts.symbols.map((s) => s.name));
  const symOut = new Out(le);
  symOut.bytes(Buffer.alloc(is64 ? 24 : 16)); // the null symbol
  opts.symbols.forEach((s, i) => {
    if (is64) {
      symOut.int(4, syms.offsets[i]);
      symOut.int(1, 0x10); // STB_GLOBAL, STT_NOTYPE
      symOut.int(1, 0);
      symOut.int(2, s.section);
      symOut.int(8, 0);
      symOut.int(8, 0);
    } else {
      symOut.int(4, syms.offsets[i]);
      symOut.int(4, 0);
      symOut.int(4, 0);
      symOut.int(1, 0x10);
      symOut.int(1, 0);
      symOut.int(2, s.section);
    }
  });
  const all = [
    ...opts.sections.map((s) => ({ ...s, type: s.type ?? 1, link: 0, info: 0, entsize: 0 })),
    { name: '.symtab', data: symOut.done(), type: 2, link: opts.sections.length + 2, info: 1, entsize: is64 ? 24 : 16 },
    { name: '.strtab', data: syms.data, type: 3, link: 0, info: 0, entsize: 0 },
  ];
  const shnames = strtab([...all.map((s) => s.name), '.shstrtab']);
  all.push({ name: '.shstrtab', data: shnames.data, type: 3, link: 0, info: 0, entsize: 0 });

  const ehsize = is64 ? 64 : 52;
  const out = new Out(le);
  out.bytes(Buffer.alloc(ehsize)); // header written last
  const offsets: number[] = [];
  for (const s of all) {
    out.align(8);
    offsets.push(out.length);
    out.bytes(s.data);
  }
  out.align(8);
  const shoff = out.length;
  out.bytes(Buffer.alloc(is64 ? 64 : 40)); // section 0
  all.forEach((s, i) => {
    out.int(4, shnames.offsets[i]);
    out.int(4, s.type);
    out.int(word as 4 | 8, 0); // flags
    out.int(word as 4 | 8, 0); // addr
    out.int(word as 4 | 8, offsets[i]);
    out.int(word as 4 | 8, s.data.length);
    out.int(4, s.link);
    out.int(4, s.info);
    out.int(word as 4 | 8, s.type === 2 ? 8 : 1); // addralign
    out.int(word as 4 | 8, s.entsize);
  });
  const file = out.done();
  const h = new Out(le);
  h.bytes(Buffer.from([0x7f, 0x45, 0x4c, 0x46, is64 ? 2 : 1, le ? 1 : 2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0]));
  h.int(2, 1); // ET_REL
  h.int(2, opts.machine);
  h.int(4, 1);
  h.int(word as 4 | 8, 0); // entry
  h.int(word as 4 | 8, 0); // phoff
  h.int(word as 4 | 8, shoff);
  h.int(4, 0); // flags
  h.int(2, ehsize);
  h.int(2, 0);
  h.int(2, 0);
  h.int(2, is64 ? 64 : 40);
  h.int(2, all.length + 1);
  h.int(2, all.length); // .shstrtab is last
  h.done().copy(file, 0);
  return file;
}

/** __versions records: crc in the file's byte order, then the NUL-padded name. */
export function versionsSection(is64: boolean, le: boolean, entries: { symbol: string; crc: number }[]): Buffer {
  const out = new Out(le);
  for (const e of entries) {
    out.int(is64 ? 8 : 4, e.crc);
    const name = Buffer.alloc(is64 ? 56 : 60);
    name.write(e.symbol, 'latin1');
    out.bytes(name);
  }
  return out.done();
}
