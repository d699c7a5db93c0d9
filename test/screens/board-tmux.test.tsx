/**
 * The live board of `dudforge demo` (a real build) in a real 60×20 terminal with NO_COLOR: the
 * phase strip reads without colour, kernel rows stay on one line, the bar only moves forward.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { hasTmux, MAIN, tmuxFixture } from './tmux.js';
import { installedKernels } from '../helpers/cli.js';
import { needs } from '../helpers/needs.js';

const kernel = installedKernels()[0];
const skip = needs(hasTmux(), 'tmux') || needs(!!kernel, 'a kernel build tree in /lib/modules');

describe('the build board in a 60×20 terminal', { skip }, () => {
  const t = tmuxFixture('board');

  test('NO_COLOR: strip with glyphs, no escape codes, rows on one line, the bar never goes back', async () => {
    t.pane.start(`node ${MAIN} demo --out ${join(t.base, 'demo')} --kernel ${kernel!.release}`, { env: { NO_COLOR: '1' }, width: 60, height: 20 });
    const boards: string[] = [];
    const end = Date.now() + 180_000;
    for (;;) {
      const raw = t.pane.screen(true);
      if (raw.includes('resolve ')) boards.push(raw);
      if (/EXIT=\d+/.test(raw)) break;
      assert.ok(Date.now() < end, `the demo did not finish; screen:\n${raw}`);
      await delay(100);
    }
    assert.match(t.pane.screen(), /EXIT=0/);
    assert.ok(boards.some((b) => /✔ resolve .*▸ (probe|build)/.test(b)), `a running phase is marked ▸ and done ones ✔:\n${boards.at(-1)}`);
    let fill = 0;
    let rows = 0;
    for (const b of boards) {
      assert.doesNotMatch(b, /\u001B\[/, `no escape sequence with NO_COLOR:\n${b}`);
      for (const line of b.split('\n').filter((l) => /^[ ❯][▸·] /.test(l))) {
        assert.ok(line.length <= 59, `${line.length} columns: ${line}`);
        assert.match(line, /obj (queued|probe|compile|link|modpost|sign|package) +(\d+\.\ds|\d+m\d\ds)$/, `a whole kernel row on one line:\n${b}`);
        const filled = (line.match(/█/g) ?? []).length;
        assert.ok(filled >= fill, `the bar went back (${fill} → ${filled}):\n${b}`);
        fill = filled;
        rows++;
      }
    }
    assert.ok(rows > 0, 'kernel rows were drawn');
    assert.ok(fill > 0, 'the bar moved');
  });
});
