/**
 * The bench's synthetic driver: one module built from N source files of ordinary kernel-style C
 * (rb-trees, lists, locks, kref, work items, sort, crc32, a command state machine), a few hundred
 * lines each, using only APIs that exist unchanged on every kernel from 6.1 to 6.12, so it builds
 * everywhere without probes. Generated from text; nothing binary is checked in.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const SYNTH_MODULE = 'synth_bench';

function header(files: number): string {
  const decls = Array.from({ length: files }, (_, i) => `int synth_${pad(i)}_selftest(unsigned int rounds);\nvoid synth_${pad(i)}_shutdown(void);`).join('\n');
  return `/* SPDX-License-Identifier: GPL-2.0 */
#ifndef SYNTH_BENCH_H
#define SYNTH_BENCH_H
#include <linux/types.h>

#define SYNTH_NAME_MAX 32
#define SYNTH_SLOTS 256

enum synth_state { SYNTH_IDLE, SYNTH_OPEN, SYNTH_BUSY, SYNTH_DRAIN, SYNTH_ERROR, SYNTH_CLOSED };

${decls}
#endif
`;
}

function pad(i: number): string {
  return String(i).padStart(2, '0');
}

/** One source file of the synthetic driver (~320 lines). */
export function synthSource(i: number): string {
  const p = `synth_${pad(i)}`;
  const handlers = Array.from({ length: 8 }, (_, h) => handler(p, h)).join('\n');
  const dispatch = Array.from({ length: 8 }, (_, h) => `\tcase ${h}:\n\t\treturn ${p}_handle_${h}(t, e, arg);`).join('\n');
  return `// SPDX-License-Identifier: GPL-2.0
/*
 * Synthetic bench source ${i}: a keyed table of reference-counted entries with an LRU list,
 * a slot bitmap, a deferred work item and a small command state machine.
 */
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/list.h>
#include <linux/rbtree.h>
#include <linux/spinlock.h>
#include <linux/mutex.h>
#include <linux/kref.h>
#include <linux/bitmap.h>
#include <linux/string.h>
#include <linux/sort.h>
#include <linux/crc32.h>
#include <linux/workqueue.h>
#include <linux/jiffies.h>
#include <linux/err.h>
#include "synth_bench.h"

struct ${p}_entry {
	struct rb_node node;
	struct list_head lru;
	struct kref ref;
	u32 key;
	u32 crc;
	enum synth_state state;
	unsigned long touched;
	char name[SYNTH_NAME_MAX];
};

struct ${p}_table {
	spinlock_t lock;
	struct mutex mutex;
	struct rb_root root;
	struct list_head lru;
	DECLARE_BITMAP(used, SYNTH_SLOTS);
	unsigned int count;
	unsigned int evicted;
	u32 checksum;
	struct work_struct work;
};

static struct ${p}_table ${p}_tab;

static void ${p}_entry_release(struct kref *ref)
{
	struct ${p}_entry *e = container_of(ref, struct ${p}_entry, ref);

	kfree(e);
}

static void ${p}_entry_put(struct ${p}_entry *e)
{
	if (e)
		kref_put(&e->ref, ${p}_entry_release);
}

static struct ${p}_entry *${p}_find_locked(struct ${p}_table *t, u32 key)
{
	struct rb_node *n = t->root.rb_node;

	while (n) {
		struct ${p}_entry *e = rb_entry(n, struct ${p}_entry, node);

		if (key < e->key)
			n = n->rb_left;
		else if (key > e->key)
			n = n->rb_right;
		else
			return e;
	}
	return NULL;
}

static int ${p}_insert_locked(struct ${p}_table *t, struct ${p}_entry *new)
{
	struct rb_node **link = &t->root.rb_node, *parent = NULL;

	while (*link) {
		struct ${p}_entry *e = rb_entry(*link, struct ${p}_entry, node);

		parent = *link;
		if (new->key < e->key)
			link = &(*link)->rb_left;
		else if (new->key > e->key)
			link = &(*link)->rb_right;
		else
			return -EEXIST;
	}
	rb_link_node(&new->node, parent, link);
	rb_insert_color(&new->node, &t->root);
	list_add_tail(&new->lru, &t->lru);
	t->count++;
	return 0;
}

static struct ${p}_entry *${p}_lookup(struct ${p}_table *t, u32 key)
{
	struct ${p}_entry *e;

	spin_lock(&t->lock);
	e = ${p}_find_locked(t, key);
	if (e) {
		kref_get(&e->ref);
		e->touched = jiffies;
		list_move_tail(&e->lru, &t->lru);
	}
	spin_unlock(&t->lock);
	return e;
}

static struct ${p}_entry *${p}_add(struct ${p}_table *t, u32 key, const char *name)
{
	struct ${p}_entry *e;
	unsigned long slot;
	int err;

	e = kzalloc(sizeof(*e), GFP_KERNEL);
	if (!e)
		return ERR_PTR(-ENOMEM);
	kref_init(&e->ref);
	e->key = key;
	e->state = SYNTH_IDLE;
	e->touched = jiffies;
	strscpy(e->name, name, sizeof(e->name));
	e->crc = crc32_le(~0U, (const u8 *)e->name, strlen(e->name));

	spin_lock(&t->lock);
	slot = find_first_zero_bit(t->used, SYNTH_SLOTS);
	if (slot >= SYNTH_SLOTS) {
		spin_unlock(&t->lock);
		kfree(e);
		return ERR_PTR(-ENOSPC);
	}
	err = ${p}_insert_locked(t, e);
	if (!err)
		__set_bit(slot, t->used);
	spin_unlock(&t->lock);
	if (err) {
		kfree(e);
		return ERR_PTR(err);
	}
	return e;
}

static void ${p}_remove_locked(struct ${p}_table *t, struct ${p}_entry *e)
{
	unsigned long slot = find_first_bit(t->used, SYNTH_SLOTS);

	rb_erase(&e->node, &t->root);
	list_del_init(&e->lru);
	if (slot < SYNTH_SLOTS)
		__clear_bit(slot, t->used);
	t->count--;
}

static unsigned int ${p}_evict(struct ${p}_table *t, unsigned int keep)
{
	struct ${p}_entry *e, *tmp;
	LIST_HEAD(victims);
	unsigned int n = 0;

	spin_lock(&t->lock);
	list_for_each_entry_safe(e, tmp, &t->lru, lru) {
		if (t->count <= keep)
			break;
		${p}_remove_locked(t, e);
		list_add(&e->lru, &victims);
		n++;
	}
	t->evicted += n;
	spin_unlock(&t->lock);

	list_for_each_entry_safe(e, tmp, &victims, lru) {
		list_del(&e->lru);
		${p}_entry_put(e);
	}
	return n;
}

static int ${p}_cmp_u32(const void *a, const void *b)
{
	u32 x = *(const u32 *)a, y = *(const u32 *)b;

	return x < y ? -1 : x > y ? 1 : 0;
}

static u32 ${p}_checksum(struct ${p}_table *t)
{
	struct rb_node *n;
	u32 *keys, sum = 0;
	unsigned int i = 0, count;

	mutex_lock(&t->mutex);
	spin_lock(&t->lock);
	count = t->count;
	spin_unlock(&t->lock);
	keys = kcalloc(count ? count : 1, sizeof(*keys), GFP_KERNEL);
	if (!keys) {
		mutex_unlock(&t->mutex);
		return 0;
	}
	spin_lock(&t->lock);
	for (n = rb_first(&t->root); n && i < count; n = rb_next(n))
		keys[i++] = rb_entry(n, struct ${p}_entry, node)->crc;
	spin_unlock(&t->lock);
	sort(keys, i, sizeof(*keys), ${p}_cmp_u32, NULL);
	sum = crc32_le(sum, (const u8 *)keys, i * sizeof(*keys));
	sum ^= bitmap_weight(t->used, SYNTH_SLOTS);
	kfree(keys);
	t->checksum = sum;
	mutex_unlock(&t->mutex);
	return sum;
}

static void ${p}_work_fn(struct work_struct *work)
{
	struct ${p}_table *t = container_of(work, struct ${p}_table, work);

	${p}_evict(t, SYNTH_SLOTS / 2);
	${p}_checksum(t);
}
${handlers}
static int ${p}_dispatch(struct ${p}_table *t, struct ${p}_entry *e, unsigned int cmd, unsigned long arg)
{
	switch (cmd % 8) {
${dispatch}
	default:
		return -EINVAL;
	}
}

int ${p}_selftest(unsigned int rounds)
{
	struct ${p}_table *t = &${p}_tab;
	char name[SYNTH_NAME_MAX];
	unsigned int r, ok = 0;

	spin_lock_init(&t->lock);
	mutex_init(&t->mutex);
	t->root = RB_ROOT;
	INIT_LIST_HEAD(&t->lru);
	bitmap_zero(t->used, SYNTH_SLOTS);
	INIT_WORK(&t->work, ${p}_work_fn);

	for (r = 0; r < rounds; r++) {
		struct ${p}_entry *e;

		snprintf(name, sizeof(name), "${p}-%u", r);
		e = ${p}_add(t, r * 2654435761U, name);
		if (IS_ERR(e))
			continue;
		e = ${p}_lookup(t, r * 2654435761U);
		if (e && ${p}_dispatch(t, e, r, r) >= 0)
			ok++;
		${p}_entry_put(e);
	}
	schedule_work(&t->work);
	flush_work(&t->work);
	pr_debug("${p}: %u of %u ok, checksum %08x\\n", ok, rounds, t->checksum);
	return ok == rounds ? 0 : -EIO;
}

void ${p}_shutdown(void)
{
	cancel_work_sync(&${p}_tab.work);
	${p}_evict(&${p}_tab, 0);
}
`;
}

function handler(p: string, h: number): string {
  return `
static int ${p}_handle_${h}(struct ${p}_table *t, struct ${p}_entry *e, unsigned long arg)
{
	int ret = 0;

	spin_lock(&t->lock);
	switch (e->state) {
	case SYNTH_IDLE:
		e->state = (arg & ${1 << (h % 4)}) ? SYNTH_OPEN : SYNTH_IDLE;
		break;
	case SYNTH_OPEN:
		if (arg % ${h + 3} == 0)
			e->state = SYNTH_BUSY;
		e->crc ^= (u32)arg << ${h};
		break;
	case SYNTH_BUSY:
		e->state = time_after(jiffies, e->touched + HZ) ? SYNTH_DRAIN : SYNTH_BUSY;
		break;
	case SYNTH_DRAIN:
		e->state = t->count > ${16 + h} ? SYNTH_CLOSED : SYNTH_IDLE;
		break;
	case SYNTH_ERROR:
		ret = -EIO;
		break;
	case SYNTH_CLOSED:
		ret = -ESHUTDOWN;
		break;
	}
	spin_unlock(&t->lock);
	return ret;
}
`;
}

function mainSource(files: number): string {
  const tests = Array.from({ length: files }, (_, i) => `\terr = synth_${pad(i)}_selftest(rounds);\n\tif (err)\n\t\tgoto fail;`).join('\n');
  const shutdowns = Array.from({ length: files }, (_, i) => `\tsynth_${pad(i)}_shutdown();`).join('\n');
  return `// SPDX-License-Identifier: GPL-2.0
#include <linux/module.h>
#include <linux/moduleparam.h>
#include "synth_bench.h"

static unsigned int rounds = 64;
module_param(rounds, uint, 0444);
MODULE_PARM_DESC(rounds, "self-test rounds per table");

static void synth_shutdown_all(void)
{
${shutdowns}
}

static int __init synth_init(void)
{
	int err;

${tests}
	return 0;
fail:
	synth_shutdown_all();
	return err;
}

static void __exit synth_exit(void)
{
	synth_shutdown_all();
}

module_init(synth_init);
module_exit(synth_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("dudforge bench: synthetic multi-file driver");
MODULE_VERSION("1.0.0");
`;
}

/** Write the synthetic driver (Kbuild, header, main file and `files` sources) into dir. */
export function writeSynthDriver(dir: string, files = 24): void {
  mkdirSync(dir, { recursive: true });
  const objs = ['synth_main.o', ...Array.from({ length: files }, (_, i) => `synth_${pad(i)}.o`)];
  writeFileSync(join(dir, 'Kbuild'), `obj-m := ${SYNTH_MODULE}.o\n${SYNTH_MODULE}-y := ${objs.join(' ')}\n`);
  writeFileSync(join(dir, 'synth_bench.h'), header(files));
  writeFileSync(join(dir, 'synth_main.c'), mainSource(files));
  for (let i = 0; i < files; i++) writeFileSync(join(dir, `synth_${pad(i)}.c`), synthSource(i));
}
