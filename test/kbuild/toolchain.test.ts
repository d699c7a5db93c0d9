/**
 * The toolchain identity remembers version lines by the tool file's path, size and mtime, so a
 * rebuild starts no compiler to ask; a tool replaced or touched is asked again. Each look runs
 * in a fresh node process (the identity is also kept per process), with the real GNU make copied
 * into a directory of its own on PATH.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { packageRoot } from '../../src/paths.js';
import { removeDir, tempDir } from '../helpers/cli.js';
import { needs } from '../helpers/needs.js';

const make = ['/usr/bin/make', '/bin/make'].find(existsSync);
const toolchain = pathToFileURL(join(packageRoot, 'dist', 'src', 'kbuild', 'toolchain.js')).href;

describe('toolchain version lines', { skip: needs(Boolean(make), 'GNU make') }, () => {
  let work: string;
  let bin: string;
  let cache: string;
  const identity = (): string => {
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', `const t = await import(${JSON.stringify(toolchain)}); process.stdout.write(await t.toolchainIdentity());`], {
      encoding: 'utf8',
      env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, DUDFORGE_CACHE: cache },
    });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout.split('\n').find((l) => l.startsWith('make: '))!;
  };
  const remembered = () => JSON.parse(readFileSync(join(cache, 'tool-versions.json'), 'utf8')) as Record<string, string>;

  before(() => {
    work = tempDir('toolchain');
    bin = join(work, 'bin');
    cache = join(work, 'cache');
    mkdirSync(bin);
    copyFileSync(make!, join(bin, 'make'));
  });
  after(() => removeDir(work));

  test('asked once, then remembered by path, size and mtime', () => {
    const first = identity();
    assert.match(first, /^make: GNU Make [\d.]+ \(.*\/bin\/make \d+ \d+\)$/);
    const key = Object.keys(remembered()).find((k) => k.startsWith(`make\0${bin}/make `));
    assert.ok(key, JSON.stringify(remembered()));
    // The next process takes the remembered line: shown by a line only the cache could hold.
    writeFileSync(join(cache, 'tool-versions.json'), JSON.stringify({ ...remembered(), [key!]: 'make: remembered' }));
    assert.equal(identity(), 'make: remembered');
  });

  test('a touched or replaced tool is asked again', () => {
    utimesSync(join(bin, 'make'), new Date(), new Date(Date.now() - 3600_000));
    const again = identity();
    assert.match(again, /^make: GNU Make /);
    assert.notEqual(again, 'make: remembered');
  });

  test('a cache that cannot be read or written only means asking', () => {
    writeFileSync(join(cache, 'tool-versions.json'), 'not json');
    assert.match(identity(), /^make: GNU Make /);
  });
});
