/* template.h - vmdeck's metadata in a domain's XML: the linked clones a base
 * (template) has, the base a linked clone depends on, and the guest's NAT
 * port forwards. */
#ifndef VMDECK_TEMPLATE_H
#define VMDECK_TEMPLATE_H

#include "internal.h"

#define VMDECK_XMLNS "urn:vmdeck:domain:1"
#define TEMPLATE_MAX_CLONES 256
#define META_MAX_FORWARDS 32

/* host port -> guest port on the guest's NIC on a NAT network */
struct meta_forward {
	char proto[4];
	unsigned host_port, guest_port;
	char network[ENG_NAME_MAX + 1];
};

struct vmdeck_meta {
	char base[ENG_NAME_MAX + 1];                       /* linked clone of this base */
	char lab_name[ENG_NAME_MAX + 1], lab_id[37];       /* a seat of this lab (made by lab up) */
	char lab_file[1024];
	char clones[TEMPLATE_MAX_CLONES][ENG_NAME_MAX + 1]; /* linked clones of this guest */
	int n_clones;
	bool is_template;
	struct meta_forward fwd[META_MAX_FORWARDS];
	int n_fwd;
};

/* What a lab's seat carries from the moment it is defined. */
struct eng_lab_mark {
	const char *name, *id, *file;
};
int eng_meta_read(virDomainPtr d, struct vmdeck_meta *m);
/* eng_domain_clone_many whose linked clones carry lab in their metadata. */
int eng_clone_many_marked(struct eng *e, const char *src, const char *const *dsts, size_t n, bool linked,
			  const struct eng_lab_mark *lab, struct eng_clone_report *reps, struct eng_error *errs,
			  int *rcs);
int eng_meta_write(virDomainPtr d, const struct vmdeck_meta *m);
/* The journal of a clone src -> dst on e (what its volumes will be), before
 * any disk is made; path: the file to unlink when the clone is done. */
int eng_clone_journal_write(struct eng *e, const char *src, const char *dst, char paths[][1024], size_t n,
			    char *path, size_t len, struct eng_error *err);
/* Refuses verb on vm while linked clones depend on its disks. */
int eng_template_refuse(struct eng *e, const char *vm, const char *verb, struct eng_error *err);
/* The base forgets a deleted clone (called when a linked clone is deleted). */
void eng_template_forget_clone(struct eng *e, const char *base, const char *clone);

#endif
