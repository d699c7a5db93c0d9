import type { Command } from '../command.js';
import { boolOption, listOption } from '../command.js';
import { discoverKernels } from '../../kernel/discover.js';
import { fetchDebianTree } from '../../kernel/fetch.js';
import type { KernelTree } from '../../kernel/tree.js';

export function kernelTable(trees: KernelTree[]): string {
  if (!trees.length) return 'no kernel build trees found';
  const rows = trees.map((t) => [
    t.release ?? '?',
    t.arch ?? '?',
    t.usable ? 'yes' : `no: ${t.reason}`,
    t.hasSymvers ? 'yes' : 'no',
    t.signFile ? 'yes' : 'no',
    t.compiler ?? '?',
    t.path,
  ]);
  const header = ['RELEASE', 'ARCH', 'USABLE', 'SYMVERS', 'SIGN-FILE', 'COMPILER', 'BUILD TREE'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}

export const kernelsCommand: Command = {
  name: 'kernels',
  summary: 'list the kernel build trees found on this machine',
  usage: 'kernels [--json] [--kernel-dir DIR]... [--fetch RELEASE]...',
  help: [
    '  --json              machine-readable output',
    '  --kernel-dir DIR    also inspect this build tree (repeatable)',
    '  --fetch RELEASE     download Debian\'s header package of RELEASE (e.g. 6.1.0-57-arm64, any',
    '                      architecture) and extract it into the cache; nothing is installed',
  ].join('\n'),
  options: { json: { type: 'boolean' }, 'kernel-dir': { type: 'string', multiple: true }, fetch: { type: 'string', multiple: true } },
  maxPositionals: 0,
  async run({ values }) {
    for (const release of listOption(values, 'fetch')) {
      await fetchDebianTree(release, { onInfo: (line) => process.stderr.write(`${line}\n`) });
    }
    const trees = discoverKernels(listOption(values, 'kernel-dir'));
    if (boolOption(values, 'json')) {
      process.stdout.write(`${JSON.stringify(trees, null, 2)}\n`);
    } else {
      process.stdout.write(`${kernelTable(trees)}\n`);
    }
    return 0;
  },
};
