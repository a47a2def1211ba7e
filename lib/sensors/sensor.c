/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * The generic sensor: the model table's accessors, options, and the life
 * cycle (init with model and address probing, start, collect, error
 * details). The drivers are one file each (sensors/<model>.c, the interface
 * in sensors/driver.h), listed in probe order by sensors/registry.c; each
 * keeps its state in the private area this file allocates after the
 * PbSensor.
 */

#include <assert.h>
#include <stdarg.h>
#include <strings.h>
#include <sys/param.h>

#include "sensors/driver.h"

struct PbSensor {
        const PbSensorModel *want_model; /* NULL: auto */
        uint16_t want_address;           /* 0: auto */
        const PbSensorModel *model;
        uint16_t address;
        PbI2cBus *bus;
        unsigned opt[PB_SENSOR_OPTIONS_MAX]; /* option codes, by index in model->options */
        bool initialized;
        bool started;
        uint64_t retry_us; /* after -EAGAIN: when collecting again is worthwhile (0: unknown) */
        char detail[PB_SENSOR_DETAIL_MAX];
        size_t priv_size;                     /* of priv[]: the largest a model it may probe needs */
        _Alignas(max_align_t) uint8_t priv[]; /* the driver's state (pb_sensor_priv()) */
};

/* ------------------------------------------------------------------------ */
/* Quantities */

static const char *const quantity_names[_PB_QUANTITY_MAX] = {
        [PB_QUANTITY_TEMPERATURE] = "temperature", [PB_QUANTITY_PRESSURE] = "pressure",
        [PB_QUANTITY_HUMIDITY] = "humidity",       [PB_QUANTITY_ILLUMINANCE] = "illuminance",
        [PB_QUANTITY_VOLTAGE] = "voltage",
};

static const char *const quantity_units[_PB_QUANTITY_MAX] = {
        [PB_QUANTITY_TEMPERATURE] = "°C", [PB_QUANTITY_PRESSURE] = "Pa", [PB_QUANTITY_HUMIDITY] = "%RH",
        [PB_QUANTITY_ILLUMINANCE] = "lx", [PB_QUANTITY_VOLTAGE] = "V",
};

const char *pb_quantity_to_string(PbQuantity q)
{
        return (unsigned)q < _PB_QUANTITY_MAX ? quantity_names[q] : NULL;
}

const char *pb_quantity_unit(PbQuantity q)
{
        return (unsigned)q < _PB_QUANTITY_MAX ? quantity_units[q] : NULL;
}

/* ------------------------------------------------------------------------ */
/* Error details */

_printf_(3, 4) int pb_sensor_fail(PbSensor *s, int r, const char *format, ...)
{
        va_list ap;

        va_start(ap, format);
        vsnprintf(s->detail, sizeof(s->detail), format, ap);
        va_end(ap);
        return r;
}

static const char *errno_name(int r)
{
        const char *n = strerrorname_np(r < 0 ? -r : r);

        return n ?: "unknown error";
}

/* Words for a transport errno as probing reports it per address. */
static const char *errno_words(int r)
{
        switch (r) {
        case -ENXIO:
        case -EREMOTEIO:
                return "no acknowledge";
        case -ETIMEDOUT:
                return "timed out";
        case -EBUSY:
                return "address in use by a kernel driver";
        default:
                return NULL;
        }
}

/* ------------------------------------------------------------------------ */
/* The models */

const PbSensorModel *const *pb_sensor_models(void)
{
        return pb_sensor_registry;
}

const PbSensorModel *pb_sensor_model_from_string(const char *name)
{
        if (!name)
                return NULL;
        for (size_t i = 0; pb_sensor_registry[i]; i++)
                if (strcasecmp(pb_sensor_registry[i]->name, name) == 0)
                        return pb_sensor_registry[i];
        return NULL;
}

const char *pb_sensor_model_get_name(const PbSensorModel *m)
{
        return m ? m->name : NULL;
}

const char *pb_sensor_model_get_label(const PbSensorModel *m)
{
        return m ? m->label : NULL;
}

size_t pb_sensor_model_get_addresses(const PbSensorModel *m, const uint16_t **ret)
{
        if (!m) {
                if (ret)
                        *ret = NULL;
                return 0;
        }
        if (ret)
                *ret = m->addresses;
        return m->n_addresses;
}

unsigned pb_sensor_model_get_funcs(const PbSensorModel *m)
{
        return m ? m->funcs : 0;
}

unsigned pb_sensor_model_get_quantities(const PbSensorModel *m)
{
        return m ? m->quantities : 0;
}

bool pb_sensor_model_can_autodetect(const PbSensorModel *m)
{
        return m && m->autodetect;
}

static bool model_has_address(const PbSensorModel *m, uint16_t addr)
{
        for (size_t i = 0; i < m->n_addresses; i++)
                if (m->addresses[i] == addr)
                        return true;
        return false;
}

/* ------------------------------------------------------------------------ */
/* Options */

static char *option_values_list(const PbSensorOption *d)
{
        char *buf = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&buf, &size);

        if (!f)
                return NULL;
        for (const PbSensorOptionValue *v = d->values; v->name; v++)
                fprintf(f, "%s%s", v == d->values ? "" : ", ", v->name);
        if (fclose(f) != 0) {
                free(buf);
                return NULL;
        }
        return buf;
}

/* Finds key's index in m's options and value's code. */
static int option_lookup(const PbSensorModel *m, const char *key, const char *value, size_t *ret_index,
                         unsigned *ret_code, char **ret_error)
{
        _cleanup_free_ char *list = NULL;
        char *e = NULL;

        for (size_t i = 0; m && i < m->n_options; i++) {
                const PbSensorOption *d = &m->options[i];

                if (strcasecmp(d->key, key) != 0)
                        continue;
                for (const PbSensorOptionValue *v = d->values; v->name; v++)
                        if (value && strcasecmp(v->name, value) == 0) {
                                *ret_index = i;
                                *ret_code = v->code;
                                return 0;
                        }
                if (ret_error) {
                        list = option_values_list(d);
                        if (!list || asprintf(&e, "invalid %s = %s for the %s: expected one of %s", d->key,
                                              strempty(value), m->label, list) < 0)
                                e = NULL;
                        *ret_error = e;
                }
                return -EINVAL;
        }
        if (ret_error) {
                if (!m) {
                        if (asprintf(&e, "unknown option %s: model = auto takes no options", key) < 0)
                                e = NULL;
                } else if (m->n_options == 0) {
                        if (asprintf(&e, "unknown option %s: the %s takes no options", key, m->label) < 0)
                                e = NULL;
                } else {
                        char *keys = NULL;
                        size_t size = 0;
                        FILE *f = open_memstream(&keys, &size);

                        if (f) {
                                for (size_t i = 0; i < m->n_options; i++)
                                        fprintf(f, "%s%s", i ? ", " : "", m->options[i].key);
                                if (fclose(f) != 0)
                                        keys = mfree(keys);
                        }
                        if (!keys ||
                            asprintf(&e, "unknown option %s for the %s: it has %s", key, m->label, keys) < 0)
                                e = NULL;
                        free(keys);
                }
                *ret_error = e;
        }
        return -ENOENT;
}

int pb_sensor_model_check_option(const PbSensorModel *m, const char *key, const char *value,
                                 char **ret_error)
{
        size_t index;
        unsigned code;

        if (ret_error)
                *ret_error = NULL;
        if (!key || !value)
                return -EINVAL;
        return option_lookup(m, key, value, &index, &code, ret_error);
}

/* ------------------------------------------------------------------------ */
/* Sensors */

int pb_sensor_new(const PbSensorModel *m, PbI2cBus *bus, uint16_t address, char *const *options,
                  PbSensor **ret)
{
        size_t priv_size = 0;
        PbSensor *s;

        if (!bus || !ret || (address != 0 && (address < 0x03 || address > 0x77)))
                return -EINVAL;
        assert(!m || m->n_options <= PB_SENSOR_OPTIONS_MAX);
        /* Room for the state of the model, or of any model auto may find. */
        for (size_t i = 0; pb_sensor_registry[i]; i++)
                if (!m || pb_sensor_registry[i] == m)
                        priv_size = MAX(priv_size, pb_sensor_registry[i]->priv_size);
        s = calloc(1, sizeof(*s) + priv_size);
        if (!s)
                return -ENOMEM;
        s->priv_size = priv_size;
        s->want_model = s->model = m;
        s->want_address = s->address = address;
        s->bus = bus;
        for (size_t i = 0; m && i < m->n_options; i++)
                s->opt[i] = m->options[i].default_code;
        for (char *const *o = options; o && *o; o++) {
                _cleanup_free_ char *key = NULL;
                const char *eq = strchr(*o, '=');
                size_t index;
                unsigned code;

                if (!eq || !(key = strndup(*o, (size_t)(eq - *o))) ||
                    option_lookup(m, key, eq + 1, &index, &code, NULL) < 0) {
                        free(s);
                        return eq && !key ? -ENOMEM : -EINVAL;
                }
                s->opt[index] = code;
        }
        *ret = s;
        return 0;
}

PbSensor *pb_sensor_free(PbSensor *s)
{
        free(s);
        return NULL;
}

const PbSensorModel *pb_sensor_get_model(const PbSensor *s)
{
        return s->model;
}

uint16_t pb_sensor_get_address(const PbSensor *s)
{
        return s->address;
}

PbI2cBus *pb_sensor_get_bus(const PbSensor *s)
{
        return s->bus;
}

unsigned pb_sensor_get_quantities(const PbSensor *s)
{
        /* After init the model found (a BMP280 for bme280), before it the one asked for. */
        return s->model ? s->model->quantities : 0;
}

uint64_t pb_sensor_get_retry_us(const PbSensor *s)
{
        return s->retry_us;
}

void *pb_sensor_priv(PbSensor *s)
{
        return s->priv;
}

void pb_sensor_set_variant(PbSensor *s, const PbSensorModel *m)
{
        assert(m->priv_size <= s->priv_size);
        s->model = m;
}

unsigned pb_sensor_option(const PbSensor *s, size_t index)
{
        assert(index < PB_SENSOR_OPTIONS_MAX);
        return s->opt[index];
}

void pb_sensor_set_retry(PbSensor *s, uint64_t us)
{
        s->retry_us = us;
}

const char *pb_sensor_get_error_detail(const PbSensor *s)
{
        return s->detail;
}

/* Probes and initialises model m at addr. */
static int try_one(PbSensor *s, const PbSensorModel *m, uint16_t addr)
{
        int r;

        s->model = m;
        s->address = addr;
        s->detail[0] = '\0';
        memset(s->priv, 0, s->priv_size);
        r = m->probe(s);
        if (r < 0)
                return r;
        s->detail[0] = '\0';
        if (s->model->init) {
                r = s->model->init(s);
                if (r < 0)
                        return r;
        }
        s->initialized = true;
        s->detail[0] = '\0';
        return 0;
}

/* What probing found, address by address, for the detail of a failed auto search. */
typedef struct ProbeLog {
        FILE *f;
        char *buf;
        size_t size;
        unsigned tries;
        int best; /* the errno to report */
} ProbeLog;

static int probe_rank(int r)
{
        return r == -ENODEV ? 3 : r == -ENXIO || r == -EREMOTEIO ? 1 : 2;
}

static void probe_log_add(ProbeLog *log, PbSensor *s, int r)
{
        const char *words = errno_words(r);

        log->tries++;
        /* The errno that tells the user most: something answering but being the
         * wrong chip, then any other failure, then no acknowledge. */
        if (log->best == 0 || probe_rank(r) > probe_rank(log->best))
                log->best = r;
        if (!log->f)
                return;
        fprintf(log->f, "%s%s at 0x%02x: ", log->tries > 1 ? "; " : "", s->model->label, s->address);
        if (words)
                fputs(words, log->f); /* which register it was is noise here */
        else if (r == -ENODEV && s->detail[0])
                fputs(s->detail, log->f);
        else
                fprintf(log->f, "%s%s%s", errno_name(r), s->detail[0] ? ": " : "", s->detail);
}

int pb_sensor_init(PbSensor *s)
{
        unsigned funcs = pb_i2c_bus_get_funcs(s->bus), skipped_funcs = 0;
        char skipped[128] = "";
        ProbeLog log = {};
        int r;

        s->initialized = false;
        s->started = false;
        s->detail[0] = '\0';

        if (s->want_model) {
                const PbSensorModel *m = s->want_model;
                unsigned missing = m->funcs & ~funcs;

                if (missing) {
                        _cleanup_free_ char *words = pb_i2c_funcs_to_string(missing);

                        return pb_sensor_fail(
                                s, -EOPNOTSUPP, "adapter %s does not support %s, which the %s needs",
                                pb_i2c_bus_get_path(s->bus), words ?: "transfer types", m->label);
                }
                if (s->want_address != 0) {
                        r = try_one(s, m, s->want_address);
                        if (r < 0) {
                                s->model = s->want_model;
                                s->address = s->want_address;
                        }
                        return r;
                }
        }

        log.f = open_memstream(&log.buf, &log.size);
        for (size_t i = 0; pb_sensor_registry[i]; i++) {
                const PbSensorModel *m = pb_sensor_registry[i];

                if (s->want_model ? m != s->want_model : !m->autodetect)
                        continue;
                if (m->funcs & ~funcs) {
                        /* Cannot be reached here: remembered for the report if nothing is found. */
                        if (!s->want_address || model_has_address(m, s->want_address)) {
                                size_t l = strlen(skipped);

                                snprintf(skipped + l, sizeof(skipped) - l, "%s%s", l ? ", " : "", m->label);
                                skipped_funcs |= m->funcs & ~funcs;
                        }
                        continue;
                }
                for (size_t j = 0; j < m->n_addresses || (s->want_address && j == 0); j++) {
                        uint16_t addr = s->want_address ?: m->addresses[j];

                        /* An explicit address with model=auto: only the models that can live there. */
                        if (s->want_address && !model_has_address(m, addr))
                                break;
                        r = try_one(s, m, addr);
                        if (r >= 0) {
                                if (log.f)
                                        fclose(log.f);
                                free(log.buf);
                                return 0;
                        }
                        probe_log_add(&log, s, r);
                        if (s->want_address)
                                break;
                }
        }
        if (log.f && fclose(log.f) != 0)
                log.buf = mfree(log.buf);
        s->model = s->want_model;
        s->address = s->want_address;
        if (log.tries == 0) {
                free(log.buf);
                if (skipped_funcs) {
                        _cleanup_free_ char *words = pb_i2c_funcs_to_string(skipped_funcs);
                        char *last = strrchr(skipped, ',');

                        /* "the SHT3x, SHT4x and Si7021 need" */
                        if (last)
                                *last = '\0';
                        return pb_sensor_fail(
                                s, -EOPNOTSUPP, "adapter %s does not support %s, which the %s%s%s need%s",
                                pb_i2c_bus_get_path(s->bus), words ?: "transfer types", skipped,
                                last ? " and" : "", last ? last + 1 : "", last ? "" : "s");
                }
                if (s->want_address)
                        return pb_sensor_fail(
                                s, -ENODEV,
                                "no model that can be detected automatically lives at address 0x%02x: "
                                "set model",
                                s->want_address);
                return pb_sensor_fail(s, -EOPNOTSUPP,
                                      "adapter %s supports none of the transfer types the sensors need",
                                      pb_i2c_bus_get_path(s->bus));
        }
        (void)pb_sensor_fail(s, 0, "tried %s", strempty(log.buf));
        free(log.buf);
        return log.best;
}

int pb_sensor_start(PbSensor *s, uint64_t *ret_us)
{
        uint64_t us;
        int r;

        if (!s->initialized)
                return pb_sensor_fail(s, -ENOTCONN, "not set up: pb_sensor_init() has not succeeded");
        s->detail[0] = '\0';
        s->started = false;
        s->retry_us = 0;
        us = s->model->measure_us;
        if (s->model->start) {
                r = s->model->start(s, &us);
                if (r < 0)
                        return r;
        }
        s->started = true;
        if (ret_us)
                *ret_us = us;
        return 0;
}

int pb_sensor_collect(PbSensor *s, PbSample *ret)
{
        PbSample sample = {};
        int r;

        if (!s->initialized)
                return pb_sensor_fail(s, -ENOTCONN, "not set up: pb_sensor_init() has not succeeded");
        if (!s->started)
                return pb_sensor_fail(s, -ESTALE, "no measurement was started");
        s->detail[0] = '\0';
        s->retry_us = 0;
        r = s->model->collect(s, &sample);
        if (r == -EAGAIN)
                return r;
        s->started = false;
        if (r < 0)
                return r;
        if (ret)
                *ret = sample;
        return 0;
}
