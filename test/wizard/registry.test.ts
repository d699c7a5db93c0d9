import { test, describe, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProjectStore, ProjectStoreError, startFreshStore, projectStorePath, PROJECT_STORE_VERSION } from '../../src/projects/registry.js';

describe('project registry (conf store)', () => {
  let cwd: string;
  beforeEach(() => {
    cwd = mkdtempSync(join(tmpdir(), 'dudforge-store-'));
  });
  afterEach(() => rmSync(cwd, { recursive: true, force: true }));

  test('registers projects, lists most recent first, finds by name, prefix or dir', () => {
    const store = new ProjectStore({ cwd });
    store.register({ name: 'alpha', dir: join(cwd, 'a'), step: 2 }, new Date('2026-01-01T00:00:00Z'));
    store.register({ name: 'beta', dir: join(cwd, 'b'), step: 5, lastResult: 'ok' }, new Date('2026-01-02T00:00:00Z'));
    const list = store.list();
    assert.deepEqual(list.map((p) => p.name), ['beta', 'alpha']);
    assert.equal(list[0].lastResult, 'ok');
    assert.equal(store.find('alpha')?.step, 2);
    assert.equal(store.find('be')?.name, 'beta');
    assert.equal(store.find(join(cwd, 'a'))?.name, 'alpha');
    assert.equal(store.find('nothing'), undefined);
    // A later step keeps the last result.
    store.register({ name: 'beta', dir: join(cwd, 'b'), step: 6 }, new Date('2026-01-03T00:00:00Z'));
    assert.equal(new ProjectStore({ cwd }).find('beta')?.lastResult, 'ok');
    const onDisk = JSON.parse(readFileSync(store.path, 'utf8'));
    assert.equal(onDisk.storeVersion, PROJECT_STORE_VERSION);
    assert.equal(store.path, projectStorePath({ cwd }));
  });

  test('profile keeps non-empty fields', () => {
    const store = new ProjectStore({ cwd });
    assert.deepEqual(store.profile(), {});
    store.saveProfile({ vendor: 'ACME', author: 'Ann', email: 'ann@example.com' });
    store.saveProfile({ vendor: '  ', author: 'Bob' });
    assert.deepEqual(new ProjectStore({ cwd }).profile(), { vendor: 'ACME', author: 'Bob', email: 'ann@example.com' });
  });

  for (const [label, text, problem] of [
    ['bad JSON', '{"storeVersion": 1, "projects": {', /not valid JSON/],
    ['not an object', '[1, 2]', /JSON object/],
    ['newer version', JSON.stringify({ storeVersion: PROJECT_STORE_VERSION + 1, projects: {} }), /newer dudforge/],
    ['projects not an object', JSON.stringify({ storeVersion: 1, projects: 'x' }), /projects/],
  ] as const) {
    test(`a ${label} store is reported with its path and left untouched`, () => {
      const path = projectStorePath({ cwd });
      writeFileSync(path, text);
      assert.throws(
        () => new ProjectStore({ cwd }),
        (err: unknown) => err instanceof ProjectStoreError && err.path === path && problem.test(err.problem) && err.message.includes(path),
      );
      assert.equal(readFileSync(path, 'utf8'), text);
      const backup = startFreshStore(path);
      assert.ok(backup && existsSync(backup));
      assert.equal(readFileSync(backup, 'utf8'), text);
      const fresh = new ProjectStore({ cwd });
      fresh.register({ name: 'p', dir: join(cwd, 'p'), step: 1 });
      assert.equal(fresh.list().length, 1);
      assert.equal(readdirSync(cwd).filter((f) => f.includes('.bak-')).length, 1);
    });
  }

  test('a store corrupted after opening is not overwritten', () => {
    const store = new ProjectStore({ cwd });
    store.register({ name: 'p', dir: join(cwd, 'p'), step: 1 });
    writeFileSync(store.path, 'garbage');
    assert.throws(() => store.register({ name: 'q', dir: join(cwd, 'q'), step: 1 }), ProjectStoreError);
    assert.equal(readFileSync(store.path, 'utf8'), 'garbage');
  });
});
