/** Driving Ink screens in tests: one key per write, yielding between them (see docs/tui.md). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

export const KEY = { up: '\u001B[A', down: '\u001B[B', left: '\u001B[D', right: '\u001B[C', enter: '\r', esc: '\u001B', ctrlC: '\u0003', backspace: '\x7f', space: ' ', tab: '\t' };

interface Driven {
  stdin: { write(data: string): void };
  lastFrame(): string | undefined;
  frames: string[];
}

export async function settle(): Promise<void> {
  await new Promise((r) => setImmediate(r));
  await delay(5);
  await new Promise((r) => setImmediate(r));
}

/** Press one key (or type one string), then let Ink deliver it (a lone Esc needs a further setImmediate). */
export async function press(app: Driven, ...keys: string[]): Promise<void> {
  for (const key of keys) {
    app.stdin.write(key);
    await settle();
    if (key === KEY.esc) await settle();
  }
}

/** Type text one character at a time. */
export async function type(app: Driven, text: string): Promise<void> {
  for (const ch of text) await press(app, ch);
}

// Frames compared as plain text, whatever FORCE_COLOR says.
const SGR = /\u001B\[[0-9;]*m/g;
const plain = (s: string) => s.replace(SGR, '');

/** The last frame that is not empty (CI-independent), without colour codes. */
export function frame(app: Driven): string {
  for (let i = app.frames.length - 1; i >= 0; i--) if (app.frames[i].trim()) return plain(app.frames[i]);
  return plain(app.lastFrame() ?? '');
}

export async function waitFor(app: Driven, test: (frame: string) => boolean, what: string, timeoutMs = 10000): Promise<string> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const f = frame(app);
    if (test(f)) return f;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; last frame:\n${f}`);
    await delay(20);
  }
}

/** Everything written so far (static lines included). */
export function allOutput(app: Driven): string {
  return plain(app.frames.join('\n'));
}

/**
 * The project's saved answers once `ready` holds. A screen and the save of its step are one state
 * change, but the file is written by an effect just after that render: wait for it (up to 5 s)
 * instead of reading in the same instant. Returns the last read either way.
 */
export async function savedAnswers(projectDir: string, ready: (doc: { wizard?: { step?: number; lastResult?: string } }) => boolean): Promise<any> {
  const read = () => JSON.parse(readFileSync(join(projectDir, 'dudforge.json'), 'utf8'));
  for (const end = Date.now() + 5000; !ready(read()) && Date.now() < end;) await delay(20);
  return read();
}
