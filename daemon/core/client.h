/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * A bus peer that holds lines, tracked with sd_bus_track so that its claims
 * are released when it disconnects. A Client exists only while it holds at
 * least one line, so the daemon keeps nothing for peers that merely read.
 */

#include "core/daemon.h"

/* Finds the client with unique bus name name, or starts tracking a new one.
 * Errors: -ENOMEM, errnos of sd_bus_track. */
int client_acquire(Daemon *d, const char *name, Client **ret);

/* Counts a line as held by / no longer held by the client. */
void client_add_line(Client *c);
void client_remove_line(Client *c);

/* Frees the client if it holds no line (stopping the tracking). */
void client_free_if_unused(Client *c);

/* Frees the client unconditionally. Returns NULL. */
Client *client_free(Client *c);

/* The client's unique bus name, e.g. ":1.42"; owned by the client. */
const char *client_get_name(const Client *c);

/* Whether the client is the peer with unique name sender (sender may be NULL). */
bool client_is(const Client *c, const char *sender);
