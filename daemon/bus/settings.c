/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <inttypes.h>

#include "bus/error.h"
#include "bus/settings.h"
#include "util/macro.h"

typedef enum SettingKey {
        KEY_DIRECTION,
        KEY_BIAS,
        KEY_DRIVE,
        KEY_EDGE,
        KEY_ACTIVE_LOW,
        KEY_DEBOUNCE_US,
        KEY_VALUE,
        KEY_PERSIST,
        _KEY_MAX,
} SettingKey;

static const struct {
        const char *name;
        const char *type;     /* D-Bus signature; "t" stands for any integer type */
        const char *expected; /* for messages */
} keys[_KEY_MAX] = {
        [KEY_DIRECTION] = { "direction", "s", "input or output" },
        [KEY_BIAS] = { "bias", "s", "as-is, disabled, pull-up or pull-down" },
        [KEY_DRIVE] = { "drive", "s", "push-pull, open-drain or open-source" },
        [KEY_EDGE] = { "edge", "s", "none, rising, falling or both" },
        [KEY_ACTIVE_LOW] = { "active-low", "b", NULL },
        [KEY_DEBOUNCE_US] = { "debounce-us", "t", NULL },
        [KEY_VALUE] = { "value", "b", NULL },
        [KEY_PERSIST] = { "persist", "b", NULL },
};

static const char *type_name(const char *sig)
{
        switch (sig[0]) {
        case 's':
                return "a string";
        case 'b':
                return "a boolean";
        default:
                return "an unsigned integer";
        }
}

static bool is_integer_signature(const char *sig)
{
        return sig[0] && !sig[1] && strchr("yqutnix", sig[0]);
}

/* Reads the variant's integer (any width) into *ret; negative values are refused. */
static int read_integer(sd_bus_message *m, char type, int64_t *ret)
{
        union {
                uint8_t y;
                uint16_t q;
                uint32_t u;
                uint64_t t;
                int16_t n;
                int32_t i;
                int64_t x;
        } v;
        char sig[2] = { type, 0 };
        int r;

        r = sd_bus_message_read(m, sig, &v);
        if (r < 0)
                return r;
        switch (type) {
        case 'y':
                *ret = v.y;
                break;
        case 'q':
                *ret = v.q;
                break;
        case 'u':
                *ret = v.u;
                break;
        case 't':
                *ret = v.t > INT64_MAX ? INT64_MAX : (int64_t)v.t;
                break;
        case 'n':
                *ret = v.n;
                break;
        case 'i':
                *ret = v.i;
                break;
        default:
                *ret = v.x;
        }
        return 0;
}

static int read_setting(sd_bus_message *m, const char *line, SettingKey k, const char *sig,
                        ClaimSettings *cs, sd_bus_error *error)
{
        PbLineSettings *s = &cs->settings;
        const char *str;
        int64_t n;
        int b, v, r;

        switch (keys[k].type[0]) {
        case 's':
                r = sd_bus_message_read(m, "s", &str);
                if (r < 0)
                        return r;
                switch (k) {
                case KEY_DIRECTION:
                        v = pb_direction_from_string(str);
                        if (v == PB_DIRECTION_AS_IS)
                                v = -EINVAL;
                        break;
                case KEY_BIAS:
                        v = pb_bias_from_string(str);
                        break;
                case KEY_DRIVE:
                        v = pb_drive_from_string(str);
                        break;
                default:
                        v = pb_edge_from_string(str);
                }
                if (v < 0)
                        return sd_bus_error_setf(error, PB_ERROR_INVALID_ARGS,
                                                 "Invalid %s '%s' for line %s: expected %s", keys[k].name,
                                                 str, line, keys[k].expected);
                if (k == KEY_DIRECTION)
                        s->direction = (PbDirection)v;
                else if (k == KEY_BIAS)
                        s->bias = (PbBias)v;
                else if (k == KEY_DRIVE)
                        s->drive = (PbDrive)v;
                else
                        s->edge = (PbEdge)v;
                return 0;

        case 'b':
                r = sd_bus_message_read(m, "b", &b);
                if (r < 0)
                        return r;
                if (k == KEY_ACTIVE_LOW)
                        s->active_low = b;
                else if (k == KEY_VALUE) {
                        s->output_value = b;
                        cs->value_given = true;
                } else
                        cs->persist = b;
                return 0;

        default:
                r = read_integer(m, sig[0], &n);
                if (r < 0)
                        return r;
                if (n < 0)
                        return sd_bus_error_setf(error, PB_ERROR_INVALID_ARGS,
                                                 "Invalid %s %" PRId64 " for line %s: it cannot be negative",
                                                 keys[k].name, n, line);
                s->debounce_us = (uint64_t)n;
                return 0;
        }
}

int bus_message_read_claim_settings(sd_bus_message *m, const char *line, ClaimSettings *ret,
                                    sd_bus_error *error)
{
        ClaimSettings cs = { .settings = PB_LINE_SETTINGS_INPUT };
        const char *reason = NULL;
        bool seen[_KEY_MAX] = {};
        int r;

        r = sd_bus_message_enter_container(m, 'a', "{sv}");
        if (r < 0)
                return r;

        while ((r = sd_bus_message_enter_container(m, 'e', "sv")) > 0) {
                const char *name, *sig;
                SettingKey k;
                char type;

                r = sd_bus_message_read(m, "s", &name);
                if (r < 0)
                        return r;
                for (k = 0; k < _KEY_MAX; k++)
                        if (streq(keys[k].name, name))
                                break;
                if (k == _KEY_MAX)
                        return sd_bus_error_setf(
                                error, PB_ERROR_INVALID_ARGS,
                                "Unknown setting '%s' for line %s (known: direction, bias, drive, "
                                "edge, active-low, debounce-us, value, persist)",
                                name, line);
                if (seen[k])
                        return sd_bus_error_setf(error, PB_ERROR_INVALID_ARGS,
                                                 "Setting '%s' for line %s is given twice", name, line);
                seen[k] = true;

                r = sd_bus_message_peek_type(m, &type, &sig);
                if (r < 0)
                        return r;
                if (keys[k].type[0] == 't' ? !is_integer_signature(sig) : !streq(sig, keys[k].type))
                        return sd_bus_error_setf(error, PB_ERROR_INVALID_ARGS,
                                                 "Setting '%s' for line %s must be %s ('%s'), not '%s'",
                                                 name, line, type_name(keys[k].type), keys[k].type, sig);

                r = sd_bus_message_enter_container(m, 'v', sig);
                if (r < 0)
                        return r;
                r = read_setting(m, line, k, sig, &cs, error);
                if (r < 0)
                        return r;
                r = sd_bus_message_exit_container(m);
                if (r < 0)
                        return r;
                r = sd_bus_message_exit_container(m);
                if (r < 0)
                        return r;
        }
        if (r < 0)
                return r;
        r = sd_bus_message_exit_container(m);
        if (r < 0)
                return r;

        if (pb_line_settings_validate(&cs.settings, &reason) < 0)
                return sd_bus_error_setf(error, PB_ERROR_INVALID_ARGS, "Invalid settings for line %s: %s",
                                         line, reason);
        if (cs.value_given && cs.settings.direction != PB_DIRECTION_OUTPUT)
                return sd_bus_error_setf(error, PB_ERROR_INVALID_ARGS,
                                         "Invalid settings for line %s: 'value' needs direction=output",
                                         line);

        *ret = cs;
        return 0;
}
