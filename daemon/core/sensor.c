/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <assert.h>
#include <inttypes.h>
#include <sys/param.h>
#include <systemd/sd-event.h>
#include <time.h>

#include "core/daemon.h"
#include "core/frontend.h"
#include "core/sensor.h"
#include "i2c/bus.h"
#include "log.h"
#include "sim/i2c-bus.h"
#include "util/strv.h"

typedef enum SensorState {
        SENSOR_IDLE,      /* the timer (if armed) starts the next sample or retry */
        SENSOR_MEASURING, /* the timer collects the measurement started at started_us */
} SensorState;

/* Where a failure happened: words for LastError depend on it. */
typedef enum SensorPhase {
        PHASE_OPEN,    /* opening the adapter */
        PHASE_INIT,    /* pb_sensor_init(): probe, ids, calibration, configuration */
        PHASE_START,   /* pb_sensor_start() */
        PHASE_COLLECT, /* pb_sensor_collect() */
} SensorPhase;

/* A sensor_read() waiting for the sample in progress. */
typedef struct SensorWaiter {
        SensorReadCallback callback;
        void *userdata;
} SensorWaiter;

struct Sensor {
        Daemon *daemon;
        char *name;
        char *path;   /* the front end's, NULL before it sets one */
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
        uint64_t started_us; /* CLOCK_MONOTONIC start of the current or last measurement */
        uint64_t measure_us; /* its measurement time */
        unsigned polls;

        bool online;
        char *last_error;      /* "" when fine */
        int last_errno;        /* of last_error, 0 when fine */
        unsigned failures;     /* consecutive failed attempts */
        uint64_t timestamp_us; /* CLOCK_REALTIME of the last good sample, 0 before */
        PbSample sample;

        SensorWaiter waiters[SENSOR_PENDING_MAX]; /* reads waiting for the sample in progress */
        size_t n_waiters;
};

static void sensor_begin(Sensor *s);

/* --- properties ------------------------------------------------------------------ */

const char *sensor_get_name(const Sensor *s)
{
        assert(s);
        return s->name;
}

const char *sensor_get_model_name(const Sensor *s)
{
        const PbSensorModel *m;

        assert(s);
        m = s->found_model ?: s->model;
        return m ? pb_sensor_model_get_name(m) : "auto";
}

const char *sensor_get_bus_path(const Sensor *s)
{
        assert(s);
        return s->bus_path;
}

uint16_t sensor_get_address(const Sensor *s)
{
        assert(s);
        return s->found_address ?: s->address;
}

bool sensor_is_online(const Sensor *s)
{
        assert(s);
        return s->online;
}

const char *sensor_get_last_error(const Sensor *s)
{
        assert(s);
        return s->last_error;
}

uint64_t sensor_get_interval_us(const Sensor *s)
{
        assert(s);
        return s->interval_us;
}

uint64_t sensor_get_timestamp_us(const Sensor *s)
{
        assert(s);
        return s->timestamp_us;
}

const PbSample *sensor_get_sample(const Sensor *s)
{
        assert(s);
        return &s->sample;
}

/* --- changes and waiters -------------------------------------------------------- */

void sensor_set_path(Sensor *s, char *path)
{
        assert(s);
        free(s->path);
        s->path = path;
}

const char *sensor_get_path(const Sensor *s)
{
        assert(s);
        return s->path;
}

static void sensor_notify(Sensor *s, unsigned changes)
{
        if (changes != 0)
                FRONTEND_CALL(s->daemon, sensor_changed, s, changes);
}

/* Answers every read waiting: with the sample when r >= 0, else with error. The list is
 * emptied first, so a callback may read again. */
static void sensor_answer_waiters(Sensor *s, int r, const CoreError *error)
{
        SensorWaiter waiters[SENSOR_PENDING_MAX];
        size_t n = s->n_waiters;

        memcpy(waiters, s->waiters, n * sizeof(SensorWaiter));
        s->n_waiters = 0;
        for (size_t i = 0; i < n; i++)
                waiters[i].callback(s, r, r >= 0 ? &s->sample : NULL, r >= 0 ? NULL : error,
                                    waiters[i].userdata);
}

static void sensor_answer_waiters_stopping(Sensor *s)
{
        CoreError e = CORE_ERROR_NULL;

        if (s->n_waiters == 0)
                return;
        (void)core_error_setf(&e, CORE_ERROR_IO, -ESHUTDOWN,
                              "Sensor %s: pinbusd is stopping; no sample was taken", s->name);
        sensor_answer_waiters(s, -ESHUTDOWN, &e);
}

int sensor_read(Sensor *s, SensorReadCallback callback, void *userdata, CoreError *error)
{
        assert(s);
        assert(callback);

        if (s->n_waiters >= SENSOR_PENDING_MAX)
                return core_error_setf(error, CORE_ERROR_LIMITS_EXCEEDED, -ENOBUFS,
                                       "Sensor %s already has %d Read() calls waiting for a sample; try "
                                       "again later",
                                       s->name, SENSOR_PENDING_MAX);
        s->waiters[s->n_waiters++] = (SensorWaiter){ .callback = callback, .userdata = userdata };

        /* One measurement serves every read that arrives while it is in progress. When idle
         * (between samples, or waiting to retry an offline sensor) measure now. */
        if (s->state == SENSOR_IDLE)
                sensor_begin(s);
        return 0;
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
        uint16_t a = sensor_get_address(s);
        int k;

        if (a)
                k = asprintf(&where, "%s address 0x%02" PRIx16 " (%s)", s->bus_path, a,
                             sensor_get_model_name(s));
        else
                k = asprintf(&where, "%s, address auto (%s)", s->bus_path, sensor_get_model_name(s));
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

static int on_timer(sd_event_source *es, uint64_t now_us, void *userdata);

/* Arms the sensor's one timer for the CLOCK_MONOTONIC time when_us. */
static void sensor_arm(Sensor *s, uint64_t when_us)
{
        int r;

        if (!s->timer) {
                r = sd_event_add_time(s->daemon->event, &s->timer, CLOCK_MONOTONIC, when_us,
                                      USEC_PER_MSEC / 2, on_timer, s);
                if (r >= 0)
                        (void)sd_event_source_set_description(s->timer, "sensor");
        } else {
                r = sd_event_source_set_time(s->timer, when_us);
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

static void sensor_fail(Sensor *s, int r, SensorPhase phase)
{
        _cleanup_free_ char *text = NULL;
        const char *detail = phase == PHASE_OPEN || !s->pb ? "" : pb_sensor_get_error_detail(s->pb);
        CoreError e = CORE_ERROR_NULL;
        unsigned changes = 0;
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
                changes |= SENSOR_CHANGED_ONLINE;
        if (new_error) {
                free(s->last_error);
                s->last_error = TAKE_PTR(text);
                changes |= SENSOR_CHANGED_LAST_ERROR;
        }
        sensor_notify(s, changes);

        if (adapter_gone)
                sensors_drop_i2c_bus(s->daemon, s->bus); /* (after the last use of detail) */

        s->failures++;
        delay = sensor_backoff_us(s);
        log_debug("Sensor %s: retry %u in %" PRIu64 " ms", s->name, s->failures, delay / USEC_PER_MSEC);
        sensor_arm(s, now_monotonic(s) + delay);

        (void)core_error_setf(&e, CORE_ERROR_SENSOR_OFFLINE, r, "Sensor %s is offline: %s", s->name,
                              s->last_error);
        sensor_answer_waiters(s, r, &e);
}

static void sensor_publish(Sensor *s, const PbSample *sample)
{
        unsigned changes = SENSOR_CHANGED_SAMPLE;
        uint64_t now = now_monotonic(s), next;

        s->state = SENSOR_IDLE;
        s->sample = *sample;
        s->timestamp_us = now_realtime();
        s->failures = 0;
        if (!s->online) {
                s->online = true;
                changes |= SENSOR_CHANGED_ONLINE;
                log_info("Sensor %s is online: %s at %s address 0x%02" PRIx16 ", sampling every %" PRIu64
                         " ms",
                         s->name, sensor_get_model_name(s), s->bus_path, sensor_get_address(s),
                         s->interval_us / USEC_PER_MSEC);
        }
        s->last_errno = 0;
        if (!isempty(s->last_error)) {
                s->last_error[0] = '\0';
                changes |= SENSOR_CHANGED_LAST_ERROR;
        }
        /* Once per sample, the values changed or not: the timestamp always is new. */
        sensor_notify(s, changes);

        /* Keep the cadence of the measurement starts; catch up at once if late. */
        next = s->started_us + s->interval_us;
        sensor_arm(s, MAX(next, now));

        sensor_answer_waiters(s, 0, NULL);
}

/* Opens the adapter, creates the driver instance and initializes the device, as far as
 * that has not happened yet. */
static int sensor_prepare(Sensor *s, SensorPhase *ret_phase)
{
        const PbSensorModel *old_model = s->found_model;
        uint16_t old_address = s->found_address;
        unsigned changes = 0;
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
                changes |= SENSOR_CHANGED_MODEL;
        if (s->found_address != (old_address ?: s->address))
                changes |= SENSOR_CHANGED_ADDRESS;
        sensor_notify(s, changes);
        if (!old_model || old_model != s->found_model || old_address != s->found_address)
                log_debug("Sensor %s: found %s at %s address 0x%02" PRIx16, s->name,
                          pb_sensor_model_get_name(s->found_model), s->bus_path, s->found_address);
        return 0;
}

/* Starts a measurement now (idle state only). */
static void sensor_begin(Sensor *s)
{
        SensorPhase phase;
        uint64_t measure_us = 0;
        int r;

        assert(s->state == SENSOR_IDLE);

        sensor_disarm(s);
        s->started_us = now_monotonic(s);

        r = sensor_prepare(s, &phase);
        if (r >= 0) {
                phase = PHASE_START;
                r = pb_sensor_start(s->pb, &measure_us);
        }
        if (r < 0) {
                sensor_fail(s, r, phase);
                return;
        }
        s->state = SENSOR_MEASURING;
        s->measure_us = measure_us;
        s->polls = 0;
        sensor_arm(s, s->started_us + measure_us);
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
                uint64_t retry_us = pb_sensor_get_retry_us(s->pb);

                sensor_arm(s, now_monotonic(s) + (retry_us ?: MAX(s->measure_us / 4, USEC_PER_MSEC)));
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

static int on_timer(sd_event_source *es, uint64_t now_us, void *userdata)
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
            asprintf(&s->bus_path, "/dev/i2c-%u", s->bus_nr) < 0) {
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
        sensor_answer_waiters_stopping(s);
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
        const Config *c;
        int r;

        assert(d);
        assert(d->config);
        assert(!d->sensors);

        c = d->config;
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

/* The loop is ending: answer the reads still waiting while the bus can carry the answers
 * (sd-bus flushes and closes the connection in its own exit handler, which runs after this one). */
static int on_loop_exit(sd_event_source *es, void *userdata)
{
        Daemon *d = userdata;

        for (size_t i = 0; i < d->n_sensors; i++) {
                Sensor *s = d->sensors[i];

                sensor_disarm(s);
                sensor_answer_waiters_stopping(s);
        }
        return 0;
}

void sensors_start(Daemon *d)
{
        sd_event_source *es = NULL;
        int r;

        assert(d);
        assert(d->event);

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
                          sensor_get_model_name(s), s->bus_path, address, s->interval_us / USEC_PER_MSEC);
                sensor_arm(s, now_monotonic(s));
        }
}

void sensors_free(Daemon *d)
{
        assert(d);

        for (size_t i = 0; i < d->n_sensors; i++)
                sensor_free(d->sensors[i]);
        d->sensors = mfree(d->sensors);
        d->n_sensors = 0;
}
