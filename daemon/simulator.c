/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <inttypes.h>

#include "bus-error.h"
#include "chip.h"
#include "line.h"
#include "manager.h"
#include "sim-chip.h"

static int method_set_input(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
        Line *l;
        int level, r;

        r = daemon_read_line(userdata, m, &l, error);
        if (r < 0)
                return r;
        r = sd_bus_message_read(m, "b", &level);
        if (r < 0)
                return r;
        r = pb_sim_chip_set_input(chip_get_pb(line_get_chip(l)), line_get_offset(l), level);
        if (r < 0)
                return bus_error_errno(error, r, "drive simulated input", line_get_object_name(l));
        return sd_bus_reply_method_return(m, NULL);
}

static int method_bounce(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
        uint64_t span_us;
        uint32_t transitions;
        Line *l;
        int level, r;

        r = daemon_read_line(userdata, m, &l, error);
        if (r < 0)
                return r;
        r = sd_bus_message_read(m, "but", &level, &transitions, &span_us);
        if (r < 0)
                return r;
        if (transitions > PB_SIM_BOUNCE_TRANSITIONS_MAX)
                return sd_bus_error_setf(
                        error, PB_ERROR_INVALID_ARGS,
                        "Bounce on line %s: %" PRIu32 " transitions is above the maximum of %u",
                        line_get_object_name(l), transitions, PB_SIM_BOUNCE_TRANSITIONS_MAX);
        if (span_us > PB_SIM_BOUNCE_SPAN_US_MAX)
                return sd_bus_error_setf(
                        error, PB_ERROR_INVALID_ARGS,
                        "Bounce on line %s: a span of %" PRIu64 " µs is above the maximum of %llu µs",
                        line_get_object_name(l), span_us, (unsigned long long)PB_SIM_BOUNCE_SPAN_US_MAX);
        r = pb_sim_chip_bounce(chip_get_pb(line_get_chip(l)), line_get_offset(l), level, transitions,
                               span_us);
        if (r < 0)
                return bus_error_errno(error, r, "bounce simulated input", line_get_object_name(l));
        return sd_bus_reply_method_return(m, NULL);
}

static int method_unplug(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
        Daemon *d = userdata;
        const char *name;
        PbChip **n, *pb;
        Chip *c;
        int r;

        r = sd_bus_message_read(m, "s", &name);
        if (r < 0)
                return r;
        c = daemon_find_chip(d, name);
        if (!c)
                return sd_bus_error_setf(error, PB_ERROR_NO_SUCH_DEVICE,
                                         "No GPIO chip named or labelled '%s'", name);
        n = realloc(d->unplugged, (d->n_unplugged + 1) * sizeof(PbChip *));
        if (!n)
                return bus_error_errno(error, -ENOMEM, "unplug chip", name);
        d->unplugged = n;
        daemon_remove_chip(d, c, &pb);
        d->unplugged[d->n_unplugged++] = pb;
        return sd_bus_reply_method_return(m, NULL);
}

static int method_plug(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
        Daemon *d = userdata;
        const char *name;
        PbChip *pb;
        size_t i;
        int r;

        r = sd_bus_message_read(m, "s", &name);
        if (r < 0)
                return r;
        for (i = 0; i < d->n_unplugged; i++)
                if (streq(pb_chip_get_name(d->unplugged[i]), name) ||
                    streq(pb_chip_get_label(d->unplugged[i]), name))
                        break;
        if (i == d->n_unplugged)
                return sd_bus_error_setf(error, PB_ERROR_NO_SUCH_DEVICE,
                                         "No unplugged GPIO chip named or labelled '%s'", name);
        pb = d->unplugged[i];
        memmove(d->unplugged + i, d->unplugged + i + 1, (d->n_unplugged - i - 1) * sizeof(PbChip *));
        d->n_unplugged--;
        r = daemon_add_chip(d, pb);
        if (r < 0)
                return bus_error_errno(error, r, "plug chip", name);
        daemon_lines_appeared(d);
        return sd_bus_reply_method_return(m, NULL);
}

/*
 * io.pinbus1.Simulator — drives the simulated chip's inputs; only present with --simulate.
 * A level is physical (before active-low), as a wire would carry it, and behaves like
 * writing gpio-sim's sim_gpioN/pull: the line reads it unless it drives an output.
 *
 *   SetInput(s line, b level)
 *           put level on the line now (cancels a bounce in progress)
 *   Bounce(s line, b final_level, u transitions, t span_us)
 *           bounce like a mechanical contact: at least `transitions` level changes
 *           (at most 1000000) evenly spread over span_us (at most 60 s), the last landing
 *           on final_level at span_us (one change is added if the parity needs it);
 *           transitions=0 is a clean change after span_us. Returns at once.
 *   Unplug(s chip)
 *           the chip (kernel name or label) goes away as a hot-unplugged device does: its
 *           lines' holders let go, its objects leave the bus; NoSuchDevice if there is none
 *   Plug(s chip)
 *           a chip taken away by Unplug comes back, with its simulated levels, as a
 *           hot-plugged device does: its objects return under the same paths, and
 *           configured outputs take their lines again; NoSuchDevice if none was unplugged
 */
static const sd_bus_vtable simulator_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_METHOD_WITH_ARGS("SetInput", SD_BUS_ARGS("s", line, "b", level), SD_BUS_NO_RESULT,
                                method_set_input, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("Bounce",
                                SD_BUS_ARGS("s", line, "b", final_level, "u", transitions, "t", span_us),
                                SD_BUS_NO_RESULT, method_bounce, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("Unplug", SD_BUS_ARGS("s", chip), SD_BUS_NO_RESULT, method_unplug,
                                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("Plug", SD_BUS_ARGS("s", chip), SD_BUS_NO_RESULT, method_plug,
                                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_VTABLE_END,
};

int simulator_add_bus_objects(Daemon *d)
{
        return sd_bus_add_object_vtable(d->bus, NULL, PINBUS_OBJECT_ROOT, "io.pinbus1.Simulator",
                                        simulator_vtable, d);
}
