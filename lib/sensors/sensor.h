/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * I2C sensor drivers. A PbSensorModel is one entry of the driver table (name,
 * default addresses, required adapter functionality, probe, init, start,
 * measurement time, read and convert); a PbSensor is one configured device on
 * a PbI2cBus. The caller owns all timing: pb_sensor_start() begins a
 * measurement and says how long it takes, the caller arms a timer, then
 * pb_sensor_collect() reads and converts it. Each call performs a few short
 * bus transfers and never sleeps; nothing here logs.
 *
 * Conversions are the datasheets' (see sensors/math.h for the formulas and
 * their sources). Every function returning int returns >= 0 on success or a
 * negative errno; the failing transfer's errno is passed through unchanged
 * (-ENXIO / -EREMOTEIO for a NAK, -ETIMEDOUT, ...). A human-readable detail of
 * the last failure (chip id found, CRC expected/received, missing adapter
 * functionality, ...) is kept for pb_sensor_get_error_detail().
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "i2c/bus.h"
#include "util/macro.h"

/* The quantities a sensor publishes; pb_quantity_to_string() gives the
 * io.pinbus1.Sensor Values key. */
typedef enum PbQuantity {
        PB_QUANTITY_TEMPERATURE, /* "temperature", °C */
        PB_QUANTITY_PRESSURE,    /* "pressure", Pa */
        PB_QUANTITY_HUMIDITY,    /* "humidity", %RH */
        PB_QUANTITY_ILLUMINANCE, /* "illuminance", lx */
        PB_QUANTITY_VOLTAGE,     /* "voltage", V */
        _PB_QUANTITY_MAX,
} PbQuantity;

const char *pb_quantity_to_string(PbQuantity q);
/* The SI unit symbol ("°C", "Pa", "%RH", "lx", "V"). */
const char *pb_quantity_unit(PbQuantity q);

/* One converted measurement: value[q] is meaningful where mask has 1u << q. */
typedef struct PbSample {
        unsigned mask;
        double value[_PB_QUANTITY_MAX];
} PbSample;

typedef struct PbSensorModel PbSensorModel;
typedef struct PbSensor PbSensor;

/* Looks up a model by its config name, as pb_sensor_models() lists them
 * ("bme280", "tmp102", ...; case-insensitive). Returns NULL for an unknown
 * name; "auto" is not a model (pass NULL to pb_sensor_new() instead). */
const PbSensorModel *pb_sensor_model_from_string(const char *name);

/* All models, NULL-terminated, in the order model=auto probes them. */
const PbSensorModel *const *pb_sensor_models(void);

const char *pb_sensor_model_get_name(const PbSensorModel *m);
/* The default addresses, in the order address=auto tries them (BME280: 0x76,
 * 0x77); *ret points into the static table. Returns how many. */
size_t pb_sensor_model_get_addresses(const PbSensorModel *m, const uint16_t **ret);
/* The name as the datasheet writes it ("BME280"), for messages. */
const char *pb_sensor_model_get_label(const PbSensorModel *m);
/* Whether model=auto can find this model: it has an id register (or an
 * id read protected by a CRC) to check. The TMP102, ADS1115 and BH1750 have
 * none and need an explicit model; a BMP280 is found through the BME280's
 * chip-id check; an HTU21D is found as an Si7021. */
bool pb_sensor_model_can_autodetect(const PbSensorModel *m);
/* The PbI2cFunc bits the driver needs from the adapter. */
unsigned pb_sensor_model_get_funcs(const PbSensorModel *m);
/* The quantities (1u << PbQuantity) the model can publish (BME280: T, P, RH). */
unsigned pb_sensor_model_get_quantities(const PbSensorModel *m);

/*
 * Validates one model option as written in a [sensor] section (key and value
 * strings, e.g. ADS1115 "channel" "0", "gain" "4.096", "rate" "128").
 * Errors: -ENOENT (the model has no such option), -EINVAL (bad value). On
 * either, *ret_error (if not NULL) receives a newly allocated message naming
 * the key and, for -EINVAL, the accepted values.
 */
int pb_sensor_model_check_option(const PbSensorModel *m, const char *key, const char *value,
                                 char **ret_error);

/*
 * Creates a sensor of model m (NULL: auto, probe every model's chip id) at
 * address (0: auto, try the model's default addresses; with m == NULL, every
 * model's) on bus, which is borrowed and must outlive the sensor. options is a
 * NULL-terminated list of "key=value" strings that pb_sensor_model_check_option()
 * accepted (may be NULL). No bus traffic. Errors: -EINVAL, -ENOMEM.
 */
int pb_sensor_new(const PbSensorModel *m, PbI2cBus *bus, uint16_t address, char *const *options,
                  PbSensor **ret);

PbSensor *pb_sensor_free(PbSensor *s);
DEFINE_TRIVIAL_CLEANUP_FUNC(PbSensor *, pb_sensor_free)

/*
 * Finds and sets up the device: checks the adapter has the model's transfer
 * types (-EOPNOTSUPP, detail names what is missing), resolves auto model and
 * address by probing, checks chip / manufacturer ids (-ENODEV: something
 * answers but is not the model, detail gives the id read), reads calibration
 * data and configures the chip. Call it first, and again to recover after a
 * failure of pb_sensor_start() / pb_sensor_collect() (it is idempotent).
 */
int pb_sensor_init(PbSensor *s);

/* Starts one measurement (BME280/BMP280: a forced-mode conversion, never a
 * stale normal-mode result). *ret_us is the time, in µs, after which
 * pb_sensor_collect() can read it (the datasheet's maximum measurement time). */
int pb_sensor_start(PbSensor *s, uint64_t *ret_us);

/*
 * Reads and converts the measurement started last. Errors, besides the
 * transport's: -EAGAIN (still measuring: try again shortly; the caller bounds
 * how long), -EBADMSG (CRC mismatch), -ERANGE (implausible or "no data"
 * reading, e.g. a skipped BME280 measurement 0x80000), -ESTALE (no
 * measurement was started).
 * pb_sensor_start() and pb_sensor_collect() return -ENOTCONN until
 * pb_sensor_init() has succeeded (and after it failed again).
 */
int pb_sensor_collect(PbSensor *s, PbSample *ret);

/* After pb_sensor_collect() returned -EAGAIN: the time in µs after which
 * collecting again is worthwhile (e.g. an HTU21D starts its humidity
 * conversion, 16 ms, once the temperature one is read), or 0 when the driver
 * cannot tell (poll again shortly). */
uint64_t pb_sensor_get_retry_us(const PbSensor *s);

/* The model and address in use: after a successful pb_sensor_init() the
 * resolved ones; before it, what was asked for (NULL / 0 for auto). */
const PbSensorModel *pb_sensor_get_model(const PbSensor *s);
uint16_t pb_sensor_get_address(const PbSensor *s);
PbI2cBus *pb_sensor_get_bus(const PbSensor *s);

/* The quantities this device publishes, known after init (a BMP280 found by
 * model=bme280's chip-id check publishes no humidity). */
unsigned pb_sensor_get_quantities(const PbSensor *s);

/* Words on the last failure beyond its errno ("chip id 0x55, expected 0x60
 * (BME280) or 0x58 (BMP280)"), or "" — owned by the sensor, valid until the
 * next call on it. */
const char *pb_sensor_get_error_detail(const PbSensor *s);
