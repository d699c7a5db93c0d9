/* SPDX-License-Identifier: GPL-2.0 */
/* dudforge sample driver: what main.c and chrdev.c share. */
#ifndef DUDFORGE_DUMMY_H
#define DUDFORGE_DUMMY_H

#include <linux/types.h>

/*
 * Generated per kernel by dudforge's probes (from dudforge.probes) into the module's build
 * copy: it says which kernel APIs exist, so this one source builds on every kernel in the set.
 */
#include "dudforge-compat.h"

#define DUDFORGE_DUMMY_NAME "dudforge_dummy"
#define DUDFORGE_GREETING_MAX 64

/* The text a read() of /dev/dudforge_dummy returns, set from the module parameters. */
extern char dudforge_greeting[DUDFORGE_GREETING_MAX];

int dudforge_chrdev_register(void);
void dudforge_chrdev_unregister(void);

#endif
