/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <assert.h>
#include <stdio.h>

#include "bus/client.h"
#include "log.h"

typedef struct Claim {
        Line *line;
        bool persist;
} Claim;

struct Client {
        Service *service;
        char *name;
        sd_bus_track *track;
        Claim *claims; /* at most one per line of the daemon */
        size_t n_claims;
        bool leaving; /* disconnected: its claims are being ended */
        Client *next;
};

static void client_holder_dropped(void *holder, Line *l, LineDrop why)
{
        Client *c = holder;

        for (size_t i = 0; i < c->n_claims; i++)
                if (c->claims[i].line == l) {
                        c->claims[i] = c->claims[--c->n_claims];
                        break;
                }
        if (!c->leaving)
                client_free_if_unused(c);
}

static void client_holder_describe(void *holder, char *buf, size_t size)
{
        Client *c = holder;

        (void)snprintf(buf, size, "claimed by %s", c->name);
}

static const LineHolderOps client_ops = {
        .drive = LINE_DRIVE_HOLDER,
        .is_owner = true,
        .dropped = client_holder_dropped,
        .describe = client_holder_describe,
};

LineHolder client_holder(Client *c)
{
        return (LineHolder){ .ops = &client_ops, .data = c };
}

LineHolder client_holder_of_sender(Service *s, const char *sender)
{
        /* With data NULL it holds nothing: a peer without claims drives only lines anyone may. */
        return (LineHolder){ .ops = &client_ops, .data = client_find(s, sender) };
}

Client *client_from_holder(const LineHolder *h)
{
        return h && h->ops == &client_ops ? h->data : NULL;
}

static int on_client_gone(sd_bus_track *track, void *userdata)
{
        Client *c = userdata;

        log_debug("Client %s disconnected while holding %zu line(s)", c->name, c->n_claims);
        c->leaving = true;
        while (c->n_claims > 0) {
                Claim claim = c->claims[c->n_claims - 1];

                /* Either way the line calls client_holder_dropped(), which removes the claim. */
                if (claim.persist) {
                        log_debug("Line %s: kept by the daemon (persist), its owner %s left",
                                  line_get_object_name(claim.line), c->name);
                        line_keep(claim.line);
                } else {
                        log_debug("Line %s: released, its owner %s left", line_get_object_name(claim.line),
                                  c->name);
                        line_drop(claim.line, LINE_DROP_RELEASED);
                }
        }
        client_free(c);
        return 0;
}

Client *client_find(Service *s, const char *sender)
{
        if (!sender)
                return NULL;
        for (Client *c = s->clients; c; c = c->next)
                if (streq(c->name, sender))
                        return c;
        return NULL;
}

int client_acquire(Service *s, const char *name, Client **ret)
{
        Client *c;
        int r;

        assert(s);
        assert(name);

        c = client_find(s, name);
        if (c) {
                *ret = c;
                return 0;
        }

        c = calloc(1, sizeof(*c));
        if (!c)
                return -ENOMEM;
        c->service = s;
        c->name = strdup(name);
        if (!c->name) {
                free(c);
                return -ENOMEM;
        }
        r = sd_bus_track_new(s->bus, &c->track, on_client_gone, c);
        if (r >= 0)
                r = sd_bus_track_add_name(c->track, name);
        if (r < 0) {
                sd_bus_track_unref(c->track);
                free(c->name);
                free(c);
                return r;
        }
        c->next = s->clients;
        s->clients = c;
        *ret = c;
        return 0;
}

void client_note_claim(Client *c, Line *l, bool persist)
{
        Claim *n;

        assert(c);
        for (size_t i = 0; i < c->n_claims; i++)
                if (c->claims[i].line == l) {
                        c->claims[i].persist = persist;
                        return;
                }
        n = realloc(c->claims, (c->n_claims + 1) * sizeof(Claim));
        if (!n) {
                /* Cannot remember it: the claim ends now rather than outlive the client. */
                log_error("Client %s: out of memory recording its claim of line %s", c->name,
                          line_get_object_name(l));
                line_drop(l, LINE_DROP_RELEASED);
                return;
        }
        c->claims = n;
        c->claims[c->n_claims++] = (Claim){ .line = l, .persist = persist };
}

void client_free_if_unused(Client *c)
{
        if (c && c->n_claims == 0)
                client_free(c);
}

Client *client_free(Client *c)
{
        if (!c)
                return NULL;
        for (Client **p = &c->service->clients; *p; p = &(*p)->next)
                if (*p == c) {
                        *p = c->next;
                        break;
                }
        sd_bus_track_unref(c->track);
        free(c->claims);
        free(c->name);
        free(c);
        return NULL;
}

const char *client_get_name(const Client *c)
{
        return c->name;
}
