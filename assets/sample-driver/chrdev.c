// SPDX-License-Identifier: GPL-2.0
/* dudforge sample driver: the character device, its class and its one device node. */
#include <linux/cdev.h>
#include <linux/device.h>
#include <linux/fs.h>
#include <linux/module.h>
#include <linux/string.h>
#include "dudforge_dummy.h"

static dev_t devt;
static struct cdev cdev;
static struct class *dummy_class;
static struct device *dummy_device;

static ssize_t dummy_read(struct file *file, char __user *buf, size_t len, loff_t *pos)
{
	return simple_read_from_buffer(buf, len, pos, dudforge_greeting, strlen(dudforge_greeting));
}

static const struct file_operations dummy_fops = {
	.owner = THIS_MODULE,
	.read = dummy_read,
	.llseek = default_llseek,
};

/* class_create lost its owner argument in 6.4; the probes tell us which form this kernel has. */
static struct class *dummy_class_create(void)
{
#if defined(HAVE_1_ARG_CLASS_CREATE)
	return class_create(DUDFORGE_DUMMY_NAME);
#elif defined(HAVE_2_ARG_CLASS_CREATE)
	return class_create(THIS_MODULE, DUDFORGE_DUMMY_NAME);
#else
#error "dudforge-compat.h defines neither HAVE_1_ARG_CLASS_CREATE nor HAVE_2_ARG_CLASS_CREATE"
#endif
}

int dudforge_chrdev_register(void)
{
	int err;

	err = alloc_chrdev_region(&devt, 0, 1, DUDFORGE_DUMMY_NAME);
	if (err)
		return err;
	cdev_init(&cdev, &dummy_fops);
	cdev.owner = THIS_MODULE;
	err = cdev_add(&cdev, devt, 1);
	if (err)
		goto free_region;
	dummy_class = dummy_class_create();
	if (IS_ERR(dummy_class)) {
		err = PTR_ERR(dummy_class);
		goto del_cdev;
	}
	dummy_device = device_create(dummy_class, NULL, devt, NULL, DUDFORGE_DUMMY_NAME);
	if (IS_ERR(dummy_device)) {
		err = PTR_ERR(dummy_device);
		goto destroy_class;
	}
	return 0;

destroy_class:
	class_destroy(dummy_class);
del_cdev:
	cdev_del(&cdev);
free_region:
	unregister_chrdev_region(devt, 1);
	return err;
}

void dudforge_chrdev_unregister(void)
{
	device_destroy(dummy_class, devt);
	class_destroy(dummy_class);
	cdev_del(&cdev);
	unregister_chrdev_region(devt, 1);
}
