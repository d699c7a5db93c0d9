/**
 * The sign and package steps as runPipeline runs them: each writes its artifacts into the
 * staged output (output.ts) and checks the cancel signal between kernels.
 */
import type { KernelBuildResult } from './build.js';
import type { PipelineContext } from './context.js';
import type { StagedOutput } from './output.js';
import { packageFirmware, packageKernels, packageSources, type PackagedRpm } from './package.js';
import { signBuiltModules, type SigningSetup } from './signing.js';
import { exportGpgPublicKey } from '../sign/index.js';

/** Strip and/or sign every module; the public certificate goes next to the disk. */
export async function signStep(
  ctx: PipelineContext,
  good: KernelBuildResult[],
  signing: SigningSetup | undefined,
  output: StagedOutput,
): Promise<{ name: string; bytes: number } | undefined> {
  await signBuiltModules(ctx, good, signing);
  if (!signing) return undefined;
  // The public certificate, ready for `mokutil --import` (never the key).
  const name = `${ctx.answers.package.name}-signing-cert.der`;
  output.write(name, signing.certDerBytes);
  return { name, bytes: signing.certDerBytes.length };
}

export interface Packaged {
  kmods: PackagedRpm[];
  /** The firmware package, once per rpms/<arch>/ of the disk (one file in out/). */
  firmware: PackagedRpm[];
  srpm?: Awaited<ReturnType<typeof packageSources>>;
  /** File name of the exported GnuPG public key, when RPMs are GPG-signed. */
  pubkey?: string;
}

/** kmod RPMs, the source RPM and the GnuPG public key, all into the staged output. */
export async function packageStep(
  ctx: PipelineContext,
  good: KernelBuildResult[],
  signing: SigningSetup | undefined,
  compatHeaders: Map<string, string>,
  output: StagedOutput,
): Promise<Packaged> {
  const { answers } = ctx;
  const kmods = await packageKernels(ctx, good, signing);
  for (const p of kmods) output.write(p.fileName, p.bytes, p.packed);
  const firmware = await packageFirmware(ctx, kmods.map((k) => k.arch));
  if (firmware[0]) output.write(firmware[0].fileName, firmware[0].bytes, firmware[0].packed);
  ctx.signal.throwIfAborted();
  let srpm: Packaged['srpm'];
  if (answers.packaging.srpm) {
    const moduleFiles = [...new Set(good.flatMap((g) => g.modules.map((m) => `${m.name}.ko`)))].sort();
    srpm = await packageSources(ctx, compatHeaders, moduleFiles);
    output.write(srpm.fileName, srpm.bytes, srpm.packed);
  }
  let pubkey: string | undefined;
  if (answers.packaging.gpgKey && kmods.length) {
    pubkey = `RPM-GPG-KEY-${answers.package.name}`;
    await exportGpgPublicKey({ keyId: answers.packaging.gpgKey, out: output.stagedPath(pubkey) });
    output.assertStagedPublishable(pubkey);
  }
  return { kmods, firmware, srpm, pubkey };
}
