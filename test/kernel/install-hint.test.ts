import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installHint, parseOsRelease } from '../../src/kernel/install-hint.js';

const tmp = mkdtempSync(join(tmpdir(), 'dudforge-hint-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function osRelease(text: string): string {
  const p = join(tmp, `os-${Math.random().toString(36).slice(2)}`);
  writeFileSync(p, text);
  return p;
}

test('Debian: linux-headers for the release and the metapackage', () => {
  const h = installHint('6.1.0-56-amd64', osRelease('ID=debian\nVERSION_ID="12"\n'));
  assert.match(h, /apt-get install linux-headers-6\.1\.0-56-amd64/);
  assert.match(h, /linux-headers-amd64/);
});

test('Ubuntu without a release: uname -r', () => {
  const h = installHint(undefined, osRelease('ID=ubuntu\nID_LIKE=debian\n'));
  assert.match(h, /apt-get install linux-headers-\$\(uname -r\)/);
  assert.doesNotMatch(h, /linux-headers-amd64/);
});

test('RHEL family: kernel-devel', () => {
  for (const text of ['ID="rhel"\n', 'ID="rocky"\nID_LIKE="rhel centos fedora"\n', 'ID=fedora\n', 'ID="almalinux"\n']) {
    assert.match(installHint('5.14.0-570.el9.x86_64', osRelease(text)), /dnf install kernel-devel-5\.14\.0-570\.el9\.x86_64/);
  }
});

test('SUSE: kernel-default-devel; unknown: generic with --kernel-dir', () => {
  assert.match(installHint(undefined, osRelease('ID="opensuse-leap"\nID_LIKE="suse opensuse"\n')), /kernel-default-devel/);
  assert.match(installHint('1.2', osRelease('ID=gentoo\n')), /--kernel-dir/);
});

test('this machine: the hint fits its os-release', () => {
  const os = parseOsRelease(readFileSync('/etc/os-release', 'utf8'));
  const h = installHint();
  if (os.id === 'debian') assert.match(h, /apt-get install linux-headers-/);
});
