/**
 * The saved-project registry: which projects the wizard knows, the step each one reached and
 * the result of its last build, plus the user profile (vendor, author, e-mail) that pre-fills
 * step 1. Kept with conf in the user's config directory.
 *
 * We keep our own `storeVersion` instead of conf's migrations (documented as buggy). A store we
 * cannot read (bad JSON, not an object, a newer version) is never overwritten: opening it throws
 * a `ProjectStoreError` naming the file, and `startFreshStore` moves it aside as a backup.
 */
import Conf from 'conf';
import { existsSync, renameSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UserError } from '../errors.js';

export const PROJECT_STORE_VERSION = 1;

export interface UserProfile {
  vendor?: string;
  author?: string;
  email?: string;
}

export interface ProjectEntry {
  name: string;
  /** Absolute project directory (holds dudforge.json); the registry key. */
  dir: string;
  /** The wizard step reached, 1..9. */
  step: number;
  /** `ok`, `failed`, `cancelled`, `running` (from its start until it ends), or undefined before the first build. */
  lastResult?: string;
  /** ISO 8601 time of the last change. */
  updatedAt: string;
  /** Set when listed: the directory no longer holds a dudforge.json (moved or deleted). */
  missing?: boolean;
}

/** How a stored last result reads: a build still marked running was killed (it ended without saying). */
export function lastResultLabel(result: string | undefined): string | undefined {
  return result === 'running' ? 'interrupted' : result;
}

interface StoreShape {
  storeVersion: number;
  profile: UserProfile;
  /** As stored: entries that are not projects (a hand edit) are kept, never rewritten away. */
  projects: Record<string, unknown>;
}

/** A stored entry that `list`, `find` and `register` can use; anything else is skipped. */
function isProjectEntry(e: unknown): e is ProjectEntry {
  if (typeof e !== 'object' || e === null || Array.isArray(e)) return false;
  const p = e as Record<string, unknown>;
  return typeof p.name === 'string' && typeof p.dir === 'string' && Number.isInteger(p.step) && typeof p.updatedAt === 'string'
    && (p.lastResult === undefined || typeof p.lastResult === 'string');
}

/** Profile fields that are strings; a number or object there (a hand edit) is ignored. */
function cleanProfile(raw: unknown): UserProfile {
  if (typeof raw !== 'object' || raw === null) return {};
  const out: UserProfile = {};
  for (const key of ['vendor', 'author', 'email'] as const) {
    const v = (raw as Record<string, unknown>)[key];
    if (typeof v === 'string') out[key] = v;
  }
  return out;
}

export interface ProjectStoreOptions {
  /** Directory for the store file (tests pass a temp dir); default: the user's config dir. */
  cwd?: string;
}

/** Why a store file cannot be used. */
export class ProjectStoreError extends UserError {
  readonly path: string;
  readonly problem: string;
  constructor(path: string, problem: string) {
    super(
      `the saved-project list ${path} cannot be used: ${problem}`,
      'Start fresh from the wizard (the file is kept as a backup), or fix or remove the file by hand.',
    );
    this.name = 'ProjectStoreError';
    this.path = path;
    this.problem = problem;
  }
}

const CORRUPT = Symbol('corrupt store');
type Parsed = Record<string | symbol, unknown>;

/** conf's deserializer must not throw (it would leave us without the path); mark bad files. */
function lenientParse(text: string): Parsed {
  try {
    const value: unknown = JSON.parse(text);
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      return { [CORRUPT]: 'it does not hold a JSON object' };
    }
    return value as Parsed;
  } catch (err) {
    return { [CORRUPT]: `it is not valid JSON (${(err as Error).message})` };
  }
}

function checkShape(raw: Parsed): string | undefined {
  if (typeof raw[CORRUPT] === 'string') return raw[CORRUPT] as string;
  if (Object.keys(raw).length === 0) return undefined; // a new, empty store
  const version = raw.storeVersion;
  if (typeof version !== 'number' || !Number.isInteger(version)) return 'storeVersion is missing or not a number';
  if (version > PROJECT_STORE_VERSION) {
    return `it was written by a newer dudforge (store version ${version}, this one reads ${PROJECT_STORE_VERSION})`;
  }
  if (raw.projects !== undefined && (typeof raw.projects !== 'object' || raw.projects === null || Array.isArray(raw.projects))) {
    return '"projects" is not an object';
  }
  if (raw.profile !== undefined && (typeof raw.profile !== 'object' || raw.profile === null || Array.isArray(raw.profile))) {
    return '"profile" is not an object';
  }
  return undefined;
}

export class ProjectStore {
  readonly path: string;
  readonly #conf: Conf<Record<string, unknown>>;

  /** Opens the store; throws ProjectStoreError when the file is corrupt or from a newer version. */
  constructor(opts: ProjectStoreOptions = {}) {
    this.#conf = new Conf<Record<string, unknown>>({
      projectName: 'dudforge',
      cwd: opts.cwd,
      accessPropertiesByDotNotation: false,
      serialize: (value) => JSON.stringify(value, null, 2) + '\n',
      deserialize: lenientParse as (text: string) => Record<string, unknown>,
    });
    this.path = this.#conf.path;
    const problem = checkShape(this.#conf.store as Parsed);
    if (problem) throw new ProjectStoreError(this.path, problem);
  }

  #read(): StoreShape {
    const raw = this.#conf.store as Parsed;
    const problem = checkShape(raw);
    // The file changed under us (another dudforge, or a hand edit): refuse rather than clobber.
    if (problem) throw new ProjectStoreError(this.path, problem);
    return {
      storeVersion: PROJECT_STORE_VERSION,
      profile: cleanProfile(raw.profile),
      projects: (raw.projects as Record<string, unknown> | undefined) ?? {},
    };
  }

  #write(store: StoreShape): void {
    this.#conf.store = { ...store };
  }

  profile(): UserProfile {
    return { ...this.#read().profile };
  }

  /** Saves the non-empty fields of `profile` over the stored ones. */
  saveProfile(profile: UserProfile): void {
    const store = this.#read();
    const next: UserProfile = { ...store.profile };
    for (const key of ['vendor', 'author', 'email'] as const) {
      const value = profile[key]?.trim();
      if (value) next[key] = value;
    }
    this.#write({ ...store, profile: next });
  }

  /** Saved projects, most recently changed first. */
  list(): ProjectEntry[] {
    return Object.values(this.#read().projects).filter(isProjectEntry)
      .map((p) => (existsSync(join(p.dir, 'dudforge.json')) ? p : { ...p, missing: true }))
      .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt) || a.name.localeCompare(b.name));
  }

  /** Keys of stored entries that are not projects (skipped by list and find), for a warning. */
  skipped(): string[] {
    return Object.entries(this.#read().projects).filter(([, e]) => !isProjectEntry(e)).map(([key]) => key);
  }

  /** Registers or updates a project (keyed by its absolute directory). */
  register(entry: { name: string; dir: string; step: number; lastResult?: string }, now: Date = new Date()): ProjectEntry {
    const store = this.#read();
    const dir = resolve(entry.dir);
    const stored = store.projects[dir];
    const previous = isProjectEntry(stored) ? stored : undefined;
    const next: ProjectEntry = {
      name: entry.name,
      dir,
      step: entry.step,
      lastResult: entry.lastResult ?? previous?.lastResult,
      updatedAt: now.toISOString(),
    };
    if (next.lastResult === undefined) delete next.lastResult;
    this.#write({ ...store, projects: { ...store.projects, [dir]: next } });
    return next;
  }

  remove(dir: string): void {
    const store = this.#read();
    const projects = { ...store.projects };
    delete projects[resolve(dir)];
    this.#write({ ...store, projects });
  }

  /** A project by name (exact, then unique prefix) or by directory. */
  find(nameOrDir: string): ProjectEntry | undefined {
    const projects = this.list();
    const byDir = projects.find((p) => p.dir === resolve(nameOrDir));
    if (byDir) return byDir;
    const exact = projects.filter((p) => p.name === nameOrDir);
    if (exact.length >= 1) return exact[0];
    const prefixed = projects.filter((p) => p.name.startsWith(nameOrDir));
    return prefixed.length === 1 ? prefixed[0] : undefined;
  }
}

/** Where the store file lives, without opening (or judging) it. */
export function projectStorePath(opts: ProjectStoreOptions = {}): string {
  // conf resolves the same way; a throwaway instance with a parser that never fails tells us.
  const conf = new Conf({ projectName: 'dudforge', cwd: opts.cwd, deserialize: lenientParse as (t: string) => Record<string, unknown> });
  return conf.path;
}

/**
 * Moves a file we will not overwrite aside (`<file>.bak-<time>`); returns the backup's path, or
 * undefined when there is no file. Nothing is deleted. The wizard uses it for a bad
 * dudforge.json too, so both problem screens keep their file the same way.
 */
export function backupFile(file: string, now: Date = new Date()): string | undefined {
  if (!existsSync(file)) return undefined;
  const backup = `${file}.bak-${now.toISOString().replace(/[:.]/g, '-')}`;
  renameSync(file, backup);
  return backup;
}

/** Moves an unusable store aside so a fresh one can be started; returns the backup's path. */
export function startFreshStore(path: string, now: Date = new Date()): string | undefined {
  return backupFile(path, now);
}
