/**
 * The wizard in a real terminal (tmux, the real binary), for what only a terminal shows:
 * colour rules (NO_COLOR, FORCE_COLOR) and focus without colour, keys arriving in bursts, what
 * earlier screens leave behind, temporary files after quitting, Ctrl-C outside the build.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readdirSync } from 'node:fs';
import { hasTmux, MAIN, tmuxFixture } from './tmux.js';
import { writeModuleDir } from '../wizard/helpers.js';
import { shOk } from '../helpers/cli.js';
import { needs } from '../helpers/needs.js';

const skip = needs(hasTmux(), 'tmux');

describe('the wizard in a terminal', { skip }, () => {
  const t = tmuxFixture('term');

  test('NO_COLOR and FORCE_COLOR are honoured; ❯ and ▏ mark focus and cursor without colour', async () => {
    const projectDir = join(t.base, 'colours');
    for (const [env, coloured] of [[{ NO_COLOR: '1' }, false], [{ FORCE_COLOR: '0' }, false], [{}, true], [{ NO_COLOR: '1', FORCE_COLOR: '1' }, true]] as const) {
      t.pane.start(`node ${MAIN} new ${projectDir}`, { env });
      await t.pane.ready(/1\/10 Project/, `step 1 with ${JSON.stringify(env)}`);
      await t.pane.text('ab');
      await t.pane.waitFor(/Project name\s+ab/, 'typed text');
      const raw = t.pane.screen(true);
      const what = `${JSON.stringify(env)}:\n${raw}`;
      if (coloured) assert.match(raw, /\u001B\[[0-9;]*(36|7)m/, `colour or inverse with ${what}`);
      else assert.doesNotMatch(raw, /\u001B\[/, `no escape sequence at all with ${what}`);
      assert.match(raw.replace(/\u001B\[[0-9;]*m/g, ''), /❯ Project name\s+ab/, `the focused field is marked with ❯ (${JSON.stringify(env)})`);
      if (!coloured) assert.match(raw, /Project name\s+ab▏/, 'the text cursor is visible without colour');
      t.pane.kill();
    }
  });

  test('keys in one burst (tmux send-keys -H): Tab and arrows inside pasted text act as keys', async () => {
    t.pane.start(`node ${MAIN} new`);
    await t.pane.ready(/1\/10 Project/, 'step 1');
    await t.pane.burst('abc\tdef');
    let s = await t.pane.waitFor(/Directory\s+\S*def/, 'the text after Tab in the directory field');
    assert.match(s, /Project name\s+abc\n/);
    await t.pane.key('Down');
    for (let round = 0; round < 5; round++) {
      // Up, Down and text in one write: the text lands in the vendor field each time.
      await t.pane.burst(`\u001B[A\u001B[Bv${round}`);
      s = await t.pane.waitFor(new RegExp(`Vendor\\s+(v\\d)*v${round}`), `round ${round}: text after arrows`);
    }
    assert.match(s, /Vendor\s+v0v1v2v3v4/);
    t.pane.kill();
  });

  test('Ctrl-C outside the build says where the project was saved and how to resume it', async () => {
    const projectDir = join(t.base, 'left');
    t.pane.start(`node ${MAIN} new ${projectDir}`);
    await t.pane.ready(/1\/10 Project/, 'step 1');
    await t.pane.text('leftproj');
    await t.pane.key('Down');
    await t.pane.key('Down');
    await t.pane.text('ACME');
    await t.pane.key('Enter');
    await t.pane.ready(/2\/10 Kernel source/, 'step 2');
    await t.pane.key('C-c');
    const s = await t.pane.waitFor(/EXIT=130/, 'exit 130');
    assert.ok(s.replace(/\n/g, '').includes(`Saved at step 2 in ${join(projectDir, 'dudforge.json')} — \`dudforge resume leftproj\``), s);
    t.pane.kill();
  });

  test('a tarball source: step 3 titled with the tarball; its browsing copy is removed on quit and on hang-up', async () => {
    writeModuleDir(join(t.base, 'mod-1.0'));
    const tarball = join(t.base, 'mod-1.0.tar.gz');
    shOk('tar', ['-czf', tarball, '-C', t.base, 'mod-1.0']);
    const browsing = () => readdirSync(join(t.base, 'tmp')).filter((n) => n.startsWith('dudforge-browse-'));
    for (const end of ['C-c', 'hang-up']) {
      t.pane.start(`node ${MAIN} new ${join(t.base, `tarproj-${end}`)} --source tar:${tarball} --vendor V`);
      await t.pane.ready(/1\/10 Project/, 'step 1');
      await t.pane.text('tarproj');
      await t.pane.key('Enter');
      await t.pane.ready(/2\/10 Kernel source/, 'step 2');
      await t.pane.key('Enter');
      const s3 = await t.pane.waitFor(/3\/10 Driver directories[\s\S]*bar\.ko/, 'step 3');
      assert.ok(s3.includes(`tarball ${tarball}`), s3);
      assert.doesNotMatch(s3, /dudforge-browse-/);
      assert.equal(browsing().length, 1, 'browsed in a temporary copy');
      if (end === 'C-c') {
        await t.pane.key('C-c');
        await t.pane.waitFor(/EXIT=130/, 'exit');
      } else t.pane.kill();
      for (const stop = Date.now() + 5000; browsing().length && Date.now() < stop; ) await new Promise((r) => setTimeout(r, 100));
      assert.deepEqual(browsing(), [], `no temporary copy left after ${end}`);
      t.pane.kill();
    }
  });
});
