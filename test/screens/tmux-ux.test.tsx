/**
 * The wizard's second round in a real terminal (tmux, the real binary, NO_COLOR=1): Review
 * scrolls at 60×20 with its header and key hints in place.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hasTmux, MAIN, tmuxFixture } from './tmux.js';
import { needs } from '../helpers/needs.js';
import { longAnswers } from './sized.js';

const skip = needs(hasTmux(), 'tmux');

describe('the wizard in a small terminal', { skip }, () => {
  let projectDir: string;
  const t = tmuxFixture('ux', (base) => {
    // A project saved at Review, with paths too long for 60 columns.
    projectDir = join(base, 'a-directory-name-long-enough', 'to-overflow-sixty-columns', 'foo');
    mkdirSync(projectDir, { recursive: true });
    writeFileSync(join(projectDir, 'dudforge.json'), JSON.stringify({ ...longAnswers, source: { kind: 'dir', path: projectDir }, wizard: { step: 9 } }, null, 2));
  });

  test('Review at 60×20 with NO_COLOR=1: rows cut to the width, header and hints stay, ↓ PgDn End Home scroll', async () => {
    t.pane.start(`node ${MAIN} resume ${projectDir}`, { env: { NO_COLOR: '1' }, width: 60, height: 20 });
    await t.pane.ready(/9\/10 Review/, 'Review');
    // The marker needs the content measured: a second frame just after the first.
    let s = await t.pane.waitFor(/more ↓/, 'the "more ↓" marker');
    const check = (screen: string) => {
      const lines = screen.replace(/\n+$/, '').split('\n');
      assert.match(lines[0], /9\/10 Review/, `the header is the first line:\n${screen}`);
      assert.match(lines.at(-1)!, /Enter build/, `the key hints are the last line:\n${screen}`);
      for (const l of lines) assert.ok([...l].length <= 60, l);
    };
    check(s);
    assert.match(s, /…/, 'long rows are cut with …');
    assert.doesNotMatch(t.pane.history(), /dudforge build/, 'nothing scrolled off the top');
    await t.pane.key('End');
    s = await t.pane.waitFor(/dudforge build/, 'the replay command after End');
    check(s);
    assert.match(s, /↑ \d+ more/);
    await t.pane.key('Home');
    s = await t.pane.waitFor(/Project\s+foo/, 'the top after Home');
    check(s);
    await t.pane.key('NPage');
    s = await t.pane.waitFor(/dudforge build/, 'PgDn');
    check(s);
    await t.pane.key('PPage');
    s = await t.pane.waitFor(/Project\s+foo/, 'PgUp');
    await t.pane.key('Down');
    s = await t.pane.waitFor(/↑ 1 more/, '↓ one line');
    check(s);
    assert.doesNotMatch(s, /\u001B\[/);
    t.pane.kill();
  });
});
