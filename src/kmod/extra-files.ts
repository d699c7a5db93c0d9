/**
 * Files a driver ships beside its modules (answers.extraFiles, docs/kmod-packages.md): modprobe.d
 * options, a modules-load.d list, udev rules, and a blacklist for the inbox driver it replaces.
 *
 * Their paths hold the driver name only, never the kernel release, and their bytes do not depend
 * on the kernel either: rpm lets the per-kernel kmods of one driver (kmod-<name>-<uname -r>)
 * install side by side because a file two packages share is identical in content and attributes.
 */
import { readFileSync, statSync } from 'node:fs';
import type { ExtraFileAnswers } from '../answers/schema.js';
import { UserError } from '../errors.js';

export interface ExtraFile {
  /** Absolute path in the installed system. */
  path: string;
  data: Buffer;
  /** `%config(noreplace)`: a file the administrator may edit, kept over an update. */
  config: boolean;
}

/** Where the SRPM's tarball carries them: `<top>/dudforge-extras/<path without its leading />`. */
export const EXTRA_FILES_DIR = 'dudforge-extras';

/** A kernel module name as modprobe takes it. */
export const MODULE_NAME = /^[A-Za-z0-9_-]+$/;
/** `MODULE OPTIONS…`: one modprobe.d `options` line (no `%`/`\`, which the spec or modprobe would read). */
export const MODPROBE_OPTION = /^[A-Za-z0-9_-]+[ \t]+[\x20-\x24\x26-\x5b\x5d-\x7e\t]*[\x21-\x24\x26-\x5b\x5d-\x7e]$/;

const MAX_UDEV_BYTES = 1024 * 1024;

/** The udev rules file's name: `NN-<name>.rules`, NN from the given file's name (`70-foo.rules`) or 90. */
export function udevRulesPath(name: string, source: string): string {
  const nn = /^(\d\d)-/.exec(source.split('/').pop() ?? '')?.[1] ?? '90';
  return `/usr/lib/udev/rules.d/${nn}-${name}.rules`;
}

/**
 * Read a udev rules file and make sure it is text: udev reads it line by line, and the kmod ships
 * it as given. `field` names the input in the message (`--udev-rules`, `extraFiles.udevRules`).
 */
export function readUdevRules(file: string, field: string): Buffer {
  const hint = 'give the path of a udev rules text file (lines like ACTION=="add", SUBSYSTEM=="net", …)';
  let st;
  try {
    st = statSync(file);
  } catch {
    throw new UserError(`${field} ${file}: the file does not exist`, hint);
  }
  if (!st.isFile()) throw new UserError(`${field} ${file}: not a regular file`, hint);
  if (st.size > MAX_UDEV_BYTES) throw new UserError(`${field} ${file}: ${st.size} bytes; a udev rules file of more than 1 MiB is not text`, hint);
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    throw new UserError(`${field} ${file}: cannot be read (${(err as NodeJS.ErrnoException).code})`, hint);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new UserError(`${field} ${file}: not UTF-8 text (a binary file?)`, hint);
  }
  const bad = /[\0-\x08\x0b\x0c\x0e-\x1f\x7f]/.exec(text);
  if (bad) {
    const line = text.slice(0, bad.index).split('\n').length;
    throw new UserError(`${field} ${file}: line ${line} holds a control character (0x${bad[0].charCodeAt(0).toString(16).padStart(2, '0')}); a udev rules file is text`, hint);
  }
  if (text.trim() === '') throw new UserError(`${field} ${file}: the file is empty`, hint);
  return bytes;
}

/**
 * The extra files of driver `name`, sorted by path. `udevRules` holds the bytes of
 * extras.udevRules (read with readUdevRules) when it is set.
 */
export function extraFiles(name: string, extras: ExtraFileAnswers | undefined, modules: string[], udevRules?: Buffer): ExtraFile[] {
  if (!extras) return [];
  const own = new Set(modules.map((m) => m.replace(/\.ko$/, '').replace(/-/g, '_')));
  const out: ExtraFile[] = [];
  const head = `# ${name}: installed by kmod-${name}\n`;
  if (extras.modprobeOptions?.length) {
    const lines = extras.modprobeOptions.map((o) => {
      if (!MODPROBE_OPTION.test(o)) throw new UserError(`modprobe option "${o}" is not MODULE OPTION=VALUE…`, 'for example --modprobe-option "r8169 aspm=0"');
      const [mod, ...rest] = o.trim().split(/[ \t]+/);
      return `options ${mod} ${rest.join(' ')}\n`;
    });
    out.push({ path: `/etc/modprobe.d/${name}.conf`, data: Buffer.from(head + lines.join('')), config: true });
  }
  if (extras.blacklist?.length) {
    for (const m of extras.blacklist) {
      if (!MODULE_NAME.test(m)) throw new UserError(`--blacklist ${m}: not a module name`, 'give the inbox module name, e.g. --blacklist r8169');
      if (own.has(m.replace(/-/g, '_'))) throw new UserError(`--blacklist ${m}: the package ships that module itself`, 'blacklist the inbox driver this package replaces, under its own name');
    }
    const lines = extras.blacklist.map((m) => `blacklist ${m}\n`).join('');
    out.push({ path: `/etc/modprobe.d/${name}-blacklist.conf`, data: Buffer.from(`${head}# The inbox driver this package replaces; rebuild the initramfs (dracut -f) for it to apply at boot.\n${lines}`), config: true });
  }
  if (extras.loadAtBoot?.length) {
    for (const m of extras.loadAtBoot) if (!MODULE_NAME.test(m)) throw new UserError(`--load-at-boot ${m}: not a module name`, 'give a module name, e.g. --load-at-boot r8169');
    out.push({ path: `/etc/modules-load.d/${name}.conf`, data: Buffer.from(head + extras.loadAtBoot.map((m) => `${m}\n`).join('')), config: true });
  }
  if (extras.udevRules) {
    if (!udevRules) throw new Error('extraFiles: udevRules is set but its bytes were not read');
    out.push({ path: udevRulesPath(name, extras.udevRules), data: udevRules, config: false });
  }
  return out.sort((a, b) => (a.path < b.path ? -1 : 1));
}
