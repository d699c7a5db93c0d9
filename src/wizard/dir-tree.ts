/**
 * The directory tree that step 3 browses: loaded once from disk (every directory with the
 * modules its Makefile/Kbuild names), then expanded, collapsed and filtered purely.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readKbuildDir } from '../import/kbuild-lines.js';

export interface DirNode {
  /** Path relative to the tree root, '.' for the root itself. */
  rel: string;
  name: string;
  depth: number;
  parent?: string;
  children: string[];
  /** Modules named by this directory's Makefile/Kbuild (`obj-… += name.o`). */
  modules: string[];
}

export interface DirTree {
  root: string;
  nodes: Record<string, DirNode>;
  /** True when the walk stopped at the node limit. */
  truncated: boolean;
}

const SKIP = new Set(['.git', '.svn', '.hg', 'node_modules', '.tmp_versions']);

function modulesOf(dir: string): string[] {
  try {
    return readKbuildDir(dir)?.modules.map((m) => m.name) ?? [];
  } catch {
    return [];
  }
}

/** Walks `root` breadth first (a kernel tree has ~5000 directories; the limit guards worse). */
export function loadDirTree(root: string, limit = 30000): DirTree {
  const nodes: Record<string, DirNode> = {};
  nodes['.'] = { rel: '.', name: '.', depth: 0, children: [], modules: modulesOf(root) };
  const queue = ['.'];
  let count = 1;
  let truncated = false;
  while (queue.length) {
    const rel = queue.shift()!;
    const abs = rel === '.' ? root : join(root, rel);
    let entries: string[];
    try {
      entries = readdirSync(abs, { withFileTypes: true })
        .filter((e) => e.isDirectory() && !SKIP.has(e.name) && !e.name.startsWith('.'))
        .map((e) => e.name)
        .sort();
    } catch {
      continue;
    }
    for (const name of entries) {
      if (count >= limit) {
        truncated = true;
        break;
      }
      const childRel = rel === '.' ? name : `${rel}/${name}`;
      nodes[childRel] = { rel: childRel, name, depth: nodes[rel].depth + 1, parent: rel, children: [], modules: modulesOf(join(root, childRel)) };
      nodes[rel].children.push(childRel);
      queue.push(childRel);
      count++;
    }
  }
  return { root, nodes, truncated };
}

/** The rows to show: expanded branches, or with a filter every match and its ancestors. */
export function visibleDirs(tree: DirTree, expanded: readonly string[], filter: string): DirNode[] {
  const rows: DirNode[] = [];
  const needle = filter.trim().toLowerCase();
  if (needle) {
    const keep = new Set<string>();
    for (const node of Object.values(tree.nodes)) {
      if (node.rel.toLowerCase().includes(needle) || node.modules.some((m) => m.toLowerCase().includes(needle))) {
        for (let p: string | undefined = node.rel; p !== undefined && !keep.has(p); p = tree.nodes[p].parent) keep.add(p);
      }
    }
    const walk = (rel: string) => {
      if (!keep.has(rel)) return;
      rows.push(tree.nodes[rel]);
      tree.nodes[rel].children.forEach(walk);
    };
    walk('.');
    return rows;
  }
  const open = new Set(expanded);
  const walk = (rel: string) => {
    const node = tree.nodes[rel];
    rows.push(node);
    if (rel === '.' || open.has(rel)) node.children.forEach(walk);
  };
  walk('.');
  return rows;
}
