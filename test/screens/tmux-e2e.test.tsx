/**
 * The real `dudforge` binary driven in tmux through the wizard: arrow keys, typing, Enter, one
 * Esc back; killed mid-way; `dudforge resume`; finished; and the ISO compared (sha256) with a
 * `dudforge build` of the saved answers. The conf store lives in a temp XDG_CONFIG_HOME.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as delay } from 'node:timers/promises';
import { packageRoot, assetsDir } from '../../src/paths.js';
import { tempDir } from '../wizard/helpers.js';

const SESSION = `dudforge-e2e-${process.pid}`;
const main = join(packageRoot, 'dist', 'src', 'cli', 'main.js');
let base: string;

function tmux(...args: string[]): string {
  return execFileSync('tmux', args, { encoding: 'utf8' });
}
function screen(): string {
  return tmux('capture-pane', '-p', '-t', SESSION);
}
async function waitScreen(re: RegExp, what: string, timeoutMs = 20_000): Promise<string> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const s = screen();
    if (re.test(s)) return s;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; screen:\n${s}`);
    await delay(200);
  }
}
/** One key per send-keys call (tui.md), then a moment for Ink to redraw. */
async function key(name: string): Promise<void> {
  tmux('send-keys', '-t', SESSION, name);
  await delay(250);
}
async function typeText(text: string): Promise<void> {
  tmux('send-keys', '-t', SESSION, '-l', text);
  await delay(300);
}
function startSession(command: string): void {
  const env = `env -u CI XDG_CONFIG_HOME=${join(base, 'xdg')} TERM=xterm-256color`;
  tmux('new-session', '-d', '-s', SESSION, '-x', '140', '-y', '45', '-c', base, `${env} ${command}; echo EXIT=$?; sleep 120`);
}
function sha256(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

before(() => {
  base = tempDir('dudforge-e2e-');
  // Compile what the binary runs (other areas' type errors do not stop tsc from emitting);
  // `npm test` runs from dist/, compiled just before.
  if (!fileURLToPath(import.meta.url).includes(`${sep}dist${sep}`)) spawnSync('npx', ['tsc', '-p', 'tsconfig.json'], { cwd: packageRoot, stdio: 'ignore' });
  assert.ok(existsSync(main), `${main} was built`);
});
after(() => {
  spawnSync('tmux', ['kill-session', '-t', SESSION], { stdio: 'ignore' });
  rmSync(base, { recursive: true, force: true });
});

test('tmux: wizard, kill, resume, finish; the ISO equals `dudforge build` of the saved answers', { timeout: 900_000 }, async () => {
  const projectDir = join(base, 'e2e');
  startSession(`node ${main} new ${projectDir}`);
  await waitScreen(/1\/10 Project/, 'step 1');
  await typeText('e2e');
  await key('Down');
  await key('Down');
  await typeText('ACME Corp');
  await key('Enter');
  await waitScreen(/2\/10 Kernel source/, 'step 2');
  await key('Down');
  await typeText(join(assetsDir, 'sample-driver'));
  await key('Enter');
  await waitScreen(/3\/10 Driver directories[\s\S]*dudforge_dummy\.ko/, 'step 3');
  await key('Escape');
  await waitScreen(/2\/10 Kernel source/, 'Esc back once to step 2');
  await key('Enter');
  await waitScreen(/3\/10 Driver directories/, 'step 3 again');
  await key('Enter');
  await waitScreen(/5\/10 Package[\s\S]*Name\s+dudforge-dummy/, 'step 4 with defaults');
  await key('Enter');
  await waitScreen(/6\/10 Firmware and extra files/, 'Extras');
  await key('Enter');
  await waitScreen(/7\/10 Target kernels[\s\S]*Add a build tree/, 'step 5');

  // Killed mid-way: the answers so far are on disk with the step reached.
  tmux('kill-session', '-t', SESSION);
  const saved = JSON.parse(readFileSync(join(projectDir, 'dudforge.json'), 'utf8'));
  assert.equal(saved.wizard.step, 7);
  assert.equal(saved.package.name, 'dudforge-dummy');
  const listed = JSON.parse(execFileSync('node', [main, 'projects', '--json'], { encoding: 'utf8', env: { ...process.env, XDG_CONFIG_HOME: join(base, 'xdg') } }));
  assert.deepEqual(listed.map((p: { name: string; step: number }) => [p.name, p.step]), [['e2e', 7]]);

  startSession(`node ${main} resume e2e`);
  const s5 = await waitScreen(/7\/10 Target kernels[\s\S]*Add a build tree/, 'resumed at step 5');
  assert.match(s5, /\[x\]/);
  await key('Enter');
  await waitScreen(/8\/10 Signing keys/, 'step 6');
  await key('Enter');
  const review = await waitScreen(/9\/10 Review/, 'step 7');
  assert.ok(review.includes(`dudforge build ${projectDir}`));
  assert.match(review, /Vendor\s+ACME Corp/);
  await key('Enter');
  const done = await waitScreen(/Done|9\/10 Review[\s\S]*✖/, 'Done', 600_000);
  assert.doesNotMatch(done, /9\/10 Review/, `the build stopped:\n${done}`);
  assert.match(done, /the driver disk is ready/, `the build failed:\n${done}`);
  assert.match(done, /inst\.dd=hd:LABEL=OEMDRV/);
  // The board's lines went with the board: nothing of it is left above Done (or in the scrollback).
  const history = tmux('capture-pane', '-p', '-S', '-', '-t', SESSION);
  assert.doesNotMatch(history, /✔ \S+\s+dudforge_dummy\.ko\s+\d/, `board lines left behind:\n${history}`);
  assert.doesNotMatch(history, /10\/10 Build/, 'the board screen is gone');
  await waitScreen(/Enter quit/, 'the Done screen ready for keys');
  // On a loaded machine the first key can arrive before the screen listens: try a few times.
  for (let attempt = 1; ; attempt++) {
    await key('Enter');
    try {
      await waitScreen(/EXIT=0/, 'exit code 0', 5_000);
      break;
    } catch (err) {
      if (attempt === 4) throw err;
    }
  }
  tmux('kill-session', '-t', SESSION);

  const answers = JSON.parse(readFileSync(join(projectDir, 'dudforge.json'), 'utf8'));
  const isoName = `dd-${answers.package.name}-${answers.package.version}-${answers.package.release}.iso`;
  const wizardIso = join(projectDir, 'out', isoName);
  assert.ok(existsSync(wizardIso), wizardIso);
  const replayOut = join(base, 'replay');
  const build = spawnSync('node', [main, 'build', projectDir, '--out', replayOut, '--plain'], { encoding: 'utf8', env: { ...process.env, CI: 'true' } });
  assert.equal(build.status, 0, build.stderr);
  assert.equal(sha256(join(replayOut, isoName)), sha256(wizardIso), 'byte-identical ISO from the wizard and from `dudforge build`');
});
