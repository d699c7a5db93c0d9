/**
 * The live build board's state, kept outside React: the pipeline's events mutate it through a
 * `Reporter`, and the board reads immutable snapshots with useSyncExternalStore. Listeners are
 * told at most once per `throttleMs` (10 a second by default), however fast Kbuild prints, so
 * the board stays cheap with many kernels.
 */
import type { KernelPhase, PipelineEvent, Reporter, StepName } from '../events.js';

export interface KernelRow {
  release: string;
  phase: KernelPhase;
  /** Objects of the module compiled so far; only ever grows. */
  compiled: number;
  /** Objects the build will compile (from the Makefile scan); 0 when unknown. */
  expected: number;
  /** Probe objects compiled of those started (the probe step's own count, apart from the build's). */
  probed: number;
  probes: number;
  /** ms timestamps (the store's monotonic clock). */
  startedAt?: number;
  endedAt?: number;
  /** Seconds reported by the pipeline when the kernel finished. */
  seconds?: number;
  warnings: number;
  errors: number;
  /** The last log lines (the `l` view), at most `logLines` of them. */
  log: string[];
  /** Absolute number of `log[0]`: lines dropped from the front of the bounded buffer so far. */
  logStart: number;
  firstError?: string;
  logFile?: string;
  modules?: string[];
  cached?: boolean;
}

export interface BoardSnapshot {
  /** Kernels still queued or building, in the order they were queued. */
  running: KernelRow[];
  /** Finished kernels (done, failed, cancelled), in the order they finished. */
  finished: KernelRow[];
  steps: { step: StepName; state: 'running' | 'ok' | 'failed'; detail?: string }[];
  artifacts: { kind: string; path: string; bytes: number }[];
  /** Recent info lines and warnings not tied to one kernel. */
  messages: string[];
  /** Increases with every published snapshot. */
  version: number;
}

export interface BoardStore {
  reporter: Reporter;
  subscribe(listener: () => void): () => void;
  getSnapshot(): BoardSnapshot;
  /** Publish pending changes now (end of build, tests). */
  flush(): void;
  /** Stop the throttle timer. */
  dispose(): void;
  /** The store's clock, for elapsed times. */
  now(): number;
}

export interface BoardStoreOptions {
  throttleMs?: number;
  now?: () => number;
  logLines?: number;
}

const FINISHED: KernelPhase[] = ['done', 'failed', 'cancelled', 'cached'];

export function createBoardStore(opts: BoardStoreOptions = {}): BoardStore {
  const throttleMs = opts.throttleMs ?? 100;
  // Monotonic: a wall clock set back mid-build would draw negative times.
  const now = opts.now ?? (() => performance.now());
  const logLines = opts.logLines ?? 1000;
  const rows = new Map<string, KernelRow>();
  const finishedOrder: string[] = [];
  const steps = new Map<StepName, BoardSnapshot['steps'][number]>();
  const artifacts: BoardSnapshot['artifacts'] = [];
  const messages: string[] = [];
  const listeners = new Set<() => void>();
  let snapshot: BoardSnapshot = { running: [], finished: [], steps: [], artifacts: [], messages: [], version: 0 };
  let dirty = false;
  let timer: NodeJS.Timeout | undefined;
  let lastPublish = 0;

  const row = (release: string): KernelRow => {
    let r = rows.get(release);
    if (!r) {
      r = { release, phase: 'queued', compiled: 0, expected: 0, probed: 0, probes: 0, warnings: 0, errors: 0, log: [], logStart: 0 };
      rows.set(release, r);
    }
    return r;
  };
  const finish = (r: KernelRow, phase: KernelPhase) => {
    r.phase = phase;
    r.endedAt ??= now();
    if (!finishedOrder.includes(r.release)) finishedOrder.push(r.release);
  };
  const pushLog = (r: KernelRow, line: string) => {
    r.log.push(line);
    if (r.log.length > logLines) {
      const drop = r.log.length - logLines;
      r.log.splice(0, drop);
      r.logStart += drop;
    }
  };
  const note = (m: string) => {
    messages.push(m);
    if (messages.length > 5) messages.shift();
  };

  const publish = () => {
    timer = undefined;
    if (!dirty) return;
    dirty = false;
    lastPublish = now();
    const copy = (r: KernelRow): KernelRow => ({ ...r, log: [...r.log] });
    snapshot = {
      running: [...rows.values()].filter((r) => !finishedOrder.includes(r.release)).map(copy),
      finished: finishedOrder.map((rel) => copy(rows.get(rel)!)),
      steps: [...steps.values()].map((s) => ({ ...s })),
      artifacts: [...artifacts],
      messages: [...messages],
      version: snapshot.version + 1,
    };
    for (const l of listeners) l();
  };
  const schedule = () => {
    dirty = true;
    if (timer) return;
    const wait = Math.max(0, lastPublish + throttleMs - now());
    timer = setTimeout(publish, wait);
    timer.unref?.();
  };

  const apply = (e: PipelineEvent) => {
    switch (e.type) {
      case 'step-start':
        steps.set(e.step, { step: e.step, state: 'running', detail: e.detail });
        break;
      case 'step-end':
        steps.set(e.step, { step: e.step, state: e.ok ? 'ok' : 'failed', detail: e.detail });
        // Probing is over for every kernel: they wait for their build now.
        if (e.step === 'probe') for (const r of rows.values()) if (r.phase === 'probe') r.phase = 'queued';
        break;
      case 'kernel-queued': {
        // The build proper starts. Probe objects were counted apart, so nothing is reset here:
        // a row's bar only moves forward.
        const r = row(e.release);
        r.expected = Math.max(e.objectsExpected, r.compiled);
        break;
      }
      case 'kernel-phase': {
        const r = row(e.release);
        // 'cached' also comes from the probe step (every answer was cached): only kernel-done
        // says the kernel's build is over.
        if (e.phase === 'cached') break;
        if (FINISHED.includes(e.phase)) finish(r, e.phase);
        else {
          r.phase = e.phase;
          if (e.phase !== 'queued') r.startedAt ??= now();
        }
        break;
      }
      case 'object-compiled': {
        const r = row(e.release);
        r.startedAt ??= now();
        if (e.stage === 'probe') {
          r.probed = Math.max(r.probed, e.compiled);
          r.probes = Math.max(r.probes, e.expected, r.probed);
          break;
        }
        if (r.phase === 'queued' || r.phase === 'probe') r.phase = 'compile';
        r.compiled = Math.max(r.compiled, e.compiled);
        // An unknown total (0) stays unknown; a scan that counted too few grows with the build.
        if (e.expected > 0 || r.expected > 0) r.expected = Math.max(e.expected, r.expected, r.compiled);
        break;
      }
      case 'kernel-log':
        pushLog(row(e.release), e.line);
        break;
      case 'warning':
        if (e.release) {
          const r = row(e.release);
          r.warnings++;
          pushLog(r, e.message);
        } else note(`warning: ${e.message}`);
        break;
      case 'compiler-error': {
        const r = row(e.release);
        r.errors++;
        r.firstError ??= e.message;
        pushLog(r, e.message);
        break;
      }
      case 'kernel-done': {
        const r = row(e.release);
        r.modules = e.modules;
        r.seconds = e.seconds;
        r.cached = e.cached;
        if (r.expected > 0 && !e.cached) r.compiled = r.expected;
        finish(r, e.cached ? 'cached' : 'done');
        break;
      }
      case 'kernel-failed': {
        const r = row(e.release);
        r.firstError = e.firstError || r.firstError;
        r.logFile = e.logFile;
        r.seconds = e.seconds;
        if (r.errors === 0) r.errors = 1;
        finish(r, 'failed');
        break;
      }
      case 'artifact':
        artifacts.push({ kind: e.kind, path: e.path, bytes: e.bytes });
        break;
      case 'info':
        note(e.message);
        break;
    }
  };

  return {
    reporter: {
      emit(e) {
        apply(e);
        schedule();
      },
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    getSnapshot: () => snapshot,
    flush() {
      if (timer) clearTimeout(timer);
      timer = undefined;
      publish();
    },
    dispose() {
      if (timer) clearTimeout(timer);
      timer = undefined;
      listeners.clear();
    },
    now,
  };
}

/** Seconds a kernel has been (or was) building. */
export function elapsedSeconds(r: KernelRow, now: number): number {
  if (r.seconds !== undefined && FINISHED.includes(r.phase)) return r.seconds;
  if (r.startedAt === undefined) return 0;
  return Math.max(0, ((r.endedAt ?? now) - r.startedAt) / 1000);
}
