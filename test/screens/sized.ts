/**
 * ink-testing-library's render, in a terminal of a given size: its stdout is always 100 columns
 * with no rows, and layout that follows the terminal (truncation, the scrolling viewport) needs
 * both. Same shape as its render (frames, lastFrame, stdin.write), so the helpers.ts keys work.
 */
import { EventEmitter } from 'node:events';
import { render as inkRender } from 'ink';
import type { ReactElement } from 'react';

class SizedStdout extends EventEmitter {
  frames: string[] = [];
  constructor(
    readonly columns: number,
    readonly rows: number,
  ) {
    super();
  }
  write = (frame: string) => {
    this.frames.push(frame);
  };
}

class FakeStdin extends EventEmitter {
  isTTY = true;
  data: string | null = null;
  write = (data: string) => {
    this.data = data;
    this.emit('readable');
    this.emit('data', data);
  };
  setEncoding() {}
  setRawMode() {}
  resume() {}
  pause() {}
  ref() {}
  unref() {}
  read = () => {
    const { data } = this;
    this.data = null;
    return data;
  };
}

export function renderSized(tree: ReactElement, size: { columns: number; rows: number }) {
  const stdout = new SizedStdout(size.columns, size.rows);
  const stdin = new FakeStdin();
  const instance = inkRender(tree, { stdout: stdout as never, stderr: new SizedStdout(size.columns, size.rows) as never, stdin: stdin as never, debug: true, exitOnCtrlC: false, patchConsole: false });
  return { stdin, frames: stdout.frames, lastFrame: () => stdout.frames.at(-1), unmount: instance.unmount, rerender: instance.rerender };
}

/** Answers whose paths and summary are too long for 60 columns (Review, Done, the tmux tests). */
export const deep = '/home/someone/projects/with/a/rather/long/path/to/the/project/directory';
export const longAnswers = {
  schemaVersion: 1 as const,
  project: { name: 'foo', vendor: 'ACME Corporation International' },
  source: { kind: 'dir' as const, path: `${deep}/sources/drivers/net/ethernet/acme/foo` },
  package: { name: 'foo', version: '2.1', release: '3', vendor: 'V', license: 'GPL-2.0-only', summary: 'A summary long enough to need more than the sixty columns of a small terminal', description: 'D' },
  kernels: [{ release: '6.1.0-57-amd64', buildTree: '/k1' }, { release: '6.12.118+deb12-amd64', buildTree: '/k2' }],
  signing: { mode: 'none' as const },
  buildTime: 1600000000,
};

