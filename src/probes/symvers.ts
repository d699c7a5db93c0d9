/**
 * Export probes read the build tree's Module.symvers: a symbol listed there can be linked by a
 * module, no compile needed. The file is parsed by kmod/symvers.ts (which also knows the column
 * order of Linux 5.4–5.7), keeping only the symbols the probes ask about.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseSymvers, type Symvers } from '../kmod/symvers.js';

/** Which of `symbols` the tree exports, or undefined when it has no Module.symvers. */
export function readExports(buildTree: string, symbols: ReadonlySet<string>): Symvers | undefined {
  let text: string;
  try {
    text = readFileSync(join(buildTree, 'Module.symvers'), 'utf8');
  } catch {
    return undefined;
  }
  return parseSymvers(text, symbols);
}
