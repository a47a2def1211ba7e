/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Persistent state: the last settled value of each output with restore=yes,
 * kept in "<state-dir>/outputs" (an INI file, read with inih):
 *
 *     [output porch]
 *     value = on
 *
 * Writes are atomic (temporary file, fsync, rename, fsync of the directory),
 * never made by the caller of state_store_set_output() (a D-Bus handler) but
 * by a timer on the event loop, and at most one per second: a change is
 * written on the next loop iteration, or when the second since the last write
 * is over; whatever is pending is written by state_store_flush() and when the
 * store is freed. Write failures are logged,
 * once per run of failures, and never stop the daemon.
 */

#include <systemd/sd-event.h>

#include "util/macro.h"

typedef struct StateStore StateStore;

/* Minimum time between two writes of the state file, in µs. */
#define STATE_WRITE_INTERVAL_US USEC_PER_SEC

/*
 * Opens the store kept in dir (which need not exist yet: it is created on the
 * first write) and loads what it holds. A file that is not a regular file (a FIFO,
 * a device, a directory: refused before anything is read) or cannot be read is
 * logged and treated as empty; a malformed entry is logged and ignored (see
 * state_store_get_warnings()). event is used for deferred writes; the store
 * takes a reference. Errors: -ENOMEM.
 */
int state_store_new(sd_event *event, const char *dir, StateStore **ret);

/* Writes what is pending, then frees the store. Returns NULL. */
StateStore *state_store_free(StateStore *s);
DEFINE_TRIVIAL_CLEANUP_FUNC(StateStore *, state_store_free)

/* The saved value of output name: 0 with *ret set, or -ENOENT if none is saved. */
int state_store_get_output(StateStore *s, const char *name, bool *ret);

/* Records value for output name and schedules a write if it changed. Returns 0 or -ENOMEM. */
int state_store_set_output(StateStore *s, const char *name, bool value);

/* Writes the file now if anything changed since the last write. Returns 0 or a negative errno. */
int state_store_flush(StateStore *s);

/* What loading found wrong in the state file (an unreadable or non-regular file, a line that
 * is not text, a bad value), as "<file>:<line>: <message>" strings, each also logged as a
 * warning; NULL if nothing. Owned by the store. */
char *const *state_store_get_warnings(StateStore *s);

/* The path of the state file, owned by the store. */
const char *state_store_get_path(StateStore *s);
