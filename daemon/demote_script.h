/*
 * demote GROUP script "PATH": run by the parent, as root, on every
 * change of the group's counter, as "PATH GROUP COUNTER".  One runs at
 * a time per group; changes meanwhile are folded into one more run with
 * the latest counter.  A script is killed after DEMOTE_SCRIPT_TIMEOUT
 * seconds, and refused unless root owns it and only root may write it.
 */
#ifndef HS_DAEMON_DEMOTE_SCRIPT_H
#define HS_DAEMON_DEMOTE_SCRIPT_H

#include <stdint.h>

#include <event2/event.h>

#define DEMOTE_SCRIPT_TIMEOUT	10

struct demote_scripts;

struct demote_scripts	*demote_scripts_new(struct event_base *);
/* Kills and reaps what still runs. */
void			 demote_scripts_free(struct demote_scripts *);
/*
 * At exit: run what is pending and wait for every script, each at
 * most its timeout, so the last counter reaches them.
 */
void			 demote_scripts_finish(struct demote_scripts *);
void			 demote_scripts_run(struct demote_scripts *,
			    const char *path, const char *group, int32_t value);

#endif /* HS_DAEMON_DEMOTE_SCRIPT_H */
