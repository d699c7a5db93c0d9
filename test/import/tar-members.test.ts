/**
 * Reading GNU tar's member listing: names come back exactly as stored (spaces, quotes, ` -> `,
 * newlines, UTF-8), with their kind and link target, and the vetting refuses by member name.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { listTarMembers, parseListingLine, vetTarMembers, type TarMember } from '../../src/import/tar-members.js';
import { UserError } from '../../src/errors.js';

describe('tar members', () => {
  let tmp: string;
  const odd = ['a b.c', 'quote"s\'.h', 'arrow -> here.c', 'new\nline.h', 'tab\there.h', 'back\\slash.h', 'ünïcødé.h', 'link to x.c'];

  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dudforge-tar-members-'));
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  test('odd names, links and hard links read back exactly as stored', async () => {
    const root = path.join(tmp, 'top');
    fs.mkdirSync(path.join(root, 'd'), { recursive: true });
    for (const n of odd) fs.writeFileSync(path.join(root, 'd', n), `${n}\n`);
    fs.symlinkSync('a b.c', path.join(root, 'd', 'to -> "a b"'));
    fs.linkSync(path.join(root, 'd', 'a b.c'), path.join(root, 'd', 'hard one'));
    const file = path.join(tmp, 'odd.tar.gz');
    await execa('tar', ['-c', '-z', '--sort=name', '-f', file, '-C', tmp, 'top']);
    const listed = await listTarMembers({ file });
    assert.ok('members' in listed, JSON.stringify(listed));
    const byName = new Map(listed.members.map((m) => [m.name, m]));
    for (const n of odd) assert.equal(byName.get(`top/d/${n}`)?.type, 'file', `${JSON.stringify(n)} in ${[...byName.keys()].join(' | ')}`);
    assert.deepEqual(byName.get('top/d/to -> "a b"'), { name: 'top/d/to -> "a b"', type: 'symlink', kind: 'a symlink', link: 'a b.c' });
    assert.deepEqual(byName.get('top/d/hard one'), { name: 'top/d/hard one', type: 'hardlink', kind: 'a hard link', link: 'top/d/a b.c' });
    assert.equal(byName.get('top/d/')?.type, 'dir');
    // Hard link and link inside the tree, all plain: nothing to refuse.
    vetTarMembers(listed.members, ['d'], 'top/', 'tar:odd');
  });

  test('a listing line tar never writes is not guessed at', () => {
    assert.equal(parseListingLine('-rw-r--r-- 0/0 1 2024-01-01 00:00 no-quotes'), undefined);
    assert.equal(parseListingLine('-rw-r--r-- 0/0 1 2024-01-01 00:00 "x" -> unquoted'), undefined);
    assert.deepEqual(parseListingLine('crw-r--r-- 0/0 1,3 2024-01-01 00:00 "dev/null"'), { name: 'dev/null', type: 'other', kind: 'a character device' });
  });

  test('the vetting names every refused member and looks only at what is extracted', () => {
    const m = (name: string, type: TarMember['type'], kind: string, link?: string): TarMember => ({ name, type, kind, ...(link ? { link } : {}) });
    const members = [
      m('l/', 'dir', 'a directory'),
      m('l/drv/', 'dir', 'a directory'),
      m('l/drv/ok.c', 'file', 'a regular file'),
      m('l/drv/pipe', 'other', 'a FIFO'),
      m('l/drv/out', 'symlink', 'a symlink', '../../../etc'),
      m('l/drv/in', 'symlink', 'a symlink', '../other'),
      m('l/drv/in/x.c', 'file', 'a regular file'),
      m('l/drv/../../x', 'file', 'a regular file'),
      m('l/other/dev', 'other', 'a block device'),
    ];
    let err: unknown;
    try {
      vetTarMembers(members, ['drv'], 'l/', 'tar:t');
    } catch (e) {
      err = e;
    }
    assert.ok(err instanceof UserError);
    assert.match(err.message, /l\/drv\/pipe is a FIFO/);
    assert.match(err.message, /l\/drv\/out is a symlink to \.\.\/\.\.\/\.\.\/etc, outside the source tree/);
    assert.match(err.message, /l\/drv\/in\/x\.c lies under the symlink drv\/in/);
    assert.match(err.message, /l\/drv\/\.\.\/\.\.\/x has a path that leaves the tree/);
    assert.doesNotMatch(err.message, /l\/drv\/in is|other\/dev/);
    // The block device is outside the selection: extracting other/ alone is where it is refused.
    assert.throws(() => vetTarMembers(members, ['other'], 'l/', 'tar:t'), /l\/other\/dev is a block device/);
  });
});
