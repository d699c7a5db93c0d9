/**
 * A small, real driver disk built from text with the project's own writers (no kernel needed):
 * kmod RPMs whose modules are minimal ELF relocatables with a .modinfo section (test/elf's
 * builder), rhdd3, and repodata — what `dudforge verify` reads. The fuzzing test, its bench
 * twin and the hostile-input tests start from it.
 */
import { constants, crc32, deflateRawSync } from 'node:zlib';
import { buildElf } from '../elf/elf-builder.js';
import { buildRpm, RPMSENSE, rpmFileName, type RpmPackageSpec } from '../../src/rpm/index.js';
import { buildRepodata } from '../../src/repodata/index.js';
import { buildIsoBuffer, type IsoEntry } from '../../src/iso/index.js';

export const FIXTURE_KERNELS = ['6.1.0-99-amd64', '6.12.0-99-amd64'];

/** A relocatable x86-64 ELF with the .modinfo a kernel module carries. */
export function fakeModule(release: string, name = 'dudforge_dummy'): Buffer {
  const modinfo = Buffer.from(`license=GPL\0name=${name}\0vermagic=${release} SMP preempt mod_unload modversions \0`, 'latin1');
  return buildElf({
    is64: true,
    littleEndian: true,
    machine: 62,
    sections: [{ name: '.modinfo', data: modinfo }, { name: '.text', data: Buffer.from('text of the module, not run'.repeat(40)) }],
    symbols: [{ name: 'printk', section: 0 }],
  });
}

export function kmodSpec(release: string, opts: { compression?: 'gzip' | 'xz'; files?: RpmPackageSpec['files'] } = {}): RpmPackageSpec {
  return {
    name: 'kmod-dudforge-dummy',
    version: '1.0',
    release: `1.k${release.replace(/-/g, '_')}`,
    summary: 'fixture kmod',
    description: 'fixture kmod for the hostile-input tests',
    license: 'GPL-2.0-only',
    buildHost: 'fixture',
    buildTime: 1700000000,
    arch: 'x86_64',
    provides: [{ name: 'kernel-modules', flags: RPMSENSE.EQUAL, version: release }],
    requires: [],
    files: opts.files ?? [
      { path: `/lib/modules/${release}/extra/dudforge-dummy/dudforge_dummy.ko`, type: 'file', mode: 0o644, data: fakeModule(release) },
      { path: '/lib/firmware/dudforge/fw.bin', type: 'file', mode: 0o644, data: Buffer.from('firmware '.repeat(100)) },
    ],
    compression: opts.compression ?? 'gzip',
  };
}

/** An OEMDRV ISO with the given RPMs (href → bytes) under rpms/x86_64 plus their repodata. */
export async function diskOf(rpms: { href: string; bytes: Buffer }[]): Promise<Buffer> {
  const entries: IsoEntry[] = [{ path: 'rhdd3', type: 'file', source: Buffer.from('Driver Update Disk version 3') }];
  for (const r of rpms) entries.push({ path: `rpms/x86_64/${r.href}`, type: 'file', source: r.bytes });
  for (const f of buildRepodata(rpms, { timestamp: 1700000000 })) entries.push({ path: `rpms/x86_64/${f.path}`, type: 'file', source: f.data });
  return buildIsoBuffer(entries, { volumeId: 'OEMDRV', time: 1700000000 });
}

/** The fixture disk: one kmod RPM per fixture kernel. */
export async function fixtureDisk(compression: 'gzip' | 'xz' = 'gzip'): Promise<{ iso: Buffer; rpms: { href: string; bytes: Buffer }[] }> {
  const rpms = await Promise.all(FIXTURE_KERNELS.map(async (k) => {
    const spec = kmodSpec(k, { compression });
    return { href: rpmFileName(spec), bytes: await buildRpm(spec) };
  }));
  return { iso: await diskOf(rpms), rpms };
}

/**
 * A gzip member that inflates to `bytes` zeros, written a MiB at a time so the bomb itself
 * never needs that memory (1 GiB of zeros is about 1 MiB of gzip).
 */
export function gzipBomb(bytes: number): Buffer {
  const zeros = Buffer.alloc(1024 * 1024);
  // One MiB deflated with a full flush and no final block: copies of it concatenate into one
  // valid deflate stream (no back-reference crosses a full flush); an empty final block ends it.
  const chunk = deflateRawSync(zeros, { finishFlush: constants.Z_FULL_FLUSH, level: 9 });
  const parts: Buffer[] = [];
  let crc = 0;
  for (let done = 0; done < bytes; done += zeros.length) {
    parts.push(chunk);
    crc = crc32(zeros, crc);
  }
  parts.push(deflateRawSync(Buffer.alloc(0)));
  const header = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]);
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc >>> 0, 0);
  trailer.writeUInt32LE(bytes % 2 ** 32, 4);
  return Buffer.concat([header, ...parts, trailer]);
}
