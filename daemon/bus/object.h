/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * One way to put a kind of object on the bus: every chip, output, button and
 * sensor lives in one of the daemon's arrays and has a path under its kind's
 * prefix. A BusObjectType says which interface and vtable serve them and how
 * to walk the array; bus_object_type_register() then installs the fallback
 * vtable (finding an object by its path) and the node enumerator (listing
 * them, for introspection and the ObjectManager) that each kind would
 * otherwise write out again. Lines, looked up by a sorted index, keep their
 * own.
 */

#include <systemd/sd-bus.h>

#include "bus/service.h"

typedef struct BusObjectType {
        const char *prefix;    /* PINBUS_OUTPUT_PREFIX, ... */
        const char *interface; /* "io.pinbus1.Output", ... */
        const sd_bus_vtable *vtable;
        /* The i-th object of the kind in d (its userdata for the vtable), NULL past the last. */
        void *(*at)(Daemon *d, size_t i);
        /* The object's D-Bus path, owned by the object. */
        const char *(*get_path)(const void *object);
} BusObjectType;

/* Registers type's vtable and node enumerator on d->bus for as long as the bus
 * lives. type must be static; at() gets s->daemon. Errors: -ENOMEM, sd-bus errnos. */
int bus_object_type_register(Service *s, const BusObjectType *type);

/*
 * Defines the property getter `name` for a vtable whose userdata is a Type *:
 * it appends expr, of D-Bus signature sig, where o is the object (as systemd's
 * BUS_DEFINE_PROPERTY_GET does). For getters that only read one value.
 */
#define BUS_DEFINE_PROPERTY_GET(name, sig, Type, expr)                                              \
        static int name(sd_bus *bus, const char *path, const char *interface, const char *property, \
                        sd_bus_message *reply, void *userdata, sd_bus_error *error)                 \
        {                                                                                           \
                Type *o = userdata;                                                                 \
                                                                                                    \
                return sd_bus_message_append(reply, sig, expr);                                     \
        }
