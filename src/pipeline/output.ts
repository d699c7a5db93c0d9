/**
 * The output directory holds exactly one consistent set of artifacts: those of the last build
 * that succeeded, or of the last `--allow-partial` build (which says so in PARTIAL-BUILD.txt).
 * A run writes everything into a hidden stage directory beside out/ and swaps it in at the end:
 *
 *   1. rename out/ → .out.old-<owner>     2. rename .out.stage-<owner> → out/     3. remove the old one
 *
 * The two renames are synchronous, so no signal handler can run between them; only a SIGKILL
 * or a crash there leaves out/ missing, and the next run (under the project lock) renames the
 * old set back before anything else. A failed, cancelled or killed run leaves out/ untouched.
 *
 * dudforge owns out/: it replaces the whole directory, so it refuses to use one that holds
 * files it did not write (listed in `.dudforge-output.json`, or named like this project's
 * artifacts for an out/ written before that file existed).
 */
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, realpathSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { UserError } from '../errors.js';
import { writeFileAtomicSync } from '../fs/atomic-write.js';
import { isAlive, ownerTag, parseOwnerTag } from '../process-identity.js';
import { removeDirOnExit } from '../kbuild/reaper.js';
import type { IsoEntry } from '../iso/index.js';
import type { PackedInput, SecretGuard } from './secrets.js';
import { fsUserError } from '../fs-errors.js';

export const MANIFEST = '.dudforge-output.json';
export const PARTIAL_NOTE = 'PARTIAL-BUILD.txt';

interface Manifest {
  generator: 'dudforge';
  files: string[];
  partial: boolean;
  failedKernels: string[];
}

function readManifest(outDir: string): Manifest | undefined {
  try {
    const m = JSON.parse(readFileSync(join(outDir, MANIFEST), 'utf8')) as Manifest;
    return Array.isArray(m.files) ? m : undefined;
  } catch {
    return undefined;
  }
}

/** Hidden directories beside out/ a run works in: `.<out>.stage-<owner>`, `.<out>.old-<owner>`. */
function sideDir(outDir: string, kind: 'stage' | 'old', tag = ownerTag()): string {
  return join(dirname(outDir), `.${basename(outDir)}.${kind}-${tag}`);
}

/** Temp files an older dudforge wrote straight into out/ (`.<name>.tmp-<pid>[-<random>]`). */
const LEGACY_TEMP = /^\..+\.tmp-(\d+)(?:-[0-9a-f]{8})?$/;

/**
 * Undo what a killed run left around out/: put the previous set back if it was killed between
 * the two renames, remove its stage and old directories and stray temp files. Directories of a
 * run still alive (another project sharing this out/) are left alone.
 */
export function recoverOutput(outDir: string): string[] {
  const removed: string[] = [];
  const parent = dirname(outDir);
  if (!existsSync(parent)) return removed;
  const pattern = new RegExp(`^\\.${basename(outDir).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.(stage|old)-(\\d+-\\d+)$`);
  const leftovers = readdirSync(parent)
    .map((name) => ({ name, m: pattern.exec(name) }))
    .filter((e) => e.m && e.m[2] !== ownerTag())
    .filter((e) => {
      const owner = parseOwnerTag(e.m![2]);
      return owner && !isAlive(owner);
    });
  if (!existsSync(outDir)) {
    const old = leftovers.find((e) => e.m![1] === 'old');
    if (old) {
      renameSync(join(parent, old.name), outDir);
      removed.push(`restored ${outDir} from ${old.name} (a run was killed while swapping it)`);
    }
  }
  for (const e of leftovers) {
    const p = join(parent, e.name);
    if (existsSync(p)) {
      rmSync(p, { recursive: true, force: true });
      removed.push(p);
    }
  }
  if (existsSync(outDir) && lstatSync(outDir).isDirectory()) {
    for (const name of readdirSync(outDir)) {
      const m = LEGACY_TEMP.exec(name);
      if (m && !isAlive({ pid: Number(m[1]), start: '' })) {
        rmSync(join(outDir, name), { recursive: true, force: true });
        removed.push(join(outDir, name));
      }
    }
  }
  return removed;
}

/** Files in out/ dudforge did not write; `looksOurs` judges an out/ without a manifest. */
export function foreignFiles(outDir: string, looksOurs: (name: string) => boolean): string[] {
  if (!existsSync(outDir)) return [];
  const manifest = readManifest(outDir);
  const ours = new Set([MANIFEST, PARTIAL_NOTE, ...(manifest?.files ?? [])]);
  return readdirSync(outDir)
    .filter((name) => !ours.has(name) && !(manifest === undefined && looksOurs(name)))
    .sort();
}

export class StagedOutput {
  readonly outDir: string;
  readonly stageDir: string;
  private readonly files = new Set<string>();

  /**
   * Check out/ and prepare an empty stage beside it. `looksOurs` names this project's
   * artifacts, for an out/ written before the manifest existed.
   */
  constructor(outDir: string, looksOurs: (name: string) => boolean) {
    // A symlinked out/ is followed, so the swap replaces the directory it points to.
    this.outDir = existsSync(outDir) ? realpathSync(outDir) : outDir;
    if (existsSync(this.outDir) && !lstatSync(this.outDir).isDirectory()) {
      throw new UserError(`the output directory ${this.outDir} is not a directory`, 'remove it or choose another output directory with --out');
    }
    const foreign = foreignFiles(this.outDir, looksOurs);
    if (foreign.length) {
      const shown = foreign.slice(0, 5).join(', ') + (foreign.length > 5 ? `, … (${foreign.length} in all)` : '');
      throw new UserError(
        `the output directory ${this.outDir} holds files dudforge did not write: ${shown}`,
        'dudforge replaces the whole output directory on every build: move those files elsewhere, or choose another output directory with --out (or output.dir)',
      );
    }
    this.stageDir = sideDir(this.outDir, 'stage');
  }

  private staged = false;
  /**
   * The stage is made when the first file goes into it: a run that reuses out/ (output-key.ts)
   * never makes one, nor starts the reaper for it.
   */
  private stage(): string {
    if (!this.staged) {
      // Gone at once if dudforge is killed (a half-written ISO can be large); renamed to out/ it
      // no longer exists under this name. The reaper hears of it before it is made.
      removeDirOnExit(this.stageDir);
      rmSync(this.stageDir, { recursive: true, force: true });
      mkdirSync(this.stageDir, { recursive: true });
      this.staged = true;
    }
    return this.stageDir;
  }

  /** Where a file is written during the run. */
  stagedPath(name: string): string {
    this.files.add(name);
    return join(this.stage(), name);
  }

  /** Where a file will be once the run commits. */
  finalPath(name: string): string {
    return join(this.outDir, name);
  }

  /** Set by the resolve step: the build's private keys, which no artifact may hold (secrets.ts). */
  guard?: SecretGuard;

  /** Throw (naming the key and the artifact) when `bytes` or what was packed into them holds a key. */
  assertPublishable(name: string, bytes: Buffer, packed: PackedInput[] = []): void {
    if (!this.guard) throw new Error(`StagedOutput: ${name} written before the build's keys were known`);
    this.guard.assertClean(name, bytes, packed);
  }

  /** The driver disk's files, before the image is written. */
  assertDiskPublishable(name: string, entries: IsoEntry[]): void {
    if (!this.guard) throw new Error(`StagedOutput: ${name} written before the build's keys were known`);
    this.guard.assertDiskClean(name, entries);
  }

  /** Scan a file another tool wrote into the stage (the GnuPG key export). */
  assertStagedPublishable(name: string): void {
    this.assertPublishable(name, readFileSync(join(this.stageDir, name)));
  }

  /** Write one artifact into the stage, once it is known to hold no key; returns its final path. */
  write(name: string, data: Buffer | string, packed: PackedInput[] = []): string {
    const bytes = Buffer.isBuffer(data) ? data : Buffer.from(data);
    this.assertPublishable(name, bytes, packed);
    const staged = this.stagedPath(name);
    try {
      writeFileAtomicSync(staged, bytes);
    } catch (err) {
      // A full or read-only disk is the user's to fix: name the artifact and its size.
      throw fsUserError(err, this.finalPath(name), bytes.length) ?? err;
    }
    return this.finalPath(name);
  }

  /**
   * Make the stage the output directory. A partial set gets PARTIAL-BUILD.txt naming the
   * kernels it lacks.
   */
  commit(opts: { failedKernels: string[] }): void {
    const partial = opts.failedKernels.length > 0;
    this.stage();
    if (partial) {
      writeFileAtomicSync(
        this.stagedPath(PARTIAL_NOTE),
        `This is a partial build (--allow-partial): no modules for ${opts.failedKernels.join(', ')}, which failed to build.\n` +
          'The driver disk and the RPMs here cover only the other kernels.\n',
      );
    }
    const manifest: Manifest = { generator: 'dudforge', files: [...this.files].sort(), partial, failedKernels: opts.failedKernels };
    writeFileAtomicSync(join(this.stageDir, MANIFEST), JSON.stringify(manifest, null, 2) + '\n');
    const old = sideDir(this.outDir, 'old');
    rmSync(old, { recursive: true, force: true });
    // Synchronous on purpose: no signal handler runs between these two renames.
    const hadOutput = existsSync(this.outDir);
    if (hadOutput) renameSync(this.outDir, old);
    renameSync(this.stageDir, this.outDir);
    if (hadOutput) rmSync(old, { recursive: true, force: true });
  }

  /** Drop everything staged (failed or cancelled runs): out/ stays as it was. */
  discard(): void {
    if (this.staged) rmSync(this.stageDir, { recursive: true, force: true });
  }
}
