/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bus/object.h"
#include "util/macro.h"
#include "util/strv.h"

/* What each registered callback gets: the daemon and the kind. Owned by the sd-bus slot. */
typedef struct Registration {
        Daemon *daemon;
        const BusObjectType *type;
} Registration;

static int object_find(sd_bus *bus, const char *path, const char *interface, void *userdata, void **found,
                       sd_bus_error *error)
{
        Registration *reg = userdata;
        void *o;

        for (size_t i = 0; (o = reg->type->at(reg->daemon, i)); i++)
                if (streq(reg->type->get_path(o), path)) {
                        *found = o;
                        return 1;
                }
        return 0;
}

static int node_enumerator(sd_bus *bus, const char *path, void *userdata, char ***nodes, sd_bus_error *error)
{
        Registration *reg = userdata;
        _cleanup_strv_free_ char **l = NULL;
        size_t n = 0;
        void *o;

        while (reg->type->at(reg->daemon, n))
                n++;
        l = calloc(n + 1, sizeof(char *));
        if (!l)
                return -ENOMEM;
        for (size_t i = 0; i < n && (o = reg->type->at(reg->daemon, i)); i++) {
                l[i] = strdup(reg->type->get_path(o));
                if (!l[i])
                        return -ENOMEM;
        }
        *nodes = TAKE_PTR(l);
        return 1;
}

/* Gives slot a copy of reg, freed with the slot, and hands the slot to the bus
 * (floating): it lives as long as the bus. Always consumes the caller's slot
 * reference; on failure the registration is gone. */
static int registration_attach(sd_bus_slot *slot, const Registration *reg)
{
        Registration *copy;
        int r;

        copy = malloc(sizeof(*copy));
        if (!copy) {
                sd_bus_slot_unref(slot);
                return -ENOMEM;
        }
        *copy = *reg;
        (void)sd_bus_slot_set_userdata(slot, copy);
        r = sd_bus_slot_set_destroy_callback(slot, free);
        if (r < 0) {
                (void)sd_bus_slot_set_userdata(slot, NULL);
                free(copy);
        } else
                r = sd_bus_slot_set_floating(slot, 1);
        /* Floating, the bus holds its own reference; otherwise this frees the slot (and copy). */
        sd_bus_slot_unref(slot);
        return r < 0 ? r : 0;
}

int bus_object_type_register(Service *s, const BusObjectType *type)
{
        const Registration reg = { .daemon = s->daemon, .type = type };
        sd_bus_slot *slot = NULL;
        int r;

        r = sd_bus_add_fallback_vtable(s->bus, &slot, type->prefix, type->interface, type->vtable,
                                       object_find, NULL);
        if (r < 0)
                return r;
        r = registration_attach(slot, &reg);
        if (r < 0)
                return r;
        r = sd_bus_add_node_enumerator(s->bus, &slot, type->prefix, node_enumerator, NULL);
        if (r < 0)
                return r;
        return registration_attach(slot, &reg);
}
