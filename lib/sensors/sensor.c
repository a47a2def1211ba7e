/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * The sensor driver table and the generic sensor life cycle (init with model
 * and address probing, start, collect, error details). Each driver below is a
 * handful of functions over the PbI2cBus transfers; conversions live in
 * sensors/math.c.
 *
 * Register chips (BME280/BMP280 byte registers; TMP102, MCP9808, ADS1115
 * big-endian 16-bit registers) use SMBus transfers only, so they also work
 * on adapters without plain I2C (i2c-stub, many SMBus controllers). Command
 * chips (SHT3x, SHT4x, BH1750, Si7021/HTU21D no-hold mode) need plain I2C
 * reads and writes.
 */

#include <stdarg.h>
#include <strings.h>

#include "sensors/math.h"
#include "sensors/sensor.h"

#define DETAIL_MAX  512
#define OPTIONS_MAX 4

typedef struct OptionValue {
        const char *name;
        unsigned code;
} OptionValue;

typedef struct OptionDef {
        const char *key;
        const OptionValue *values; /* NULL-name terminated */
        unsigned default_code;
} OptionDef;

struct PbSensorModel {
        const char *name;  /* config name, lower case */
        const char *label; /* as the datasheet writes it */
        const uint16_t *addresses;
        size_t n_addresses;
        unsigned funcs;
        unsigned quantities;
        bool autodetect; /* has an identity check strong enough for model=auto */
        const OptionDef *options;
        size_t n_options;

        /* Checks the chip at s->address is this model (-ENODEV with a detail
         * if something else answers); may switch s->model to a variant. */
        int (*probe)(PbSensor *s);
        /* Reads calibration, configures the chip, sets s->quantities. */
        int (*init)(PbSensor *s);
        int (*start)(PbSensor *s, uint64_t *ret_usec);
        int (*collect)(PbSensor *s, PbSample *ret);
};

typedef struct Bme280State {
        PbBme280Calib calib;
        bool humidity;
} Bme280State;

struct PbSensor {
        const PbSensorModel *want_model; /* NULL: auto */
        uint16_t want_address;           /* 0: auto */
        const PbSensorModel *model;
        uint16_t address;
        PbI2cBus *bus;
        unsigned opt[OPTIONS_MAX]; /* option codes, by index in model->options */
        bool initialized;
        bool started;
        unsigned quantities;
        unsigned phase;      /* measurement phase of multi-step drivers */
        uint64_t retry_usec; /* after -EAGAIN: when collecting again is worthwhile (0: unknown) */
        char detail[DETAIL_MAX];
        union {
                Bme280State bme;
                struct {
                        uint16_t s_t; /* HTU21D: temperature word of phase 0 */
                } si;
        } u;
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

#define Q(x) (1u << PB_QUANTITY_##x)

static void sample_set(PbSample *ret, PbQuantity q, double v)
{
        ret->mask |= 1u << q;
        ret->value[q] = v;
}

/* ------------------------------------------------------------------------ */
/* Error details */

_printf_(2, 3) static void set_detail(PbSensor *s, const char *format, ...)
{
        va_list ap;

        va_start(ap, format);
        vsnprintf(s->detail, sizeof(s->detail), format, ap);
        va_end(ap);
}

/* Records a detail and returns r (a negative errno). */
_printf_(3, 4) static int fail(PbSensor *s, int r, const char *format, ...)
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

/* Completes the detail of a failed transfer: -EBUSY from I2C_SLAVE means a
 * kernel driver has bound the address. Returns r. */
static int transfer_failed(PbSensor *s, int r)
{
        size_t l = strlen(s->detail);

        if (r == -EBUSY)
                snprintf(s->detail + l, sizeof(s->detail) - l,
                         ": address 0x%02x is in use by a kernel driver (see "
                         "/sys/bus/i2c/devices/%u-%04x/driver)",
                         s->address, pb_i2c_bus_get_nr(s->bus), s->address);
        return r;
}

/* ------------------------------------------------------------------------ */
/* Bus helpers: 16-bit big-endian registers over SMBus word transfers */

static uint16_t swap16(uint16_t v)
{
        return (uint16_t)(v << 8 | v >> 8);
}

static int read_reg16(PbSensor *s, uint8_t reg, uint16_t *ret)
{
        uint16_t w;
        int r = pb_i2c_read_word_data(s->bus, s->address, reg, &w);

        if (r < 0)
                return transfer_failed(s, fail(s, r, "reading register 0x%02x", reg));
        *ret = swap16(w);
        return 0;
}

static int write_reg16(PbSensor *s, uint8_t reg, uint16_t value)
{
        int r = pb_i2c_write_word_data(s->bus, s->address, reg, swap16(value));

        if (r < 0)
                return transfer_failed(s, fail(s, r, "writing 0x%04x to register 0x%02x", value, reg));
        return 0;
}

static int read_reg8(PbSensor *s, uint8_t reg, uint8_t *ret)
{
        int r = pb_i2c_read_byte_data(s->bus, s->address, reg, ret);

        if (r < 0)
                return transfer_failed(s, fail(s, r, "reading register 0x%02x", reg));
        return 0;
}

static int write_reg8(PbSensor *s, uint8_t reg, uint8_t value)
{
        int r = pb_i2c_write_byte_data(s->bus, s->address, reg, value);

        if (r < 0)
                return transfer_failed(s, fail(s, r, "writing 0x%02x to register 0x%02x", value, reg));
        return 0;
}

static int read_block(PbSensor *s, uint8_t reg, size_t len, uint8_t *buf)
{
        int r = pb_i2c_read_i2c_block_data(s->bus, s->address, reg, len, buf);

        if (r < 0)
                return transfer_failed(
                        s, fail(s, r, "reading registers 0x%02x..0x%02x", reg, (unsigned)(reg + len - 1)));
        return 0;
}

static bool all_bytes(const uint8_t *buf, size_t len, uint8_t v)
{
        for (size_t i = 0; i < len; i++)
                if (buf[i] != v)
                        return false;
        return true;
}

/* ------------------------------------------------------------------------ */
/* Bosch BME280 / BMP280 */

#define BME280_REG_ID           0xD0
#define BME280_REG_CTRL_HUM     0xF2
#define BME280_REG_STATUS       0xF3
#define BME280_REG_CTRL_MEAS    0xF4
#define BME280_REG_CONFIG       0xF5
#define BME280_REG_DATA         0xF7

#define BME280_STATUS_MEASURING 0x08
#define BME280_MODE_FORCED      0x01

#define BME280_CHIP_ID          0x60
#define BMP280_CHIP_ID          0x58

/* Oversampling ×1 for T, P and H, filter off: the datasheet's "weather
 * monitoring" setting (section 3.5.1) for forced mode. */
#define BME280_OSRS 1

/* Plausible ranges: the BME280's operating range (datasheet table 1/2). */
#define BME280_T_MIN -40.0
#define BME280_T_MAX 85.0
#define BME280_P_MIN 30000.0
#define BME280_P_MAX 110000.0

static const PbSensorModel model_bmp280;
static const PbSensorModel model_bme280;

static bool bmp280_chip_id(uint8_t id)
{
        /* 0x56 and 0x57 are BMP280 engineering samples (as the kernel accepts). */
        return id == BMP280_CHIP_ID || id == 0x56 || id == 0x57;
}

static int bme280_probe(PbSensor *s)
{
        uint8_t id = 0;
        int r = read_reg8(s, BME280_REG_ID, &id);

        if (r < 0)
                return r;
        if (s->model == &model_bmp280) {
                if (bmp280_chip_id(id))
                        return 0;
                if (id == BME280_CHIP_ID)
                        return fail(
                                s, -ENODEV,
                                "chip id 0x%02x is a BME280, expected 0x%02x (BMP280): use model = bme280",
                                id, BMP280_CHIP_ID);
                return fail(s, -ENODEV, "chip id 0x%02x, expected 0x%02x (BMP280)", id, BMP280_CHIP_ID);
        }
        if (id == BME280_CHIP_ID)
                return 0;
        if (bmp280_chip_id(id)) {
                s->model = &model_bmp280;
                return 0;
        }
        return fail(s, -ENODEV, "chip id 0x%02x, expected 0x%02x (BME280) or 0x%02x (BMP280)", id,
                    BME280_CHIP_ID, BMP280_CHIP_ID);
}

static int bme280_init(PbSensor *s)
{
        Bme280State *b = &s->u.bme;
        uint8_t tp[PB_BME280_CALIB_TP_LEN], h[PB_BME280_CALIB_H_LEN];
        int r;

        b->humidity = s->model == &model_bme280;
        r = read_block(s, PB_BME280_CALIB_TP_ADDR, sizeof(tp), tp);
        if (r < 0)
                return r;
        if (b->humidity) {
                r = read_block(s, PB_BME280_CALIB_H_ADDR, sizeof(h), h);
                if (r < 0)
                        return r;
        }
        pb_bme280_parse_calib(tp, b->humidity ? h : NULL, &b->calib);
        if (b->calib.t1 == 0 || b->calib.p1 == 0 || all_bytes(tp, sizeof(tp), 0xFF))
                return fail(
                        s, -ERANGE,
                        "calibration registers 0x88..0xA1 hold no calibration (dig_T1 = %u, dig_P1 = %u)",
                        b->calib.t1, b->calib.p1);

        /* Sleep mode (stops a normal mode another program left running; the
         * config register is only writable in sleep mode), filter off. */
        r = write_reg8(s, BME280_REG_CTRL_MEAS, 0);
        if (r < 0)
                return r;
        r = write_reg8(s, BME280_REG_CONFIG, 0);
        if (r < 0)
                return r;
        s->quantities = Q(TEMPERATURE) | Q(PRESSURE) | (b->humidity ? Q(HUMIDITY) : 0);
        return 0;
}

static int bme280_start(PbSensor *s, uint64_t *ret_usec)
{
        Bme280State *b = &s->u.bme;
        int r;

        /* ctrl_hum only takes effect with the following ctrl_meas write. */
        if (b->humidity) {
                r = write_reg8(s, BME280_REG_CTRL_HUM, BME280_OSRS);
                if (r < 0)
                        return r;
        }
        r = write_reg8(s, BME280_REG_CTRL_MEAS, BME280_OSRS << 5 | BME280_OSRS << 2 | BME280_MODE_FORCED);
        if (r < 0)
                return r;
        *ret_usec = pb_bme280_max_measurement_usec(BME280_OSRS, BME280_OSRS, b->humidity ? BME280_OSRS : 0);
        return 0;
}

static int bme280_collect(PbSensor *s, PbSample *ret)
{
        Bme280State *b = &s->u.bme;
        size_t n = b->humidity ? 8 : 6;
        uint8_t status = 0, data[8];
        int32_t adc_p, adc_t, adc_h, t_fine, t;
        double temperature, pressure;
        uint32_t p;
        int r;

        r = read_reg8(s, BME280_REG_STATUS, &status);
        if (r < 0)
                return r;
        if (status & BME280_STATUS_MEASURING)
                return fail(s, -EAGAIN, "still measuring (status 0x%02x)", status);
        r = read_block(s, BME280_REG_DATA, n, data);
        if (r < 0)
                return r;
        if (all_bytes(data, n, 0xFF) || all_bytes(data, n, 0x00))
                return fail(s, -ERANGE, "data registers 0xF7..0x%02X all read 0x%02X",
                            0xF7 + (unsigned)n - 1, data[0]);
        pb_bme280_parse_data(data, n, &adc_p, &adc_t, &adc_h);
        if (adc_t == PB_BME280_ADC_SKIPPED_TP || adc_p == PB_BME280_ADC_SKIPPED_TP)
                return fail(s, -ERANGE, "no data: %s measurement skipped (raw 0x80000)",
                            adc_t == PB_BME280_ADC_SKIPPED_TP ? "temperature" : "pressure");
        if (b->humidity && adc_h == PB_BME280_ADC_SKIPPED_H)
                return fail(s, -ERANGE, "no data: humidity measurement skipped (raw 0x8000)");

        t = pb_bme280_compensate_t(&b->calib, adc_t, &t_fine);
        temperature = t / 100.0;
        if (temperature < BME280_T_MIN || temperature > BME280_T_MAX)
                return fail(s, -ERANGE,
                            "implausible temperature %.2f °C (raw 0x%05x), outside %.0f..%.0f °C",
                            temperature, (unsigned)adc_t, BME280_T_MIN, BME280_T_MAX);
        p = pb_bme280_compensate_p(&b->calib, adc_p, t_fine);
        pressure = p / 256.0;
        if (pressure < BME280_P_MIN || pressure > BME280_P_MAX)
                return fail(s, -ERANGE, "implausible pressure %.2f Pa (raw 0x%05x), outside %.0f..%.0f Pa",
                            pressure, (unsigned)adc_p, BME280_P_MIN, BME280_P_MAX);

        sample_set(ret, PB_QUANTITY_TEMPERATURE, temperature);
        sample_set(ret, PB_QUANTITY_PRESSURE, pressure);
        if (b->humidity)
                sample_set(ret, PB_QUANTITY_HUMIDITY,
                           pb_bme280_compensate_h(&b->calib, adc_h, t_fine) / 1024.0);
        return 0;
}

static const uint16_t bme280_addresses[] = { 0x76, 0x77 };

static const PbSensorModel model_bme280 = {
        .name = "bme280",
        .label = "BME280",
        .addresses = bme280_addresses,
        .n_addresses = ELEMENTSOF(bme280_addresses),
        .funcs = PB_I2C_FUNC_SMBUS_BYTE_DATA | PB_I2C_FUNC_SMBUS_I2C_BLOCK,
        .quantities = Q(TEMPERATURE) | Q(PRESSURE) | Q(HUMIDITY),
        .autodetect = true,
        .probe = bme280_probe,
        .init = bme280_init,
        .start = bme280_start,
        .collect = bme280_collect,
};

static const PbSensorModel model_bmp280 = {
        .name = "bmp280",
        .label = "BMP280",
        .addresses = bme280_addresses,
        .n_addresses = ELEMENTSOF(bme280_addresses),
        .funcs = PB_I2C_FUNC_SMBUS_BYTE_DATA | PB_I2C_FUNC_SMBUS_I2C_BLOCK,
        .quantities = Q(TEMPERATURE) | Q(PRESSURE),
        .autodetect = false, /* model=auto finds it through the BME280's chip-id check */
        .probe = bme280_probe,
        .init = bme280_init,
        .start = bme280_start,
        .collect = bme280_collect,
};

/* ------------------------------------------------------------------------ */
/* TI TMP102: one-shot conversions from shutdown mode */

#define TMP102_REG_TEMP   0x00
#define TMP102_REG_CONFIG 0x01

#define TMP102_CONFIG_OS  0x8000 /* write: start a one-shot conversion; read: 1 = conversion done */
#define TMP102_CONFIG_SD  0x0100 /* shutdown between conversions */
#define TMP102_CONFIG_EM  0x0010 /* extended (13-bit) mode */
/* Comparator mode, active low, 1 fault, 4 Hz (the power-on values), shutdown, 12-bit. */
#define TMP102_CONFIG          (0x00A0 | TMP102_CONFIG_SD)

#define TMP102_CONVERSION_USEC 35000 /* datasheet 6.5: 26 ms typical, 35 ms max */
#define TMP102_T_MIN           -55.0
#define TMP102_T_MAX           150.0

static int tmp102_probe(PbSensor *s)
{
        uint16_t cfg = 0;

        /* No id register: the config register answering is all we can check. */
        return read_reg16(s, TMP102_REG_CONFIG, &cfg);
}

static int tmp102_init(PbSensor *s)
{
        int r = write_reg16(s, TMP102_REG_CONFIG, TMP102_CONFIG);

        if (r < 0)
                return r;
        s->quantities = Q(TEMPERATURE);
        return 0;
}

static int tmp102_start(PbSensor *s, uint64_t *ret_usec)
{
        int r = write_reg16(s, TMP102_REG_CONFIG, TMP102_CONFIG | TMP102_CONFIG_OS);

        if (r < 0)
                return r;
        *ret_usec = TMP102_CONVERSION_USEC;
        return 0;
}

static int tmp102_collect(PbSensor *s, PbSample *ret)
{
        uint16_t cfg = 0, reg = 0;
        double t;
        int r;

        r = read_reg16(s, TMP102_REG_CONFIG, &cfg);
        if (r < 0)
                return r;
        if (!(cfg & TMP102_CONFIG_OS))
                return fail(s, -EAGAIN, "still converting (config 0x%04x)", cfg);
        r = read_reg16(s, TMP102_REG_TEMP, &reg);
        if (r < 0)
                return r;
        /* 12-bit results have bits 3..0 clear, 13-bit ones bits 2..1 clear and bit 0 set. */
        if (reg & 1 ? reg & 0x0006 : reg & 0x000F)
                return fail(s, -ERANGE, "temperature register 0x%04x has its unused low bits set", reg);
        t = pb_tmp102_temperature(reg);
        if (t < TMP102_T_MIN || t > TMP102_T_MAX)
                return fail(s, -ERANGE,
                            "implausible temperature %.4f °C (register 0x%04x), outside %.0f..%.0f °C", t,
                            reg, TMP102_T_MIN, TMP102_T_MAX);
        sample_set(ret, PB_QUANTITY_TEMPERATURE, t);
        return 0;
}

static const uint16_t tmp102_addresses[] = { 0x48, 0x49, 0x4A, 0x4B };

static const PbSensorModel model_tmp102 = {
        .name = "tmp102",
        .label = "TMP102",
        .addresses = tmp102_addresses,
        .n_addresses = ELEMENTSOF(tmp102_addresses),
        .funcs = PB_I2C_FUNC_SMBUS_WORD_DATA,
        .quantities = Q(TEMPERATURE),
        .autodetect = false, /* no id register */
        .probe = tmp102_probe,
        .init = tmp102_init,
        .start = tmp102_start,
        .collect = tmp102_collect,
};

/* ------------------------------------------------------------------------ */
/* Microchip MCP9808: continuous conversion, Ta is at most one conversion old */

#define MCP9808_REG_CONFIG  0x01
#define MCP9808_REG_TA      0x05
#define MCP9808_REG_MANUF   0x06
#define MCP9808_REG_DEVID   0x07

#define MCP9808_MANUF_ID    0x0054
#define MCP9808_DEVID       0x0400
#define MCP9808_DEVID_MASK  0xFF00 /* low byte: revision */
#define MCP9808_CONFIG_SHDN 0x0100
#define MCP9808_T_MIN       -40.0
#define MCP9808_T_MAX       125.0

static int mcp9808_probe(PbSensor *s)
{
        uint16_t manuf = 0, devid = 0;
        int r;

        r = read_reg16(s, MCP9808_REG_MANUF, &manuf);
        if (r < 0)
                return r;
        if (manuf != MCP9808_MANUF_ID)
                return fail(s, -ENODEV, "manufacturer id 0x%04x, expected 0x%04x (Microchip)", manuf,
                            MCP9808_MANUF_ID);
        r = read_reg16(s, MCP9808_REG_DEVID, &devid);
        if (r < 0)
                return r;
        if ((devid & MCP9808_DEVID_MASK) != MCP9808_DEVID)
                return fail(s, -ENODEV, "device id 0x%02x, expected 0x%02x (MCP9808)", devid >> 8,
                            MCP9808_DEVID >> 8);
        return 0;
}

static int mcp9808_init(PbSensor *s)
{
        uint16_t cfg = 0;
        int r;

        r = read_reg16(s, MCP9808_REG_CONFIG, &cfg);
        if (r < 0)
                return r;
        if (cfg & MCP9808_CONFIG_SHDN) {
                r = write_reg16(s, MCP9808_REG_CONFIG, cfg & ~MCP9808_CONFIG_SHDN);
                if (r < 0)
                        return r;
        }
        s->quantities = Q(TEMPERATURE);
        return 0;
}

static int mcp9808_start(PbSensor *s, uint64_t *ret_usec)
{
        /* Converting continuously (t_CONV 250 ms at 0.0625 °C): Ta is ready now. */
        *ret_usec = 0;
        return 0;
}

static int mcp9808_collect(PbSensor *s, PbSample *ret)
{
        uint16_t reg = 0;
        double t;
        int r;

        r = read_reg16(s, MCP9808_REG_TA, &reg);
        if (r < 0)
                return r;
        if (reg == 0xFFFF)
                return fail(s, -ERANGE, "temperature register reads all ones (0xffff)");
        t = pb_mcp9808_temperature(reg);
        if (t < MCP9808_T_MIN || t > MCP9808_T_MAX)
                return fail(s, -ERANGE,
                            "implausible temperature %.4f °C (register 0x%04x), outside %.0f..%.0f °C", t,
                            reg, MCP9808_T_MIN, MCP9808_T_MAX);
        sample_set(ret, PB_QUANTITY_TEMPERATURE, t);
        return 0;
}

static const uint16_t mcp9808_addresses[] = { 0x18, 0x19, 0x1A, 0x1B, 0x1C, 0x1D, 0x1E, 0x1F };

static const PbSensorModel model_mcp9808 = {
        .name = "mcp9808",
        .label = "MCP9808",
        .addresses = mcp9808_addresses,
        .n_addresses = ELEMENTSOF(mcp9808_addresses),
        .funcs = PB_I2C_FUNC_SMBUS_WORD_DATA,
        .quantities = Q(TEMPERATURE),
        .autodetect = true,
        .probe = mcp9808_probe,
        .init = mcp9808_init,
        .start = mcp9808_start,
        .collect = mcp9808_collect,
};

/* ------------------------------------------------------------------------ */
/* TI ADS1115: single-shot conversions, options channel, gain, rate */

#define ADS1115_REG_CONVERSION 0x00
#define ADS1115_REG_CONFIG     0x01
#define ADS1115_CONFIG_OS      0x8000

enum { ADS1115_OPT_CHANNEL, ADS1115_OPT_GAIN, ADS1115_OPT_RATE };

static const OptionValue ads1115_channels[] = {
        { "0", PB_ADS1115_MUX_AIN0 },
        { "1", PB_ADS1115_MUX_AIN1 },
        { "2", PB_ADS1115_MUX_AIN2 },
        { "3", PB_ADS1115_MUX_AIN3 },
        { "0-1", PB_ADS1115_MUX_AIN0_AIN1 },
        { "0-3", PB_ADS1115_MUX_AIN0_AIN3 },
        { "1-3", PB_ADS1115_MUX_AIN1_AIN3 },
        { "2-3", PB_ADS1115_MUX_AIN2_AIN3 },
        {},
};

/* Gain as the full-scale range in volts. */
static const OptionValue ads1115_gains[] = {
        { "6.144", 0 }, { "4.096", 1 }, { "2.048", 2 }, { "1.024", 3 }, { "0.512", 4 }, { "0.256", 5 }, {},
};

static const OptionValue ads1115_rates[] = {
        { "8", 0 },   { "16", 1 },  { "32", 2 },  { "64", 3 }, { "128", 4 },
        { "250", 5 }, { "475", 6 }, { "860", 7 }, {},
};

static const OptionDef ads1115_options[] = {
        [ADS1115_OPT_CHANNEL] = { "channel", ads1115_channels, PB_ADS1115_MUX_AIN0 },
        [ADS1115_OPT_GAIN] = { "gain", ads1115_gains, 1 }, /* ±4.096 V: a 3.3 V supply's whole range */
        [ADS1115_OPT_RATE] = { "rate", ads1115_rates, 4 }, /* 128 SPS, the power-on rate */
};

static uint16_t ads1115_config(const PbSensor *s)
{
        return pb_ads1115_single_shot_config(s->opt[ADS1115_OPT_CHANNEL], s->opt[ADS1115_OPT_GAIN],
                                             s->opt[ADS1115_OPT_RATE]);
}

static int ads1115_probe(PbSensor *s)
{
        uint16_t cfg = 0;

        /* No id register: the config register answering is all we can check. */
        return read_reg16(s, ADS1115_REG_CONFIG, &cfg);
}

static int ads1115_init(PbSensor *s)
{
        /* The chosen input, gain and rate, powered down until the first conversion. */
        int r = write_reg16(s, ADS1115_REG_CONFIG, ads1115_config(s) & ~ADS1115_CONFIG_OS);

        if (r < 0)
                return r;
        s->quantities = Q(VOLTAGE);
        return 0;
}

static int ads1115_start(PbSensor *s, uint64_t *ret_usec)
{
        int r = write_reg16(s, ADS1115_REG_CONFIG, ads1115_config(s));

        if (r < 0)
                return r;
        *ret_usec = pb_ads1115_conversion_usec(s->opt[ADS1115_OPT_RATE]);
        return 0;
}

static int ads1115_collect(PbSensor *s, PbSample *ret)
{
        uint16_t cfg = 0, raw = 0, want = ads1115_config(s);
        int r;

        r = read_reg16(s, ADS1115_REG_CONFIG, &cfg);
        if (r < 0)
                return r;
        if ((cfg & ~ADS1115_CONFIG_OS) != (want & ~ADS1115_CONFIG_OS))
                return fail(s, -ERANGE,
                            "config register reads 0x%04x, expected 0x%04x: chip reset or not an ADS1115",
                            cfg, want);
        if (!(cfg & ADS1115_CONFIG_OS))
                return fail(s, -EAGAIN, "still converting (config 0x%04x)", cfg);
        r = read_reg16(s, ADS1115_REG_CONVERSION, &raw);
        if (r < 0)
                return r;
        sample_set(ret, PB_QUANTITY_VOLTAGE, pb_ads1115_voltage(raw, s->opt[ADS1115_OPT_GAIN]));
        return 0;
}

static const uint16_t ads1115_addresses[] = { 0x48, 0x49, 0x4A, 0x4B };

static const PbSensorModel model_ads1115 = {
        .name = "ads1115",
        .label = "ADS1115",
        .addresses = ads1115_addresses,
        .n_addresses = ELEMENTSOF(ads1115_addresses),
        .funcs = PB_I2C_FUNC_SMBUS_WORD_DATA,
        .quantities = Q(VOLTAGE),
        .autodetect = false, /* no id register */
        .options = ads1115_options,
        .n_options = ELEMENTSOF(ads1115_options),
        .probe = ads1115_probe,
        .init = ads1115_init,
        .start = ads1115_start,
        .collect = ads1115_collect,
};

/* ------------------------------------------------------------------------ */
/* Command chips: plain I2C commands and reads, Sensirion-style CRC frames */

static int send_cmd(PbSensor *s, const uint8_t *cmd, size_t len, const char *what)
{
        int r = pb_i2c_write(s->bus, s->address, cmd, len);

        if (r < 0)
                return transfer_failed(s, fail(s, r, "sending the %s command", what));
        return 0;
}

static int send_cmd16(PbSensor *s, uint16_t cmd, const char *what)
{
        const uint8_t buf[2] = { (uint8_t)(cmd >> 8), (uint8_t)cmd };

        return send_cmd(s, buf, 2, what);
}

static int send_cmd8(PbSensor *s, uint8_t cmd, const char *what)
{
        return send_cmd(s, &cmd, 1, what);
}

static int read_bytes(PbSensor *s, uint8_t *buf, size_t len, const char *what)
{
        int r = pb_i2c_read(s->bus, s->address, buf, len);

        if (r < 0)
                return transfer_failed(s, fail(s, r, "reading the %s", what));
        return 0;
}

/* Checks the CRC of each 2-byte word + CRC triple in buf; names[i] names word i. */
static int check_crc_words(PbSensor *s, const uint8_t *buf, size_t n_words, uint8_t init,
                           const char *const *names)
{
        for (size_t i = 0; i < n_words; i++) {
                const uint8_t *w = buf + 3 * i;
                uint8_t crc = pb_crc8(w, 2, init);

                if (crc != w[2])
                        return fail(s, -EBADMSG, "CRC 0x%02x, expected 0x%02x on %s word", w[2], crc,
                                    names[i]);
        }
        return 0;
}

/* Turns the detail of a failed identity check into -ENODEV "...: not a(n) <label>". */
static int not_model(PbSensor *s, const char *label)
{
        char why[DETAIL_MAX];

        snprintf(why, sizeof(why), "%s", s->detail);
        return fail(s, -ENODEV, "%s: not an %s", why, label);
}

static uint16_t be16(const uint8_t *p)
{
        return (uint16_t)(p[0] << 8 | p[1]);
}

/* Sensirion SHT3x/SHT4x plausible temperatures: the operating range. */
#define SHT_T_MIN -40.0
#define SHT_T_MAX 125.0

static const char *const sht_words[] = { "temperature", "humidity" };

/* Reads and checks the 6-byte T/RH frame of an SHT3x or SHT4x. */
static int sht_read_frame(PbSensor *s, uint16_t *ret_t, uint16_t *ret_rh)
{
        uint8_t buf[6];
        double t;
        int r;

        r = read_bytes(s, buf, sizeof(buf), "measurement (the chip NAKs until it is done)");
        if (r < 0)
                return r;
        r = check_crc_words(s, buf, 2, PB_SHT_CRC_INIT, sht_words);
        if (r < 0)
                return r;
        *ret_t = be16(buf);
        *ret_rh = be16(buf + 3);
        t = pb_sht_temperature(*ret_t);
        if (t < SHT_T_MIN || t > SHT_T_MAX)
                return fail(s, -ERANGE,
                            "implausible temperature %.2f °C (raw 0x%04x), outside %.0f..%.0f °C", t, *ret_t,
                            SHT_T_MIN, SHT_T_MAX);
        return 0;
}

/* ---- Sensirion SHT3x: single shot, high repeatability, no clock stretching ---- */

#define SHT3X_CMD_MEASURE     0x2400
#define SHT3X_CMD_READ_STATUS 0xF32D
#define SHT3X_MEASURE_USEC    15500 /* datasheet table 4: high repeatability, max */

static int sht3x_probe(PbSensor *s)
{
        static const char *const names[] = { "status register" };
        uint8_t buf[3];
        int r;

        r = send_cmd16(s, SHT3X_CMD_READ_STATUS, "read status");
        if (r < 0)
                return r;
        r = read_bytes(s, buf, sizeof(buf), "status register");
        if (r < 0)
                return r;
        r = check_crc_words(s, buf, 1, PB_SHT_CRC_INIT, names);
        if (r < 0)
                return not_model(s, "SHT3x");
        return 0;
}

static int sht3x_init(PbSensor *s)
{
        s->quantities = Q(TEMPERATURE) | Q(HUMIDITY);
        return 0;
}

static int sht3x_start(PbSensor *s, uint64_t *ret_usec)
{
        int r = send_cmd16(s, SHT3X_CMD_MEASURE, "single-shot measurement");

        if (r < 0)
                return r;
        *ret_usec = SHT3X_MEASURE_USEC;
        return 0;
}

static int sht3x_collect(PbSensor *s, PbSample *ret)
{
        uint16_t st = 0, srh = 0;
        int r = sht_read_frame(s, &st, &srh);

        if (r < 0)
                return r;
        sample_set(ret, PB_QUANTITY_TEMPERATURE, pb_sht_temperature(st));
        sample_set(ret, PB_QUANTITY_HUMIDITY, pb_sht3x_humidity(srh));
        return 0;
}

static const uint16_t sht3x_addresses[] = { 0x44, 0x45 };

static const PbSensorModel model_sht3x = {
        .name = "sht3x",
        .label = "SHT3x",
        .addresses = sht3x_addresses,
        .n_addresses = ELEMENTSOF(sht3x_addresses),
        .funcs = PB_I2C_FUNC_I2C,
        .quantities = Q(TEMPERATURE) | Q(HUMIDITY),
        .autodetect = true, /* the status register's CRC */
        .probe = sht3x_probe,
        .init = sht3x_init,
        .start = sht3x_start,
        .collect = sht3x_collect,
};

/* ---- Sensirion SHT4x: high precision measurement ---- */

#define SHT4X_CMD_MEASURE_HIGH 0xFD
#define SHT4X_CMD_SERIAL       0x89
#define SHT4X_MEASURE_USEC     8300 /* datasheet table 4: high repeatability, max */

static int sht4x_probe(PbSensor *s)
{
        static const char *const names[] = { "serial number", "serial number" };
        uint8_t buf[6];
        int r;

        r = send_cmd8(s, SHT4X_CMD_SERIAL, "read serial number");
        if (r < 0)
                return r;
        r = read_bytes(s, buf, sizeof(buf), "serial number");
        if (r < 0)
                return r;
        r = check_crc_words(s, buf, 2, PB_SHT_CRC_INIT, names);
        if (r < 0)
                return not_model(s, "SHT4x");
        return 0;
}

static int sht4x_start(PbSensor *s, uint64_t *ret_usec)
{
        int r = send_cmd8(s, SHT4X_CMD_MEASURE_HIGH, "measurement");

        if (r < 0)
                return r;
        *ret_usec = SHT4X_MEASURE_USEC;
        return 0;
}

static int sht4x_collect(PbSensor *s, PbSample *ret)
{
        uint16_t st = 0, srh = 0;
        int r = sht_read_frame(s, &st, &srh);

        if (r < 0)
                return r;
        sample_set(ret, PB_QUANTITY_TEMPERATURE, pb_sht_temperature(st));
        sample_set(ret, PB_QUANTITY_HUMIDITY, pb_sht4x_humidity(srh)); /* clipped to 0..100 */
        return 0;
}

static const uint16_t sht4x_addresses[] = { 0x44, 0x45, 0x46 };

static const PbSensorModel model_sht4x = {
        .name = "sht4x",
        .label = "SHT4x",
        .addresses = sht4x_addresses,
        .n_addresses = ELEMENTSOF(sht4x_addresses),
        .funcs = PB_I2C_FUNC_I2C,
        .quantities = Q(TEMPERATURE) | Q(HUMIDITY),
        .autodetect = true, /* the serial number's CRCs */
        .probe = sht4x_probe,
        .init = sht3x_init,
        .start = sht4x_start,
        .collect = sht4x_collect,
};

/* ---- ROHM BH1750: one-time H-resolution mode ---- */

#define BH1750_CMD_POWER_ON 0x01
#define BH1750_CMD_RESET    0x07
#define BH1750_CMD_ONE_H    0x20
#define BH1750_MTREG        69
#define BH1750_MEASURE_USEC 180000 /* datasheet: H-resolution mode, max */

static int bh1750_probe(PbSensor *s)
{
        /* No id: the power-on command being acknowledged is all we can check. */
        return send_cmd8(s, BH1750_CMD_POWER_ON, "power on");
}

static int bh1750_init(PbSensor *s)
{
        /* Clears the data register (only accepted while powered on). */
        int r = send_cmd8(s, BH1750_CMD_RESET, "reset");

        if (r < 0)
                return r;
        s->quantities = Q(ILLUMINANCE);
        return 0;
}

static int bh1750_start(PbSensor *s, uint64_t *ret_usec)
{
        /* One measurement, then the chip powers itself down. */
        int r = send_cmd8(s, BH1750_CMD_ONE_H, "one-time H-resolution measurement");

        if (r < 0)
                return r;
        *ret_usec = BH1750_MEASURE_USEC;
        return 0;
}

static int bh1750_collect(PbSensor *s, PbSample *ret)
{
        uint8_t buf[2];
        int r = read_bytes(s, buf, sizeof(buf), "measurement");

        if (r < 0)
                return r;
        /* Every count is a legal reading (0xffff is saturation, 54612 lx). */
        sample_set(ret, PB_QUANTITY_ILLUMINANCE, pb_bh1750_lux(be16(buf), BH1750_MTREG));
        return 0;
}

static const uint16_t bh1750_addresses[] = { 0x23, 0x5C };

static const PbSensorModel model_bh1750 = {
        .name = "bh1750",
        .label = "BH1750",
        .addresses = bh1750_addresses,
        .n_addresses = ELEMENTSOF(bh1750_addresses),
        .funcs = PB_I2C_FUNC_I2C,
        .quantities = Q(ILLUMINANCE),
        .autodetect = false, /* no id */
        .probe = bh1750_probe,
        .init = bh1750_init,
        .start = bh1750_start,
        .collect = bh1750_collect,
};

/* ---- Silicon Labs Si7021 / TE HTU21D: no-hold master mode ---- */

#define SI7021_CMD_MEASURE_RH 0xF5
#define SI7021_CMD_MEASURE_T  0xF3
#define SI7021_CMD_T_FROM_RH  0xE0 /* Si70xx only: T of the last RH measurement, no CRC */
#define SI7021_CMD_READ_USER  0xE7
#define SI7021_CMD_WRITE_USER 0xE6
#define SI7021_CMD_ID2        0xFCC9
#define SI7021_USER_RES_MASK  0x81 /* RES1 (bit 7), RES0 (bit 0); 00: RH 12 bit, T 14 bit */
#define HTU21D_ID             0x32
/* Datasheets' maximum conversion times at RH 12 bit, T 14 bit. Si70xx: an RH
 * measurement includes a temperature one. */
#define SI7021_RH_T_USEC (12000 + 10800)
#define HTU21D_T_USEC    50000
#define HTU21D_RH_USEC   16000
#define SI7021_T_MIN     -40.0
#define SI7021_T_MAX     125.0

static const PbSensorModel model_si7021;
static const PbSensorModel model_htu21d;

static bool si70xx_id(uint8_t id)
{
        /* Si7013, Si7020, Si7021; 0x00 and 0xff are engineering samples. */
        return id == 0x0D || id == 0x14 || id == 0x15 || id == 0x00 || id == 0xFF;
}

static int si7021_probe(PbSensor *s)
{
        uint8_t buf[6];
        int r;

        r = send_cmd16(s, SI7021_CMD_ID2, "read electronic id");
        if (r < 0)
                return r;
        r = read_bytes(s, buf, sizeof(buf), "electronic id");
        if (r < 0)
                return r;
        if (buf[0] == HTU21D_ID)
                s->model = &model_htu21d;
        else if (si70xx_id(buf[0]))
                s->model = &model_si7021;
        else
                return fail(s, -ENODEV,
                            "device id 0x%02x, expected 0x15 (Si7021), 0x14 (Si7020), 0x0d (Si7013) or 0x32 "
                            "(HTU21D)",
                            buf[0]);
        return 0;
}

static int si7021_init(PbSensor *s)
{
        uint8_t user = 0;
        int r;

        r = send_cmd8(s, SI7021_CMD_READ_USER, "read user register");
        if (r < 0)
                return r;
        r = read_bytes(s, &user, 1, "user register");
        if (r < 0)
                return r;
        if (user & SI7021_USER_RES_MASK) {
                /* The measurement times assume full resolution. */
                const uint8_t cmd[2] = { SI7021_CMD_WRITE_USER, (uint8_t)(user & ~SI7021_USER_RES_MASK) };

                r = send_cmd(s, cmd, 2, "write user register");
                if (r < 0)
                        return r;
        }
        s->quantities = Q(TEMPERATURE) | Q(HUMIDITY);
        return 0;
}

static int si7021_start(PbSensor *s, uint64_t *ret_usec)
{
        int r;

        if (s->model == &model_htu21d) {
                /* Temperature first, then (in collect) humidity: no 0xE0 on the HTU21D. */
                r = send_cmd8(s, SI7021_CMD_MEASURE_T, "temperature measurement");
                if (r < 0)
                        return r;
                *ret_usec = HTU21D_T_USEC;
                return 0;
        }
        r = send_cmd8(s, SI7021_CMD_MEASURE_RH, "humidity measurement");
        if (r < 0)
                return r;
        *ret_usec = SI7021_RH_T_USEC;
        return 0;
}

static int si7021_read_word(PbSensor *s, const char *what, uint16_t *ret)
{
        const char *const names[] = { what };
        uint8_t buf[3];
        int r;

        r = read_bytes(s, buf, sizeof(buf), what);
        if (r < 0)
                return r;
        r = check_crc_words(s, buf, 1, PB_SI7021_CRC_INIT, names);
        if (r < 0)
                return r;
        *ret = be16(buf);
        return 0;
}

static int si7021_convert(PbSensor *s, uint16_t st, uint16_t srh, PbSample *ret)
{
        double t = pb_si7021_temperature(st), rh = pb_si7021_humidity(srh);

        if (t < SI7021_T_MIN || t > SI7021_T_MAX)
                return fail(s, -ERANGE,
                            "implausible temperature %.2f °C (raw 0x%04x), outside %.0f..%.0f °C", t, st,
                            SI7021_T_MIN, SI7021_T_MAX);
        sample_set(ret, PB_QUANTITY_TEMPERATURE, t);
        /* The datasheets: RH slightly outside 0..100 % is possible; clip it. */
        sample_set(ret, PB_QUANTITY_HUMIDITY, rh < 0 ? 0 : rh > 100 ? 100 : rh);
        return 0;
}

static int si7021_collect(PbSensor *s, PbSample *ret)
{
        uint16_t srh = 0, st = 0;
        uint8_t buf[2];
        int r;

        if (s->model == &model_htu21d) {
                if (s->phase == 0) {
                        r = si7021_read_word(s, "temperature", &s->u.si.s_t);
                        if (r < 0)
                                return r;
                        r = send_cmd8(s, SI7021_CMD_MEASURE_RH, "humidity measurement");
                        if (r < 0)
                                return r;
                        s->phase = 1;
                        s->retry_usec = HTU21D_RH_USEC;
                        return fail(s, -EAGAIN, "humidity measurement started");
                }
                r = si7021_read_word(s, "humidity", &srh);
                if (r == -ENXIO || r == -EREMOTEIO) {
                        /* NAK: still converting (after the humidity time, the caller's bound ends this). */
                        s->retry_usec = 1000;
                        return fail(s, -EAGAIN, "humidity measurement in progress (read not acknowledged)");
                }
                if (r < 0)
                        return r;
                return si7021_convert(s, s->u.si.s_t, srh, ret);
        }

        r = si7021_read_word(s, "humidity", &srh);
        if (r < 0)
                return r;
        r = send_cmd8(s, SI7021_CMD_T_FROM_RH, "read temperature");
        if (r < 0)
                return r;
        r = read_bytes(s, buf, sizeof(buf), "temperature");
        if (r < 0)
                return r;
        st = be16(buf);
        return si7021_convert(s, st, srh, ret);
}

static const uint16_t si7021_addresses[] = { 0x40 };

static const PbSensorModel model_si7021 = {
        .name = "si7021",
        .label = "Si7021",
        .addresses = si7021_addresses,
        .n_addresses = ELEMENTSOF(si7021_addresses),
        .funcs = PB_I2C_FUNC_I2C,
        .quantities = Q(TEMPERATURE) | Q(HUMIDITY),
        .autodetect = true, /* electronic id; finds an HTU21D too */
        .probe = si7021_probe,
        .init = si7021_init,
        .start = si7021_start,
        .collect = si7021_collect,
};

static const PbSensorModel model_htu21d = {
        .name = "htu21d",
        .label = "HTU21D",
        .addresses = si7021_addresses,
        .n_addresses = ELEMENTSOF(si7021_addresses),
        .funcs = PB_I2C_FUNC_I2C,
        .quantities = Q(TEMPERATURE) | Q(HUMIDITY),
        .autodetect = false, /* model=auto finds it through the Si7021's id check */
        .probe = si7021_probe,
        .init = si7021_init,
        .start = si7021_start,
        .collect = si7021_collect,
};

/* ------------------------------------------------------------------------ */
/* The model table */

static const PbSensorModel *const models[] = {
        /* model=auto probes these, in this order (register reads first: they
         * change nothing on a chip of another kind). */
        &model_bme280,
        &model_mcp9808,
        &model_sht3x,
        &model_sht4x,
        &model_si7021,
        /* Only with an explicit model. */
        &model_bmp280,
        &model_tmp102,
        &model_ads1115,
        &model_bh1750,
        &model_htu21d,
        NULL,
};

const PbSensorModel *const *pb_sensor_models(void)
{
        return models;
}

const PbSensorModel *pb_sensor_model_from_string(const char *name)
{
        if (!name)
                return NULL;
        for (size_t i = 0; models[i]; i++)
                if (strcasecmp(models[i]->name, name) == 0)
                        return models[i];
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

static char *option_values_list(const OptionDef *d)
{
        char *buf = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&buf, &size);

        if (!f)
                return NULL;
        for (const OptionValue *v = d->values; v->name; v++)
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
                const OptionDef *d = &m->options[i];

                if (strcasecmp(d->key, key) != 0)
                        continue;
                for (const OptionValue *v = d->values; v->name; v++)
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
        PbSensor *s;

        if (!bus || !ret || (address != 0 && (address < 0x03 || address > 0x77)))
                return -EINVAL;
        s = calloc(1, sizeof(*s));
        if (!s)
                return -ENOMEM;
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
        return s->initialized ? s->quantities : s->model ? s->model->quantities : 0;
}

uint64_t pb_sensor_get_retry_usec(const PbSensor *s)
{
        return s->retry_usec;
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
        r = m->probe(s);
        if (r < 0)
                return r;
        s->detail[0] = '\0';
        r = s->model->init(s);
        if (r < 0)
                return r;
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
        s->phase = 0;
        s->detail[0] = '\0';

        if (s->want_model) {
                const PbSensorModel *m = s->want_model;
                unsigned missing = m->funcs & ~funcs;

                if (missing) {
                        _cleanup_free_ char *words = pb_i2c_funcs_to_string(missing);

                        return fail(s, -EOPNOTSUPP, "adapter %s does not support %s, which the %s needs",
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
        for (size_t i = 0; models[i]; i++) {
                const PbSensorModel *m = models[i];

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
                        return fail(s, -EOPNOTSUPP,
                                    "adapter %s does not support %s, which the %s%s%s need%s",
                                    pb_i2c_bus_get_path(s->bus), words ?: "transfer types", skipped,
                                    last ? " and" : "", last ? last + 1 : "", last ? "" : "s");
                }
                if (s->want_address)
                        return fail(s, -ENODEV,
                                    "no model that can be detected automatically lives at address 0x%02x: "
                                    "set model",
                                    s->want_address);
                return fail(s, -EOPNOTSUPP,
                            "adapter %s supports none of the transfer types the sensors need",
                            pb_i2c_bus_get_path(s->bus));
        }
        set_detail(s, "tried %s", strempty(log.buf));
        free(log.buf);
        return log.best;
}

int pb_sensor_start(PbSensor *s, uint64_t *ret_usec)
{
        uint64_t usec = 0;
        int r;

        if (!s->initialized)
                return fail(s, -ENOTCONN, "not set up: pb_sensor_init() has not succeeded");
        s->detail[0] = '\0';
        s->started = false;
        s->phase = 0;
        s->retry_usec = 0;
        r = s->model->start(s, &usec);
        if (r < 0)
                return r;
        s->started = true;
        if (ret_usec)
                *ret_usec = usec;
        return 0;
}

int pb_sensor_collect(PbSensor *s, PbSample *ret)
{
        PbSample sample = {};
        int r;

        if (!s->initialized)
                return fail(s, -ENOTCONN, "not set up: pb_sensor_init() has not succeeded");
        if (!s->started)
                return fail(s, -ESTALE, "no measurement was started");
        s->detail[0] = '\0';
        s->retry_usec = 0;
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
