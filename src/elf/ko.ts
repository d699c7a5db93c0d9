import { gunzipSync } from 'node:zlib';
import { basename } from 'node:path';
import { UserError } from '../errors.js';
import { elfReader, readElf, readSymbols, sectionData } from './elf.js';

/** What a kernel module (`.ko`) says about itself, read from its ELF sections. */
export interface KernelModuleInfo {
  /** The module name: modinfo `name=`, else from the file name (`-` read as `_`, as the kernel does). */
  name?: string;
  vermagic?: string;
  /** `.modinfo` entries in file order; keys may repeat (alias, parm, parmtype). */
  modinfo: { key: string; value: string }[];
  /** Symbol CRCs the module was built against (`__versions`), for kernel(sym) = crc dependencies. */
  versions: { symbol: string; crc: number }[];
  /** Symbols the module imports (`.symtab` entries in no section), in symbol table order, once each. */
  undefinedSymbols: string[];
  /** The file ends with `~Module signature appended~\n`. */
  signatureAppended: boolean;
  /** Bytes of the module before any appended signature (= the file size when unsigned). */
  contentLength: number;
  is64: boolean;
  littleEndian: boolean;
  /** ELF e_machine. */
  machine: number;
}

export const MODULE_SIG_MAGIC = '~Module signature appended~\n';
/** struct module_signature: algo, hash, id_type, signer_len, key_id_len, pad[3], be32 sig_len. */
const MODULE_SIGNATURE_STRUCT = 12;

/** Where the module's own bytes end: before the PKCS#7 blob, the struct and the magic. */
export function moduleContentLength(buf: Buffer): { signed: boolean; length: number } {
  const magic = Buffer.from(MODULE_SIG_MAGIC);
  if (buf.length < magic.length + MODULE_SIGNATURE_STRUCT || !buf.subarray(buf.length - magic.length).equals(magic)) {
    return { signed: false, length: buf.length };
  }
  const structEnd = buf.length - magic.length;
  const sigLen = buf.readUInt32BE(structEnd - 4);
  const length = structEnd - MODULE_SIGNATURE_STRUCT - sigLen;
  if (length < 0) throw new UserError('the module signature length is larger than the module', 'the .ko is damaged: rebuild and re-sign it');
  return { signed: true, length };
}

function parseModinfo(data: Buffer | undefined): { key: string; value: string }[] {
  if (!data) return [];
  return data
    .toString('utf8')
    .split('\0')
    .filter((s) => s.length > 0)
    .map((entry) => {
      const eq = entry.indexOf('=');
      return eq < 0 ? { key: entry, value: '' } : { key: entry.slice(0, eq), value: entry.slice(eq + 1) };
    });
}

/**
 * Read a kernel module. `fileName` only serves as a fallback for the name. A gzip-compressed
 * module is read through; any other non-ELF input is a UserError.
 */
export function readKernelModule(input: Buffer, fileName?: string): KernelModuleInfo {
  const buf = input.length > 2 && input[0] === 0x1f && input[1] === 0x8b ? gunzipSync(input) : input;
  const { signed, length } = moduleContentLength(buf);
  const elf = readElf(buf.subarray(0, length), fileName ?? 'the module');
  if (elf.type !== 1) throw new UserError(`${fileName ?? 'the module'} is an ELF file but not a kernel module (not relocatable)`);
  const modinfo = parseModinfo(sectionData(elf, '.modinfo'));
  const r = elfReader(elf);

  const versions: { symbol: string; crc: number }[] = [];
  const v = elf.sections.find((s) => s.name === '__versions');
  if (v) {
    // struct modversion_info { unsigned long crc; char name[64 - sizeof(long)]; }
    const crcSize = elf.is64 ? 8 : 4;
    for (let o = v.offset; o + 64 <= v.offset + v.size; o += 64) {
      const crc = elf.is64 ? Number(r.u64(o) & 0xffffffffn) : r.u32(o);
      const nameBytes = buf.subarray(o + crcSize, o + 64);
      const end = nameBytes.indexOf(0);
      versions.push({ symbol: nameBytes.toString('latin1', 0, end < 0 ? nameBytes.length : end), crc });
    }
  }
  // Extended modversions (Linux 6.13+, long symbol names): names and CRCs in parallel arrays.
  const extNames = sectionData(elf, '__version_ext_names');
  const extCrcs = elf.sections.find((s) => s.name === '__version_ext_crcs');
  if (extNames && extCrcs) {
    extNames
      .toString('latin1')
      .split('\0')
      .filter(Boolean)
      .forEach((symbol, i) => {
        if (4 * i + 4 <= extCrcs.size) versions.push({ symbol, crc: r.u32(extCrcs.offset + 4 * i) });
      });
  }

  const undefinedSymbols = [...new Set(readSymbols(elf).filter((s) => s.shndx === 0 && s.name).map((s) => s.name))];
  const get = (key: string) => modinfo.find((e) => e.key === key)?.value;
  const fromFile = fileName ? basename(fileName).replace(/\.ko(\.\w+)?$/, '').replace(/-/g, '_') : undefined;
  return {
    name: get('name') || fromFile,
    vermagic: get('vermagic'),
    modinfo,
    versions,
    undefinedSymbols,
    signatureAppended: signed,
    contentLength: length,
    is64: elf.is64,
    littleEndian: elf.littleEndian,
    machine: elf.machine,
  };
}

/** The first value of a modinfo key (license, description, version, srcversion, depends, …). */
export function modinfoValue(info: KernelModuleInfo, key: string): string | undefined {
  return info.modinfo.find((e) => e.key === key)?.value;
}

/** Every value of a repeatable modinfo key (alias, parm, firmware). */
export function modinfoValues(info: KernelModuleInfo, key: string): string[] {
  return info.modinfo.filter((e) => e.key === key).map((e) => e.value);
}
