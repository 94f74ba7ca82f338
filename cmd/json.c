/* json.c - the JSON shapes of ARCHITECTURE.md, built with json-c. */
#include "json.h"

json_object *cmd_json_strings(const char (*v)[16], int n)
{
	json_object *a = json_object_new_array();

	for (int i = 0; i < n; i++)
		json_object_array_add(a, json_object_new_string(v[i]));
	return a;
}

json_object *cmd_json_summary(const struct eng_dom_summary *s)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "name", json_object_new_string(s->name));
	json_object_object_add(o, "uuid", json_object_new_string(s->uuid));
	json_object_object_add(o, "state", json_object_new_string(eng_state_name(s->state)));
	json_object_object_add(o, "cpus", json_object_new_int((int)s->cpus));
	json_object_object_add(o, "memory_mib", json_object_new_int64((int64_t)s->memory_mib));
	json_object_object_add(o, "ipv4", cmd_json_strings((const char (*)[16])s->ipv4, s->n_ipv4));
	json_object_object_add(o, "autostart", json_object_new_boolean(s->autostart));
	json_object_object_add(o, "persistent", json_object_new_boolean(s->persistent));
	return o;
}

static json_object *triple(unsigned long long live, unsigned long long config,
			   unsigned long long max)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "live", json_object_new_int64((int64_t)live));
	json_object_object_add(o, "config", json_object_new_int64((int64_t)config));
	json_object_object_add(o, "max", json_object_new_int64((int64_t)max));
	return o;
}

static json_object *str_or_null(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

json_object *cmd_json_info(const struct eng_dom_info *i, const struct eng_accel_choice *acc)
{
	json_object *o = cmd_json_summary(&i->s), *disks, *nics, *snap;

	json_object_object_add(o, "cpus", triple(i->cpus_live, i->cpus_config, i->cpus_max));
	json_object_object_add(o, "memory_mib",
			       triple(i->mem_live_mib, i->mem_config_mib, i->mem_max_mib));
	disks = json_object_new_array();
	for (size_t k = 0; k < i->n_disks; k++) {
		const struct eng_disk *d = &i->disks[k];
		json_object *jd = json_object_new_object();
		json_object_object_add(jd, "target", str_or_null(d->target));
		json_object_object_add(jd, "device", str_or_null(d->device));
		json_object_object_add(jd, "bus", str_or_null(d->bus));
		json_object_object_add(jd, "format", str_or_null(d->format));
		json_object_object_add(jd, "source", str_or_null(d->source));
		json_object_object_add(jd, "backing", str_or_null(d->backing));
		json_object_object_add(jd, "capacity_bytes", json_object_new_int64((int64_t)d->capacity));
		json_object_object_add(jd, "allocation_bytes",
				       json_object_new_int64((int64_t)d->allocation));
		json_object_array_add(disks, jd);
	}
	json_object_object_add(o, "disks", disks);
	nics = json_object_new_array();
	for (size_t k = 0; k < i->n_nics; k++) {
		const struct eng_nic *n = &i->nics[k];
		json_object *jn = json_object_new_object();
		json_object_object_add(jn, "mac", str_or_null(n->mac));
		json_object_object_add(jn, "type", str_or_null(n->type));
		json_object_object_add(jn, "network", str_or_null(n->network));
		json_object_object_add(jn, "model", str_or_null(n->model));
		json_object_object_add(jn, "ipv4", cmd_json_strings((const char (*)[16])n->ipv4, n->n_ipv4));
		json_object_array_add(nics, jn);
	}
	json_object_object_add(o, "nics", nics);
	json_object_object_add(o, "virt_type", str_or_null(i->virt_type));
	json_object_object_add(o, "firmware", str_or_null(i->firmware));
	json_object_object_add(o, "accel", json_object_new_string(acc->accel));
	json_object_object_add(o, "kernel", str_or_null(i->kernel));
	snap = json_object_new_object();
	json_object_object_add(snap, "count", json_object_new_int(i->n_snapshots));
	json_object_object_add(snap, "current", str_or_null(i->current_snapshot));
	json_object_object_add(o, "snapshots", snap);
	json_object_object_add(o, "managed_save", json_object_new_boolean(i->managed_save));
	json_object_object_add(o, "agent_channel", json_object_new_boolean(i->has_agent_channel));
	return o;
}

void cmd_json_print(FILE *f, json_object *o)
{
	fprintf(f, "%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
							     JSON_C_TO_STRING_SPACED |
							     JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
}
