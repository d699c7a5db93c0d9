import { readFileSync } from 'node:fs';

/**
 * A kernel `.config` as a map from symbol (with its `CONFIG_` prefix) to value. Values keep
 * their text form (`y`, `m`, `"sha256"` unquoted to `sha256`); `# CONFIG_X is not set` lines are
 * left out, so "absent" and "not set" read the same, as they do for Kbuild.
 */
export type KernelConfig = Record<string, string>;

export function parseKernelConfig(text: string): KernelConfig {
  const config: KernelConfig = {};
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line.startsWith('CONFIG_')) continue;
    const eq = line.indexOf('=');
    if (eq < 0) continue;
    let value = line.slice(eq + 1);
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) {
      value = value.slice(1, -1).replace(/\\(["\\])/g, '$1');
    }
    config[line.slice(0, eq)] = value;
  }
  return config;
}

export function readKernelConfig(path: string): KernelConfig {
  return parseKernelConfig(readFileSync(path, 'utf8'));
}

/** True for `y` or `m`: the symbol is built in or as a module. */
export function isEnabled(config: KernelConfig, symbol: string): boolean {
  const key = symbol.startsWith('CONFIG_') ? symbol : `CONFIG_${symbol}`;
  const v = config[key];
  return v === 'y' || v === 'm';
}

/**
 * The RPM architecture (`uname -m` on the target) a kernel was configured for. Driver disks
 * use these names (`x86_64`, `aarch64`), never Debian's (`amd64`, `arm64`).
 */
export function rpmArchFromConfig(config: KernelConfig): string | undefined {
  const on = (s: string) => config[`CONFIG_${s}`] === 'y';
  if (on('X86_64')) return 'x86_64';
  if (on('X86_32') || on('X86')) return 'i686';
  if (on('ARM64')) return 'aarch64';
  if (on('PPC64')) return on('CPU_LITTLE_ENDIAN') ? 'ppc64le' : 'ppc64';
  if (on('PPC32') || on('PPC')) return 'ppc';
  if (on('S390')) return 's390x';
  if (on('RISCV')) return on('64BIT') ? 'riscv64' : 'riscv32';
  if (on('LOONGARCH')) return 'loongarch64';
  if (on('ARM')) return 'armv7hl';
  return undefined;
}
