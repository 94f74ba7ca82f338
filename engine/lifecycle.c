/* lifecycle.c - start, pause, resume, power off, reboot, reset, managed save,
 * and the graceful shutdown that waits. */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"
#include "template.h"

static int do_start(virDomainPtr d) { return virDomainCreate(d); }
static int do_pause(virDomainPtr d) { return virDomainSuspend(d); }
static int do_resume(virDomainPtr d) { return virDomainResume(d); }
static int do_poweroff(virDomainPtr d) { return virDomainDestroy(d); }
static int do_reset(virDomainPtr d) { return virDomainReset(d, 0); }
static int do_save(virDomainPtr d) { return virDomainManagedSave(d, 0); }
static int do_reboot(virDomainPtr d)
{
	/* like shutdown: the agent when it answers, else ACPI */
	return virDomainReboot(d, VIR_DOMAIN_REBOOT_GUEST_AGENT | VIR_DOMAIN_REBOOT_ACPI_POWER_BTN);
}

/* One row per action: the call and the states it makes sense in, so the
 * refusal can say why before libvirt answers with its own wording. */
static const struct {
	const char *verb;
	int (*call)(virDomainPtr);
	unsigned ok_states;           /* bit per enum eng_state */
	const char *refusal;          /* when the state does not fit */
} actions[] = {
	[ENG_ACT_START] = { "start", do_start, 1u << ENG_ST_SHUTOFF | 1u << ENG_ST_CRASHED,
			    "it is already %s" },
	[ENG_ACT_PAUSE] = { "pause", do_pause, 1u << ENG_ST_RUNNING, "it is %s, not running" },
	[ENG_ACT_RESUME] = { "resume", do_resume, 1u << ENG_ST_PAUSED | 1u << ENG_ST_PMSUSPENDED,
			     "it is %s, not paused" },
	[ENG_ACT_POWEROFF] = { "poweroff", do_poweroff,
			       1u << ENG_ST_RUNNING | 1u << ENG_ST_PAUSED | 1u << ENG_ST_PMSUSPENDED |
				       1u << ENG_ST_CRASHED | 1u << ENG_ST_OTHER,
			       "it is already %s" },
	[ENG_ACT_REBOOT] = { "reboot", do_reboot, 1u << ENG_ST_RUNNING, "it is %s, not running" },
	[ENG_ACT_RESET] = { "reset", do_reset, 1u << ENG_ST_RUNNING | 1u << ENG_ST_PAUSED,
			    "it is %s, not running" },
	[ENG_ACT_SAVE] = { "save", do_save, 1u << ENG_ST_RUNNING | 1u << ENG_ST_PAUSED,
			   "it is %s, not running" },
};

int eng_domain_act(struct eng *e, const char *name, enum eng_action act,
		   struct eng_error *err)
{
	virDomainPtr d;
	int st, reason, ret = -1;
	enum eng_state s;

	if (eng_refuse_readonly(e, actions[act].verb, name, err) < 0)
		return -1;
	/* a template's disks are the base of linked clones: it must not run */
	if (act == ENG_ACT_START && eng_template_refuse(e, name, "start", err) < 0)
		return -1;
	if (!(d = eng_dom_lookup(e, name, err)))
		return -1;
	if (virDomainGetState(d, &st, &reason, 0) < 0) {
		eng_err_libvirt(err, "%s %s", actions[act].verb, name);
		goto out;
	}
	s = eng_state_from_libvirt(st);
	if (!(actions[act].ok_states & (1u << s))) {
		char why[64];
		snprintf(why, sizeof(why), actions[act].refusal, eng_state_name(s));
		eng_err_set(err, ENG_E_FAILED, "cannot %s %s: %s", actions[act].verb, name, why);
		goto out;
	}
	if (actions[act].call(d) < 0) {
		eng_err_libvirt(err, "cannot %s %s", actions[act].verb, name);
		goto out;
	}
	ret = 0;
out:
	virDomainFree(d);
	return ret;
}

int eng_domain_shutdown(struct eng *e, const char *name, int timeout_s,
			struct eng_error *err)
{
	virDomainPtr d;
	int st, reason, ret = -1;
	double deadline;

	if (eng_refuse_readonly(e, "shutdown", name, err) < 0)
		return -1;
	if (!(d = eng_dom_lookup(e, name, err)))
		return -1;
	if (virDomainGetState(d, &st, &reason, 0) == 0 && st == VIR_DOMAIN_SHUTOFF) {
		eng_err_set(err, ENG_E_FAILED, "cannot shutdown %s: it is already shutoff", name);
		goto out;
	}
	/* both flags: libvirt asks the agent when it is connected, else presses
	 * the ACPI power button (an agent-less guest does not stall the call) */
	if (virDomainShutdownFlags(d, VIR_DOMAIN_SHUTDOWN_GUEST_AGENT |
				      VIR_DOMAIN_SHUTDOWN_ACPI_POWER_BTN) < 0 &&
	    virDomainShutdown(d) < 0) {
		eng_err_libvirt(err, "cannot shutdown %s", name);
		goto out;
	}
	deadline = eng_now_s() + timeout_s;
	while (timeout_s > 0) {
		if (virDomainGetState(d, &st, &reason, 0) == 0 && st == VIR_DOMAIN_SHUTOFF) {
			ret = 0;
			goto out;
		}
		if (!eng_alive(e)) {   /* the daemon died or hangs: waiting longer answers nothing */
			eng_err_set(err, ENG_E_FAILED, "shutdown %s: the connection to %s was lost while waiting "
				    "(the guest may still shut down; 'vmdeck list' says when libvirtd is back)", name, e->uri);
			goto out;
		}
		if (eng_now_s() >= deadline) {
			eng_err_set(err, ENG_E_TIMEOUT,
				    "shutdown %s: still running after %d s (the guest ignored the request; "
				    "'vmdeck poweroff %s' stops it at once)", name, timeout_s, name);
			goto out;
		}
		if (eng_job_cancelled()) {
			eng_err_set(err, ENG_E_CANCELLED, "shutdown %s: stopped waiting (the guest may still "
				    "shut down)", name);
			goto out;
		}
		eng_job_progress((int)(100.0 * (1.0 - (deadline - eng_now_s()) / timeout_s)));
		usleep(100 * 1000);
	}
	ret = 0;
out:
	virDomainFree(d);
	return ret;
}
