/**
 * Who may import whom (docs/ARCHITECTURE.md), read from the source files themselves:
 *  - nothing under src/ loads React, Ink or a .tsx file;
 *  - nothing under src/ refers to screens/, except src/cli/load-face.ts, and only through a
 *    dynamic import() (the command line starting its Ink faces);
 *  - screens/ reach into src/ only through the engine's face, src/wizard/index.ts.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const FACADE = 'src/wizard/index.ts';
const LOADER = 'src/cli/load-face.ts';

interface Import {
  spec: string;
  dynamic: boolean;
}

/** Every module a source file names: static imports and re-exports, side-effect imports, import() and typeof import(). */
export function importsOf(text: string): Import[] {
  const found: Import[] = [];
  for (const m of text.matchAll(/^\s*(?:import|export)\s[^;]*?\sfrom\s*['"]([^'"]+)['"]/gms)) found.push({ spec: m[1], dynamic: false });
  for (const m of text.matchAll(/^\s*import\s*['"]([^'"]+)['"]/gm)) found.push({ spec: m[1], dynamic: false });
  for (const m of text.matchAll(/\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g)) found.push({ spec: m[1], dynamic: true });
  return found;
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
    const rel = join(dir, e.name);
    if (e.isDirectory()) out.push(...sourceFiles(rel));
    else if (/\.(ts|tsx)$/.test(e.name) && !e.name.endsWith('.d.ts')) out.push(rel);
  }
  return out;
}

/** The source file an import names (`./x.js` is x.ts or x.tsx), relative to the root; undefined for packages. */
function target(file: string, spec: string): string | undefined {
  if (!spec.startsWith('.')) return undefined;
  const base = join(dirname(file), spec).replace(/\.js$/, '');
  for (const ext of ['.ts', '.tsx']) if (existsSync(join(ROOT, base + ext))) return base + ext;
  return join(dirname(file), spec);
}

const UI_PACKAGES = /^(react|react-dom|ink)(\/|$)|^ink-|^@inkjs\//;

/** What is wrong with one file's imports under the rules above (empty when nothing). */
export function violations(file: string, text: string): string[] {
  const problems: string[] = [];
  for (const { spec, dynamic } of importsOf(text)) {
    const to = target(file, spec);
    if (file.startsWith('src/')) {
      if (UI_PACKAGES.test(spec)) problems.push(`${file} imports ${spec}`);
      const loading = file === LOADER && dynamic && to?.startsWith('screens/');
      if (to?.endsWith('.tsx') && !loading) problems.push(`${file} imports the .tsx file ${to}`);
      if (to?.startsWith('screens/') && !loading) problems.push(`${file} imports ${to} (only ${LOADER} may, through import())`);
    } else if (file.startsWith('screens/')) {
      if (to && !to.startsWith('screens/') && to !== FACADE) problems.push(`${file} imports ${to} (screens import src/ only through ${FACADE})`);
    }
  }
  return problems;
}

describe('import rules', () => {
  test('the checker sees the imports it is about (so the rules below can fail)', () => {
    assert.equal(violations('src/wizard/x.ts', "import { render } from 'ink';\n").length, 1);
    assert.equal(violations('src/wizard/x.ts', "import type { Key } from 'ink';\n").length, 1);
    assert.equal(violations('src/wizard/x.ts', "export { useKeys } from '../../screens/use-keys.js';\n").length, 1);
    assert.equal(violations('src/cli/x.ts', "const m = await import('../../screens/run-wizard.js');\n").length, 1);
    assert.deepEqual(violations(LOADER, "return import('../../screens/run-wizard.js');\n"), []);
    assert.equal(violations(LOADER, "import { runWizard } from '../../screens/run-wizard.js';\n").length, 1);
    assert.equal(violations('screens/X.tsx', "import { stepHeader } from '../src/wizard/steps.js';\n").length, 1);
    assert.deepEqual(violations('screens/X.tsx', "import {\n  stepHeader,\n  type StepId,\n} from '../src/wizard/index.js';\nimport { Hints } from './common.js';\n"), []);
  });

  test('src/ holds no React: no .tsx file, no react/ink import, screens/ only from the command line loader', () => {
    const files = sourceFiles('src');
    assert.ok(files.length > 50, 'the engine sources were found');
    assert.deepEqual(files.filter((f) => f.endsWith('.tsx')), []);
    assert.deepEqual(files.flatMap((f) => violations(f, readFileSync(join(ROOT, f), 'utf8'))), []);
  });

  test('screens/ import src/ through the one face', () => {
    const files = sourceFiles('screens');
    assert.ok(files.some((f) => f === 'screens/App.tsx'), 'the wizard root is with the screens');
    assert.deepEqual(files.flatMap((f) => violations(f, readFileSync(join(ROOT, f), 'utf8'))), []);
    assert.ok(files.some((f) => readFileSync(join(ROOT, f), 'utf8').includes("from '../src/wizard/index.js'")));
    assert.ok(relative(ROOT, join(ROOT, FACADE)) === FACADE && existsSync(join(ROOT, FACADE)));
  });
});
