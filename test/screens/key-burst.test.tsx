/**
 * Keys that arrive in one chunk (a paste, a fast typist, SSH) act one by one (issue 15, bug 4):
 * the app is driven with single writes holding several keys.
 */
import { test, describe, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { render } from 'ink-testing-library';
import { WizardApp, WizardFlow } from '../../screens/App.js';
import { defaultDeps } from '../../src/wizard/deps.js';
import { initialState } from '../../src/wizard/state.js';
import { splitKeys } from '../../src/wizard/key-stream.js';
import { frame, waitFor } from './helpers.js';
import { tempDir, writeModuleDir } from '../wizard/helpers.js';

describe('keys in one burst', () => {
  let base: string;
  beforeEach(() => (base = tempDir()));
  afterEach(() => rmSync(base, { recursive: true, force: true }));

  test('splitKeys: printable runs, spaces, escape sequences and control characters', () => {
    assert.deepEqual(
      splitKeys('abc\tdef').map((k) => [k.input, k.key]),
      [['abc', {}], ['', { tab: true }], ['def', {}]],
    );
    assert.deepEqual(
      splitKeys('\u001B[Bx y\r\u007F\u001B[Z\u0003\u001B').map((k) => [k.input, k.key]),
      [['', { downArrow: true }], ['x', {}], [' ', {}], ['y', {}], ['', { return: true }], ['', { backspace: true }], ['', { tab: true, shift: true }], ['c', { ctrl: true }], ['', { escape: true, meta: true }]],
    );
    assert.deepEqual(splitKeys('\u001B[1;5C\u001BOA\u001B[3~').map((k) => k.key), [{ rightArrow: true, ctrl: true }, { upArrow: true }, { delete: true }]);
  });

  const flow = () => {
    const deps = defaultDeps({ confCwd: join(base, 'conf') });
    return render(<WizardFlow deps={deps} initial={initialState({ baseDir: base, now: 1700000000, sourceKinds: deps.sourceKinds() })} onLeave={() => {}} />);
  };

  test('"abc Tab def" in one write fills two fields', async () => {
    const app = flow();
    app.stdin.write('abc\tdef');
    const f = await waitFor(app, (x) => /Directory\s+def/.test(x), 'the text after Tab in the next field');
    assert.match(f, /Project name\s+abc\n/);
    app.unmount();
  });

  test('an arrow key and text in one write: the text goes to the field the arrow moved to, every time', async () => {
    for (let round = 0; round < 5; round++) {
      const app = flow();
      app.stdin.write(`p${round}\u001B[Bdir${round}\u001B[B\u001B[BVendor ${round}`);
      const f = await waitFor(app, (x) => x.includes(`Vendor ${round}`), `round ${round}: the vendor typed after two arrows`);
      assert.match(f, new RegExp(`Project name\\s+p${round}\\n`));
      assert.match(f, new RegExp(`Directory\\s+dir${round}\\n`));
      app.unmount();
    }
  });

  test('a whole step 1 and step 2 answered in one paste (choice field, arrows, Enter)', async () => {
    const mod = join(base, 'mod');
    writeModuleDir(mod);
    const app = render(<WizardApp deps={defaultDeps({ confCwd: join(base, 'conf') })} start={{ screen: 'new' }} baseDir={base} onExit={() => {}} />);
    // Step 1: name, Tab to the directory, Down to the vendor, Enter; step 2: Down off the
    // kind choice to the path (text typed on the choice would be lost), path, Enter.
    app.stdin.write(`burst\tproj\u001B[BACME\r\u001B[B${mod}\r`);
    const f = await waitFor(app, (x) => x.includes('3/10 Driver directories') && x.includes('bar.ko'), 'step 3 reached from one burst');
    assert.match(f, /\[x\] .*\. \(top\)/);
    assert.ok(frame(app).includes(mod));
    app.unmount();
  });
});
