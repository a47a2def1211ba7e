/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <assert.h>
#include <errno.h>
#include <string.h>
#include <systemd/sd-bus.h>

#include "bus/error.h"
#include "bus/object.h"
#include "bus/sensor.h"
#include "core/frontend.h"
#include "core/sensor.h"
#include "log.h"
#include "util/macro.h"

#define SENSOR_INTERFACE "io.pinbus1.Sensor"

/* --- values ---------------------------------------------------------------------- */

/* Appends sample as a{sd}: the quantities it has, by their names (SI units). */
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

/* --- changes --------------------------------------------------------------------- */

/* The properties each change of the core stands for, in the order they are sent. */
static const struct {
        SensorChange change;
        const char *property;
} change_properties[] = {
        { SENSOR_CHANGED_MODEL, "Model" },   { SENSOR_CHANGED_ADDRESS, "Address" },
        { SENSOR_CHANGED_SAMPLE, "Values" }, { SENSOR_CHANGED_SAMPLE, "Timestamp" },
        { SENSOR_CHANGED_ONLINE, "Online" }, { SENSOR_CHANGED_LAST_ERROR, "LastError" },
};

void bus_sensor_changed(void *userdata, Sensor *sensor, unsigned changes)
{
        Service *s = userdata;
        const char *names[ELEMENTSOF(change_properties) + 1];
        size_t n = 0;
        int r;

        if (!s->serving || !sensor_get_path(sensor))
                return;
        for (size_t i = 0; i < ELEMENTSOF(change_properties); i++)
                if (changes & change_properties[i].change)
                        names[n++] = change_properties[i].property;
        if (n == 0)
                return;
        names[n] = NULL;
        r = sd_bus_emit_properties_changed_strv(s->bus, sensor_get_path(sensor), SENSOR_INTERFACE,
                                                (char **)names);
        if (r < 0)
                log_debug("Sensor %s: cannot emit PropertiesChanged: %s", sensor_get_name(sensor),
                          strerror(-r));
}

/* --- methods --------------------------------------------------------------------- */

/* Answers the Read() call m (userdata, whose reference it takes over) when the sample is in. */
static void on_read_done(Sensor *s, int r, const PbSample *sample, const CoreError *error, void *userdata)
{
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = userdata, *reply = NULL;

        if (r < 0) {
                _cleanup_(sd_bus_error_free) sd_bus_error e = SD_BUS_ERROR_NULL;

                (void)bus_error_set_core(&e, error, r);
                r = sd_bus_reply_method_error(m, &e);
        } else {
                r = sd_bus_message_new_method_return(m, &reply);
                if (r >= 0)
                        r = append_values(reply, sample);
                if (r >= 0)
                        r = sd_bus_message_send(reply);
        }
        if (r < 0)
                log_debug("Sensor %s: cannot reply to Read(): %s", sensor_get_name(s), strerror(-r));
}

/*
 * Read() -> a{sd} values: takes a fresh sample and replies when it is ready, keyed as Values (SI
 * units); a measurement already in progress is shared by every Read() waiting for it, and the
 * sample is also published as Values. Other clients are served meanwhile. Errors: SensorOffline
 * (with LastError's words) when it fails, LimitsExceeded beyond SENSOR_PENDING_MAX (64) waiting
 * calls, IOError when pinbusd stops first.
 */
static int method_read(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
        CoreError e = CORE_ERROR_NULL;
        Sensor *s = userdata;
        int r;

        r = sensor_read(s, on_read_done, sd_bus_message_ref(m), &e);
        if (r < 0) {
                sd_bus_message_unref(m);
                return bus_error_set_core(error, &e, r);
        }
        return 1;
}

/* --- properties ------------------------------------------------------------------ */

/* Name s (const): the NAME of its [sensor NAME] section. */
BUS_DEFINE_PROPERTY_GET(property_get_name, "s", Sensor, sensor_get_name(o))

/* Model s (emits change): the driver model, "bme280", ...: the one found by the last successful
 * probe, else the configured one; "auto" until a model = auto sensor has been found. */
BUS_DEFINE_PROPERTY_GET(property_get_model, "s", Sensor, sensor_get_model_name(o))

/* Bus s (const): its adapter's device path, "/dev/i2c-1". */
BUS_DEFINE_PROPERTY_GET(property_get_bus, "s", Sensor, sensor_get_bus_path(o))

/* Address q (emits change): the 7-bit I2C address, the one found, else the configured one;
 * 0 for address = auto until found. */
BUS_DEFINE_PROPERTY_GET(property_get_address, "q", Sensor, sensor_get_address(o))

/* Online b (emits change): whether the last attempt gave a good sample; false until the first. */
BUS_DEFINE_PROPERTY_GET(property_get_online, "b", Sensor, sensor_is_online(o))

/* LastError s (emits change): why the sensor is offline, "<ERRNO>: <what happened>[: <driver
 * detail>]" naming adapter, address and model, e.g. "ENXIO: no acknowledge from /dev/i2c-1 address
 * 0x76 (bme280)"; "" while online (cleared by the first good sample). */
BUS_DEFINE_PROPERTY_GET(property_get_last_error, "s", Sensor, sensor_get_last_error(o))

/* IntervalUs t (const): the sampling interval, µs. */
BUS_DEFINE_PROPERTY_GET(property_get_interval_us, "t", Sensor, sensor_get_interval_us(o))

/* Timestamp t (emits change, with Values): CLOCK_REALTIME of the last good sample, µs since the
 * epoch; 0 before the first. */
BUS_DEFINE_PROPERTY_GET(property_get_timestamp, "t", Sensor, sensor_get_timestamp_us(o))

/* Values a{sd} (emits change, with Timestamp, once per good sample): the last good sample,
 * the quantities the device measures in SI units: temperature °C, pressure Pa, humidity %RH,
 * illuminance lx, voltage V; kept while offline (see Online), {} before the first sample. */
static int property_get_values(sd_bus *bus, const char *path, const char *interface, const char *property,
                               sd_bus_message *reply, void *userdata, sd_bus_error *error)
{
        return append_values(reply, sensor_get_sample(userdata));
}

/*
 * io.pinbus1.Sensor: a configured I2C sensor ([sensor NAME] in the config). io.pinbus1.xml is the
 * reference; each member's handler above says what it gives. Name, Bus and IntervalUs never
 * change; the others are sent in PropertiesChanged when they do (Values and Timestamp together,
 * once per good sample).
 */
static const sd_bus_vtable sensor_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_PROPERTY("Name", "s", property_get_name, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("Model", "s", property_get_model, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("Bus", "s", property_get_bus, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("Address", "q", property_get_address, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("Online", "b", property_get_online, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("LastError", "s", property_get_last_error, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("IntervalUs", "t", property_get_interval_us, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("Timestamp", "t", property_get_timestamp, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("Values", "a{sd}", property_get_values, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_METHOD_WITH_ARGS("Read", SD_BUS_NO_ARGS, SD_BUS_RESULT("a{sd}", values), method_read,
                                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_VTABLE_END,
};

/* --- objects --------------------------------------------------------------------- */

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

int bus_sensor_register(Service *s)
{
        assert(s);

        for (size_t i = 0; i < s->daemon->n_sensors; i++) {
                Sensor *sensor = s->daemon->sensors[i];
                char *path;
                int r;

                r = service_object_path(PINBUS_SENSOR_PREFIX, sensor_get_name(sensor), &path);
                if (r < 0)
                        return r;
                sensor_set_path(sensor, path);
        }
        return bus_object_type_register(s, &sensor_type);
}
