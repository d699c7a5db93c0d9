import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, mkdirSync, writeFileSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kmodScriptlets } from '../../src/kmod/scriptlets.js';
import { makeShellRoot, addStub, readToolLog, runScriptlet } from './shell-root.js';

const KVER = '5.14.0-570.12.1.el9_6.x86_64';
const dir = `/lib/modules/${KVER}/extra/foo`;
const mods = [`${dir}/foo.ko`, `${dir}/foo_helper.ko`];
const scripts = kmodScriptlets({ kernelRelease: KVER, moduleFiles: mods });

describe('kmod scriptlets run by a real sh in a scratch root', () => {
  let base: string;
  let n = 0;
  before(() => {
    base = mkdtempSync(join(tmpdir(), 'dudforge-scriptlets-'));
  });
  after(() => rmSync(base, { recursive: true, force: true }));

  /** A fresh root with the modules installed (or not) and the given stub tools. */
  function root(opts: { modules: string[]; tools: Record<string, number>; kernelDir?: boolean }): string {
    const r = join(base, `r${n++}`);
    makeShellRoot(r);
    if (opts.kernelDir !== false) mkdirSync(join(r, dir), { recursive: true });
    for (const m of opts.modules) writeFileSync(join(r, m), 'ko');
    for (const [tool, code] of Object.entries(opts.tools)) addStub(r, tool, code);
    return r;
  }

  test('%post on install: weak-modules --add-modules gets the modules on stdin, then depmod -a <kver>', () => {
    const r = root({ modules: mods, tools: { depmod: 0, 'weak-modules': 0 } });
    assert.equal(runScriptlet(r, scripts.post, 1).code, 0);
    assert.equal(readToolLog(r), `weak-modules --add-modules\n  ${mods[0]}\n  ${mods[1]}\ndepmod -a ${KVER}\n`);
  });

  test('%post on upgrade does the same', () => {
    const r = root({ modules: mods, tools: { depmod: 0, 'weak-modules': 0 } });
    assert.equal(runScriptlet(r, scripts.post, 2).code, 0);
    assert.equal(readToolLog(r), `weak-modules --add-modules\n  ${mods[0]}\n  ${mods[1]}\ndepmod -a ${KVER}\n`);
  });

  test('%post without weak-modules (not RHEL) runs depmod only; without both does nothing and succeeds', () => {
    const r1 = root({ modules: mods, tools: { depmod: 0 } });
    assert.equal(runScriptlet(r1, scripts.post, 1).code, 0);
    assert.equal(readToolLog(r1), `depmod -a ${KVER}\n`);
    const r2 = root({ modules: mods, tools: {} });
    assert.equal(runScriptlet(r2, scripts.post, 1).code, 0);
    assert.equal(readToolLog(r2), '');
  });

  test('failing tools never fail the transaction', () => {
    const r = root({ modules: mods, tools: { depmod: 1, 'weak-modules': 3 } });
    assert.equal(runScriptlet(r, scripts.post, 1).code, 0);
    assert.equal(runScriptlet(r, scripts.postun, 0).code, 0);
    assert.match(readToolLog(r), /weak-modules --add-modules[\s\S]*depmod -a/);
  });

  test('%postun on erase ($1 = 0): every module goes to weak-modules --remove-modules', () => {
    const r = root({ modules: [], tools: { depmod: 0, 'weak-modules': 0 } });
    assert.equal(runScriptlet(r, scripts.postun, 0).code, 0);
    assert.equal(readToolLog(r), `weak-modules --remove-modules\n  ${mods[0]}\n  ${mods[1]}\ndepmod -a ${KVER}\n`);
  });

  test('%postun on upgrade ($1 = 1): only modules the new version dropped are removed', () => {
    const r = root({ modules: [mods[0]], tools: { depmod: 0, 'weak-modules': 0 } });
    assert.equal(runScriptlet(r, scripts.postun, 1).code, 0);
    assert.equal(readToolLog(r), `weak-modules --remove-modules\n  ${mods[1]}\ndepmod -a ${KVER}\n`);
    const r2 = root({ modules: mods, tools: { depmod: 0, 'weak-modules': 0 } });
    assert.equal(runScriptlet(r2, scripts.postun, 1).code, 0);
    assert.equal(readToolLog(r2), `depmod -a ${KVER}\n`);
  });

  test('%postun after the kernel itself is gone skips depmod', () => {
    const r = root({ modules: [], tools: { depmod: 0 }, kernelDir: false });
    assert.equal(runScriptlet(r, scripts.postun, 0).code, 0);
    assert.equal(readToolLog(r), '');
  });

  test('module deleted between post and postun of an upgrade is still reported once', () => {
    const r = root({ modules: mods, tools: { 'weak-modules': 0 } });
    unlinkSync(join(r, mods[0]));
    unlinkSync(join(r, mods[1]));
    assert.equal(runScriptlet(r, scripts.postun, 2).code, 0);
    assert.equal(readToolLog(r), `weak-modules --remove-modules\n  ${mods[0]}\n  ${mods[1]}\n`);
  });

  test('rejects module paths that would need quoting', () => {
    assert.throws(() => kmodScriptlets({ kernelRelease: KVER, moduleFiles: ['/lib/modules/x/a b.ko'] }));
  });
});
