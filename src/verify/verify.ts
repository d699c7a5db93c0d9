/**
 * `dudforge verify`: judge a driver disk the way the installer does (docs/installer.md),
 * reading the ISO with our own reader — no mount, no external tool. Every problem is one line.
 */
import { readIso, type IsoImage, type IsoReadEntry } from '../iso/index.js';
import { readRpm, checkRpm, evrString, rangeSatisfies, senseOperator, RPMTAG, type CpioEntry, type ParsedRpm } from '../rpm/index.js';
import { readKernelModule } from '../elf/ko.js';
import { readModuleBytes, readModuleSignature } from '../sign/index.js';
import { checkRepodata, type RepoFile } from './repodata-check.js';
import { TARGETS } from '../kernel/cross.js';
import { judgeStage2, type DiskPackage } from './stage2.js';

export const INSTALLER_ARCHES = ['x86_64', 'aarch64', 'ppc64le', 's390x'];
const WRONG_ARCH_NAMES: Record<string, string> = { amd64: 'x86_64', arm64: 'aarch64', noarch: 'a real architecture', i386: 'x86_64', ppc64el: 'ppc64le' };
const MODULE_SUFFIX = /\.ko(\.gz|\.xz|\.bz2|\.zst)?$/;

export interface VerifiedModule {
  path: string;
  vermagic?: string;
  signer?: string;
  keySerial?: string;
  hashAlgo?: string;
}

export interface VerifiedRpm {
  file: string;
  name: string;
  evr: string;
  kernelModulesProvides: string[];
  modules: VerifiedModule[];
  firmware: string[];
}

export interface VerifyReport {
  ok: boolean;
  problems: string[];
  volumeId: string;
  rockRidge: boolean;
  arches: string[];
  rpms: VerifiedRpm[];
  /**
   * Per kernel release: the RPM files the installer would accept (stage 1), and per package name
   * it then asks dnf for, the file dnf would install into the new system (stage 2).
   */
  kernels: { release: string; accepted: string[]; installs: { name: string; file?: string }[] }[];
}

export interface VerifyOptions {
  /** Kernel releases to judge for; default: every exact kernel-modules release on the disk. */
  kernels?: string[];
  arch?: string;
  /** Flag unsigned modules (the project asked for signing). */
  expectSigned?: boolean;
}

function childrenOf(image: IsoImage, dir: string): IsoReadEntry[] {
  const prefix = dir ? `${dir}/` : '';
  return image.entries.filter((e) => e.path.startsWith(prefix) && !e.path.slice(prefix.length).includes('/') && e.path !== dir);
}

export async function verifyDisk(isoPath: string | Buffer, opts: VerifyOptions = {}): Promise<VerifyReport> {
  const image = readIso(isoPath);
  const problems: string[] = [];
  const byPath = new Map(image.entries.map((e) => [e.path, e]));
  if (image.volumeId !== 'OEMDRV') problems.push(`volume label is "${image.volumeId}", not OEMDRV: the installer will not find the disk by itself`);
  if (!image.hasRockRidge) problems.push('no Rock Ridge: file names are truncated to 8.3 and the installer will not see rhdd3 or the RPMs');
  const rhdd3 = byPath.get('rhdd3');
  if (!rhdd3) problems.push('no /rhdd3 file: the installer does not recognise the disk as a driver update disk');
  else if (rhdd3.type !== 'file') problems.push('/rhdd3 is not a regular file');

  const rpmsDir = childrenOf(image, 'rpms');
  const arches: string[] = [];
  for (const d of rpmsDir) {
    const name = d.path.slice('rpms/'.length);
    if (d.type !== 'dir') continue;
    if (WRONG_ARCH_NAMES[name]) problems.push(`rpms/${name}: the installer looks in rpms/<uname -m>; use ${WRONG_ARCH_NAMES[name]}`);
    else if (!INSTALLER_ARCHES.includes(name)) problems.push(`rpms/${name}: not an architecture the installer runs on (${INSTALLER_ARCHES.join(', ')})`);
    else arches.push(name);
  }
  if (!rpmsDir.length) problems.push('no rpms/ directory');
  const wantedArches = opts.arch ? [opts.arch] : arches;
  if (opts.arch && !arches.includes(opts.arch)) problems.push(`no rpms/${opts.arch} directory`);

  const rpms: VerifiedRpm[] = [];
  const parsed = new Map<string, ParsedRpm>();
  for (const arch of wantedArches) {
    const dir = `rpms/${arch}`;
    const entries = childrenOf(image, dir);
    const rpmEntries = entries.filter((e) => e.path.endsWith('.rpm'));
    for (const e of entries) {
      if (/\.rpm$/i.test(e.path) && !e.path.endsWith('.rpm')) problems.push(`${e.path}: the installer only globs lowercase *.rpm`);
    }
    if (!rpmEntries.length) problems.push(`${dir}: no RPMs`);
    // Read once from the image: the repodata check below hashes the same bytes.
    const rpmBytes = new Map<string, Buffer>();
    for (const e of rpmEntries) {
      if (e.type !== 'file') {
        problems.push(`${e.path}: not a regular file`);
        continue;
      }
      const bytes = e.read();
      rpmBytes.set(e.path, bytes);
      let rpm: ParsedRpm;
      try {
        rpm = readRpm(bytes);
      } catch (err) {
        problems.push(`${e.path}: not a readable RPM (${(err as Error).message})`);
        continue;
      }
      parsed.set(e.path, rpm);
      problems.push(...installProblems(e.path, rpm));
      const checked = await checkRpm(bytes, rpm);
      for (const p of checked.problems) problems.push(`${e.path}: ${p}`);
      // noarch (a firmware package) suits every directory: dd_list never looks at the arch, dnf installs noarch anywhere.
      if (!rpm.isSource && rpm.arch !== arch && rpm.arch !== 'noarch') problems.push(`${e.path}: built for ${rpm.arch}, but it lies in rpms/${arch}/, where only the ${arch} installer looks`);
      rpms.push(await inspectRpm(e.path, rpm, checked.entries, problems, !!opts.expectSigned, arch));
    }
    // Repodata, as dnf reads it in stage 2.
    const files = new Map<string, RepoFile>();
    for (const e of image.entries) {
      if (e.path.startsWith(`${dir}/`) && e.type === 'file') files.set(e.path.slice(dir.length + 1), { rel: e.path.slice(dir.length + 1), read: () => e.read() });
    }
    const names = rpmEntries.map((e) => e.path.slice(dir.length + 1));
    problems.push(...checkRepodata(dir, files, names, (n) => rpmBytes.get(`${dir}/${n}`) ?? byPath.get(`${dir}/${n}`)!.read()));
  }

  // Which RPMs each kernel would get, by the installer's own rule.
  const releases = opts.kernels?.length
    ? opts.kernels
    : [...new Set(rpms.flatMap((r) => r.kernelModulesProvides.filter((p) => /^>?= /.test(p)).map((p) => p.replace(/^>?= /, ''))))].sort();
  const kernels = releases.map((release) => {
    const accepted = rpms.filter((r) => {
      const rpm = parsed.get(r.file)!;
      return rpm.provides().some((p) => p.name === 'kernel-modules' && rangeSatisfies(p, release));
    });
    if (!accepted.length) problems.push(`kernel ${release}: no RPM on the disk is accepted for it`);
    // Each architecture's installer reads only its own rpms/<arch>/.
    const byName = new Map<string, string[]>();
    for (const a of accepted) {
      const key = `${archOf(a.file)}\0${a.name}`;
      byName.set(key, [...(byName.get(key) ?? []), a.file]);
    }
    for (const [key, files] of byName) {
      if (files.length > 1) problems.push(`kernel ${release}: gets ${files.length} RPMs of ${key.split('\0')[1]} (${files.join(', ')}); the later one silently wins`);
    }
    for (const a of accepted) {
      for (const m of a.modules) {
        const magic = m.vermagic?.split(' ')[0];
        if (m.path.includes(`/lib/modules/${release}/`) && magic !== undefined && magic !== release) {
          problems.push(`${a.file}: ${m.path} has vermagic ${magic}, but kernel ${release} accepts the RPM`);
        }
      }
    }
    // Stage 2, per rpms/<arch> repository: what dnf installs by the names the installer loaded.
    const installs: { name: string; file?: string }[] = [];
    for (const arch of new Set(accepted.map((a) => archOf(a.file)))) {
      const repo: DiskPackage[] = rpms.filter((r) => archOf(r.file) === arch).map((r) => ({ file: r.file, rpm: parsed.get(r.file)! }));
      const stage2 = judgeStage2(release, arch, repo.filter((d) => accepted.some((a) => a.file === d.file)), repo);
      installs.push(...stage2.installs);
      problems.push(...stage2.problems);
    }
    return { release, accepted: accepted.map((a) => a.file), installs };
  });
  for (const r of rpms) {
    if (!kernels.some((k) => k.accepted.includes(r.file))) {
      problems.push(`${r.file}: no listed kernel accepts it (${r.kernelModulesProvides.length ? `Provides kernel-modules ${r.kernelModulesProvides.join(', ')}` : 'no versioned kernel-modules Provides'})`);
    }
  }
  return { ok: problems.length === 0, problems, volumeId: image.volumeId, rockRidge: image.hasRockRidge, arches, rpms, kernels };
}

/** `x86_64` of `rpms/x86_64/foo.rpm`. */
const archOf = (file: string) => file.split('/')[1];

async function inspectRpm(file: string, rpm: ParsedRpm, payload: CpioEntry[] | undefined, problems: string[], expectSigned: boolean, arch: string): Promise<VerifiedRpm> {
  const machine = TARGETS[arch]?.elfMachine;
  const description = rpm.header.string(RPMTAG.DESCRIPTION);
  if (!rpm.name) problems.push(`${file}: no NAME header`);
  if (description === undefined) problems.push(`${file}: no DESCRIPTION header (the installer needs one)`);
  else if (description.split('\n').some((l) => l === '---')) problems.push(`${file}: its description has a line "---", which breaks the installer's package list`);
  const kmProvides = rpm.provides().filter((p) => p.name === 'kernel-modules');
  // Any one of <, >, = makes it versioned to rpm, and only then is senseOperator non-empty.
  const versioned = kmProvides.filter((p) => p.version && senseOperator(p.flags));
  if (kmProvides.length && !versioned.length) problems.push(`${file}: its kernel-modules Provides has no version, so the installer ignores the RPM`);
  const result: VerifiedRpm = {
    file,
    name: rpm.name,
    // The report has always left out an Epoch of 0 (rpm -q's NEVRA leaves out every epoch).
    evr: evrString({ version: rpm.version, release: rpm.release, epoch: rpm.epoch || undefined }),
    kernelModulesProvides: versioned.map((p) => `${senseOperator(p.flags)} ${p.version}`),
    modules: [],
    firmware: [],
  };
  // checkRpm has already reported why a payload could not be read.
  if (!payload) return result;
  for (const entry of payload) {
    const path = entry.path;
    const type = entry.mode & 0o170000;
    if (MODULE_SUFFIX.test(path)) {
      if (type === 0o120000) {
        problems.push(`${file}: ${path} is a symlink; the installer's extractor writes garbage for it`);
        continue;
      }
      if (path.startsWith('/usr/lib/modules/')) problems.push(`${file}: ${path} is under /usr/lib/modules, which the installer extracts but never loads`);
      else if (!path.startsWith('/lib/modules/')) problems.push(`${file}: ${path} is not under /lib/modules/<kver>/`);
      const module: VerifiedModule = { path };
      let bytes: Buffer | undefined;
      try {
        bytes = await readModuleBytes(entry.data);
      } catch (err) {
        problems.push(`${file}: ${path} cannot be decompressed (${(err as Error).message})`);
      }
      if (bytes) {
        try {
          const info = readKernelModule(bytes, path);
          module.vermagic = info.vermagic;
          if (!info.vermagic) problems.push(`${file}: ${path} has no vermagic in .modinfo (modinfo would fail and abort loading for the whole disk)`);
          if (machine !== undefined && info.machine !== machine) {
            problems.push(`${file}: ${path} is an ELF module for machine ${info.machine}, not ${arch} (${machine}): the ${arch} kernel cannot load it`);
          }
        } catch (err) {
          problems.push(`${file}: ${path} is not a readable kernel module (${(err as Error).message}); one failure aborts module loading for the whole disk`);
        }
        const sig = safeSignature(bytes, path);
        if (sig) Object.assign(module, { signer: sig.signer, keySerial: sig.keySerial, hashAlgo: sig.hashAlgo });
        else if (expectSigned) problems.push(`${file}: ${path} is not signed, but the project asked for signing`);
      }
      result.modules.push(module);
    } else if (path.startsWith('/lib/firmware/') && type === 0o100000) {
      result.firmware.push(path);
    } else if (path.startsWith('/usr/lib/firmware/')) {
      problems.push(`${file}: ${path}: the installer only extracts firmware under /lib/firmware/`);
    }
  }
  // A firmware package (as ddiskit's) Provides kernel-modules so that stage 1 extracts its files.
  if (!result.modules.length && !result.firmware.length && versioned.length) problems.push(`${file}: Provides kernel-modules but carries no module or firmware`);
  return result;
}

/** rpm unpacks each file under its own name: a name over NAME_MAX or a path over PATH_MAX fails the install. */
const NAME_MAX = 255;
const PATH_MAX = 4096;

function installProblems(file: string, rpm: ParsedRpm): string[] {
  const problems: string[] = [];
  for (const path of rpm.files().map((f) => f.path)) {
    const long = path.split('/').find((c) => Buffer.byteLength(c) > NAME_MAX);
    if (long) problems.push(`${file}: ${path.slice(0, 80)}… has a name of ${Buffer.byteLength(long)} bytes (at most ${NAME_MAX}): rpm cannot install the package`);
    else if (Buffer.byteLength(path) >= PATH_MAX) problems.push(`${file}: a path of ${Buffer.byteLength(path)} bytes (at most ${PATH_MAX - 1}): rpm cannot install the package`);
    if (problems.length >= 5) break; // one package's worth is enough to make the point
  }
  return problems;
}

function safeSignature(buf: Buffer, name: string) {
  try {
    return readModuleSignature(buf, name);
  } catch {
    return undefined;
  }
}

export function formatVerifyReport(r: VerifyReport): string {
  const lines = [`volume ${r.volumeId}, Rock Ridge ${r.rockRidge ? 'yes' : 'no'}, arches ${r.arches.join(', ') || 'none'}`];
  for (const rpm of r.rpms) {
    lines.push(`${rpm.file}  ${rpm.name}-${rpm.evr}  kernel-modules ${rpm.kernelModulesProvides.join(', ') || '(none)'}`);
    for (const m of rpm.modules) {
      lines.push(`  ${m.path}  vermagic ${m.vermagic?.split(' ')[0] ?? '?'}${m.signer ? `  signed by "${m.signer}" key ${m.keySerial} ${m.hashAlgo}` : '  unsigned'}`);
    }
    for (const f of rpm.firmware) lines.push(`  firmware ${f}`);
  }
  for (const k of r.kernels) {
    lines.push(`kernel ${k.release}: accepts ${k.accepted.join(', ') || 'nothing'}`);
    for (const i of k.installs) lines.push(`kernel ${k.release}: then installs ${i.name} from ${i.file ?? 'nothing (its Requires cannot be met)'}`);
  }
  lines.push(r.ok ? 'OK: the installer would accept this disk' : `${r.problems.length} problem(s):`);
  for (const p of r.problems) lines.push(`  ${p}`);
  return lines.join('\n');
}
