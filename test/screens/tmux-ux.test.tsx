/**
 * The wizard's second round in a real terminal (tmux, the real binary, NO_COLOR=1): Review
 * scrolls at 60×20 with its header and key hints in place.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureBuilt, hasTmux, MAIN, TmuxSession } from './tmux.js';
import { tempDir } from '../wizard/helpers.js';
import { needs } from '../helpers/needs.js';
import { longAnswers } from './sized.js';

const skip = needs(hasTmux(), 'tmux');

describe('the wizard in a small terminal', { skip }, () => {
  let base: string;
  let pane: TmuxSession;
  let projectDir: string;
  before(() => {
    base = tempDir('dudforge-tmux-ux-');
    ensureBuilt(import.meta.url);
    pane = new TmuxSession(`dudforge-ux-${process.pid}`, base);
    // A project saved at Review, with paths too long for 60 columns.
    projectDir = join(base, 'a-directory-name-long-enough', 'to-overflow-sixty-columns', 'foo');
    mkdirSync(projectDir, { recursive: true });
    writeFileSync(join(projectDir, 'dudforge.json'), JSON.stringify({ ...longAnswers, source: { kind: 'dir', path: projectDir }, wizard: { step: 9 } }, null, 2));
  });
  after(() => {
    pane.kill();
    rmSync(base, { recursive: true, force: true });
  });

  test('Review at 60×20 with NO_COLOR=1: rows cut to the width, header and hints stay, ↓ PgDn End Home scroll', async () => {
    pane.start(`node ${MAIN} resume ${projectDir}`, { env: { NO_COLOR: '1' }, width: 60, height: 20 });
    await pane.ready(/9\/10 Review/, 'Review');
    // The marker needs the content measured: a second frame just after the first.
    let s = await pane.waitFor(/more ↓/, 'the "more ↓" marker');
    const check = (screen: string) => {
      const lines = screen.replace(/\n+$/, '').split('\n');
      assert.match(lines[0], /9\/10 Review/, `the header is the first line:\n${screen}`);
      assert.match(lines.at(-1)!, /Enter build/, `the key hints are the last line:\n${screen}`);
      for (const l of lines) assert.ok([...l].length <= 60, l);
    };
    check(s);
    assert.match(s, /…/, 'long rows are cut with …');
    assert.doesNotMatch(pane.history(), /dudforge build/, 'nothing scrolled off the top');
    await pane.key('End');
    s = await pane.waitFor(/dudforge build/, 'the replay command after End');
    check(s);
    assert.match(s, /↑ \d+ more/);
    await pane.key('Home');
    s = await pane.waitFor(/Project\s+foo/, 'the top after Home');
    check(s);
    await pane.key('NPage');
    s = await pane.waitFor(/dudforge build/, 'PgDn');
    check(s);
    await pane.key('PPage');
    s = await pane.waitFor(/Project\s+foo/, 'PgUp');
    await pane.key('Down');
    s = await pane.waitFor(/↑ 1 more/, '↓ one line');
    check(s);
    assert.doesNotMatch(s, /\u001B\[/);
    pane.kill();
  });
});
