/**
 * The guest's busybox for a foreign architecture (aarch64 on this x86_64 host): `apt-get download
 * busybox-static:arm64`, and only its bin/busybox unpacked into the kernel cache
 * (<cache>/busybox-static-arm64/busybox). A foreign package is never installed on the host.
 * `--busybox PATH` of that architecture (an ELF for its machine) is used instead when given.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { UserError } from '../errors.js';
import { ARCH, BOOT_ARCHES, type BootArch } from './arch.js';
import { elfMachine, findOnPath, readStaticBusybox } from './tools.js';

export interface BusyboxOptions {
  /** `--busybox PATH`: used for the architecture its ELF is built for. */
  path?: string;
  cacheDir: string;
  download: boolean;
  log?: (line: string) => void;
}

/** The static busybox for `arch`'s guests. */
export async function busyboxFor(arch: BootArch, opts: BusyboxOptions): Promise<Buffer> {
  const given = opts.path && existsSync(opts.path) ? readFileSync(opts.path) : undefined;
  const givenArch = given ? BOOT_ARCHES.find((a) => ARCH[a].elfMachine === elfMachine(given)) : undefined;
  // --busybox serves the architecture it is built for; anything unreadable is judged as x86_64's.
  if (opts.path && (givenArch === arch || (arch === 'x86_64' && !givenArch))) return readStaticBusybox(opts.path, arch);
  if (arch === 'x86_64') return readStaticBusybox(undefined, arch);
  const pkg = `busybox-static:${ARCH[arch].debian}`;
  const cached = join(opts.cacheDir, `busybox-static-${ARCH[arch].debian}`, 'busybox');
  if (existsSync(cached)) return readStaticBusybox(cached, arch);
  if (!opts.download) {
    throw new UserError(`no ${arch} busybox: ${cached} does not exist`, `drop --no-download to fetch ${pkg} with apt-get download, or give --busybox with an ${arch} static busybox`);
  }
  for (const [tool, from] of [['apt-get', 'apt'], ['dpkg-deb', 'dpkg']]) {
    if (!findOnPath(tool)) throw new UserError(`${tool} is not installed (needed to fetch ${pkg})`, `apt-get install ${from}, or give --busybox`);
  }
  mkdirSync(opts.cacheDir, { recursive: true });
  const work = await mkdtemp(join(opts.cacheDir, `.tmp-busybox-${ARCH[arch].debian}-`));
  try {
    opts.log?.(`fetching ${pkg} with apt-get download (once; cached in ${opts.cacheDir})`);
    const dl = await execa('apt-get', ['download', pkg], { cwd: work, reject: false, all: true });
    const deb = dl.exitCode === 0 ? readdirSync(work).find((f) => f.endsWith('.deb')) : undefined;
    if (!deb) {
      throw new UserError(
        `apt-get download ${pkg} failed: ${(dl.all ?? '').split('\n').filter((l) => /^E:/.test(l)).join(' ') || `exit ${dl.exitCode}`}`,
        `apt must know ${ARCH[arch].debian}: dpkg --add-architecture ${ARCH[arch].debian} && apt-get update (nothing gets installed), or give --busybox`,
      );
    }
    const root = join(work, 'root');
    mkdirSync(root);
    await execa('sh', ['-c', 'dpkg-deb --fsys-tarfile "$0" | tar -x -C "$1" ./bin/busybox', join(work, deb), root], { reject: false });
    const bin = join(root, 'bin', 'busybox');
    readStaticBusybox(bin, arch);
    const target = join(opts.cacheDir, `busybox-static-${ARCH[arch].debian}`);
    renameSync(join(root, 'bin'), join(work, 'ready'));
    try {
      renameSync(join(work, 'ready'), target);
    } catch (err) {
      // Another run put it there first: theirs is as good as ours.
      if (!existsSync(cached)) throw err;
    }
    return readStaticBusybox(cached, arch);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
