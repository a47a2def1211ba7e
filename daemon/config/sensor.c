/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * [sensor NAME] sections of the configuration. config/config.c reads the files and
 * hands every key of a [sensor] section to sensor_config_set(); what needs a
 * whole section (model options are checked against the model, which may be
 * given after them) or all files (two sensors at one address) is checked by
 * config_validate_sensors(). Nothing here touches hardware: models and
 * options are checked against the driver table of lib/sensors/sensor.h only.
 */

#include <ctype.h>
#include <inttypes.h>
#include <strings.h>

#include "config/config.h"
#include "sensors/sensor.h"
#include "util/duration.h"
#include "util/strv.h"

static bool strcaseeq(const char *a, const char *b)
{
        return strcasecmp(a, b) == 0;
}

SensorConfig *config_add_sensor(Config *c, const char *name, const char *source)
{
        SensorConfig *n, *s;

        n = realloc(c->sensors, (c->n_sensors + 1) * sizeof(SensorConfig));
        if (!n)
                return NULL;
        c->sensors = n;
        s = &c->sensors[c->n_sensors];
        *s = (SensorConfig){
                .bus = -1,
                .interval_us = SENSOR_INTERVAL_DEFAULT_US,
        };
        s->name = strdup(name);
        s->source = strdup(source);
        if (!s->name || !s->source) {
                sensor_config_done(s);
                return NULL;
        }
        c->n_sensors++;
        return s;
}

void sensor_config_done(SensorConfig *s)
{
        free(s->name);
        free(s->model);
        strv_free(s->options);
        strv_free(s->option_sources);
        free(s->source);
        *s = (SensorConfig){};
}

const SensorConfig *config_find_sensor(const Config *c, const char *name)
{
        for (size_t i = 0; i < c->n_sensors; i++)
                if (streq(c->sensors[i].name, name))
                        return &c->sensors[i];
        return NULL;
}

/* "bme280, bmp280, ..." for messages. */
static char *model_names(void)
{
        char *names = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&names, &size);

        if (!f)
                return NULL;
        fputs("auto", f);
        for (const PbSensorModel *const *m = pb_sensor_models(); *m; m++)
                fprintf(f, ", %s", pb_sensor_model_get_name(*m));
        if (fclose(f) != 0)
                return mfree(names);
        return names;
}

/* Parses a number in base (10 or 16) without sign, prefix or trailing text. */
static int parse_unsigned(const char *s, int base, unsigned long max, unsigned long *ret)
{
        char *end;
        unsigned long v;

        if (!(base == 16 ? isxdigit((unsigned char)*s) : isdigit((unsigned char)*s)))
                return -EINVAL;
        errno = 0;
        v = strtoul(s, &end, base);
        if (errno != 0 || *end != '\0' || end == s)
                return -EINVAL;
        if (v > max)
                return -ERANGE;
        *ret = v;
        return 0;
}

static int set_model(SensorConfig *s, const char *value, char **ret_error)
{
        _cleanup_free_ char *names = NULL;
        char *copy;

        copy = strdup(value);
        if (!copy)
                return -ENOMEM;
        free(s->model);
        s->model = copy;
        if (strcaseeq(value, "auto") || pb_sensor_model_from_string(value))
                return 0;
        names = model_names();
        if (!names)
                return -ENOMEM;
        if (asprintf(ret_error, "unknown sensor model '%s' for 'model': expected one of %s", value, names) <
            0)
                return -ENOMEM;
        return -EINVAL;
}

static int set_bus(SensorConfig *s, const char *value, char **ret_error)
{
        const char *num = value;
        unsigned long nr;
        int r;

        if (startswith(value, "/dev/i2c-"))
                num = value + strlen("/dev/i2c-");
        r = parse_unsigned(num, 10, SENSOR_BUS_MAX, &nr);
        if (r < 0) {
                s->bus = -2; /* reported: not "missing" */
                if (asprintf(ret_error,
                             "invalid value '%s' for 'bus': expected an I2C adapter number 0-%d (as in "
                             "/dev/i2c-N) or a /dev/i2c-N path",
                             value, SENSOR_BUS_MAX) < 0)
                        return -ENOMEM;
                return -EINVAL;
        }
        s->bus = (int)nr;
        return 0;
}

static int set_address(SensorConfig *s, const char *value, char **ret_error)
{
        unsigned long a;
        int r;

        if (strcaseeq(value, "auto")) {
                s->address = 0;
                return 0;
        }
        if (startswith(value, "0x") || startswith(value, "0X"))
                r = strpbrk(value + 2, "xX") ? -EINVAL : parse_unsigned(value + 2, 16, 0x7f, &a);
        else
                r = parse_unsigned(value, 10, 0x7f, &a);
        if (r >= 0 && (a < 0x03 || a > 0x77))
                r = -ERANGE;
        if (r < 0) {
                if (asprintf(ret_error,
                             "invalid value '%s' for 'address': expected a 7-bit I2C address 0x03-0x77 "
                             "(hex with 0x, or decimal) or auto",
                             value) < 0)
                        return -ENOMEM;
                return -EINVAL;
        }
        s->address = (uint16_t)a;
        return 0;
}

static int set_interval(SensorConfig *s, const char *value, char **ret_error)
{
        uint64_t us;
        int r;

        r = pb_parse_duration_us(value, &us);
        if (r < 0) {
                if (asprintf(ret_error,
                             "invalid value '%s' for 'interval': expected a duration such as 500ms, 10s, "
                             "1.5min or 1h",
                             value) < 0)
                        return -ENOMEM;
                return -EINVAL;
        }
        if (us < SENSOR_INTERVAL_MIN_US || us > SENSOR_INTERVAL_MAX_US) {
                if (asprintf(ret_error, "'interval' of %s is out of range: it must be between 100ms and 24h",
                             value) < 0)
                        return -ENOMEM;
                return -EINVAL;
        }
        s->interval_us = us;
        return 0;
}

int sensor_config_set(SensorConfig *s, const char *key, const char *value, const char *source,
                      char **ret_error)
{
        *ret_error = NULL;

        if (streq(key, "model"))
                return set_model(s, value, ret_error);
        if (streq(key, "bus"))
                return set_bus(s, value, ret_error);
        if (streq(key, "address"))
                return set_address(s, value, ret_error);
        if (streq(key, "interval"))
                return set_interval(s, value, ret_error);

        /* A model option: checked against the model by config_validate_sensors(). */
        if (strv_extendf(&s->options, "%s=%s", key, value) < 0)
                return -ENOMEM;
        if (strv_extendf(&s->option_sources, "%s", source) < 0)
                return -ENOMEM;
        return 0;
}

static void validate_options(const SensorConfig *s, char ***errors)
{
        const PbSensorModel *m = NULL;

        if (s->model && !strcaseeq(s->model, "auto")) {
                m = pb_sensor_model_from_string(s->model);
                if (!m)
                        return; /* the unknown model was reported */
        }

        for (size_t i = 0; s->options && s->options[i]; i++) {
                _cleanup_free_ char *key = NULL, *error = NULL;
                const char *value = strchr(s->options[i], '=') + 1;
                int r;

                key = strndup(s->options[i], value - 1 - s->options[i]);
                if (!key)
                        return;
                if (!s->model) {
                        /* Missing model: reported once for the section, not per option. */
                        continue;
                }
                if (!m) {
                        (void)strv_extendf(
                                errors,
                                "%s: unknown key '%s' in [sensor %s] (known: model, bus, address, "
                                "interval; model options need a model, not model = auto)",
                                s->option_sources[i], key, s->name);
                        continue;
                }
                r = pb_sensor_model_check_option(m, key, value, &error);
                if (r >= 0)
                        continue;
                if (r == -ENOENT)
                        (void)strv_extendf(
                                errors,
                                "%s: unknown key '%s' in [sensor %s] (known: model, bus, address, "
                                "interval%s%s)",
                                s->option_sources[i], key, s->name, error ? "; " : "", strempty(error));
                else
                        (void)strv_extendf(errors, "%s: %s", s->option_sources[i],
                                           error ?: "invalid value for a model option");
        }
}

int config_validate_sensors(Config *c, char ***errors)
{
        size_t n_before = strv_length(*errors);

        for (size_t i = 0; i < c->n_sensors; i++) {
                const SensorConfig *s = &c->sensors[i];

                if (!s->model)
                        (void)strv_extendf(errors,
                                           "%s: [sensor %s] has no 'model =' key (a model name such as "
                                           "bme280, or auto to probe the chip id)",
                                           s->source, s->name);
                if (s->bus == -1)
                        (void)strv_extendf(errors,
                                           "%s: [sensor %s] has no 'bus =' key (the I2C adapter number, as "
                                           "in /dev/i2c-1)",
                                           s->source, s->name);
                validate_options(s, errors);

                if (s->bus < 0 || s->address == 0)
                        continue;
                for (size_t j = 0; j < i; j++) {
                        const SensorConfig *o = &c->sensors[j];

                        if (o->bus == s->bus && o->address == s->address) {
                                (void)strv_extendf(errors,
                                                   "%s: [sensor %s] is at address 0x%02" PRIx16
                                                   " on /dev/i2c-%d, like [sensor %s] at %s",
                                                   s->source, s->name, s->address, s->bus, o->name,
                                                   o->source);
                                break;
                        }
                }
        }
        return strv_length(*errors) > n_before ? -EINVAL : 0;
}
