/**
 * The fuzzing loop behind test/verify/fuzz.test.ts and `npm run fuzz`, run in its own process so
 * that its peak memory (maxRSS) is its own and a hang can be stopped from outside:
 *   node dist/test/verify/fuzz-worker.js fuzz SEED ITERATIONS   mutated fixture disks and RPMs
 *   node dist/test/verify/fuzz-worker.js bomb                   an RPM whose payload inflates to 1 GiB
 * Prints one JSON line: iterations run, failures (input that made a reader throw something other
 * than its documented error, or take too long), the slowest input, and maxRSS in KiB.
 */
import { UserError } from '../../src/errors.js';
import { buildRpm, checkRpm, PayloadTooLargeError, readRpm, readRpmPayload, RPMSIGTAG } from '../../src/rpm/index.js';
import { readIso } from '../../src/iso/index.js';
import { verifyDisk } from '../../src/verify/verify.js';
import { diskOf, FIXTURE_KERNELS, fixtureDisk, gzipBomb, kmodSpec } from './disk-fixture.js';

/** Inputs slower than this count as hangs. */
export const SLOW_INPUT_MS = 2000;

export interface FuzzResult {
  mode: string;
  seed: number;
  iterations: number;
  failures: { iteration: number; target: string; mutation: string; error: string }[];
  slowestMs: number;
  maxRssKiB: number;
  inputBytes: number;
  notes: string[];
  /** How the inputs ended, to show the mutations reach the readers: ok, problems, thrown. */
  outcomes: Record<string, number>;
}

/** mulberry32: small, seeded, good enough to pick offsets. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Offsets of length and count fields: ISO both-endian pairs, RPM header intros and index entries, cpio fields. */
function fieldOffsets(buf: Buffer): number[] {
  const out: number[] = [];
  for (let o = 0; o + 8 <= buf.length; o++) {
    const le = buf.readUInt32LE(o);
    if (le !== 0 && le === buf.readUInt32BE(o + 4)) out.push(o, o + 4);
  }
  const magic = Buffer.from([0x8e, 0xad, 0xe8, 0x01]);
  for (let o = buf.indexOf(magic); o >= 0; o = buf.indexOf(magic, o + 1)) {
    out.push(o + 8, o + 12);
    const il = o + 16 <= buf.length ? buf.readUInt32BE(o + 8) : 0;
    for (let i = 0; i < Math.min(il, 200); i++) out.push(o + 16 + i * 16 + 8, o + 16 + i * 16 + 12); // offset, count
  }
  for (let o = buf.indexOf('070701'); o >= 0; o = buf.indexOf('070701', o + 1)) {
    for (let i = 0; i < 13; i++) out.push(-(o + 6 + i * 8)); // negative: an 8-digit hex field
  }
  return out;
}

const HUGE = [0xffffffff, 0x7fffffff, 0x80000000, 0x10000000, 0x01000000, 0xffff, 0x10000, 0];

function mutate(base: Buffer, fields: number[], rnd: () => number): { buf: Buffer; what: string } {
  const pick = (n: number) => Math.floor(rnd() * n);
  const kind = pick(6);
  if (kind === 0) {
    const len = pick(base.length);
    return { buf: Buffer.from(base.subarray(0, len)), what: `truncate to ${len}` };
  }
  const buf = Buffer.from(base);
  if (kind === 1) {
    const n = 1 + pick(8);
    const at: number[] = [];
    for (let i = 0; i < n; i++) {
      const o = pick(buf.length);
      buf[o] ^= 1 << pick(8);
      at.push(o);
    }
    return { buf, what: `flip bits at ${at.join(',')}` };
  }
  if (kind === 5) {
    const o = pick(buf.length);
    const len = Math.min(buf.length - o, 1 + pick(64));
    for (let i = 0; i < len; i++) buf[o + i] = pick(256);
    return { buf, what: `random bytes ${o}+${len}` };
  }
  const f = fields[pick(fields.length)];
  const value = kind === 2 ? HUGE[pick(HUGE.length)] : kind === 3 ? Math.floor(rnd() * 2 ** 32) : Math.max(0, readField(buf, f) + pick(17) - 8);
  writeField(buf, f, value);
  return { buf, what: `field ${f} := ${value}` };
}

function readField(buf: Buffer, f: number): number {
  if (f < 0) return parseInt(buf.toString('ascii', -f, -f + 8), 16) || 0;
  return buf.readUInt32BE(f);
}

function writeField(buf: Buffer, f: number, value: number): void {
  if (f < 0) {
    buf.write((value >>> 0).toString(16).padStart(8, '0'), -f, 'ascii');
    return;
  }
  // Both byte orders where the field is a both-endian pair, big-endian otherwise.
  if (f >= 4 && buf.readUInt32LE(f - 4) === buf.readUInt32BE(f)) buf.writeUInt32LE(value >>> 0, f - 4);
  buf.writeUInt32BE(value >>> 0, f);
}

/** Errors each reader documents; anything else (TypeError, RangeError, …) is a bug. */
function expected(err: unknown, allowPlain: boolean): boolean {
  if (err instanceof UserError || err instanceof PayloadTooLargeError) return true;
  return allowPlain && err instanceof Error && err.constructor === Error;
}

async function timed(fn: () => Promise<unknown> | unknown): Promise<{ ms: number; err?: unknown }> {
  const start = performance.now();
  try {
    await fn();
    return { ms: performance.now() - start };
  } catch (err) {
    return { ms: performance.now() - start, err };
  }
}

export async function runFuzz(seed: number, iterations: number): Promise<FuzzResult> {
  const rnd = prng(seed);
  const { iso, rpms } = await fixtureDisk();
  const rpm = rpms[0].bytes;
  const isoFields = fieldOffsets(iso);
  const rpmFields = fieldOffsets(rpm);
  const result: FuzzResult = { mode: 'fuzz', seed, iterations: 0, failures: [], slowestMs: 0, maxRssKiB: 0, inputBytes: iso.length, notes: [], outcomes: {} };
  const count = (key: string) => (result.outcomes[key] = (result.outcomes[key] ?? 0) + 1);
  const fail = (iteration: number, target: string, mutation: string, err: unknown) =>
    result.failures.push({ iteration, target, mutation, error: err instanceof Error ? `${err.constructor.name}: ${err.message}`.slice(0, 300) : String(err) });
  for (let i = 0; i < iterations; i++) {
    // Half the inputs are whole disks, half are single RPMs (fed to each RPM reader).
    if (i % 2 === 0) {
      const m = mutate(iso, isoFields, rnd);
      let report: { ok: boolean } | undefined;
      const r = await timed(async () => (report = await verifyDisk(m.buf)));
      count(r.err !== undefined ? 'disk: thrown' : report?.ok ? 'disk: ok' : 'disk: problems');
      if (r.err !== undefined && !expected(r.err, false)) fail(i, 'verifyDisk', m.what, r.err);
      const r2 = await timed(() => readIso(m.buf));
      if (r2.err !== undefined && !expected(r2.err, false)) fail(i, 'readIso', m.what, r2.err);
      for (const t of [r, r2]) {
        result.slowestMs = Math.max(result.slowestMs, t.ms);
        if (t.ms > SLOW_INPUT_MS) fail(i, 'time', m.what, `${Math.round(t.ms)} ms`);
      }
    } else {
      const m = mutate(rpm, rpmFields, rnd);
      const r1 = await timed(() => readRpm(m.buf));
      count(r1.err !== undefined ? 'rpm: unreadable' : 'rpm: readable');
      if (r1.err !== undefined && !expected(r1.err, true)) fail(i, 'readRpm', m.what, r1.err);
      let checked: { problems: string[] } | undefined;
      const r2 = await timed(async () => (checked = await checkRpm(m.buf)));
      if (checked) count(checked.problems.length ? 'rpm: problems' : 'rpm: intact');
      if (r2.err !== undefined) fail(i, 'checkRpm', m.what, r2.err); // reports, never throws
      const r3 = await timed(() => readRpmPayload(m.buf));
      if (r3.err !== undefined && !expected(r3.err, true)) fail(i, 'readRpmPayload', m.what, r3.err);
      for (const t of [r1, r2, r3]) {
        result.slowestMs = Math.max(result.slowestMs, t.ms);
        if (t.ms > SLOW_INPUT_MS) fail(i, 'time', m.what, `${Math.round(t.ms)} ms`);
      }
    }
    result.iterations = i + 1;
  }
  result.slowestMs = Math.round(result.slowestMs);
  result.maxRssKiB = process.resourceUsage().maxRSS;
  return result;
}

/** Overwrite the signature header's PAYLOADSIZE (an INT32) with `value`. */
function forgePayloadSize(rpm: Buffer, value: number): Buffer {
  const out = Buffer.from(rpm);
  const sig = readRpm(out).signature.decoded;
  const entry = sig.index.find((e) => e.tag === RPMSIGTAG.PAYLOADSIZE);
  if (!entry) throw new Error('fixture RPM has no PAYLOADSIZE');
  out.writeUInt32BE(value, 96 + 16 + sig.il * 16 + entry.offset);
  return out;
}

/**
 * Compression bombs, each verified in a fresh process for its own maxRSS:
 *  bomb         the payload inflates to 1 GiB, PAYLOADSIZE (honest for the original) says 3 KiB;
 *  bomb-forged  the same with PAYLOADSIZE forged to 1 GiB, so only the hard limit stops it;
 *  module-bomb  an honest payload carrying a .ko.gz that inflates to 1 GiB.
 */
export async function runBomb(mode: string): Promise<FuzzResult> {
  const { rpms } = await fixtureDisk();
  const good = rpms[0];
  let bad: Buffer;
  if (mode === 'module-bomb') {
    const release = FIXTURE_KERNELS[0];
    bad = await buildRpm(kmodSpec(release, { files: [{ path: `/lib/modules/${release}/extra/dudforge-dummy/dudforge_dummy.ko.gz`, type: 'file', mode: 0o644, data: gzipBomb(1024 ** 3) }] }));
  } else {
    const parsed = readRpm(good.bytes);
    bad = Buffer.concat([good.bytes.subarray(0, parsed.headerEnd), gzipBomb(1024 ** 3)]);
    if (mode === 'bomb-forged') bad = forgePayloadSize(bad, 1024 ** 3);
  }
  const iso = await diskOf([{ href: good.href, bytes: bad }, rpms[1]]);
  const result: FuzzResult = { mode, seed: 0, iterations: 1, failures: [], slowestMs: 0, maxRssKiB: 0, inputBytes: iso.length, notes: [], outcomes: {} };
  const start = performance.now();
  try {
    const report = await verifyDisk(iso);
    result.notes = report.problems;
  } catch (err) {
    result.failures.push({ iteration: 0, target: 'verifyDisk', mutation: mode, error: String(err) });
  }
  result.slowestMs = Math.round(performance.now() - start);
  result.maxRssKiB = process.resourceUsage().maxRSS;
  return result;
}

if (process.argv[1]?.endsWith('fuzz-worker.js')) {
  const [mode, seed, iterations] = process.argv.slice(2);
  const result = mode !== 'fuzz' ? await runBomb(mode) : await runFuzz(Number(seed ?? 1), Number(iterations ?? 1000));
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
