/**
 * The reporter for runs without a terminal: plain timestamped lines on stderr, so stdout stays
 * clean for --json output and scripts.
 */
import type { PipelineEvent, Reporter } from '../events.js';
import { formatBytes } from './format.js';

export function createPlainReporter(stream: NodeJS.WritableStream = process.stderr, opts: { verbose?: boolean } = {}): Reporter {
  const started = Date.now();
  const lastShownPercent = new Map<string, number>();
  const write = (text: string) => {
    const seconds = ((Date.now() - started) / 1000).toFixed(1).padStart(6);
    stream.write(`[${seconds}s] ${text}\n`);
  };
  return {
    emit(e: PipelineEvent) {
      switch (e.type) {
        case 'step-start':
          write(`${e.step}${e.detail ? `: ${e.detail}` : ''}`);
          break;
        case 'step-end':
          if (!e.ok || e.detail) write(`${e.step} ${e.ok ? 'done' : 'FAILED'}${e.detail ? `: ${e.detail}` : ''}`);
          break;
        case 'kernel-queued':
          write(`${e.release}: queued (${e.objectsExpected} objects)`);
          break;
        case 'kernel-phase':
          if (e.phase !== 'compile' && e.phase !== 'queued') write(`${e.release}: ${e.phase}`);
          break;
        case 'object-compiled': {
          // Every object on small builds; every 10% on large ones, so logs stay readable.
          const percent = e.expected ? Math.floor((e.compiled * 100) / e.expected) : 0;
          const key = `${e.stage ?? 'build'} ${e.release}`;
          const last = lastShownPercent.get(key) ?? -100;
          if (e.expected <= 20 || percent - last >= 10 || e.compiled === e.expected) {
            lastShownPercent.set(key, percent);
            const what = e.stage === 'probe' ? 'probe compiled' : 'compiled';
            write(`${e.release}: ${what} ${e.compiled}${e.expected ? `/${e.expected}` : ''} ${e.object}`);
          }
          break;
        }
        case 'kernel-log':
          if (opts.verbose) write(`${e.release}| ${e.line}`);
          break;
        case 'warning':
          write(`warning${e.release ? ` (${e.release})` : ''}: ${e.message}`);
          break;
        case 'compiler-error':
          write(`${e.release}: ${e.message}`);
          break;
        case 'kernel-done':
          write(`${e.release}: ✔ ${e.cached ? 'cached' : 'built'} ${e.modules.join(', ')} in ${e.seconds.toFixed(1)}s`);
          break;
        case 'kernel-failed':
          write(`${e.release}: ✖ failed: ${e.firstError} (log: ${e.logFile})`);
          break;
        case 'artifact':
          write(`wrote ${e.path} (${formatBytes(e.bytes)})`);
          break;
        case 'info':
          write(e.message);
          break;
      }
    },
  };
}
