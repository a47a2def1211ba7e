/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <inttypes.h>
#include <stdarg.h>
#include <sys/param.h>
#include <time.h>

#include "bus/error.h"
#include "bus/object.h"
#include "bus/service.h"
#include "core/sensor.h"
#include "log.h"
#include "sim/i2c-bus.h"
#include "util/strv.h"

#define SENSOR_INTERFACE "io.pinbus1.Sensor"

typedef enum SensorState {
        SENSOR_IDLE,      /* the timer (if armed) starts the next sample or retry */
        SENSOR_MEASURING, /* the timer collects the measurement started at started_usec */
} SensorState;

/* Where a failure happened: words for LastError depend on it. */
typedef enum SensorPhase {
        PHASE_OPEN,    /* opening the adapter */
        PHASE_INIT,    /* pb_sensor_init(): probe, ids, calibration, configuration */
        PHASE_START,   /* pb_sensor_start() */
        PHASE_COLLECT, /* pb_sensor_collect() */
} SensorPhase;

struct Sensor {
        Daemon *daemon;
        char *name;
        char *path;
        char *source; /* "<file>:<line>" of its section */

        /* As configured. */
        const PbSensorModel *model; /* NULL: auto */
        unsigned bus_nr;
        char *bus_path;   /* "/dev/i2c-N" */
        uint16_t address; /* 0: auto */
        uint64_t interval_us;
        char **options;

        /* Resolved by the last successful pb_sensor_init(); the configured ones before. */
        const PbSensorModel *found_model;
        uint16_t found_address;

        PbI2cBus *bus; /* borrowed from d->i2c_buses; NULL until opened */
        PbSensor *pb;
        bool initialized; /* pb_sensor_init() succeeded since the last failure */

        SensorState state;
        sd_event_source *timer;
        uint64_t started_usec; /* CLOCK_MONOTONIC start of the current or last measurement */
        uint64_t measure_usec; /* its measurement time */
        unsigned polls;

        bool online;
        char *last_error;      /* "" when fine */
        int last_errno;        /* of last_error, 0 when fine */
        unsigned failures;     /* consecutive failed attempts */
        uint64_t timestamp_us; /* CLOCK_REALTIME of the last good sample, 0 before */
        PbSample sample;

        sd_bus_message **pending; /* Read() calls waiting for the sample in progress */
        size_t n_pending;
};

static void sensor_begin(Sensor *s);

const char *sensor_get_path(const Sensor *s)
{
        return s->path;
}

static const char *sensor_model_name(const Sensor *s)
{
        const PbSensorModel *m = s->found_model ?: s->model;

        return m ? pb_sensor_model_get_name(m) : "auto";
}

static uint16_t sensor_address(const Sensor *s)
{
        return s->found_address ?: s->address;
}

/* --- adapters -------------------------------------------------------------------- */

/* The adapter went away (-ENODEV from a transfer): every sensor on it lets go of it, and it is
 * closed, to be opened afresh at the next attempt. */
static void sensors_drop_i2c_bus(Daemon *d, PbI2cBus *bus)
{
        for (size_t i = 0; i < d->n_sensors; i++) {
                Sensor *s = d->sensors[i];

                if (s->bus != bus)
                        continue;
                s->pb = pb_sensor_free(s->pb);
                s->bus = NULL;
                s->initialized = false;
        }
        daemon_close_i2c_bus(d, bus);
}

/* --- errors ---------------------------------------------------------------------- */

static const char *errno_name(int e)
{
        const char *n = strerrorname_np(e);

        return n ?: "EUNKNOWN";
}

/*
 * LastError: "<ERRNO>: <what happened> [: <driver detail>]", naming the adapter, the
 * address and the model, e.g. "ENXIO: no acknowledge from /dev/i2c-1 address 0x76 (bme280)".
 */
static char *sensor_error_text(const Sensor *s, int r, SensorPhase phase, const char *detail,
                               bool adapter_gone)
{
        _cleanup_free_ char *where = NULL, *what = NULL;
        char *text = NULL;
        uint16_t a = sensor_address(s);
        int k;

        if (a)
                k = asprintf(&where, "%s address 0x%02" PRIx16 " (%s)", s->bus_path, a,
                             sensor_model_name(s));
        else
                k = asprintf(&where, "%s, address auto (%s)", s->bus_path, sensor_model_name(s));
        if (k < 0)
                return NULL;

        if (phase == PHASE_OPEN)
                switch (r) {
                case -ENOENT:
                        k = asprintf(&what, "no such adapter %s", s->bus_path);
                        break;
                case -EACCES:
                case -EPERM:
                        k = asprintf(&what, "permission denied opening adapter %s", s->bus_path);
                        break;
                case -ENOTTY:
                        k = asprintf(&what, "%s is not an i2c-dev adapter", s->bus_path);
                        break;
                default:
                        k = asprintf(&what, "cannot open adapter %s: %s", s->bus_path, strerror(-r));
                }
        else
                switch (r) {
                case -ENXIO:
                case -EREMOTEIO:
                        k = asprintf(&what, "no acknowledge from %s", where);
                        break;
                case -ETIMEDOUT:
                        k = phase == PHASE_COLLECT ? asprintf(&what, "measurement timed out on %s", where)
                                                   : asprintf(&what, "bus timeout talking to %s", where);
                        break;
                case -EBADMSG:
                        k = asprintf(&what, "CRC mismatch in data from %s", where);
                        break;
                case -ERANGE:
                        k = asprintf(&what, "implausible reading from %s", where);
                        break;
                case -ENODEV:
                        k = adapter_gone || phase != PHASE_INIT
                                    ? asprintf(&what, "adapter %s went away", s->bus_path)
                                    : asprintf(&what, "not the expected device at %s", where);
                        break;
                case -EOPNOTSUPP:
                        /* The driver's detail names the missing transfer types in words. */
                        k = asprintf(&what, "unsupported transfer type for %s", where);
                        break;
                default:
                        k = asprintf(&what, "%s talking to %s", strerror(-r), where);
                }
        if (k < 0)
                return NULL;

        if (asprintf(&text, "%s: %s%s%s", errno_name(-r), what, isempty(detail) ? "" : ": ",
                     strempty(detail)) < 0)
                return NULL;
        return text;
}

/* --- replies --------------------------------------------------------------------- */

static int append_values(sd_bus_message *m, const PbSample *sample)
{
        int r;

        r = sd_bus_message_open_container(m, 'a', "{sd}");
        for (unsigned q = 0; r >= 0 && q < _PB_QUANTITY_MAX; q++)
                if (sample->mask & (1u << q))
                        r = sd_bus_message_append(m, "{sd}", pb_quantity_to_string((PbQuantity)q),
                                                  sample->value[q]);
        if (r < 0)
                return r;
        return sd_bus_message_close_container(m);
}

static void sensor_reply_values(Sensor *s)
{
        for (size_t i = 0; i < s->n_pending; i++) {
                _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
                int r;

                r = sd_bus_message_new_method_return(s->pending[i], &reply);
                if (r >= 0)
                        r = append_values(reply, &s->sample);
                if (r >= 0)
                        r = sd_bus_send(NULL, reply, NULL);
                if (r < 0)
                        log_debug("Sensor %s: cannot reply to Read(): %s", s->name, strerror(-r));
                sd_bus_message_unref(s->pending[i]);
        }
        s->n_pending = 0;
}

static void sensor_reply_error(Sensor *s, const char *name, const char *format, ...) _printf_(3, 4);

static void sensor_reply_error(Sensor *s, const char *name, const char *format, ...)
{
        _cleanup_free_ char *msg = NULL;
        va_list ap;
        int r;

        va_start(ap, format);
        r = vasprintf(&msg, format, ap);
        va_end(ap);
        for (size_t i = 0; i < s->n_pending; i++) {
                if (r >= 0)
                        (void)sd_bus_reply_method_errorf(s->pending[i], name, "%s", msg);
                else
                        (void)sd_bus_reply_method_errno(s->pending[i], ENOMEM, NULL);
                sd_bus_message_unref(s->pending[i]);
        }
        s->n_pending = 0;
}

/* --- state machine --------------------------------------------------------------- */

static uint64_t now_monotonic(Sensor *s)
{
        uint64_t t;

        if (sd_event_now(s->daemon->event, CLOCK_MONOTONIC, &t) < 0)
                t = monotonic_ns() / NSEC_PER_USEC;
        return t;
}

static uint64_t now_realtime(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_REALTIME, &ts);
        return (uint64_t)ts.tv_sec * USEC_PER_SEC + (uint64_t)ts.tv_nsec / 1000;
}

static int on_timer(sd_event_source *es, uint64_t usec, void *userdata);

/* Arms the sensor's one timer for the CLOCK_MONOTONIC time usec. */
static void sensor_arm(Sensor *s, uint64_t usec)
{
        int r;

        if (!s->timer) {
                r = sd_event_add_time(s->daemon->event, &s->timer, CLOCK_MONOTONIC, usec, USEC_PER_MSEC / 2,
                                      on_timer, s);
                if (r >= 0)
                        (void)sd_event_source_set_description(s->timer, "sensor");
        } else {
                r = sd_event_source_set_time(s->timer, usec);
                if (r >= 0)
                        r = sd_event_source_set_enabled(s->timer, SD_EVENT_ONESHOT);
        }
        if (r < 0)
                log_error("Sensor %s: cannot arm its timer: %s; it stops sampling", s->name, strerror(-r));
}

static void sensor_disarm(Sensor *s)
{
        if (s->timer)
                (void)sd_event_source_set_enabled(s->timer, SD_EVENT_OFF);
}

/* The delay before retry number `failures` (1 = the first retry). */
static uint64_t sensor_backoff_us(const Sensor *s)
{
        uint64_t first = MIN(s->interval_us, SENSOR_BACKOFF_FIRST_MAX_US);
        uint64_t cap = MAX(first, MIN(SENSOR_BACKOFF_CAP_INTERVALS * s->interval_us, SENSOR_BACKOFF_CAP_US));
        uint64_t d = first;

        for (unsigned i = 1; i < s->failures && d < cap; i++)
                d *= 2;
        return MIN(d, cap);
}

static void sensor_emit(Sensor *s, char **names)
{
        if (!strv_length(names))
                return;
        (void)sd_bus_emit_properties_changed_strv(s->daemon->bus, s->path, SENSOR_INTERFACE, names);
}

static void sensor_fail(Sensor *s, int r, SensorPhase phase)
{
        _cleanup_free_ char *text = NULL;
        const char *detail = phase == PHASE_OPEN || !s->pb ? "" : pb_sensor_get_error_detail(s->pb);
        char *changed[3] = {};
        size_t n = 0;
        bool was_online = s->online, new_error, adapter_gone;
        uint64_t delay;

        s->state = SENSOR_IDLE;
        s->initialized = false; /* re-run pb_sensor_init() before the next start */

        /* A kernel adapter that went away (its module unloaded, a USB adapter unplugged) takes its
         * /dev node with it: the open fd is useless, open it afresh at the next attempt. */
        adapter_gone = phase != PHASE_OPEN && s->bus && !pb_i2c_bus_is_simulated(s->bus) &&
                       access(pb_i2c_bus_get_path(s->bus), F_OK) < 0 && errno == ENOENT;

        text = sensor_error_text(s, r, phase, detail, adapter_gone);
        if (!text)
                text = strdup("ENOMEM: out of memory");
        new_error = text && !streq(s->last_error, text);

        /* One line when the sensor goes offline, and one when the kind of fault changes (not when
         * only the driver's detail, such as the register, does); and the init check's words on
         * which transfer types the adapter lacks, which a failed transfer does not give. */
        if (was_online || s->failures == 0)
                log_warning("Sensor %s is offline: %s", s->name, text ?: strerror(-r));
        else if (r != s->last_errno || (r == -EOPNOTSUPP && phase == PHASE_INIT && new_error))
                log_notice("Sensor %s is still offline, now: %s", s->name, text ?: strerror(-r));
        s->last_errno = r;

        s->online = false;
        if (was_online)
                changed[n++] = (char *)"Online";
        if (new_error) {
                free(s->last_error);
                s->last_error = TAKE_PTR(text);
                changed[n++] = (char *)"LastError";
        }
        sensor_emit(s, changed);

        sensor_reply_error(s, PB_ERROR_SENSOR_OFFLINE, "Sensor %s is offline: %s", s->name, s->last_error);

        if (adapter_gone)
                sensors_drop_i2c_bus(s->daemon, s->bus); /* (after the last use of detail) */

        s->failures++;
        delay = sensor_backoff_us(s);
        log_debug("Sensor %s: retry %u in %" PRIu64 " ms", s->name, s->failures, delay / USEC_PER_MSEC);
        sensor_arm(s, now_monotonic(s) + delay);
}

static void sensor_publish(Sensor *s, const PbSample *sample)
{
        char *changed[5] = { (char *)"Values", (char *)"Timestamp" };
        size_t n = 2;
        uint64_t now = now_monotonic(s), next;

        s->state = SENSOR_IDLE;
        s->sample = *sample;
        s->timestamp_us = now_realtime();
        s->failures = 0;
        if (!s->online) {
                s->online = true;
                changed[n++] = (char *)"Online";
                log_info("Sensor %s is online: %s at %s address 0x%02" PRIx16 ", sampling every %" PRIu64
                         " ms",
                         s->name, sensor_model_name(s), s->bus_path, sensor_address(s),
                         s->interval_us / USEC_PER_MSEC);
        }
        s->last_errno = 0;
        if (!isempty(s->last_error)) {
                s->last_error[0] = '\0';
                changed[n++] = (char *)"LastError";
        }
        /* Once per sample, changed or not: Timestamp always is. */
        sensor_emit(s, changed);
        sensor_reply_values(s);

        /* Keep the cadence of the measurement starts; catch up at once if late. */
        next = s->started_usec + s->interval_us;
        sensor_arm(s, MAX(next, now));
}

/* Opens the adapter, creates the driver instance and initializes the device, as far as
 * that has not happened yet. */
static int sensor_prepare(Sensor *s, SensorPhase *ret_phase)
{
        const PbSensorModel *old_model = s->found_model;
        uint16_t old_address = s->found_address;
        char *changed[3] = {};
        size_t n = 0;
        int r;

        *ret_phase = PHASE_OPEN;
        if (!s->bus) {
                r = daemon_get_i2c_bus(s->daemon, s->bus_nr, &s->bus);
                if (r < 0)
                        return r;
        }
        if (!s->pb) {
                r = pb_sensor_new(s->model, s->bus, s->address, s->options, &s->pb);
                if (r < 0)
                        return r;
        }
        if (s->initialized)
                return 0;

        *ret_phase = PHASE_INIT;
        r = pb_sensor_init(s->pb);
        if (r < 0)
                return r;
        s->initialized = true;

        s->found_model = pb_sensor_get_model(s->pb);
        s->found_address = pb_sensor_get_address(s->pb);
        if (s->found_model != (old_model ?: s->model))
                changed[n++] = (char *)"Model";
        if (s->found_address != (old_address ?: s->address))
                changed[n++] = (char *)"Address";
        sensor_emit(s, changed);
        if (!old_model || old_model != s->found_model || old_address != s->found_address)
                log_debug("Sensor %s: found %s at %s address 0x%02" PRIx16, s->name,
                          pb_sensor_model_get_name(s->found_model), s->bus_path, s->found_address);
        return 0;
}

/* Starts a measurement now (idle state only). */
static void sensor_begin(Sensor *s)
{
        SensorPhase phase;
        uint64_t usec = 0;
        int r;

        sensor_disarm(s);
        s->started_usec = now_monotonic(s);

        r = sensor_prepare(s, &phase);
        if (r >= 0) {
                phase = PHASE_START;
                r = pb_sensor_start(s->pb, &usec);
        }
        if (r < 0) {
                sensor_fail(s, r, phase);
                return;
        }
        s->state = SENSOR_MEASURING;
        s->measure_usec = usec;
        s->polls = 0;
        sensor_arm(s, s->started_usec + usec);
}

static void sensor_collect(Sensor *s)
{
        PbSample sample = {};
        int r;

        if (!s->pb) {
                /* Its adapter went away under another sensor while this one was measuring. */
                sensor_fail(s, -ENODEV, PHASE_COLLECT);
                return;
        }
        r = pb_sensor_collect(s->pb, &sample);
        if (r == -EAGAIN && s->polls < SENSOR_POLLS_MAX) {
                s->polls++;
                /* The driver may know when to look again (an HTU21D's humidity conversion starts
                 * only once its temperature is read); else a quarter of the measurement time. */
                uint64_t retry = pb_sensor_get_retry_usec(s->pb);

                sensor_arm(s, now_monotonic(s) + (retry ?: MAX(s->measure_usec / 4, USEC_PER_MSEC)));
                return;
        }
        if (r == -EAGAIN)
                r = -ETIMEDOUT;
        if (r < 0) {
                sensor_fail(s, r, PHASE_COLLECT);
                return;
        }
        sensor_publish(s, &sample);
}

static int on_timer(sd_event_source *es, uint64_t usec, void *userdata)
{
        Sensor *s = userdata;

        if (s->state == SENSOR_MEASURING)
                sensor_collect(s);
        else
                sensor_begin(s);
        return 0;
}

/* --- objects --------------------------------------------------------------------- */

static int sensor_new(Daemon *d, const SensorConfig *cfg, Sensor **ret)
{
        Sensor *s;

        s = calloc(1, sizeof(*s));
        if (!s)
                return -ENOMEM;
        s->daemon = d;
        /* The config checked the name: anything but a model is "auto". */
        s->model = pb_sensor_model_from_string(cfg->model);
        s->bus_nr = (unsigned)cfg->bus;
        s->address = cfg->address;
        s->interval_us = cfg->interval_us;
        s->name = strdup(cfg->name);
        s->source = strdup(cfg->source);
        s->last_error = strdup("");
        if (cfg->options) {
                s->options = calloc(strv_length(cfg->options) + 1, sizeof(char *));
                for (size_t i = 0; s->options && cfg->options[i]; i++)
                        if (!(s->options[i] = strdup(cfg->options[i]))) {
                                s->options = (strv_free(s->options), NULL);
                                break;
                        }
        }
        if (!s->name || !s->source || !s->last_error || (cfg->options && !s->options) ||
            asprintf(&s->bus_path, "/dev/i2c-%u", s->bus_nr) < 0 ||
            sd_bus_path_encode(PINBUS_SENSOR_PREFIX, cfg->name, &s->path) < 0) {
                free(s->bus_path);
                free(s->path);
                free(s->name);
                free(s->source);
                free(s->last_error);
                strv_free(s->options);
                free(s);
                return -ENOMEM;
        }
        *ret = s;
        return 0;
}

static Sensor *sensor_free(Sensor *s)
{
        if (!s)
                return NULL;
        sensor_reply_error(s, PB_ERROR_IO, "Sensor %s: pinbusd is stopping; no sample was taken", s->name);
        free(s->pending);
        sd_event_source_disable_unref(s->timer);
        pb_sensor_free(s->pb);
        free(s->name);
        free(s->path);
        free(s->source);
        free(s->bus_path);
        free(s->last_error);
        strv_free(s->options);
        free(s);
        return NULL;
}

int sensors_new(Daemon *d)
{
        const Config *c = d->config;
        int r;

        d->sensors = calloc(c->n_sensors ?: 1, sizeof(Sensor *));
        if (!d->sensors)
                return -ENOMEM;
        for (size_t i = 0; i < c->n_sensors; i++) {
                r = sensor_new(d, &c->sensors[i], &d->sensors[i]);
                if (r < 0)
                        return r;
                d->n_sensors++;
        }
        return 0;
}

/* The loop is ending: answer the Read() calls still waiting while the bus can carry the answers
 * (sd-bus flushes and closes the connection in its own exit handler, which runs after this one). */
static int on_loop_exit(sd_event_source *es, void *userdata)
{
        Daemon *d = userdata;

        for (size_t i = 0; i < d->n_sensors; i++) {
                Sensor *s = d->sensors[i];

                sensor_disarm(s);
                sensor_reply_error(s, PB_ERROR_IO, "Sensor %s: pinbusd is stopping; no sample was taken",
                                   s->name);
        }
        return 0;
}

void sensors_start(Daemon *d)
{
        sd_event_source *es = NULL;
        int r;

        r = sd_event_add_exit(d->event, &es, on_loop_exit, d);
        if (r >= 0)
                r = sd_event_source_set_priority(es, SD_EVENT_PRIORITY_IMPORTANT);
        if (r >= 0)
                r = sd_event_source_set_floating(es, true);
        sd_event_source_unref(es);
        if (r < 0)
                log_warning(
                        "Cannot watch for the end of the event loop: %s; Read() calls waiting then get no "
                        "answer",
                        strerror(-r));

        for (size_t i = 0; i < d->n_sensors; i++) {
                Sensor *s = d->sensors[i];

                char address[8] = "auto";

                if (s->address)
                        snprintf(address, sizeof(address), "0x%02" PRIx16, s->address);
                log_debug("Sensor %s (%s): %s at %s address %s, every %" PRIu64 " ms", s->name, s->source,
                          sensor_model_name(s), s->bus_path, address, s->interval_us / USEC_PER_MSEC);
                sensor_arm(s, now_monotonic(s));
        }
}

void sensors_free(Daemon *d)
{
        for (size_t i = 0; i < d->n_sensors; i++)
                sensor_free(d->sensors[i]);
        d->sensors = mfree(d->sensors);
        d->n_sensors = 0;
}

/* --- D-Bus ----------------------------------------------------------------------- */

static int method_read(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
        Sensor *s = userdata;
        sd_bus_message **n;

        if (s->n_pending >= SENSOR_PENDING_MAX)
                return sd_bus_error_setf(error, SD_BUS_ERROR_LIMITS_EXCEEDED,
                                         "Sensor %s already has %d Read() calls waiting for a sample; try "
                                         "again later",
                                         s->name, SENSOR_PENDING_MAX);
        n = realloc(s->pending, (s->n_pending + 1) * sizeof(sd_bus_message *));
        if (!n)
                return -ENOMEM;
        s->pending = n;
        s->pending[s->n_pending++] = sd_bus_message_ref(m);

        /* One measurement serves every Read() that arrives while it is in progress. When idle
         * (between samples, or waiting to retry an offline sensor) measure now. */
        if (s->state == SENSOR_IDLE)
                sensor_begin(s);
        return 1;
}

static int property_get_model(sd_bus *bus, const char *path, const char *interface, const char *property,
                              sd_bus_message *reply, void *userdata, sd_bus_error *error)
{
        return sd_bus_message_append(reply, "s", sensor_model_name(userdata));
}

static int property_get_bus(sd_bus *bus, const char *path, const char *interface, const char *property,
                            sd_bus_message *reply, void *userdata, sd_bus_error *error)
{
        Sensor *s = userdata;

        return sd_bus_message_append(reply, "s", s->bus_path);
}

static int property_get_address(sd_bus *bus, const char *path, const char *interface, const char *property,
                                sd_bus_message *reply, void *userdata, sd_bus_error *error)
{
        return sd_bus_message_append(reply, "q", sensor_address(userdata));
}

static int property_get_online(sd_bus *bus, const char *path, const char *interface, const char *property,
                               sd_bus_message *reply, void *userdata, sd_bus_error *error)
{
        Sensor *s = userdata;

        return sd_bus_message_append(reply, "b", s->online);
}

static int property_get_last_error(sd_bus *bus, const char *path, const char *interface,
                                   const char *property, sd_bus_message *reply, void *userdata,
                                   sd_bus_error *error)
{
        Sensor *s = userdata;

        return sd_bus_message_append(reply, "s", s->last_error);
}

static int property_get_time(sd_bus *bus, const char *path, const char *interface, const char *property,
                             sd_bus_message *reply, void *userdata, sd_bus_error *error)
{
        Sensor *s = userdata;

        return sd_bus_message_append(reply, "t",
                                     streq(property, "IntervalUs") ? s->interval_us : s->timestamp_us);
}

static int property_get_values(sd_bus *bus, const char *path, const char *interface, const char *property,
                               sd_bus_message *reply, void *userdata, sd_bus_error *error)
{
        Sensor *s = userdata;

        return append_values(reply, &s->sample);
}

/*
 * io.pinbus1.Sensor — a configured I2C sensor ([sensor NAME] in the config).
 *
 * Properties:
 *   Name s         the NAME of its section
 *   Model s        driver model ("bme280", ...): the one found by the last successful probe, else
 *                  the configured one ("auto" until a model=auto sensor has been found) (emits change)
 *   Bus s          its adapter, "/dev/i2c-1"
 *   Address q      7-bit I2C address: the one found, else the configured one (0 = auto, not found yet)
 *                  (emits change)
 *   Online b       whether the last attempt gave a good sample (false until the first one) (emits change)
 *   LastError s    why the sensor is offline, "<ERRNO>: <words naming adapter, address, model>", e.g.
 *                  "ENXIO: no acknowledge from /dev/i2c-1 address 0x76 (bme280)"; "" while online
 *                  (cleared by the first good sample) (emits change)
 *   IntervalUs t   sampling interval, µs
 *   Timestamp t    CLOCK_REALTIME of the last good sample, µs since the epoch; 0 before the first
 *   Values a{sd}   the last good sample, in SI units: temperature °C, pressure Pa, humidity %RH,
 *                  illuminance lx, voltage V (only the quantities the device measures); kept while
 *                  offline (see Online and Timestamp), {} before the first sample. Values and
 *                  Timestamp are emitted together, in one PropertiesChanged per good sample.
 *
 * Methods:
 *   Read() -> a{sd} values
 *           takes a fresh sample and replies when it is ready (a measurement already in progress is
 *           shared by every Read() waiting for it); the sample is also published as Values.
 *           SensorOffline (with LastError's words) when it fails; LimitsExceeded beyond 64
 *           waiting calls. Never blocks other clients.
 */
static const sd_bus_vtable sensor_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_PROPERTY("Name", "s", NULL, offsetof(Sensor, name), SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("Model", "s", property_get_model, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("Bus", "s", property_get_bus, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("Address", "q", property_get_address, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("Online", "b", property_get_online, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("LastError", "s", property_get_last_error, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("IntervalUs", "t", property_get_time, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("Timestamp", "t", property_get_time, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("Values", "a{sd}", property_get_values, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_METHOD_WITH_ARGS("Read", SD_BUS_NO_ARGS, SD_BUS_RESULT("a{sd}", values), method_read,
                                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_VTABLE_END,
};

static void *sensor_at(Daemon *d, size_t i)
{
        return i < d->n_sensors ? d->sensors[i] : NULL;
}

static const char *sensor_path(const void *object)
{
        return sensor_get_path(object);
}

static const BusObjectType sensor_type = {
        .prefix = PINBUS_SENSOR_PREFIX,
        .interface = SENSOR_INTERFACE,
        .vtable = sensor_vtable,
        .at = sensor_at,
        .get_path = sensor_path,
};

int sensor_add_bus_objects(Daemon *d)
{
        return bus_object_type_register(service_of(d), &sensor_type);
}
