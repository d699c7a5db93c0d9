/**
 * Helpers for the hostile tests: drivers written from text, the real binary started in the
 * background with its stderr watched, file snapshots by sha256, and a look through /proc for
 * processes that belong to a project.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI } from '../helpers/cli.js';
import { processStartTime } from '../../src/process-identity.js';

/** A one-file module: 'broken' does not compile; 'fails-on' does not compile for the kernel `release` only. */
export function writeModule(dir: string, name: string, kind: 'ok' | 'broken' | 'fails-on', release = ''): void {
  mkdirSync(dir, { recursive: true });
  const failOn = kind === 'fails-on' ? `ifeq ($(KERNELRELEASE),${release})\nccflags-y += -DHOSTILE_FAIL\nendif\n` : '';
  writeFileSync(join(dir, 'Kbuild'), `obj-m += ${name}.o\n${failOn}`);
  const bad = kind === 'broken' ? 'this is not C;\n' : '#ifdef HOSTILE_FAIL\n#error "fails on this kernel on purpose"\n#endif\n';
  writeFileSync(
    join(dir, `${name}.c`),
    `#include <linux/module.h>\n${bad}static int __init h_init(void) { return 0; }\nstatic void __exit h_exit(void) {}\nmodule_init(h_init);\nmodule_exit(h_exit);\nMODULE_LICENSE("GPL");\nMODULE_DESCRIPTION("hostile");\n`,
  );
}

/** A driver of many files that each take a while to compile, so a build is still running when it is stopped. */
export function writeSlowDriver(dir: string, files: number): void {
  mkdirSync(dir, { recursive: true });
  const objs = Array.from({ length: files }, (_, i) => `part${i}.o`);
  writeFileSync(join(dir, 'Kbuild'), `obj-m += slowdrv.o\nslowdrv-y := main.o ${objs.join(' ')}\n`);
  writeFileSync(
    join(dir, 'main.c'),
    '#include <linux/module.h>\nstatic int __init s_init(void) { return 0; }\nstatic void __exit s_exit(void) {}\nmodule_init(s_init);\nmodule_exit(s_exit);\nMODULE_LICENSE("GPL");\nMODULE_DESCRIPTION("slow");\n',
  );
  for (let i = 0; i < files; i++) {
    const fns = Array.from({ length: 300 }, (_, j) => `int slow${i}_${j}(int x) { int a = x; for (int k = 0; k < ${j + 3}; k++) a = a * ${j + 7} + k; return a; }`).join('\n');
    writeFileSync(join(dir, `part${i}.c`), `#include <linux/kernel.h>\n${fns}\n`);
  }
}

/** sha256 of every file in `dir` (hidden ones included); empty when it does not exist. */
export function snapshot(dir: string): Map<string, string> {
  const m = new Map<string, string>();
  if (!existsSync(dir)) return m;
  for (const name of readdirSync(dir).sort()) m.set(name, createHash('sha256').update(readFileSync(join(dir, name))).digest('hex'));
  return m;
}

/** sha256 of every RPM inside an ISO, by file name (extracted with bsdtar). */
export function isoFiles(iso: string, scratch: string): Map<string, string> {
  const dir = join(scratch, `iso-${Math.random().toString(36).slice(2)}`);
  mkdirSync(dir);
  try {
    const r = spawnSync('bsdtar', ['-x', '-f', iso, '-C', dir], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`bsdtar: ${r.stderr}`);
    const m = new Map<string, string>();
    const walk = (d: string) => {
      for (const e of readdirSync(d, { withFileTypes: true })) {
        if (e.isDirectory()) walk(join(d, e.name));
        else if (e.name.endsWith('.rpm')) m.set(e.name, createHash('sha256').update(readFileSync(join(d, e.name))).digest('hex'));
      }
    };
    walk(dir);
    return m;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `<pid>-<start>` of a process that existed and is gone. */
export function deadProcessTag(): string {
  const r = spawnSync('sh', ['-c', 'echo $$'], { encoding: 'utf8' });
  const pid = Number(r.stdout.trim());
  if (processStartTime(pid) !== undefined) return deadProcessTag();
  return `${pid}-12345`;
}

export interface Started {
  child: ChildProcess;
  exited: Promise<number | null>;
  stderr(): string;
  waitFor(re: RegExp, timeoutMs: number): Promise<void>;
}

/** Start `dudforge ARGS` in the background; stdout is drained, stderr kept for waitFor. */
export function startCli(args: string[], env: Record<string, string | undefined>): Started {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FORCE_COLOR: '0', ...env } });
  let err = '';
  const waiters: (() => void)[] = [];
  child.stdout!.on('data', () => {});
  child.stderr!.on('data', (d) => {
    err += d;
    for (const w of waiters) w();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code, sig) => resolve(code ?? (sig ? -1 : null))));
  return {
    child,
    exited,
    stderr: () => err,
    waitFor(re, timeoutMs) {
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out waiting for ${re}:\n${err}`)), timeoutMs);
        const check = () => {
          if (re.test(err)) {
            clearTimeout(timer);
            resolve();
          }
        };
        waiters.push(check);
        exited.then(() => {
          if (!re.test(err)) {
            clearTimeout(timer);
            reject(new Error(`exited before ${re}:\n${err}`));
          }
        });
        check();
      });
    },
  };
}

/** Processes (other than this one) whose cwd or command line is inside `dir`: pid and command. */
export function processesIn(dir: string): string[] {
  const found: string[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    let cwd = '';
    let cmdline = '';
    try {
      cmdline = readFileSync(`/proc/${name}/cmdline`, 'utf8').replace(/\0/g, ' ');
      cwd = readlinkSync(`/proc/${name}/cwd`);
    } catch {
      /* gone, or not ours to read */
    }
    if (!cmdline) continue; // a zombie or a kernel thread
    if (cwd.startsWith(dir) || cmdline.includes(dir)) found.push(`${name} ${cmdline.slice(0, 160)}`);
  }
  return found;
}

/** Poll `check` until it returns true or `timeoutMs` passes; returns the last result. */
export async function pollUntil(check: () => boolean, timeoutMs: number, everyMs = 100): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (check()) return true;
    if (Date.now() >= end) return false;
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
