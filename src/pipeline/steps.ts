/**
 * How runPipeline runs a step: step-start and step-end around one function, a look at the
 * cancel signal before and after it (so SIGTERM is never ignored between steps), and a skipped
 * step that reports why and does not run its function at all.
 */
import type { Reporter, StepName } from '../events.js';

export class CancelledError extends Error {
  constructor() {
    super('cancelled');
  }
}

export interface Skip<T> {
  because: string;
  /** What the step yields when skipped. */
  value: T;
}

/**
 * For the cancellation tests only: DUDFORGE_TEST_HOLD=<step> makes the run announce
 * "holding before <step>" and wait there (up to 20 s, or until cancelled), so a test can send
 * its signal at a known point of a real run instead of racing a step of a few milliseconds.
 */
async function holdForTest(name: StepName, reporter: Reporter, signal: AbortSignal): Promise<void> {
  if (process.env.DUDFORGE_TEST_HOLD !== name) return;
  reporter.emit({ type: 'info', message: `holding before ${name} (DUDFORGE_TEST_HOLD)` });
  await new Promise<void>((resolve) => {
    const timer = setTimeout(done, 20_000);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

export function stepper(reporter: Reporter, signal: AbortSignal) {
  return async function step<T>(name: StepName, fn: () => Promise<T> | T, skip?: Skip<T>): Promise<T> {
    await holdForTest(name, reporter, signal);
    if (signal.aborted) throw new CancelledError();
    if (skip) {
      reporter.emit({ type: 'step-start', step: name, detail: `skipped: ${skip.because}` });
      reporter.emit({ type: 'step-end', step: name, ok: true, detail: 'skipped' });
      return skip.value;
    }
    reporter.emit({ type: 'step-start', step: name });
    let value: T;
    try {
      value = await fn();
    } catch (err) {
      const detail = signal.aborted ? 'cancelled' : (err as Error).message.split('\n')[0];
      reporter.emit({ type: 'step-end', step: name, ok: false, detail });
      throw err;
    }
    if (signal.aborted) {
      reporter.emit({ type: 'step-end', step: name, ok: false, detail: 'cancelled' });
      throw new CancelledError();
    }
    reporter.emit({ type: 'step-end', step: name, ok: true });
    return value;
  };
}
