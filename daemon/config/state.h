/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Persistent state: the last settled value of each output with restore=yes,
 * kept in "<state-dir>/outputs" (an INI file, read with inih):
 *
 *     [output porch]
 *     value = on
 *
 * Writes are atomic (temporary file, fsync, rename, fsync of the directory)
 * and made by state_store_set_output() itself, before it returns: the caller
 * (a D-Bus handler) replies after the value is on disk, so an acknowledged
 * Set survives a kill -9 or a power cut. That costs one write and two fsyncs
 * per change (about a millisecond on a local disk; an SD card may take tens),
 * during which the event loop waits. A failed write (a full disk, a read-only
 * or missing directory) is logged once per run of failures and retried by a
 * timer, STATE_RETRY_MIN_US later and then at doubling intervals up to
 * STATE_RETRY_MAX_US, until it succeeds, a later change is written, or the
 * store is freed (which writes what is pending); it never stops the daemon.
 */

#include <systemd/sd-event.h>

#include "util/macro.h"

typedef struct StateStore StateStore;

/* A failed write is retried after STATE_RETRY_MIN_US, then at doubling intervals up to STATE_RETRY_MAX_US.
 */
#define STATE_RETRY_MIN_US USEC_PER_SEC
#define STATE_RETRY_MAX_US (30 * USEC_PER_SEC)

/*
 * Opens the store kept in dir (which need not exist yet: it is created on the
 * first write) and loads what it holds. A file that is not a regular file (a FIFO,
 * a device, a directory: refused before anything is read) or cannot be read is
 * logged and treated as empty; a malformed entry is logged and ignored (see
 * state_store_get_warnings()). event is used for retries of failed writes; the
 * store takes a reference. Errors: -ENOMEM.
 */
int state_store_new(sd_event *event, const char *dir, StateStore **ret);

/* Writes what is pending, then frees the store. Returns NULL. */
StateStore *state_store_free(StateStore *s);
DEFINE_TRIVIAL_CLEANUP_FUNC(StateStore *, state_store_free)

/* The saved value of output name: 0 with *ret set, or -ENOENT if none is saved. */
int state_store_get_output(StateStore *s, const char *name, bool *ret);

/* Records value for output name and, if it changed, writes the file before returning (a failed
 * write is logged and retried on a timer; the value is kept). Returns 0 or -ENOMEM. */
int state_store_set_output(StateStore *s, const char *name, bool value);

/* Writes the file now if a change is not on disk yet (a failed write). Returns 0 or a negative
 * errno (and schedules a retry). */
int state_store_flush(StateStore *s);

/* Most warnings one load keeps (and logs), and one more saying how many were left out. */
#define STATE_WARNINGS_MAX 50

/* What loading found wrong in the state file (an unreadable or non-regular file, a line that
 * is not text, a bad value), as "<file>:<line>: <message>" strings, each also logged as a
 * warning; NULL if nothing. Owned by the store. */
char *const *state_store_get_warnings(StateStore *s);

/* The path of the state file, owned by the store. */
const char *state_store_get_path(StateStore *s);
