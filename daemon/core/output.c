/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <assert.h>
#include <inttypes.h>
#include <stdio.h>

#include "core/frontend.h"
#include "core/line.h"
#include "core/output.h"
#include "log.h"

struct Output {
        Daemon *daemon;
        char *name;
        char *line_spec;
        char *source; /* "<file>:<line>" of its section */
        bool initial;
        bool active_low;
        PbDrive drive;
        bool restore;

        char *path;   /* the front end's, owned */
        Line *line;   /* NULL while its line is missing */
        bool value;   /* logical value: the line's, or the one it will start with */
        bool started; /* output_start() ran once: settled is known */
        bool settled; /* the value it rests at: driven again when its line comes back */
};

static void output_changed(Output *o, unsigned changes)
{
        FRONTEND_CALL(o->daemon, output_changed, o, changes);
}

static void output_note_value(Output *o, bool value)
{
        if (o->value == value)
                return;
        o->value = value;
        output_changed(o, OUTPUT_CHANGED_VALUE);
}

static void holder_value_changed(void *holder, Line *l, bool value)
{
        output_note_value(holder, value);
}

static void holder_settled(void *holder, Line *l, bool value)
{
        Output *o = holder;

        o->settled = value;
        if (o->restore)
                (void)state_store_set_output(o->daemon->state, o->name, value);
}

static void holder_dropped(void *holder, Line *l, LineDrop why)
{
        Output *o = holder;

        o->line = NULL;
        output_changed(o, OUTPUT_CHANGED_LINE);
}

static void holder_describe(void *holder, char *buf, size_t size)
{
        Output *o = holder;

        (void)snprintf(buf, size, "held by configured output '%s'", o->name);
}

static const LineHolderOps output_holder_ops = {
        .drive = LINE_DRIVE_ANYONE,
        .value_changed = holder_value_changed,
        .settled = holder_settled,
        .dropped = holder_dropped,
        .describe = holder_describe,
};

static void output_lines_appeared(void *userdata)
{
        Output *o = userdata;

        if (!o->line)
                output_start(o);
}

int output_new(Daemon *d, const OutputConfig *cfg, Output **ret)
{
        Output *o;

        assert(d);
        assert(cfg);
        assert(ret);

        o = calloc(1, sizeof(*o));
        if (!o)
                return -ENOMEM;
        o->daemon = d;
        o->name = strdup(cfg->name);
        o->line_spec = strdup(cfg->line);
        o->source = strdup(cfg->source);
        o->initial = cfg->initial;
        o->active_low = cfg->active_low;
        o->drive = cfg->drive;
        o->restore = cfg->restore;
        o->value = cfg->initial;
        if (!o->name || !o->line_spec || !o->source || daemon_watch_lines(d, output_lines_appeared, o) < 0) {
                output_free(o);
                return -ENOMEM;
        }
        *ret = o;
        return 0;
}

Output *output_free(Output *o)
{
        if (!o)
                return NULL;
        daemon_unwatch_lines(o->daemon, o);
        free(o->name);
        free(o->line_spec);
        free(o->source);
        free(o->path);
        free(o);
        return NULL;
}

void output_start(Output *o)
{
        const LineHolder holder = { .ops = &output_holder_ops, .data = o };
        CoreError error = CORE_ERROR_NULL;
        PbLineSettings s = {
                .direction = PB_DIRECTION_OUTPUT,
                .drive = o->drive,
                .active_low = o->active_low,
        };
        const char *origin = "initial";
        bool restored;
        Line *l;
        int r;

        assert(o);

        if (!o->started) {
                o->settled = o->initial;
                if (o->restore && state_store_get_output(o->daemon->state, o->name, &restored) >= 0) {
                        o->settled = restored;
                        origin = "restored";
                }
                o->started = true;
        } else
                origin = "last";
        s.output_value = o->settled;
        o->value = s.output_value;

        r = daemon_find_line(o->daemon, o->line_spec, &l, &error);
        if (r >= 0)
                r = line_hold(l, &holder, &s, &error);
        if (r < 0) {
                log_warning("%s: [output %s]: %s; the output waits for its line to appear", o->source,
                            o->name, error.message);
                return;
        }
        o->line = l;
        output_changed(o, OUTPUT_CHANGED_LINE);
        log_info("Output %s holds line %s, %s (%s value)", o->name, line_get_object_name(l),
                 s.output_value ? "on" : "off", origin);
}

const char *output_get_name(const Output *o)
{
        return o->name;
}

Line *output_get_line(const Output *o)
{
        return o->line;
}

bool output_get_value(const Output *o)
{
        return o->value;
}

bool output_get_restore(const Output *o)
{
        return o->restore;
}

void output_set_path(Output *o, char *path)
{
        free(o->path);
        o->path = path;
}

const char *output_get_path(const Output *o)
{
        return o->path;
}

/* The output's line, or NO_SUCH_LINE. */
static int output_line(Output *o, Line **ret, CoreError *error)
{
        assert(o);
        if (!o->line)
                return core_error_setf(error, CORE_ERROR_NO_SUCH_LINE, -ENODEV,
                                       "Output %s has no line: '%s' (%s) was not available", o->name,
                                       o->line_spec, o->source);
        *ret = o->line;
        return 0;
}

/* The output holds its line: the daemon drives it (who is NULL), whoever asked. */
int output_set(Output *o, bool value, CoreError *error)
{
        Line *l = NULL;
        int r = output_line(o, &l, error);

        return r < 0 ? r : line_set(l, NULL, value, error);
}

int output_toggle(Output *o, CoreError *error)
{
        Line *l = NULL;
        int r = output_line(o, &l, error);

        return r < 0 ? r : line_toggle(l, NULL, error);
}

int output_pulse(Output *o, bool value, uint64_t duration_us, CoreError *error)
{
        Line *l = NULL;
        int r = output_line(o, &l, error);

        return r < 0 ? r : line_pulse(l, NULL, value, duration_us, error);
}

int output_blink(Output *o, uint64_t on_us, uint64_t off_us, uint32_t count, CoreError *error)
{
        Line *l = NULL;
        int r = output_line(o, &l, error);

        return r < 0 ? r : line_blink(l, NULL, on_us, off_us, count, error);
}
