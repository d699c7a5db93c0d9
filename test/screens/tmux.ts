/**
 * The real `dudforge` binary in a tmux pane (docs: one key per send-keys call, text with -l).
 * Each session has its own name, XDG_CONFIG_HOME (the conf store) and TMPDIR under `base`.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as delay } from 'node:timers/promises';
import { packageRoot } from '../../src/paths.js';
import { after, before } from 'node:test';
import { rmSync } from 'node:fs';
import { tempDir } from '../wizard/helpers.js';

export const MAIN = join(packageRoot, 'dist', 'src', 'cli', 'main.js');

export function hasTmux(): boolean {
  return spawnSync('tmux', ['-V'], { stdio: 'ignore' }).status === 0;
}

/** Compile what the binary runs when the test itself runs from sources (npm test compiles first). */
export function ensureBuilt(testUrl: string): void {
  if (!fileURLToPath(testUrl).includes(`${sep}dist${sep}`)) spawnSync('npx', ['tsc', '-p', 'tsconfig.json'], { cwd: packageRoot, stdio: 'ignore' });
  if (!existsSync(MAIN)) throw new Error(`${MAIN} was not built`);
}

export class TmuxSession {
  constructor(
    readonly name: string,
    readonly base: string,
  ) {}

  tmux(...args: string[]): string {
    return execFileSync('tmux', args, { encoding: 'utf8' });
  }

  /** Starts `command` (a shell line) with a clean colour environment plus `env`. */
  start(command: string, opts: { env?: Record<string, string>; width?: number; height?: number } = {}): void {
    this.kill();
    const vars = { XDG_CONFIG_HOME: join(this.base, 'xdg'), TMPDIR: join(this.base, 'tmp'), TERM: 'xterm-256color', ...opts.env };
    const env = `env -u CI -u FORCE_COLOR -u NO_COLOR ${Object.entries(vars).map(([k, v]) => `${k}=${v}`).join(' ')}`;
    this.tmux('new-session', '-d', '-s', this.name, '-x', String(opts.width ?? 120), '-y', String(opts.height ?? 40), '-c', this.base, `mkdir -p ${join(this.base, 'tmp')}; ${env} ${command}; echo EXIT=$?; sleep 120`);
  }

  /** The visible pane; with `escapes`, colours and attributes as escape sequences. */
  screen(escapes = false): string {
    return this.tmux('capture-pane', '-p', ...(escapes ? ['-e'] : []), '-t', this.name);
  }

  /** The pane and its scrollback (what earlier screens left above). */
  history(): string {
    return this.tmux('capture-pane', '-p', '-S', '-', '-t', this.name);
  }

  async waitFor(re: RegExp, what: string, timeoutMs = 30_000): Promise<string> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const s = this.screen();
      if (re.test(s)) return s;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}; screen:\n${s}`);
      await delay(150);
    }
  }

  /** Waits for `re`, then a moment more: Ink reads keys only once its first frame's effects ran. */
  async ready(re: RegExp, what: string, timeoutMs = 30_000): Promise<string> {
    const s = await this.waitFor(re, what, timeoutMs);
    await delay(500);
    return s;
  }

  async key(name: string, settleMs = 250): Promise<void> {
    this.tmux('send-keys', '-t', this.name, name);
    await delay(settleMs);
  }

  async text(text: string, settleMs = 300): Promise<void> {
    this.tmux('send-keys', '-t', this.name, '-l', text);
    await delay(settleMs);
  }

  /** Several keys in one write to the terminal (a paste, a fast typist, SSH). */
  async burst(bytes: string, settleMs = 400): Promise<void> {
    // send-keys -H writes the bytes in one go, so the program reads them as one chunk.
    this.tmux('send-keys', '-t', this.name, '-H', ...[...Buffer.from(bytes, 'utf8')].map((b) => b.toString(16).padStart(2, '0')));
    await delay(settleMs);
  }

  kill(): void {
    spawnSync('tmux', ['kill-session', '-t', this.name], { stdio: 'ignore' });
  }
}

/**
 * A describe block's terminal: before its tests a temp directory, dudforge built and a tmux
 * session named `dudforge-<name>-<pid>` in that directory; after them both gone. `setup` runs
 * last in the before hook (fixtures written into `base`).
 */
export function tmuxFixture(name: string, setup?: (base: string) => void): { readonly base: string; readonly pane: TmuxSession } {
  const fixture = {} as { base: string; pane: TmuxSession };
  before(() => {
    fixture.base = tempDir(`dudforge-${name}-`);
    ensureBuilt(import.meta.url);
    fixture.pane = new TmuxSession(`dudforge-${name}-${process.pid}`, fixture.base);
    setup?.(fixture.base);
  });
  after(() => {
    fixture.pane?.kill();
    if (fixture.base) rmSync(fixture.base, { recursive: true, force: true });
  });
  return fixture;
}
