/**
 * The toolchain's identity for the build cache: the compiler, linker and make that Kbuild will
 * run. A different gcc gives different objects, so it must give a different cache key.
 */
import { execa } from 'execa';

let cached: Promise<string> | undefined;

async function versionLine(cmd: string): Promise<string> {
  try {
    const { stdout } = await execa(cmd, ['--version'], { timeout: 10_000 });
    return `${cmd}: ${stdout.split('\n')[0]}`;
  } catch {
    return `${cmd}: missing`;
  }
}

export function toolchainIdentity(): Promise<string> {
  cached ??= Promise.all(['gcc', 'ld', 'make'].map(versionLine)).then((lines) => lines.join('\n'));
  return cached;
}
