/**
 * A staged tree that looks like a driver disk (rhdd3, rpms/x86_64 with repodata, src/), plus
 * the awkward cases: long names, a deep directory, symlinks, a multi-sector directory, an empty
 * file and files of exactly one sector and one byte more. Written to disk and described as the
 * IsoEntry list the writer takes, so tool output can be compared with the tree byte for byte.
 */
import { createHash } from 'node:crypto';
import { chmodSync, lstatSync, mkdirSync, readFileSync, readdirSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IsoEntry } from '../../src/iso/index.js';

/** Deterministic pseudo-random bytes, so fixtures are made from text, not checked in. */
export function bytesFrom(seed: string, length: number): Buffer {
  const out = Buffer.alloc(length);
  let block = createHash('sha256').update(seed).digest();
  for (let at = 0; at < length; at += block.length) {
    block.copy(out, at);
    block = createHash('sha256').update(block).digest();
  }
  return out;
}

export const PARENT_LINK = 'extra/up-link';
export const MANY_DIR = 'extra/many';
export const MANY_COUNT = 200;
/** 7z ignores continuation areas, so it reads names longer than this as level-1 names. */
export const LONGEST_NAME_FOR_7Z = 175;

export interface StagedTree {
  dir: string;
  entries: IsoEntry[];
}

export function stageDriverDiskTree(dir: string): StagedTree {
  const entries: IsoEntry[] = [];
  const hex = (s: string): string => createHash('sha256').update(s).digest('hex');
  const file = (path: string, data: Buffer, mode?: number, fromDisk = false): void => {
    const full = join(dir, path);
    mkdirSync(join(full, '..'), { recursive: true });
    writeFileSync(full, data);
    chmodSync(full, mode ?? 0o444);
    entries.push({ path, type: 'file', source: fromDisk ? { file: full } : data, ...(mode !== undefined ? { mode } : {}) });
  };
  const link = (path: string, target: string): void => {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    symlinkSync(target, join(dir, path));
    entries.push({ path, type: 'symlink', target });
  };

  file('rhdd3', Buffer.from('Driver Update Disk version 3'));
  file('rpms/x86_64/kmod-foo-1.0-1.el9_6.x86_64.rpm', bytesFrom('rpm1', 150_000), undefined, true);
  file('rpms/x86_64/kmod-foo-1.0-2.el9_6.x86_64.rpm', bytesFrom('rpm2', 70_001), undefined, true);
  for (const kind of ['primary.xml.gz', 'filelists.xml.gz', 'other.xml.gz']) {
    file(`rpms/x86_64/repodata/${hex(kind)}-${kind}`, bytesFrom(kind, 900));
  }
  file('rpms/x86_64/repodata/repomd.xml', Buffer.from('<?xml version="1.0" encoding="UTF-8"?>\n<repomd/>\n'));
  file('src/kmod-foo-1.0-1.el9_6.src.rpm', bytesFrom('srpm', 40_000), undefined, true);
  link('src/current.src.rpm', 'kmod-foo-1.0-1.el9_6.src.rpm');
  link(PARENT_LINK, '../rhdd3');
  file('extra/a/b/c/d/e/f/deepest.txt', Buffer.from('seven directories down\n'));
  file('extra/empty', Buffer.alloc(0));
  file('extra/one-sector.bin', bytesFrom('2048', 2048));
  file('extra/one-sector-and-a-byte.bin', bytesFrom('2049', 2049));
  file('extra/tool.sh', Buffer.from('#!/bin/sh\necho hi\n'), 0o755);
  // Too long for NM plus PX and TF in one record: PX/TF go to a continuation area.
  file(`extra/${'long-name-'.repeat(16)}.txt`, Buffer.from('a name of 164 bytes\n'));
  // Too long even for NM alone: the name itself is split between record and continuation area.
  file(`extra/${'longer-name-'.repeat(20)}.txt`, Buffer.from('a name of 244 bytes\n'));
  for (let i = 0; i < MANY_COUNT; i++) {
    file(`${MANY_DIR}/file-${String(i).padStart(4, '0')}.txt`, Buffer.from(`file ${i}\n`));
  }
  // Directories get the writer's default mode (0o555) on disk too, deepest first.
  const dirs: string[] = [];
  const collect = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) if (e.isDirectory()) collect(join(d, e.name)), dirs.push(join(d, e.name));
  };
  collect(dir);
  for (const d of dirs) chmodSync(d, 0o555);
  return { dir, entries };
}

export interface TreeItem {
  type: 'file' | 'dir' | 'symlink';
  mode: number;
  digest?: string;
  target?: string;
}

/** Every path under `dir` (relative, posix) with type, permission bits, content digest or link target. */
export function walkTree(dir: string): Map<string, TreeItem> {
  const out = new Map<string, TreeItem>();
  const visit = (rel: string): void => {
    for (const name of readdirSync(join(dir, rel)).sort()) {
      const path = rel ? `${rel}/${name}` : name;
      const full = join(dir, path);
      const st = lstatSync(full);
      const mode = st.mode & 0o7777;
      if (st.isSymbolicLink()) out.set(path, { type: 'symlink', mode, target: readlinkSync(full) });
      else if (st.isDirectory()) {
        out.set(path, { type: 'dir', mode });
        visit(path);
      } else out.set(path, { type: 'file', mode, digest: createHash('sha256').update(readFileSync(full)).digest('hex') });
    }
  };
  visit('');
  return out;
}

/** Remove a tree whose directories were made read-only. */
export function removeTree(dir: string): void {
  const unlock = (d: string): void => {
    try {
      chmodSync(d, 0o755);
    } catch {
      return;
    }
    for (const e of readdirSync(d, { withFileTypes: true })) if (e.isDirectory()) unlock(join(d, e.name));
  };
  unlock(dir);
  rmSync(dir, { recursive: true, force: true });
}
