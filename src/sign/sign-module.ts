/**
 * Signing one module with a kernel's own scripts/sign-file (docs/installer.md, "Module signing"), so the
 * signature is exactly what that kernel's build would append. Call it after `strip -g` and before
 * compression: the kernel verifies the decompressed bytes.
 */
import { access, chmod, constants, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { execa } from 'execa';
import { UserError } from '../errors.js';
import { tempPathFor } from '../fs/atomic-write.js';
import { checkSigningPair } from './check-pair.js';
import { withKeyFifo } from './key-fifo.js';
import { moduleCompression, readModuleSignature } from './module-signature.js';
import { isPkcs11Uri, loadPrivateKey, privateKeyPem } from './private-key.js';

export interface SignModuleOptions {
  /** The kernel's scripts/sign-file (from the build tree the module was built against). */
  signFile: string;
  /** CONFIG_MODULE_SIG_HASH of that kernel. Default sha256. */
  hashAlgo?: string;
  /** Private key: PEM or DER file, or a pkcs11: URI (passed through). */
  key: string;
  /** X.509 certificate, PEM or DER. */
  cert: string;
  module: string;
  /** Where the signed module goes; default: replace `module`. */
  dest?: string;
  /** For messages: the kernel release the module is for (default: the build tree's path). */
  kernelRelease?: string;
}

export async function signModule(opts: SignModuleOptions): Promise<void> {
  const hashAlgo = opts.hashAlgo ?? 'sha256';
  const kernel = opts.kernelRelease ?? `the kernel tree ${dirname(dirname(opts.signFile))}`;
  const what = `module ${opts.module} (for ${kernel})`;
  if (!/^[a-z0-9-]+$/i.test(hashAlgo)) throw new UserError(`${what}: "${hashAlgo}" is not a hash algorithm name`, 'Use the kernel\'s CONFIG_MODULE_SIG_HASH, e.g. sha256.');
  try {
    await access(opts.signFile, constants.X_OK);
  } catch {
    throw new UserError(
      `cannot sign ${what}: ${opts.signFile} is missing or not executable`,
      'Install the kernel build tools for that kernel (Debian: linux-kbuild-*; RHEL: kernel-devel), or turn module signing off.',
    );
  }
  let moduleBytes: Buffer;
  try {
    moduleBytes = await readFile(opts.module);
  } catch (err) {
    throw new UserError(`cannot sign ${what}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, 'Build the module first.');
  }
  if (moduleCompression(moduleBytes)) {
    throw new UserError(`cannot sign ${what}: it is compressed`, 'Sign the uncompressed .ko, then compress it: the kernel checks the signature of the decompressed bytes.');
  }
  // sign-file does not check that the key belongs to the certificate; a mismatch would give
  // modules that no kernel accepts. Check first so nothing is signed with a wrong pair.
  const pair = await checkSigningPair({ key: opts.key, cert: opts.cert });

  const finalPath = opts.dest ?? opts.module;
  const output = tempPathFor(finalPath);
  // A module that is already signed is re-signed from its unsigned bytes (sign-file would append
  // a second signature, and the kernel reads only the last).
  const existing = readModuleSignature(moduleBytes, opts.module);
  const input = existing ? tempPathFor(finalPath) : opts.module;
  try {
    if (existing) await writeFile(input, moduleBytes.subarray(0, existing.contentLength), { mode: 0o600 });
    const run = (keyArg: string) =>
      execa(opts.signFile, [hashAlgo, keyArg, opts.cert, input, output], { reject: false, stdin: 'ignore', encoding: 'utf8' });
    let result;
    if (pair.keyFormat === 'der') {
      const pem = privateKeyPem((await loadPrivateKey(opts.key)).key);
      result = await withKeyFifo(pem, run);
    } else {
      result = await run(opts.key);
    }
    if (result.failed) {
      const why = (result.stderr || result.message || "").trim().split('\n').slice(-4).join('\n');
      throw new UserError(
        `sign-file could not sign ${what}:\n${why}`,
        isPkcs11Uri(opts.key)
          ? 'Check the pkcs11: URI, the token PIN (KBUILD_SIGN_PIN) and that the OpenSSL pkcs11 engine/provider is installed.'
          : `Check that ${kernel} supports ${hashAlgo} signatures (CONFIG_MODULE_SIG_HASH) and that the key can be read.`,
        1,
      );
    }
    const signed = readModuleSignature(await readFile(output), output);
    if (!signed || signed.keySerial !== pair.serialHex) {
      throw new Error(`sign-file left ${output} without the expected signature (serial ${pair.serialHex})`);
    }
    await chmod(output, (await stat(opts.module)).mode & 0o777);
    await rename(output, finalPath);
  } finally {
    await rm(output, { force: true });
    if (existing) await rm(input, { force: true });
  }
}
