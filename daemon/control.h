/*
 * The control socket: created by the parent (control_listen), served
 * by the PFE (control_new).  Each client is a framed channel; who it is
 * comes from SO_PEERCRED when it connects.
 */
#ifndef HS_DAEMON_CONTROL_H
#define HS_DAEMON_CONTROL_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <event2/event.h>

#include "core/ctl.h"
#include "core/msg.h"

/*
 * Who may connect.  Every client holds a slot; the last
 * CONTROL_RESERVED slots are kept for clients that may change state
 * (root and the socket's group), and no user but root holds more than
 * CONTROL_PER_USER: a reader holding monitors cannot lock root out.  A
 * client refused gets one failure line saying why, then is closed.
 */
#define CONTROL_CLIENTS_MAX	128
#define CONTROL_RESERVED	16
#define CONTROL_PER_USER	32
#define CONTROL_BACKLOG		16

struct control;

/*
 * A client's request.  may_modify: the client is root or in the
 * socket's group.  gen: the configuration generation the request's ids
 * belong to, 0 for the running one (what hoststatectl sends).  The
 * handler answers with control_send, now or later.
 */
typedef void	(*control_request_fn)(void *arg, uint32_t client,
		    bool may_modify, uint32_t gen, const struct ctl_request *);

/*
 * Bind the socket at path, mode 0660, owned by root and group gid
 * ((gid_t)-1: unchanged).  Refuses if a daemon answers there already;
 * removes a stale socket.  Returns the listening descriptor or -1.
 */
int		 control_listen(const char *path, gid_t gid);
/* Remove the socket at path (shutdown); errors are logged. */
void		 control_unlink(const char *path);

struct control	*control_new(struct event_base *, int listenfd,
		    control_request_fn, void *arg);
void		 control_free(struct control *);
/*
 * A client on a socketpair of ours (the metrics process): read-only
 * whoever made the pair, only show metrics, never dropped for idling and
 * outside the slots of control_listen's clients.  -1 has closed fd.
 */
int		 control_attach(struct control *, int fd);
/* To one client; 0, or -1 if it is gone or too slow (then dropped). */
int		 control_send(struct control *, uint32_t client,
		    const struct msg *);
/* An answer that ends with a failure line. */
int		 control_fail(struct control *, uint32_t client, const char *);
/* Make the client a monitor: it gets every event from now on. */
void		 control_monitor(struct control *, uint32_t client);
/* To every monitor client; gen: the generation of the event's ids. */
void		 control_event(struct control *, const struct ctl_event *,
		    uint32_t gen);
/* A relay session's end, to the monitors; how many there were. */
size_t		 control_session_end(struct control *,
		    const struct ctl_session *, uint32_t gen);

#endif /* HS_DAEMON_CONTROL_H */
