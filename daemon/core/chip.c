/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <assert.h>
#include <sys/epoll.h>

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

        assert(d);
        assert(pb);
        assert(ret);

        c = calloc(1, sizeof(*c));
        if (!c)
                return -ENOMEM;
        c->daemon = d;
        c->n_lines = n;
        c->lines = calloc(n, sizeof(Line *));
        if (!c->lines) {
                r = -ENOMEM;
                goto fail;
        }
        c->pb = pb;

        for (unsigned i = 0; i < n; i++) {
                r = line_new(d, c, pb, i, &c->lines[i]);
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

void chip_set_path(Chip *c, char *path)
{
        free(c->path);
        c->path = path;
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
