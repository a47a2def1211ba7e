/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The D-Bus front end of the core: the bus connection, the registration of
 * every interface's vtable, the core's Frontend callbacks that turn changes
 * into PropertiesChanged, signals and InterfacesAdded/Removed, the clients
 * that hold lines, and owning the bus name. One Service per daemon.
 */

#include <systemd/sd-bus.h>

#include "core/daemon.h"

typedef struct Client Client;

typedef struct Service {
        Daemon *daemon;
        sd_bus *bus;
        Client *clients; /* bus peers that hold lines (bus/client.c) */
        bool serving;    /* objects registered: changes are published */
} Service;

/*
 * Connects to the bus options asks for (system, session or an address) and
 * attaches it to d's event loop; registers the objects of every interface and
 * installs itself as d's front end. Does not yet request the bus name. Errors
 * are logged; returns a negative errno.
 */
int service_new(Daemon *d, Service **ret);

/* Requests the bus name, tells systemd READY=1, and runs the event loop until
 * SIGTERM or SIGINT (exit code 0) or until the bus connection is lost
 * (EXIT_FAILURE). Returns that exit code, or a negative errno. */
int service_run(Service *s);

/* Frees the clients, flushes and closes the connection, and frees s. Call it after
 * daemon_free() of its daemon, so that the daemon's last replies (to Read() calls still
 * waiting) go out; it does not touch the daemon. Returns NULL. */
Service *service_free(Service *s);
DEFINE_TRIVIAL_CLEANUP_FUNC(Service *, service_free)

/* The service that is d's front end. */
Service *service_of(const Daemon *d);

/* Encodes name below prefix as an object path (sd_bus_path_encode()). Errors: -ENOMEM. */
int service_object_path(const char *prefix, const char *name, char **ret);
