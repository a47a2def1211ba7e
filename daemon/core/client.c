/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include "core/client.h"
#include "core/line.h"
#include "log.h"

struct Client {
        Daemon *daemon;
        char *name;
        sd_bus_track *track;
        unsigned n_lines;
        Client *next;
};

static int on_client_gone(sd_bus_track *track, void *userdata)
{
        Client *c = userdata;
        Daemon *d = c->daemon;

        log_debug("Client %s disconnected while holding %u line(s)", c->name, c->n_lines);
        for (size_t i = 0; i < d->n_lines; i++)
                if (line_get_owner(d->lines[i]) == c)
                        line_owner_gone(d->lines[i]);
        client_free(c);
        return 0;
}

int client_acquire(Daemon *d, const char *name, Client **ret)
{
        Client *c;
        int r;

        for (c = d->clients; c; c = c->next)
                if (streq(c->name, name)) {
                        *ret = c;
                        return 0;
                }

        c = calloc(1, sizeof(*c));
        if (!c)
                return -ENOMEM;
        c->daemon = d;
        c->name = strdup(name);
        if (!c->name) {
                free(c);
                return -ENOMEM;
        }
        r = sd_bus_track_new(d->bus, &c->track, on_client_gone, c);
        if (r >= 0)
                r = sd_bus_track_add_name(c->track, name);
        if (r < 0) {
                sd_bus_track_unref(c->track);
                free(c->name);
                free(c);
                return r;
        }
        c->next = d->clients;
        d->clients = c;
        *ret = c;
        return 0;
}

void client_add_line(Client *c)
{
        c->n_lines++;
}

void client_remove_line(Client *c)
{
        if (c->n_lines > 0)
                c->n_lines--;
}

void client_free_if_unused(Client *c)
{
        if (c && c->n_lines == 0)
                client_free(c);
}

Client *client_free(Client *c)
{
        if (!c)
                return NULL;
        for (Client **p = &c->daemon->clients; *p; p = &(*p)->next)
                if (*p == c) {
                        *p = c->next;
                        break;
                }
        sd_bus_track_unref(c->track);
        free(c->name);
        free(c);
        return NULL;
}

const char *client_get_name(const Client *c)
{
        return c->name;
}

bool client_is(const Client *c, const char *sender)
{
        return c && sender && streq(c->name, sender);
}
