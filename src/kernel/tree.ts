import { createHash } from 'node:crypto';
import { accessSync, constants, existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { isEnabled, readKernelConfig, rpmArchFromConfig, type KernelConfig } from './config.js';
import { crossFor, type CrossToolchain } from './cross.js';

/** One kernel build tree (what `make -C <path> M=… modules` needs), as found on disk. */
export interface KernelTree {
  /** The tree's real path (symlinks resolved), or the given path when it does not exist. */
  path: string;
  /** The kernel release (`uname -r`) the tree builds modules for. */
  release?: string;
  /** RPM architecture from `.config`: x86_64, aarch64, ppc64le, s390x, i686, … */
  arch?: string;
  hasSymvers: boolean;
  symversPath?: string;
  /** `scripts/sign-file` when present and executable. */
  signFile?: string;
  /** `CONFIG_CC_VERSION_TEXT`: the compiler that built the kernel. */
  compiler?: string;
  /** The kernel was built with clang: Kbuild then needs `LLVM=1`. */
  llvm: boolean;
  /** A tree of another architecture than the host's: the cross toolchain it builds with. */
  cross?: CrossToolchain;
  modversions: boolean;
  /** `CONFIG_MODULE_SIG_HASH`, e.g. sha256. */
  sigHashAlgo?: string;
  moduleSig: boolean;
  usable: boolean;
  /** Why the tree cannot build modules (only when `usable` is false). */
  reason?: string;
  /** The paths that led to this tree, e.g. /lib/modules/X/build and /usr/src/linux-headers-X. */
  foundVia: string[];
  /** sha256 (hex) over release, .config, Module.symvers and compiler text: the key for caches. */
  identity: string;
}

/**
 * The release a module built in this tree will carry in its vermagic. That is `UTS_RELEASE`
 * from include/generated/utsrelease.h (what vermagic.h uses). `include/config/kernel.release`
 * is the fallback only: Debian's 6.1 header packages write the upstream version there
 * ("6.1.192") while `uname -r` and the vermagic say "6.1.0-56-amd64".
 */
function readRelease(dir: string): string | undefined {
  const uts = readText(join(dir, 'include/generated/utsrelease.h'));
  const m = uts && /#define\s+UTS_RELEASE\s+"([^"]+)"/.exec(uts);
  if (m) return m[1];
  const rel = readText(join(dir, 'include/config/kernel.release'))?.trim();
  return rel || undefined;
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Why `dir` cannot build out-of-tree modules, or undefined when it can. */
function unusableReason(dir: string, release: string | undefined): string | undefined {
  const missing = ['Makefile', '.config'].filter((f) => !existsSync(join(dir, f)));
  if (!release) missing.push('include/config/kernel.release');
  if (missing.length > 0) return `not a kernel build tree: ${missing.join(', ')} missing`;
  if (!existsSync(join(dir, 'include/generated/autoconf.h'))) {
    return 'kernel build tree is not prepared: include/generated/autoconf.h missing (run make modules_prepare in it)';
  }
  if (!existsSync(join(dir, 'scripts/basic/fixdep'))) {
    return 'kernel build tree has no built scripts: scripts/basic/fixdep missing (install the kbuild tools package or run make modules_prepare)';
  }
  return undefined;
}

function treeIdentity(release: string | undefined, dir: string, compiler: string | undefined): string {
  const hash = createHash('sha256');
  // Each part is length-prefixed so that moving bytes between parts changes the identity.
  for (const part of [
    Buffer.from(release ?? ''),
    readBytes(join(dir, '.config')),
    readBytes(join(dir, 'Module.symvers')),
    Buffer.from(compiler ?? ''),
  ]) {
    hash.update(`${part.length}:`);
    hash.update(part);
  }
  return hash.digest('hex');
}

function readBytes(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch {
    return Buffer.alloc(0);
  }
}

function unusable(path: string, given: string, reason: string): KernelTree {
  return {
    path,
    hasSymvers: false,
    llvm: false,
    modversions: false,
    moduleSig: false,
    usable: false,
    reason,
    foundVia: [given],
    identity: treeIdentity(undefined, path, undefined),
  };
}

/**
 * Look at one directory and describe it as a kernel build tree. Never throws: a missing or
 * wrong directory comes back with `usable: false` and the reason, so `dudforge kernels` can
 * list it next to the good ones.
 */
export function inspectTree(dir: string): KernelTree {
  const given = resolve(dir);
  let path: string;
  try {
    path = realpathSync(given);
  } catch {
    return unusable(given, dir, 'no such directory');
  }
  try {
    if (!statSync(path).isDirectory()) return unusable(path, dir, 'not a directory');
  } catch {
    return unusable(path, dir, 'no such directory');
  }
  const release = readRelease(path);
  let config: KernelConfig = {};
  try {
    config = readKernelConfig(join(path, '.config'));
  } catch {
    /* reported through unusableReason */
  }
  const symversPath = join(path, 'Module.symvers');
  const hasSymvers = existsSync(symversPath);
  const signFile = join(path, 'scripts/sign-file');
  const compiler = config.CONFIG_CC_VERSION_TEXT || undefined;
  const cross = crossFor(config);
  const reason = unusableReason(path, release) ?? (cross.kind === 'unusable' ? cross.reason : undefined);
  return {
    path,
    release,
    arch: rpmArchFromConfig(config),
    hasSymvers,
    symversPath: hasSymvers ? symversPath : undefined,
    signFile: isExecutableFile(signFile) ? signFile : undefined,
    compiler,
    llvm: isEnabled(config, 'CC_IS_CLANG'),
    ...(cross.kind === 'cross' ? { cross: cross.toolchain } : {}),
    modversions: isEnabled(config, 'MODVERSIONS'),
    sigHashAlgo: config.CONFIG_MODULE_SIG_HASH || undefined,
    moduleSig: isEnabled(config, 'MODULE_SIG'),
    usable: reason === undefined,
    reason,
    foundVia: [dir],
    identity: treeIdentity(release, path, compiler),
  };
}
