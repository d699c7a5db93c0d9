import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, existsSync } from 'node:fs';
import { kmodRelease } from '../../src/kmod/release.js';
import { evrString } from '../../src/rpm/deps.js';
import { kernelModulesProvide } from '../../src/kmod/requires.js';
import { RPMSENSE } from '../../src/rpm/sense.js';
import { isUserError } from '../../src/errors.js';

const installed = readdirSync('/lib/modules').filter((r) => existsSync(`/lib/modules/${r}/build`));

test('kmodRelease keeps the kernel release readable and drops characters RPM refuses', () => {
  assert.equal(kmodRelease('1', '6.1.0-56-amd64'), '1.k6.1.0_56_amd64');
  assert.equal(kmodRelease('2.el9', '5.14.0-570.12.1.el9_6.x86_64'), '2.el9.k5.14.0_570.12.1.el9_6.x86_64');
  assert.equal(kmodRelease('1', '6.12.117+deb12-amd64'), '1.k6.12.117+deb12_amd64');
  for (const rel of installed) assert.doesNotMatch(kmodRelease('1', rel), /[-\s]/);
});

test('kmodRelease rejects an invalid project release as a user error', () => {
  for (const bad of ['1-2', '', 'a b']) {
    assert.throws(() => kmodRelease(bad, '6.1.0'), (e) => isUserError(e) && /package\.release/.test(e.message));
  }
});

test('kmod releases of the installed kernels are distinct and sort like the kernels (checked by rpm)', () => {
  assert.ok(installed.length >= 1);
  const releases = installed.map((k) => kmodRelease('1', k));
  assert.equal(new Set(releases).size, releases.length);
  // rpmdev-vercmp is not on Debian; rpm's own expression evaluator compares EVRs.
  for (let i = 0; i < installed.length; i++) {
    for (let j = 0; j < installed.length; j++) {
      if (i === j) continue;
      const kernelOrder = execFileSync('rpm', ['--eval', `%{lua: print(rpm.vercmp("${installed[i]}", "${installed[j]}"))}`], { encoding: 'utf8' }).trim();
      const kmodOrder = execFileSync('rpm', ['--eval', `%{lua: print(rpm.vercmp("${releases[i]}", "${releases[j]}"))}`], { encoding: 'utf8' }).trim();
      assert.equal(kmodOrder, kernelOrder, `${releases[i]} vs ${releases[j]}`);
    }
  }
});

test('evrString', () => {
  assert.equal(evrString({ version: '1.0', release: '1.k6' }), '1.0-1.k6');
  assert.equal(evrString({ version: '1.0', release: '1.k6', epoch: 2 }), '2:1.0-1.k6');
  assert.equal(evrString({ version: '1.0', release: '1.k6', epoch: 0 }), '0:1.0-1.k6');
});

test('kernel-modules provides: exact is =, minimum is >=, full uname -r', () => {
  for (const rel of installed) {
    assert.deepEqual(kernelModulesProvide(rel, 'exact'), { name: 'kernel-modules', flags: RPMSENSE.EQUAL, version: rel });
    assert.deepEqual(kernelModulesProvide(rel, 'minimum'), {
      name: 'kernel-modules',
      flags: RPMSENSE.GREATER | RPMSENSE.EQUAL,
      version: rel,
    });
  }
});
