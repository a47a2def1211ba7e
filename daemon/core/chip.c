/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <sys/epoll.h>

#include "bus/object.h"
#include "core/chip.h"
#include "core/line.h"
#include "log.h"

/* Info events read per wakeup, so a busy chip cannot starve the rest of the loop. */
#define CHIP_INFO_BATCH 32

static int chip_on_io(sd_event_source *s, int fd, uint32_t revents, void *userdata);

struct Chip {
        Daemon *daemon;
        PbChip *pb;
        char *path;
        Line **lines;
        unsigned n_lines;
        sd_event_source *io;
};

void chip_process_events(Chip *c)
{
        if (c->io && sd_event_source_get_enabled(c->io, NULL) > 0)
                (void)chip_on_io(c->io, pb_chip_get_fd(c->pb), EPOLLIN, c);
}

static int chip_on_io(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
        Chip *c = userdata;
        PbInfoEvent events[CHIP_INFO_BATCH];
        int n;

        n = pb_chip_read_info_events(c->pb, events, ELEMENTSOF(events));
        if (n == -ENODEV) {
                /* The device went away: so do the chip and its lines (this frees c and s). */
                daemon_remove_chip(c->daemon, c, NULL);
                return 0;
        }
        if (n < 0) {
                /* The fd broke: stop watching rather than spin. */
                log_error_errno(n, "Chip %s (%s): cannot read line info events: %s; no longer watching it",
                                pb_chip_get_name(c->pb), pb_chip_get_label(c->pb), strerror(-n));
                return sd_event_source_set_enabled(s, SD_EVENT_OFF);
        }
        /* Take an event as news that the line changed and read its info now: the event's own
         * copy may be stale (a transient Get() requests and releases a line before we see
         * its events), and reading now keeps PropertiesChanged to real changes. */
        for (int i = 0; i < n; i++) {
                unsigned offset = events[i].info.offset;

                if (offset < c->n_lines)
                        line_refresh_info(c->lines[offset]);
        }
        return 0;
}

int chip_new(Daemon *d, PbChip *pb, Chip **ret)
{
        unsigned n = pb_chip_get_num_lines(pb);
        Chip *c;
        int r;

        c = calloc(1, sizeof(*c));
        if (!c)
                return -ENOMEM;
        c->daemon = d;
        c->n_lines = n;
        c->lines = calloc(n, sizeof(Line *));
        r = sd_bus_path_encode(PINBUS_CHIP_PREFIX, pb_chip_get_name(pb), &c->path);
        if (!c->lines || r < 0) {
                r = -ENOMEM;
                goto fail;
        }
        c->pb = pb;

        for (unsigned i = 0; i < n; i++) {
                r = line_new(c, i, &c->lines[i]);
                if (r < 0)
                        goto fail;
        }

        r = sd_event_add_io(d->event, &c->io, pb_chip_get_fd(pb), EPOLLIN, chip_on_io, c);
        if (r < 0)
                goto fail;
        (void)sd_event_source_set_description(c->io, pb_chip_get_name(pb));

        *ret = c;
        return 0;

fail:
        c->pb = NULL; /* not ours until we succeed */
        chip_free(c);
        return r;
}

PbChip *chip_free_keep_pb(Chip *c)
{
        PbChip *pb;

        if (!c)
                return NULL;
        sd_event_source_disable_unref(c->io);
        /* Lines first: they release their requests, which need the chip. */
        for (unsigned i = 0; c->lines && i < c->n_lines; i++)
                line_free(c->lines[i]);
        free(c->lines);
        pb = c->pb;
        free(c->path);
        free(c);
        return pb;
}

Chip *chip_free(Chip *c)
{
        pb_chip_close(chip_free_keep_pb(c));
        return NULL;
}

PbChip *chip_get_pb(const Chip *c)
{
        return c->pb;
}

Daemon *chip_get_daemon(const Chip *c)
{
        return c->daemon;
}

const char *chip_get_name(const Chip *c)
{
        return pb_chip_get_name(c->pb);
}

const char *chip_get_label(const Chip *c)
{
        return pb_chip_get_label(c->pb);
}

const char *chip_get_path(const Chip *c)
{
        return c->path;
}

unsigned chip_get_num_lines(const Chip *c)
{
        return pb_chip_get_num_lines(c->pb);
}

Line *chip_get_line(const Chip *c, unsigned offset)
{
        return offset < pb_chip_get_num_lines(c->pb) ? c->lines[offset] : NULL;
}

static int property_get_string(sd_bus *bus, const char *path, const char *interface, const char *property,
                               sd_bus_message *reply, void *userdata, sd_bus_error *error)
{
        Chip *c = userdata;
        const char *v;

        if (streq(property, "Name"))
                v = pb_chip_get_name(c->pb);
        else if (streq(property, "Label"))
                v = pb_chip_get_label(c->pb);
        else
                v = pb_chip_get_path(c->pb);
        return sd_bus_message_append(reply, "s", strempty(v));
}

static int property_get_num_lines(sd_bus *bus, const char *path, const char *interface, const char *property,
                                  sd_bus_message *reply, void *userdata, sd_bus_error *error)
{
        Chip *c = userdata;

        return sd_bus_message_append(reply, "u", pb_chip_get_num_lines(c->pb));
}

static int property_get_lines(sd_bus *bus, const char *path, const char *interface, const char *property,
                              sd_bus_message *reply, void *userdata, sd_bus_error *error)
{
        Chip *c = userdata;
        int r;

        r = sd_bus_message_open_container(reply, 'a', "o");
        if (r < 0)
                return r;
        for (unsigned i = 0; i < pb_chip_get_num_lines(c->pb); i++) {
                r = sd_bus_message_append(reply, "o", line_get_path(c->lines[i]));
                if (r < 0)
                        return r;
        }
        return sd_bus_message_close_container(reply);
}

/*
 * io.pinbus1.Chip — one GPIO chip.
 *   Name s      kernel name, e.g. "gpiochip0" (changes between kernels: prefer Label)
 *   Label s     label, e.g. "pinctrl-bcm2711"
 *   Path s      device node, e.g. "/dev/gpiochip0"; "" on the simulator
 *   NumLines u  number of lines
 *   Lines ao    the io.pinbus1.Line objects of its lines, by offset
 */
static const sd_bus_vtable chip_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_PROPERTY("Name", "s", property_get_string, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("Label", "s", property_get_string, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("Path", "s", property_get_string, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("NumLines", "u", property_get_num_lines, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("Lines", "ao", property_get_lines, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_VTABLE_END,
};

static void *chip_at(Daemon *d, size_t i)
{
        return i < d->n_chips ? d->chips[i] : NULL;
}

static const char *chip_path(const void *object)
{
        return chip_get_path(object);
}

static const BusObjectType chip_type = {
        .prefix = PINBUS_CHIP_PREFIX,
        .interface = "io.pinbus1.Chip",
        .vtable = chip_vtable,
        .at = chip_at,
        .get_path = chip_path,
};

int chip_add_bus_objects(Daemon *d)
{
        return bus_object_type_register(d, &chip_type);
}
