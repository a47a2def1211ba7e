/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The driver side of sensors/sensor.h, private to lib/sensors/. A driver is
 * one file sensors/<model>.c that defines a const PbSensorModel
 * pb_sensor_model_<name> (one per variant it handles) and is listed by one
 * line in sensors/registry.c. The generic code (sensor.c) owns the PbSensor:
 * options, the model and address being tried, started/initialised state,
 * error details; each driver keeps its own state (calibration, measurement
 * phase, ...) in a private area of priv_size bytes after it, reached with
 * pb_sensor_priv() (as the kernel's iio_priv() or Zephyr's dev->data).
 *
 * The helpers below (driver.c) are what every driver needs: the transfers,
 * each recording which register or command failed in the error detail,
 * CRC-checked word frames and the detail itself. Like every function of
 * sensors/, they return >= 0 or a negative errno, the transport's passed
 * through unchanged.
 */

#include "sensors/math.h"
#include "sensors/sensor.h"

/* The bit of a quantity in a mask: PB_Q(TEMPERATURE). */
#define PB_Q(x) (1u << PB_QUANTITY_##x)

/* The size of the error detail, the terminating NUL included. */
#define PB_SENSOR_DETAIL_MAX 512

/* The most options one model has (the ADS1115's channel, gain, rate). */
#define PB_SENSOR_OPTIONS_MAX 4

/* One accepted value of a model option and the code the driver sees. */
typedef struct PbSensorOptionValue {
        const char *name;
        unsigned code;
} PbSensorOptionValue;

/* A model option: its key, its values (terminated by a NULL name) and the
 * code used when the configuration does not set it. */
typedef struct PbSensorOption {
        const char *key;
        const PbSensorOptionValue *values;
        unsigned default_code;
} PbSensorOption;

/* The addresses of a PbSensorModel, in the order address = auto tries them:
 * PB_SENSOR_ADDRESSES(0x76, 0x77). */
#define PB_SENSOR_ADDRESSES(...)                        \
        .addresses = (const uint16_t[]){ __VA_ARGS__ }, \
        .n_addresses = sizeof((const uint16_t[]){ __VA_ARGS__ }) / sizeof(uint16_t)

struct PbSensorModel {
        const char *name;  /* config name, lower case */
        const char *label; /* as the datasheet writes it */
        const uint16_t *addresses;
        size_t n_addresses;
        unsigned funcs;      /* PbI2cFunc bits the driver needs */
        unsigned quantities; /* what a device of this model publishes */
        bool autodetect;     /* has an identity check strong enough for model=auto */
        const PbSensorOption *options;
        size_t n_options;    /* at most PB_SENSOR_OPTIONS_MAX */
        size_t priv_size;    /* bytes of driver state behind pb_sensor_priv() */
        uint32_t measure_us; /* a measurement's time, unless start() says otherwise */

        /* Checks the chip at the sensor's address is this model (-ENODEV with
         * a detail if something else answers); may switch to a variant with
         * pb_sensor_set_variant(). */
        int (*probe)(PbSensor *s);
        /* Reads calibration and configures the chip (NULL: nothing to do). */
        int (*init)(PbSensor *s);
        /* Starts a measurement; *ret_us, measure_us on entry, may be set to
         * the µs until collect() can read it. NULL: nothing to start (a chip
         * converting continuously). */
        int (*start)(PbSensor *s, uint64_t *ret_us);
        /* Reads and converts it into ret (-EAGAIN: not ready yet). */
        int (*collect)(PbSensor *s, PbSample *ret);
};

/* The models, NULL-terminated, in probe order (sensors/registry.c). */
extern const PbSensorModel *const pb_sensor_registry[];

/* The driver's private area (priv_size bytes, suitably aligned), zeroed
 * before each probe. */
void *pb_sensor_priv(PbSensor *s);

/* From probe(): the chip found is variant m of the model probed (a BMP280
 * answering a BME280 probe). m must use the same private state. */
void pb_sensor_set_variant(PbSensor *s, const PbSensorModel *m);

/* The code of option index (in the model's options) for this sensor. */
unsigned pb_sensor_option(const PbSensor *s, size_t index);

/* From collect() returning -EAGAIN: collecting again is worthwhile after us
 * µs (pb_sensor_get_retry_us()). */
void pb_sensor_set_retry(PbSensor *s, uint64_t us);

/* Records the error detail (printf format) and returns r, a negative errno
 * (or 0, only to set the detail). */
_printf_(3, 4) int pb_sensor_fail(PbSensor *s, int r, const char *format, ...);

/* Turns the detail of a failed identity check into -ENODEV "<detail>: not an <label>". */
int pb_sensor_not_model(PbSensor *s, const char *label);

/* Register chips, over SMBus transfers: 8-bit registers, 16-bit big-endian
 * ones (word transfers, byte-swapped), and len consecutive byte registers
 * from reg (an I2C block read). */
int pb_sensor_read_reg8(PbSensor *s, uint8_t reg, uint8_t *ret);
int pb_sensor_write_reg8(PbSensor *s, uint8_t reg, uint8_t value);
int pb_sensor_read_reg16(PbSensor *s, uint8_t reg, uint16_t *ret);
int pb_sensor_write_reg16(PbSensor *s, uint8_t reg, uint16_t value);
int pb_sensor_read_block(PbSensor *s, uint8_t reg, size_t len, uint8_t *buf);

/* Command chips, over plain I2C: a command of len bytes, of one byte, or of
 * two (MSB first), what naming it in the detail ("the %s command"). */
int pb_sensor_send_cmd(PbSensor *s, const uint8_t *cmd, size_t len, const char *what);
int pb_sensor_send_cmd8(PbSensor *s, uint8_t cmd, const char *what);
int pb_sensor_send_cmd16(PbSensor *s, uint16_t cmd, const char *what);
/* Reads len bytes; what names them in the detail ("reading the %s"). */
int pb_sensor_read_bytes(PbSensor *s, uint8_t *buf, size_t len, const char *what);

/*
 * Reads n_words frames of a 16-bit word (MSB first) and its CRC-8 (pb_crc8()
 * from crc_init), as the Sensirion and Silicon Labs chips send them, into
 * ret[0..n_words-1] (at most 4). what names the read, names[i] word i in a
 * CRC mismatch's detail. Errors: the transport's, -EBADMSG (CRC mismatch).
 */
int pb_sensor_read_crc_words(PbSensor *s, size_t n_words, uint8_t crc_init, const char *what,
                             const char *const *names, uint16_t *ret);

/* Where a reading of a quantity is plausible (the chip's operating range),
 * and how a detail quotes one that is not. */
typedef struct PbSensorRange {
        double min, max;     /* in the quantity's unit (pb_quantity_unit()) */
        int decimals;        /* of the value in the detail */
        const char *raw;     /* what the raw value is called there: "raw", "register" */
        unsigned raw_digits; /* hex digits it is shown with */
} PbSensorRange;

/* Sets value v of quantity q in ret if it lies in range; otherwise -ERANGE
 * with the detail "implausible temperature 130.00 °C (raw 0xf5c2), outside
 * -40..125 °C", raw being the chip's value v came from. */
int pb_sensor_publish(PbSensor *s, PbSample *ret, PbQuantity q, double v, unsigned raw,
                      const PbSensorRange *range);

/* The collect() of the Sensirion SHT3x and SHT4x, which send the same
 * T/RH frame (two CRC words after the measurement time, NAKs before):
 * checks the temperature is in their operating range, converts the
 * humidity word with humidity(). */
int pb_sensor_collect_sht(PbSensor *s, double (*humidity)(uint16_t s_rh), PbSample *ret);

/* Sets value v of quantity q in a sample. */
static inline void pb_sample_set(PbSample *ret, PbQuantity q, double v)
{
        ret->mask |= 1u << q;
        ret->value[q] = v;
}

/* A big-endian 16-bit word. */
static inline uint16_t pb_be16(const uint8_t *p)
{
        return (uint16_t)(p[0] << 8 | p[1]);
}

/* Whether all len bytes of buf are v. */
static inline bool pb_all_bytes(const uint8_t *buf, size_t len, uint8_t v)
{
        for (size_t i = 0; i < len; i++)
                if (buf[i] != v)
                        return false;
        return true;
}
