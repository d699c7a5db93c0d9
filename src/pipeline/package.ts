/**
 * The package step: one kmod RPM per driver per kernel (docs/installer.md, "kmod conventions"), and one source RPM
 * that rebuilds the same modules with rpmbuild.
 */
import { readFileSync, existsSync, statSync } from 'node:fs';
import { join, basename } from 'node:path';
import { projectPath } from '../answers/io.js';
import { EXTRA_FILES_DIR, extraFiles, readUdevRules, type ExtraFile } from '../kmod/extra-files.js';
import { UserError } from '../errors.js';
import { buildRpm, rpmFileName } from '../rpm/index.js';
import { readKernelModule } from '../elf/ko.js';
import { firmwarePackageRef, firmwarePackageSpec, kmodPackageSpec, srpmSpec, renderKmodSpec, parseSymvers, kabiReport, exportsByModule, PROBE_KIT_DIR } from '../kmod/index.js';
import { probeKitFiles } from '../probes/kit.js';
import { DKMS_SCRIPT_SOURCE, dkmsRebuildScript, hasDkmsSteps } from '../kbuild/dkms-script.js';
import { readProbeFile } from '../probes/parse.js';
import { writeTar, type TarEntry } from '../archive/tar.js';
import { gpgHeaderSigner } from '../sign/index.js';
import { isRhelFamily } from './resolve.js';
import type { PipelineContext } from './context.js';
import type { KernelBuildResult } from './build.js';
import type { SigningSetup } from './signing.js';
import type { PackedInput } from './secrets.js';

export interface PackagedRpm {
  release: string;
  arch: string;
  fileName: string;
  bytes: Buffer;
  /** The uncompressed files packed into the payload, for the secret scan (src/pipeline/secrets.ts). */
  packed: PackedInput[];
  kabiNotOnList?: string[];
}

/** What went into a payload uncompressed: each file's bytes under its path. */
function packedFiles(files: { path: string; data?: Buffer }[]): PackedInput[] {
  return files.filter((f) => f.data).map((f) => ({ name: f.path, bytes: f.data as Buffer }));
}

/** The build host stamped into every RPM: fixed, so that builds on two machines match. */
export const BUILD_HOST = 'dudforge.localdomain';

function headerSigner(ctx: PipelineContext) {
  return ctx.answers.packaging.gpgKey ? { signHeader: gpgHeaderSigner({ keyId: ctx.answers.packaging.gpgKey }) } : {};
}

export function srpmFileName(ctx: PipelineContext): string {
  const p = ctx.answers.package;
  return rpmFileName({ name: p.name, version: p.version, release: p.release, arch: 'src', isSource: true });
}

/** The project's modprobe.d, modules-load.d, udev and blacklist files (answers.extraFiles). */
function projectExtraFiles(ctx: PipelineContext, modules: string[]): ExtraFile[] {
  const { answers } = ctx;
  const udev = answers.extraFiles?.udevRules;
  const udevBytes = udev ? readUdevRules(projectPath(ctx.projectDir, udev), 'extraFiles.udevRules') : undefined;
  return extraFiles(answers.package.name, answers.extraFiles, modules, udevBytes);
}

export async function packageKernels(ctx: PipelineContext, built: KernelBuildResult[], signing: SigningSetup | undefined): Promise<PackagedRpm[]> {
  const out: PackagedRpm[] = [];
  const { answers } = ctx;
  const firmware = ctx.sources.firmware.map((f) => ({ path: f.path, bytes: readFileSync(f.from) }));
  const extra = projectExtraFiles(ctx, built[0]?.modules.map((m) => m.name) ?? []);
  const certDer = signing?.shipCert ? { vendor: answers.package.vendor, bytes: signing.certDerBytes } : undefined;
  const firmwarePackage = answers.packaging.firmwarePackage && firmware.length ? firmwarePackageRef(answers) : undefined;
  for (const b of built) {
    ctx.signal.throwIfAborted();
    const kernel = ctx.kernels.find((k) => k.release === b.release)!;
    ctx.reporter.emit({ type: 'kernel-phase', release: b.release, phase: 'package' });
    const exported = b.exportsFile ? exportsByModule(parseSymvers(readFileSync(b.exportsFile, 'utf8'))) : new Map<string, string[]>();
    const modules = b.modules.map((m) => {
      const bytes = readFileSync(m.file);
      return { name: `${m.name}.ko`, bytes, info: { ...readKernelModule(bytes, m.file), exportedSymbols: exported.get(m.name) ?? [] } };
    });
    const kabiRequires = answers.packaging.kabiRequires === 'on' || (answers.packaging.kabiRequires === 'auto' && isRhelFamily(b.release));
    // Module.symvers only feeds kernel()/ksym() Requires, and only for the symbols the modules import.
    const imported = new Set(modules.flatMap((m) => [...m.info.undefinedSymbols, ...m.info.versions.map((v) => v.symbol)]));
    const symvers = kabiRequires && kernel.tree.symversPath && existsSync(kernel.tree.symversPath)
      ? parseSymvers(readFileSync(kernel.tree.symversPath, 'utf8'), imported) : undefined;
    const arch = kernel.tree.arch ?? 'x86_64';
    let greylist: { listName: string; symbols: string[] } | undefined;
    if (answers.packaging.kabiStablelist) {
      const report = kabiReport({ stablelist: projectPath(ctx.projectDir, answers.packaging.kabiStablelist), arch, modules: modules.map((m) => m.info) });
      greylist = { listName: report.listName, symbols: report.symbolsNotOnList };
      if (greylist.symbols.length && answers.packaging.kabiStrict) {
        throw new UserError(
          `${b.release}: ${greylist.symbols.length} symbol(s) used by the modules are not on the kABI stablelist: ${greylist.symbols.join(', ')}`,
          'drop packaging.kabiStrict to only report them',
        );
      }
    }
    const spec = kmodPackageSpec({
      answers,
      kernel: { release: b.release, arch },
      modules,
      firmware,
      ...(firmwarePackage ? { firmwarePackage } : {}),
      symvers,
      kabiRequires,
      greylist,
      certDer,
      extraFiles: extra,
      buildTime: ctx.buildTime,
      buildHost: BUILD_HOST,
      sourceRpm: answers.packaging.srpm ? srpmFileName(ctx) : undefined,
    });
    const bytes = await buildRpm(spec, headerSigner(ctx));
    out.push({ release: b.release, arch, fileName: rpmFileName(spec), bytes, packed: packedFiles(spec.files), kabiNotOnList: greylist?.symbols });
  }
  return out;
}

/**
 * The firmware package (packaging.firmwarePackage with firmware to ship): one noarch RPM, put on
 * the disk in every rpms/<arch>/ that has kmods (`arches`); none otherwise.
 */
export async function packageFirmware(ctx: PipelineContext, arches: string[]): Promise<PackagedRpm[]> {
  const { answers } = ctx;
  if (!answers.packaging.firmwarePackage || !ctx.sources.firmware.length) return [];
  const spec = firmwarePackageSpec({
    answers,
    kernels: answers.kernels.map((k) => k.release),
    firmware: ctx.sources.firmware.map((f) => ({ path: f.path, bytes: readFileSync(f.from) })),
    buildTime: ctx.buildTime,
    buildHost: BUILD_HOST,
    sourceRpm: answers.packaging.srpm ? srpmFileName(ctx) : undefined,
  });
  const bytes = await buildRpm(spec, headerSigner(ctx));
  const fileName = rpmFileName(spec);
  return [...new Set(arches)].sort().map((arch) => ({ release: 'firmware', arch, fileName, bytes, packed: packedFiles(spec.files) }));
}

/**
 * The source RPM: the generated spec, the sources as a tarball, the probe file and headers. The
 * tarball packs the explicit list ctx.secrets.sourceFiles: regular files only, never a key.
 */
export async function packageSources(ctx: PipelineContext, compatHeaders: Map<string, string>, moduleFiles: string[]): Promise<{ fileName: string; bytes: Buffer; packed: PackedInput[] }> {
  const { answers } = ctx;
  const p = answers.package;
  const top = `${p.name}-${p.version}`;
  const files = ctx.secrets.sourceFiles;
  // An executable stays executable: a dkms.conf's PRE_BUILD/POST_BUILD script runs only when it is (as in DKMS).
  const modeOf = (f: string) => (statSync(join(ctx.sources.rootDir, f)).mode & 0o111 ? 0o755 : 0o644);
  const entries: TarEntry[] = files.map((f) => ({ path: `${top}/${f}`, type: 'file' as const, mode: modeOf(f), data: readFileSync(join(ctx.sources.rootDir, f)) }));
  if (ctx.sources.wrapperKbuild) entries.push({ path: `${top}/Kbuild`, type: 'file', mode: 0o644, data: Buffer.from(ctx.sources.wrapperKbuild) });
  for (const f of ctx.sources.firmware) {
    entries.push({ path: `${top}/firmware/${f.path}`, type: 'file', mode: 0o644, data: readFileSync(f.from) });
  }
  const extra = projectExtraFiles(ctx, moduleFiles);
  for (const f of extra) entries.push({ path: `${top}/${EXTRA_FILES_DIR}${f.path}`, type: 'file', mode: 0o644, data: f.data });
  const probeFile = answers.probes ? projectPath(ctx.projectDir, answers.probes) : undefined;
  // The source RPM is the same whichever kernels this run built (a sharded build's machines each
  // write it, and `dudforge disk` takes one): with a probe kit, %build answers the probes for the
  // kernel it builds, so no per-kernel header is carried.
  if (!probeFile) {
    for (const [release, header] of [...compatHeaders].sort()) {
      entries.push({ path: `${top}/compat/${release}/dudforge-compat.h`, type: 'file', mode: 0o644, data: Buffer.from(header) });
    }
  }
  if (probeFile) {
    for (const f of probeKitFiles(readProbeFile(probeFile))) entries.push({ path: `${top}/${PROBE_KIT_DIR}/${f.path}`, type: 'file', mode: f.mode, data: f.data });
  }
  const tarball = { name: `${top}.tar.gz`, bytes: writeTar(entries, { mtime: ctx.buildTime }) };
  const extraSources = probeFile ? [{ name: basename(probeFile), bytes: readFileSync(probeFile) }] : [];
  // dkms.conf's steps travel as a Source file: %build runs the same script dudforge's build runs.
  const dkms = answers.dkms && hasDkmsSteps(answers.dkms) ? answers.dkms : undefined;
  if (dkms) {
    const script = dkmsRebuildScript(dkms, { module: dkms.packageName ?? p.name, moduleVersion: dkms.packageVersion ?? p.version, moduleDir: ctx.sources.driverDirs[0] ?? '' });
    extraSources.push({ name: DKMS_SCRIPT_SOURCE, bytes: Buffer.from(script) });
  }
  const specText = renderKmodSpec({
    answers,
    // Every kernel of the project, not only this run's (`build --kernel` shards the set).
    kernels: ctx.answers.kernels.map((k) => k.release),
    modules: moduleFiles,
    makeArgs: ctx.sources.makeArgs,
    hasCompat: compatHeaders.size > 0,
    hasProbeKit: probeFile !== undefined,
    includeDirs: ctx.sources.includeDirs,
    firmware: ctx.sources.firmware.map((f) => f.path),
    extraFiles: extra,
    extraSources: extraSources.map((e) => e.name),
    ...(dkms ? { dkms: { script: DKMS_SCRIPT_SOURCE, patches: !!dkms.patches?.length } } : {}),
    tarballName: tarball.name,
    topDir: top,
    buildTime: ctx.buildTime,
  });
  const spec = srpmSpec({ answers, specText, sourcesTarball: tarball, extraSources, buildTime: ctx.buildTime, buildHost: BUILD_HOST, arch: ctx.kernels[0]?.tree.arch });
  const bytes = await buildRpm(spec, headerSigner(ctx));
  return { fileName: rpmFileName(spec), bytes, packed: [...packedFiles(spec.files), ...packedFiles(entries)] };
}
