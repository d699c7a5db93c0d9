/**
 * A scratch root holding only a real /bin/sh (the host's dash and the libraries ldd names), so
 * scriptlets can run chrooted exactly as rpm runs them, with stub depmod/weak-modules that
 * record their arguments and stdin. The stubs replace tools that would change the host; the
 * shell logic under test is ours and runs for real.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, realpathSync, writeFileSync, existsSync, chmodSync } from 'node:fs';
import { dirname, join } from 'node:path';

export function makeShellRoot(root: string): void {
  const sh = realpathSync('/bin/sh');
  const libs = execFileSync('ldd', [sh], { encoding: 'utf8' })
    .split('\n')
    .map((l) => /(\/\S+)\s+\(0x/.exec(l)?.[1])
    .filter((p): p is string => !!p);
  for (const file of [sh, ...libs]) {
    const dest = join(root, file);
    mkdirSync(dirname(dest), { recursive: true });
    copyFileSync(realpathSync(file), dest);
    chmodSync(dest, 0o755);
  }
  mkdirSync(join(root, 'bin'), { recursive: true });
  if (!existsSync(join(root, 'bin/sh'))) copyFileSync(sh, join(root, 'bin/sh'));
  chmodSync(join(root, 'bin/sh'), 0o755);
  mkdirSync(join(root, 'tmp'), { recursive: true });
}

/** A stub tool at `<root>/usr/sbin/<name>` that logs `name args` and each stdin line to /tool.log. */
export function addStub(root: string, name: string, exitCode = 0): void {
  const dir = join(root, 'usr/sbin');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, name);
  writeFileSync(
    path,
    `#!/bin/sh\necho "${name} $*" >> /tool.log\nif [ "$1" = --add-modules ] || [ "$1" = --remove-modules ]; then\n` +
      `  while read -r line; do echo "  $line" >> /tool.log; done\nfi\nexit ${exitCode}\n`,
  );
  chmodSync(path, 0o755);
}

export function readToolLog(root: string): string {
  const p = join(root, 'tool.log');
  return existsSync(p) ? readFileSync(p, 'utf8') : '';
}

/** Run a scriptlet body chrooted into `root` with `$1` set, as rpm does. Returns the exit code. */
export function runScriptlet(root: string, body: string, arg: number): { code: number; stderr: string } {
  try {
    execFileSync('chroot', [root, '/bin/sh', '-c', body, 'scriptlet', String(arg)], {
      env: { PATH: '/sbin:/bin:/usr/sbin:/usr/bin' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return { code: 0, stderr: '' };
  } catch (e) {
    const err = e as { status: number; stderr: Buffer };
    return { code: err.status, stderr: err.stderr.toString() };
  }
}
