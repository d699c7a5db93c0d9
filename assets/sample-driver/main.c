// SPDX-License-Identifier: GPL-2.0
/*
 * dudforge sample driver: a dummy character device whose reads return a greeting.
 * It exists to be packaged: small, real, and built from two files and a compat header.
 */
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/string.h>
#include "dudforge_dummy.h"

static char *greeting = "hello from dudforge";
module_param(greeting, charp, 0444);
MODULE_PARM_DESC(greeting, "text returned by reading /dev/dudforge_dummy");

static int repeat = 1;
module_param(repeat, int, 0444);
MODULE_PARM_DESC(repeat, "how many times the greeting is repeated per read (1-4)");

char dudforge_greeting[DUDFORGE_GREETING_MAX];

/*
 * strlcpy is gone since 6.8 (strscpy replaced it); where the kernel still declares it we use
 * it, so the probe result visibly changes the code each kernel compiles.
 */
static void copy_greeting(char *dst, const char *src, size_t size)
{
#ifdef HAVE_STRLCPY
	strlcpy(dst, src, size);
#else
	strscpy(dst, src, size);
#endif
}

static int __init dudforge_dummy_init(void)
{
	int i, err;

	if (repeat < 1 || repeat > 4)
		return -EINVAL;
	dudforge_greeting[0] = '\0';
	for (i = 0; i < repeat; i++) {
		size_t used = strlen(dudforge_greeting);

		copy_greeting(dudforge_greeting + used, greeting, sizeof(dudforge_greeting) - used);
	}
	err = dudforge_chrdev_register();
	if (err)
		return err;
	pr_info(DUDFORGE_DUMMY_NAME ": loaded\n");
	return 0;
}

static void __exit dudforge_dummy_exit(void)
{
	dudforge_chrdev_unregister();
	pr_info(DUDFORGE_DUMMY_NAME ": unloaded\n");
}

module_init(dudforge_dummy_init);
module_exit(dudforge_dummy_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("dudforge authors <dudforge@example.org>");
MODULE_DESCRIPTION("dudforge sample driver: a dummy character device");
MODULE_VERSION("1.0.0");
