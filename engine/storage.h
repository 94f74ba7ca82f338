/* storage.h - engine-internal storage helpers (see storage.c). */
#ifndef VMDECK_STORAGE_H
#define VMDECK_STORAGE_H

#include "internal.h"

/* Volume XML: a new sparse volume, or with backing set a qcow2 overlay on it. */
char *eng_vol_xml(const char *name, const char *format, unsigned long long capacity,
		  const char *backing, const char *backing_fmt);
virStoragePoolPtr eng_pool_get(struct eng *e, struct eng_error *err);
/* The directory of vmdeck's pool (made when missing). */
int eng_pool_dir(struct eng *e, char *out, size_t len, struct eng_error *err);
/* Where eng_pool_get makes the pool when it does not exist. */
void eng_pool_default_path(struct eng *e, char *buf, size_t len);
/* Free bytes of the filesystem the pool would be made on (this machine's
 * libvirt only; -1 otherwise). */
int eng_pool_space_before(struct eng *e, unsigned long long *avail);
/* Undoes a pool a failed operation made: only while it holds no volume
 * (its directory is removed too unless it existed before). */
void eng_pool_remove_new(struct eng *e, bool dir_existed);
/* New volume in vmdeck's pool; returns its path (malloc'd) or NULL. */
char *eng_vol_create(struct eng *e, const char *vol_name, const char *format,
		     unsigned long long capacity, struct eng_error *err);
char *eng_vol_import(struct eng *e, const char *vol_name, const char *src,
		     const char **format, struct eng_error *err);
int eng_vol_delete_path(struct eng *e, const char *path, struct eng_error *err);
/* path is a volume of vmdeck's own pool. */
bool eng_pool_vol_ours(struct eng *e, const char *path);
/* Deletes path only when it is a volume of vmdeck's own pool. */
int eng_pool_vol_delete(struct eng *e, const char *path, struct eng_error *err);
/* Refreshes vmdeck's pool (files qemu-img wrote become volumes). */
void eng_pool_refresh(struct eng *e);
/* Runs qemu-img with argv (never through a shell), progress from -p into the
 * job; the child dies with vmdeck; a cancelled job kills it. */
int eng_qemu_img(char *const argv[], const char *what, struct eng_error *err);
/* A foreign disk (vdi, vmdk, vhdx, vpc) converted into a new qcow2 volume of
 * vmdeck's pool (this machine's libvirt only); returns its path. */
char *eng_vol_convert(struct eng *e, const char *vol_name, const char *src, const char *src_fmt,
		      struct eng_error *err);
/* qcow2, raw, or a format to convert: vdi, vmdk, vhdx, vpc; "ova" for an OVA archive. */
int eng_disk_probe_format(const char *path, const char **format, unsigned long long *size,
			  struct eng_error *err);

#endif
