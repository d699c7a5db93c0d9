/** Package specs shared by the rpm and repodata tests, built from text (no binary fixtures). */
import { execFileSync } from 'node:child_process';
import { RPMFILE, RPMSENSE, type RpmPackageSpec } from '../../src/rpm/index.js';

/** Run a tool, returning stdout; throws with stderr on a non-zero exit. */
export function run(cmd: string, args: string[], opts: { cwd?: string; input?: Buffer | string; env?: NodeJS.ProcessEnv } = {}): string {
  return execFileSync(cmd, args, { cwd: opts.cwd, input: opts.input, env: opts.env, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
}

/** Like run, but returns exit status and both streams instead of throwing. */
export function runStatus(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): { status: number; stdout: string; stderr: string } {
  try {
    return { status: 0, stdout: run(cmd, args, opts), stderr: '' };
  } catch (e) {
    const err = e as { status?: number; stdout?: string; stderr?: string };
    return { status: err.status ?? 1, stdout: String(err.stdout ?? ''), stderr: String(err.stderr ?? '') };
  }
}

export const KVER = '6.1.0-99-test';

/**
 * `size` bytes that compress like a module: words and offsets drawn from a fixed generator
 * (about 3:1 under gzip), so deflate does real work and every block differs.
 */
export function bigModuleBytes(size: number): Buffer {
  const out = Buffer.alloc(size);
  let x = 0x2545f491;
  const words = ['mov', 'rax', 'rdi', 'call', 'ret', 'push', 'pop', 'lea', 'jmp', 'cmp', '__this_module', 'kfree', 'printk'];
  for (let off = 0; off < size;) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    const piece = (x & 1) ? Buffer.from(words[(x >>> 8) % words.length] + ' ') : Buffer.from([x >>> 24, (x >>> 16) & 0xff, 0, 0]);
    off += piece.copy(out, off);
  }
  return out;
}

/** A kmod-like binary package: a dir, a module, a config file, a symlink, scriptlets, changelog. */
export function sampleSpec(overrides: Partial<RpmPackageSpec> = {}): RpmPackageSpec {
  const moduleBytes = Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7 + 3) & 0xff));
  return {
    name: 'kmod-sample',
    version: '1.2.3',
    release: '4.el9',
    summary: 'Sample <driver> & friends',
    description: 'A sample driver package.\nSecond line with "quotes".',
    license: 'GPL-2.0-only',
    group: 'System Environment/Kernel',
    url: 'https://example.com/sample',
    vendor: 'Example Corp',
    packager: 'Builder <builder@example.com>',
    buildHost: 'build.example.com',
    buildTime: 1700000000,
    arch: 'x86_64',
    sourceRpm: 'kmod-sample-1.2.3-4.el9.src.rpm',
    provides: [
      { name: 'kernel-modules', flags: RPMSENSE.GREATER | RPMSENSE.EQUAL, version: KVER },
      { name: 'kmod(sample.ko)', flags: 0 },
      { name: 'sample-kmod', flags: RPMSENSE.EQUAL, version: '1.2.3-4.el9' },
    ],
    requires: [
      { name: 'kernel(printk)', flags: RPMSENSE.EQUAL, version: '0x1234abcd' },
      { name: 'kmod', flags: RPMSENSE.GREATER | RPMSENSE.EQUAL, version: '28' },
      { name: '/usr/sbin/depmod', flags: 0 },
    ],
    conflicts: [{ name: 'kmod-sample-old', flags: RPMSENSE.LESS, version: '1.0' }],
    obsoletes: [{ name: 'sample-driver', flags: RPMSENSE.LESS | RPMSENSE.EQUAL, version: '1.2.3' }],
    scripts: {
      pre: { body: 'echo pre "$1"' },
      post: { body: `depmod -a ${KVER} || :` },
      postun: { body: `if [ "$1" -eq 0 ]; then depmod -a ${KVER} || :; fi` },
      posttrans: { body: 'exit 0' },
    },
    changelog: [
      { time: 1699920000, name: 'Builder <builder@example.com> - 1.2.3-4', text: '- Newest & best' },
      { time: 1699920000, name: 'Builder <builder@example.com> - 1.2.3-3', text: '- Same day' },
      { time: 1690000000, name: 'Builder <builder@example.com> - 1.0-1', text: '- First <release>' },
    ],
    files: [
      { path: `/lib/modules/${KVER}/extra/sample`, type: 'dir', mode: 0o755 },
      { path: `/lib/modules/${KVER}/extra/sample/sample.ko`, type: 'file', mode: 0o644, data: moduleBytes },
      { path: '/etc/depmod.d/sample.conf', type: 'file', mode: 0o644, data: Buffer.from(`override sample ${KVER} extra/sample\n`), flags: RPMFILE.CONFIG | RPMFILE.NOREPLACE },
      { path: '/usr/share/doc/kmod-sample/README', type: 'file', mode: 0o644, data: Buffer.from('readme\n'), flags: RPMFILE.DOC, mtime: 1690000000 },
      { path: '/usr/sbin/sample-tool', type: 'symlink', mode: 0o777, target: '../bin/true' },
      { path: '/usr/share/doc/kmod-sample', type: 'dir', mode: 0o755 },
    ],
    compression: 'gzip',
    ...overrides,
  };
}

/** A source package: spec file (flagged SPECFILE) and a tarball-ish source. */
export function sampleSourceSpec(): RpmPackageSpec {
  return {
    ...sampleSpec(),
    isSource: true,
    sourceRpm: undefined,
    provides: [],
    requires: [{ name: 'kernel-devel', flags: 0 }],
    conflicts: [],
    obsoletes: [],
    scripts: undefined,
    files: [
      { path: 'kmod-sample.spec', type: 'file', mode: 0o644, data: Buffer.from('Name: kmod-sample\nVersion: 1.2.3\n'), flags: RPMFILE.SPECFILE },
      { path: 'sample-1.2.3.tar.gz', type: 'file', mode: 0o644, data: Buffer.from('not really a tarball\n') },
    ],
  };
}
