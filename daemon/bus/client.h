/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * A bus peer that holds lines: the holder kind of ClaimLine (core/line.h),
 * tracked with sd_bus_track so that its claims end when it disconnects (a claim
 * with persist is then kept by the daemon). A Client exists only while it holds
 * at least one line, so the daemon keeps nothing for peers that merely read.
 * Only the holder may drive its lines (or the daemon itself); its unique name
 * is the line's Owner.
 */

#include "bus/service.h"
#include "core/line.h"

/* Finds the client with unique bus name name, or starts tracking a new one.
 * Errors: -ENOMEM, errnos of sd_bus_track. */
int client_acquire(Service *s, const char *name, Client **ret);

/* The client with unique name sender, or NULL. */
Client *client_find(Service *s, const char *sender);

/* The holder a client is to its lines. */
LineHolder client_holder(Client *c);

/* The holder sender would be (its client's, or one that holds nothing): what the
 * line's drive and release rules compare with. */
LineHolder client_holder_of_sender(Service *s, const char *sender);

/* After line_claim() with client_holder(c) succeeded: records the claim, and whether it
 * persists when the client leaves. */
void client_note_claim(Client *c, Line *l, bool persist);

/* Frees the client if it holds no line (stopping the tracking). */
void client_free_if_unused(Client *c);

/* Frees the client unconditionally (its lines are not told). Returns NULL. */
Client *client_free(Client *c);

/* The client's unique bus name, e.g. ":1.42"; owned by the client. */
const char *client_get_name(const Client *c);

/* The client holder h is, or NULL when h is another kind of holder. */
Client *client_from_holder(const LineHolder *h);
