/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * The simulated I2C adapter. Every SMBus transfer is broken down into the I2C
 * messages a real adapter would put on the wire (read byte data = write the
 * register pointer, then read one byte, ...), and each simulated device
 * implements only message-level write and read, as a chip does. So a driver
 * that uses a transfer its chip does not understand gets what the chip would
 * answer, not a convenient shortcut.
 *
 * Devices are deterministic: a measurement completes at the first poll after
 * its start unless pb_sim_i2c_set_busy() asks for more; readings are the raw
 * values set with pb_sim_i2c_set_raw() (power-on: plausible room values).
 */

#include <strings.h>

#include "i2c/bus-private.h"
#include "sensors/math.h"
#include "sim/i2c-bus.h"

#define SIM_ADDR_MAX 0x7F

typedef struct SimDevice SimDevice;

typedef struct SimModel {
        const char *name;
        unsigned quantities; /* 1u << PbQuantity the device measures */
        unsigned n_regs;     /* register file size (0: a command chip) */
        bool regs16;         /* 16-bit big-endian registers */
        bool crc;            /* frames carry CRCs */
        bool cells;          /* an i2c-stub chip: SMBus transfers on 16-bit cells, no plain I2C */
        void (*reset)(SimDevice *d);
        int (*write)(SimDevice *d, const uint8_t *buf, size_t len);
        int (*read)(SimDevice *d, uint8_t *buf, size_t len);
} SimModel;

struct SimDevice {
        const SimModel *model;
        int error;            /* every transfer fails with it (negative errno), 0: answers */
        unsigned busy_polls;  /* polls each measurement takes (pb_sim_i2c_set_busy) */
        unsigned busy;        /* polls left of the measurement in progress */
        bool measuring;       /* a measurement is in progress */
        unsigned corrupt_crc; /* frames left to send with a wrong CRC */
        unsigned conversions;
        uint32_t raw[_PB_QUANTITY_MAX];

        uint8_t ptr;       /* register pointer */
        uint8_t regs[256]; /* byte registers */
        uint16_t r16[16];  /* 16-bit registers */
        bool ready;        /* TMP102: OS reads 1 after a one-shot conversion */
        uint8_t osrs_h;    /* BME280: ctrl_hum as latched by the last ctrl_meas write */

        uint16_t words[256]; /* i2c-stub cells */

        /* Command chips: the response to the last command. */
        uint8_t out[16];
        size_t out_len;
        uint16_t cmd;
};

typedef struct SimBus {
        PbI2cBus base;
        SimDevice *devices[SIM_ADDR_MAX + 1];
} SimBus;

static const PbI2cBusOps sim_ops;

static SimBus *sim_bus(PbI2cBus *bus)
{
        return bus && bus->ops == &sim_ops ? container_of(bus, SimBus, base) : NULL;
}

bool pb_i2c_bus_is_simulated(const PbI2cBus *bus)
{
        return bus && bus->ops == &sim_ops;
}

/* Starts a measurement; complete() runs when it is done: now, or after the
 * configured number of polls (see poll()). */
static void measure_begin(SimDevice *d, void (*complete)(SimDevice *d))
{
        d->busy = d->busy_polls;
        d->measuring = true;
        if (d->busy == 0) {
                d->measuring = false;
                d->conversions++;
                complete(d);
        }
}

/* One poll of the busy indication: returns whether the device is still busy,
 * finishing the measurement when its polls are used up. */
static bool poll_busy(SimDevice *d, void (*complete)(SimDevice *d))
{
        if (!d->measuring)
                return false;
        if (d->busy > 0) {
                d->busy--;
                return true;
        }
        d->measuring = false;
        d->conversions++;
        complete(d);
        return false;
}

/* Whether a measurement is still running, without counting as a poll (a
 * command arriving): one whose polls are used up finishes now. */
static bool still_busy(SimDevice *d, void (*complete)(SimDevice *d))
{
        if (!d->measuring)
                return false;
        if (d->busy > 0)
                return true;
        d->measuring = false;
        d->conversions++;
        complete(d);
        return false;
}

/* ------------------------------------------------------------------------ */
/* BME280 / BMP280 */

#define BME_ID        0xD0
#define BME_RESET     0xE0
#define BME_CTRL_HUM  0xF2
#define BME_STATUS    0xF3
#define BME_CTRL_MEAS 0xF4
#define BME_CONFIG    0xF5
#define BME_DATA      0xF7

/* VECTORS.md V1 (periph.io's TestI2CSenseBME280_success): 23.72 °C, 100942.70 Pa, 65.31 %RH. */
static const uint8_t v1_calib_tp[26] = { 0x10, 0x6E, 0x6C, 0x66, 0x32, 0x00, 0x5D, 0x95, 0xB8,
                                         0xD5, 0xD0, 0x0B, 0x77, 0x1E, 0x9D, 0xFF, 0xF9, 0xFF,
                                         0xAC, 0x26, 0x0A, 0xD8, 0xBD, 0x10, 0x00, 0x4B };
static const uint8_t v1_calib_h[7] = { 0x6E, 0x01, 0x00, 0x13, 0x05, 0x00, 0x1E };
#define V1_ADC_P 304428
#define V1_ADC_T 526700
#define V1_ADC_H 31350

static bool bme_is_bmp(const SimDevice *d);

static void bme_reset(SimDevice *d)
{
        memset(d->regs, 0, sizeof(d->regs));
        d->regs[BME_ID] = bme_is_bmp(d) ? 0x58 : 0x60;
        memcpy(d->regs + 0x88, v1_calib_tp, sizeof(v1_calib_tp));
        if (!bme_is_bmp(d))
                memcpy(d->regs + 0xE1, v1_calib_h, sizeof(v1_calib_h));
        /* Data registers' reset values: "no data". */
        d->regs[0xF7] = 0x80;
        d->regs[0xFA] = 0x80;
        if (!bme_is_bmp(d))
                d->regs[0xFD] = 0x80;
        d->osrs_h = 0;
        d->measuring = false;
        d->busy = 0;
}

static void bme_complete(SimDevice *d)
{
        unsigned osrs_t = d->regs[BME_CTRL_MEAS] >> 5, osrs_p = (d->regs[BME_CTRL_MEAS] >> 2) & 7;
        uint32_t t = osrs_t ? d->raw[PB_QUANTITY_TEMPERATURE] & 0xFFFFF : PB_BME280_ADC_SKIPPED_TP;
        uint32_t p = osrs_p ? d->raw[PB_QUANTITY_PRESSURE] & 0xFFFFF : PB_BME280_ADC_SKIPPED_TP;
        uint32_t h = d->osrs_h ? d->raw[PB_QUANTITY_HUMIDITY] & 0xFFFF : PB_BME280_ADC_SKIPPED_H;

        d->regs[0xF7] = (uint8_t)(p >> 12);
        d->regs[0xF8] = (uint8_t)(p >> 4);
        d->regs[0xF9] = (uint8_t)((p & 0xF) << 4);
        d->regs[0xFA] = (uint8_t)(t >> 12);
        d->regs[0xFB] = (uint8_t)(t >> 4);
        d->regs[0xFC] = (uint8_t)((t & 0xF) << 4);
        if (!bme_is_bmp(d)) {
                d->regs[0xFD] = (uint8_t)(h >> 8);
                d->regs[0xFE] = (uint8_t)h;
        }
        /* Forced mode returns to sleep when done; normal mode keeps going. */
        if ((d->regs[BME_CTRL_MEAS] & 3) != 3)
                d->regs[BME_CTRL_MEAS] &= (uint8_t)~3;
}

static void bme_write_reg(SimDevice *d, uint8_t reg, uint8_t v)
{
        switch (reg) {
        case BME_RESET:
                if (v == 0xB6)
                        bme_reset(d);
                break;
        case BME_CTRL_HUM:
                if (!bme_is_bmp(d))
                        d->regs[reg] = v & 7;
                break;
        case BME_CTRL_MEAS:
                d->regs[reg] = v;
                d->osrs_h = bme_is_bmp(d) ? 0 : d->regs[BME_CTRL_HUM] & 7;
                if (v & 3)
                        measure_begin(d, bme_complete);
                break;
        case BME_CONFIG:
                d->regs[reg] = v;
                break;
        default:
                break; /* read-only or reserved: ignored, as by the chip */
        }
}

static int bme_write(SimDevice *d, const uint8_t *buf, size_t len)
{
        /* Register address, data, then (address, data) pairs: no auto-increment on writes. */
        d->ptr = buf[0];
        if (len >= 2)
                bme_write_reg(d, buf[0], buf[1]);
        for (size_t i = 2; i + 1 < len; i += 2)
                bme_write_reg(d, buf[i], buf[i + 1]);
        return 0;
}

static int bme_read(SimDevice *d, uint8_t *buf, size_t len)
{
        for (size_t i = 0; i < len; i++) {
                uint8_t reg = d->ptr++;

                if (reg == BME_STATUS)
                        buf[i] = poll_busy(d, bme_complete) ? 0x08 : 0x00;
                else
                        buf[i] = d->regs[reg];
        }
        return 0;
}

static const SimModel sim_bme280 = {
        .name = "bme280",
        .quantities =
                1u << PB_QUANTITY_TEMPERATURE | 1u << PB_QUANTITY_PRESSURE | 1u << PB_QUANTITY_HUMIDITY,
        .n_regs = 256,
        .reset = bme_reset,
        .write = bme_write,
        .read = bme_read,
};

static const SimModel sim_bmp280 = {
        .name = "bmp280",
        .quantities = 1u << PB_QUANTITY_TEMPERATURE | 1u << PB_QUANTITY_PRESSURE,
        .n_regs = 256,
        .reset = bme_reset,
        .write = bme_write,
        .read = bme_read,
};

static bool bme_is_bmp(const SimDevice *d)
{
        return d->model == &sim_bmp280;
}

/* ------------------------------------------------------------------------ */
/* 16-bit register chips: TMP102, MCP9808, ADS1115 */

/* Reads return the addressed register MSB first, repeated for longer reads. */
static void r16_read(SimDevice *d, uint16_t v, uint8_t *buf, size_t len)
{
        for (size_t i = 0; i < len; i++)
                buf[i] = (uint8_t)(i % 2 == 0 ? v >> 8 : v);
}

#define TMP_TEMP   0
#define TMP_CONFIG 1
#define TMP_OS     0x8000
#define TMP_SD     0x0100

static void tmp_reset(SimDevice *d)
{
        d->r16[TMP_TEMP] = (uint16_t)d->raw[PB_QUANTITY_TEMPERATURE];
        d->r16[TMP_CONFIG] = 0x60A0;
        d->r16[2] = 0x4B00; /* T_LOW 75 °C */
        d->r16[3] = 0x5000; /* T_HIGH 80 °C */
        d->ready = false;
}

static void tmp_complete(SimDevice *d)
{
        d->r16[TMP_TEMP] = (uint16_t)d->raw[PB_QUANTITY_TEMPERATURE];
        d->ready = true;
}

static int tmp_write(SimDevice *d, const uint8_t *buf, size_t len)
{
        uint16_t v;

        d->ptr = buf[0] & 3;
        if (len < 3)
                return 0;
        v = (uint16_t)(buf[1] << 8 | buf[2]);
        switch (d->ptr) {
        case TMP_TEMP:
                break; /* read-only */
        case TMP_CONFIG:
                /* R1/R0 (0x6000) and AL (0x0020) are read-only; OS is an action. */
                d->r16[TMP_CONFIG] = (uint16_t)((v & ~(TMP_OS | 0x6000 | 0x0020)) | 0x6000 | 0x0020);
                if ((v & TMP_OS) && (v & TMP_SD)) {
                        d->ready = false;
                        measure_begin(d, tmp_complete);
                }
                break;
        default:
                d->r16[d->ptr] = v;
        }
        return 0;
}

static int tmp_read(SimDevice *d, uint8_t *buf, size_t len)
{
        uint16_t v;

        switch (d->ptr) {
        case TMP_TEMP:
                /* Continuous conversion: always the current temperature. */
                if (!(d->r16[TMP_CONFIG] & TMP_SD))
                        d->r16[TMP_TEMP] = (uint16_t)d->raw[PB_QUANTITY_TEMPERATURE];
                v = d->r16[TMP_TEMP];
                break;
        case TMP_CONFIG:
                v = d->r16[TMP_CONFIG];
                if (!poll_busy(d, tmp_complete) && d->ready)
                        v |= TMP_OS;
                break;
        default:
                v = d->r16[d->ptr];
        }
        r16_read(d, v, buf, len);
        return 0;
}

static const SimModel sim_tmp102 = {
        .name = "tmp102",
        .quantities = 1u << PB_QUANTITY_TEMPERATURE,
        .n_regs = 4,
        .regs16 = true,
        .reset = tmp_reset,
        .write = tmp_write,
        .read = tmp_read,
};

#define MCP_CONFIG 1
#define MCP_TA     5
#define MCP_RES    8
#define MCP_SHDN   0x0100

static void mcp_reset(SimDevice *d)
{
        memset(d->r16, 0, sizeof(d->r16));
        d->r16[MCP_TA] = (uint16_t)d->raw[PB_QUANTITY_TEMPERATURE];
        d->r16[6] = 0x0054; /* manufacturer id */
        d->r16[7] = 0x0400; /* device id 0x04, revision 0 */
        d->r16[MCP_RES] = 0x0003;
}

static int mcp_write(SimDevice *d, const uint8_t *buf, size_t len)
{
        d->ptr = buf[0] & 0x0F;
        if (d->ptr == MCP_RES && len >= 2)
                d->r16[MCP_RES] = buf[1] & 3;
        else if (len >= 3 && d->ptr >= 1 && d->ptr <= 4)
                d->r16[d->ptr] = (uint16_t)(buf[1] << 8 | buf[2]);
        return 0; /* Ta and the ids are read-only */
}

static int mcp_read(SimDevice *d, uint8_t *buf, size_t len)
{
        if (d->ptr == MCP_RES) {
                memset(buf, (uint8_t)d->r16[MCP_RES], len);
                return 0;
        }
        if (d->ptr == MCP_TA && !(d->r16[MCP_CONFIG] & MCP_SHDN)) {
                d->r16[MCP_TA] = (uint16_t)d->raw[PB_QUANTITY_TEMPERATURE];
                d->conversions++;
        }
        r16_read(d, d->ptr < 9 ? d->r16[d->ptr] : 0, buf, len);
        return 0;
}

static const SimModel sim_mcp9808 = {
        .name = "mcp9808",
        .quantities = 1u << PB_QUANTITY_TEMPERATURE,
        .n_regs = 9,
        .regs16 = true,
        .reset = mcp_reset,
        .write = mcp_write,
        .read = mcp_read,
};

#define ADS_CONV   0
#define ADS_CONFIG 1
#define ADS_OS     0x8000
#define ADS_MODE   0x0100

static void ads_reset(SimDevice *d)
{
        d->r16[ADS_CONV] = 0;
        d->r16[ADS_CONFIG] = 0x8583 & ~ADS_OS;
        d->r16[2] = 0x8000;
        d->r16[3] = 0x7FFF;
}

static void ads_complete(SimDevice *d)
{
        d->r16[ADS_CONV] = (uint16_t)d->raw[PB_QUANTITY_VOLTAGE];
}

static int ads_write(SimDevice *d, const uint8_t *buf, size_t len)
{
        uint16_t v;

        d->ptr = buf[0] & 3;
        if (len < 3 || d->ptr == ADS_CONV)
                return 0;
        v = (uint16_t)(buf[1] << 8 | buf[2]);
        if (d->ptr != ADS_CONFIG) {
                d->r16[d->ptr] = v;
                return 0;
        }
        d->r16[ADS_CONFIG] = v & ~ADS_OS;
        if ((v & ADS_OS) && (v & ADS_MODE))
                measure_begin(d, ads_complete);
        return 0;
}

static int ads_read(SimDevice *d, uint8_t *buf, size_t len)
{
        uint16_t v = d->r16[d->ptr];

        if (d->ptr == ADS_CONV && !(d->r16[ADS_CONFIG] & ADS_MODE))
                v = d->r16[ADS_CONV] = (uint16_t)d->raw[PB_QUANTITY_VOLTAGE]; /* continuous */
        else if (d->ptr == ADS_CONFIG && !poll_busy(d, ads_complete))
                v |= ADS_OS; /* OS reads 1 when no conversion is in progress */
        r16_read(d, v, buf, len);
        return 0;
}

static const SimModel sim_ads1115 = {
        .name = "ads1115",
        .quantities = 1u << PB_QUANTITY_VOLTAGE,
        .n_regs = 4,
        .regs16 = true,
        .reset = ads_reset,
        .write = ads_write,
        .read = ads_read,
};

/* ------------------------------------------------------------------------ */
/* Command chips: SHT3x, SHT4x, Si7021/HTU21D, BH1750 */

/* Queues a response: words (each with its CRC when crc_init >= 0). */
static void out_words(SimDevice *d, const uint16_t *words, size_t n, int crc_init)
{
        bool corrupt = crc_init >= 0 && d->corrupt_crc > 0;

        d->out_len = 0;
        for (size_t i = 0; i < n; i++) {
                uint8_t *w = d->out + d->out_len;

                w[0] = (uint8_t)(words[i] >> 8);
                w[1] = (uint8_t)words[i];
                d->out_len += 2;
                if (crc_init >= 0) {
                        w[2] = pb_crc8(w, 2, (uint8_t)crc_init);
                        if (corrupt)
                                w[2] ^= 0xFF;
                        d->out_len++;
                }
        }
        if (corrupt)
                d->corrupt_crc--;
}

/* Reads the queued response: NAK while measuring or with nothing to send
 * (as the Sensirion and Silicon Labs chips do); a response is read once. */
static int out_read(SimDevice *d, uint8_t *buf, size_t len, void (*complete)(SimDevice *d))
{
        if (poll_busy(d, complete) || d->out_len == 0)
                return -ENXIO;
        for (size_t i = 0; i < len; i++)
                buf[i] = i < d->out_len ? d->out[i] : 0xFF; /* past the response: bus idle level */
        d->out_len = 0;
        return 0;
}

static void sht_reset(SimDevice *d)
{
        d->out_len = 0;
        d->measuring = false;
}

static void sht_complete(SimDevice *d)
{
        const uint16_t w[2] = { (uint16_t)d->raw[PB_QUANTITY_TEMPERATURE],
                                (uint16_t)d->raw[PB_QUANTITY_HUMIDITY] };

        out_words(d, w, 2, PB_SHT_CRC_INIT);
}

static int sht_read(SimDevice *d, uint8_t *buf, size_t len)
{
        return out_read(d, buf, len, sht_complete);
}

static int sht3x_write(SimDevice *d, const uint8_t *buf, size_t len)
{
        uint16_t cmd;

        if (len < 2)
                return -ENXIO; /* a half command is not acknowledged */
        if (still_busy(d, sht_complete))
                return -ENXIO; /* busy: commands are not acknowledged */
        cmd = (uint16_t)(buf[0] << 8 | buf[1]);
        d->out_len = 0;
        switch (cmd) {
        case 0x2400: /* single shot, no clock stretching: high, medium, low repeatability */
        case 0x240B:
        case 0x2416:
                measure_begin(d, sht_complete);
                return 0;
        case 0xF32D: { /* status: alert pending, reset detected (power-on) */
                const uint16_t status = 0x8010;

                out_words(d, &status, 1, PB_SHT_CRC_INIT);
                return 0;
        }
        case 0x3780: { /* serial number */
                const uint16_t sn[2] = { 0x1234, 0x5678 };

                out_words(d, sn, 2, PB_SHT_CRC_INIT);
                return 0;
        }
        case 0x30A2: /* soft reset */
        case 0x3041: /* clear status */
        case 0x3093: /* break */
                return 0;
        default:
                return -ENXIO;
        }
}

static const SimModel sim_sht3x = {
        .name = "sht3x",
        .quantities = 1u << PB_QUANTITY_TEMPERATURE | 1u << PB_QUANTITY_HUMIDITY,
        .crc = true,
        .reset = sht_reset,
        .write = sht3x_write,
        .read = sht_read,
};

static int sht4x_write(SimDevice *d, const uint8_t *buf, size_t len)
{
        if (still_busy(d, sht_complete) || len != 1)
                return -ENXIO;
        d->out_len = 0;
        switch (buf[0]) {
        case 0xFD: /* high, medium, low precision */
        case 0xF6:
        case 0xE0:
                measure_begin(d, sht_complete);
                return 0;
        case 0x89: { /* serial number */
                const uint16_t sn[2] = { 0x0F1E, 0x2D3C };

                out_words(d, sn, 2, PB_SHT_CRC_INIT);
                return 0;
        }
        case 0x94: /* soft reset */
                return 0;
        default:
                return -ENXIO;
        }
}

static const SimModel sim_sht4x = {
        .name = "sht4x",
        .quantities = 1u << PB_QUANTITY_TEMPERATURE | 1u << PB_QUANTITY_HUMIDITY,
        .crc = true,
        .reset = sht_reset,
        .write = sht4x_write,
        .read = sht_read,
};

#define SI_USER_DEFAULT_SI7021 0x3A
#define SI_USER_DEFAULT_HTU21D 0x02

static bool si_is_htu(const SimDevice *d);

static void si_reset(SimDevice *d)
{
        d->out_len = 0;
        d->measuring = false;
        d->regs[0] = si_is_htu(d) ? SI_USER_DEFAULT_HTU21D : SI_USER_DEFAULT_SI7021; /* user register 1 */
        d->r16[0] = 0;                                                               /* T of the last RH */
}

static void si_complete_rh(SimDevice *d)
{
        const uint16_t rh = (uint16_t)d->raw[PB_QUANTITY_HUMIDITY];

        d->r16[0] = (uint16_t)d->raw[PB_QUANTITY_TEMPERATURE];
        out_words(d, &rh, 1, PB_SI7021_CRC_INIT);
}

static void si_complete_t(SimDevice *d)
{
        const uint16_t t = (uint16_t)d->raw[PB_QUANTITY_TEMPERATURE];

        out_words(d, &t, 1, PB_SI7021_CRC_INIT);
}

static int si_write(SimDevice *d, const uint8_t *buf, size_t len)
{
        if (still_busy(d, d->cmd == 0xF5 ? si_complete_rh : si_complete_t))
                return -ENXIO; /* no-hold mode: not acknowledged while converting */
        d->out_len = 0;
        switch (buf[0]) {
        case 0xF5:
                d->cmd = 0xF5;
                measure_begin(d, si_complete_rh);
                return 0;
        case 0xF3:
                d->cmd = 0xF3;
                measure_begin(d, si_complete_t);
                return 0;
        case 0xE0:
                if (si_is_htu(d))
                        return -ENXIO;
                out_words(d, &d->r16[0], 1, -1); /* no CRC with this command */
                return 0;
        case 0xE7:
                d->out[0] = d->regs[0];
                d->out_len = 1;
                return 0;
        case 0xE6:
                if (len < 2)
                        return -ENXIO;
                d->regs[0] = (uint8_t)((buf[1] & ~0x38) | (d->regs[0] & 0x38)); /* bits 5..3 reserved */
                return 0;
        case 0xFE:
                si_reset(d);
                return 0;
        case 0xFA: {
                const uint16_t sna[4] = { 0x00AA, 0x00BB, 0x00CC, 0x00DD };

                if (len < 2 || buf[1] != 0x0F)
                        return -ENXIO;
                out_words(d, sna, 4, PB_SI7021_CRC_INIT);
                return 0;
        }
        case 0xFC: {
                const uint16_t snb[2] = { si_is_htu(d) ? 0x3200 : 0x15FF, 0xFFFF };

                if (len < 2 || buf[1] != 0xC9)
                        return -ENXIO;
                out_words(d, snb, 2, PB_SI7021_CRC_INIT);
                return 0;
        }
        default:
                return -ENXIO;
        }
}

static int si_read(SimDevice *d, uint8_t *buf, size_t len)
{
        return out_read(d, buf, len, d->cmd == 0xF5 ? si_complete_rh : si_complete_t);
}

static const SimModel sim_si7021 = {
        .name = "si7021",
        .quantities = 1u << PB_QUANTITY_TEMPERATURE | 1u << PB_QUANTITY_HUMIDITY,
        .crc = true,
        .reset = si_reset,
        .write = si_write,
        .read = si_read,
};

static const SimModel sim_htu21d = {
        .name = "htu21d",
        .quantities = 1u << PB_QUANTITY_TEMPERATURE | 1u << PB_QUANTITY_HUMIDITY,
        .crc = true,
        .reset = si_reset,
        .write = si_write,
        .read = si_read,
};

static bool si_is_htu(const SimDevice *d)
{
        return d->model == &sim_htu21d;
}

/* BH1750: regs[0] is the power state, r16[0] the data register. */
static void bh_reset(SimDevice *d)
{
        d->regs[0] = 0; /* powered down */
        d->r16[0] = 0;
        d->measuring = false;
}

static void bh_complete(SimDevice *d)
{
        d->r16[0] = (uint16_t)d->raw[PB_QUANTITY_ILLUMINANCE];
        if (d->cmd >= 0x20)
                d->regs[0] = 0; /* one-time modes power down when done */
}

static int bh_write(SimDevice *d, const uint8_t *buf, size_t len)
{
        uint8_t c = buf[0];

        if (len != 1)
                return -ENXIO;
        switch (c) {
        case 0x00:
                d->regs[0] = 0;
                return 0;
        case 0x01:
                d->regs[0] = 1;
                return 0;
        case 0x07:
                if (d->regs[0])
                        d->r16[0] = 0; /* reset: only while powered on */
                return 0;
        case 0x10: /* continuous H, H2, L */
        case 0x11:
        case 0x13:
        case 0x20: /* one time H, H2, L */
        case 0x21:
        case 0x23:
                d->regs[0] = 1;
                d->cmd = c;
                measure_begin(d, bh_complete);
                return 0;
        default:
                if ((c & 0xF8) == 0x40 || (c & 0xE0) == 0x60)
                        return 0; /* MTreg: accepted, the simulation does not scale by it */
                return -ENXIO;
        }
}

static int bh_read(SimDevice *d, uint8_t *buf, size_t len)
{
        /* No busy indication: during a measurement the previous result. */
        (void)poll_busy(d, bh_complete);
        if (d->cmd >= 0x10 && d->cmd < 0x20 && !d->measuring)
                d->r16[0] = (uint16_t)d->raw[PB_QUANTITY_ILLUMINANCE]; /* continuous */
        r16_read(d, d->r16[0], buf, len);
        return 0;
}

static const SimModel sim_bh1750 = {
        .name = "bh1750",
        .quantities = 1u << PB_QUANTITY_ILLUMINANCE,
        .reset = bh_reset,
        .write = bh_write,
        .read = bh_read,
};

/* ------------------------------------------------------------------------ */
/* i2c-stub: a passive cell array (see stub_get() below) */

static void stub_reset(SimDevice *d)
{
        memset(d->words, 0, sizeof(d->words));
        d->ptr = 0;
}

static int stub_msg(SimDevice *d, uint8_t *buf, size_t len)
{
        return -EOPNOTSUPP;
}

static int stub_write(SimDevice *d, const uint8_t *buf, size_t len)
{
        return -EOPNOTSUPP;
}

static const SimModel sim_i2c_stub = {
        .name = "i2c-stub",
        .cells = true,
        .reset = stub_reset,
        .write = stub_write,
        .read = stub_msg,
};

/* ------------------------------------------------------------------------ */
/* The device table */

static const SimModel *const sim_models[] = {
        &sim_bme280, &sim_bmp280, &sim_tmp102, &sim_mcp9808, &sim_ads1115,  &sim_sht3x,
        &sim_sht4x,  &sim_si7021, &sim_htu21d, &sim_bh1750,  &sim_i2c_stub,
};

static const SimModel *sim_model_from_string(const char *name)
{
        for (size_t i = 0; i < ELEMENTSOF(sim_models); i++)
                if (strcasecmp(sim_models[i]->name, name) == 0)
                        return sim_models[i];
        return NULL;
}

/* Power-on raw readings: room conditions. */
static void default_raw(SimDevice *d)
{
        const SimModel *m = d->model;

        if (m == &sim_bme280 || m == &sim_bmp280) {
                d->raw[PB_QUANTITY_TEMPERATURE] = V1_ADC_T;
                d->raw[PB_QUANTITY_PRESSURE] = V1_ADC_P;
                d->raw[PB_QUANTITY_HUMIDITY] = V1_ADC_H;
        } else if (m == &sim_tmp102) {
                d->raw[PB_QUANTITY_TEMPERATURE] = 0x1900; /* 25.0 °C */
        } else if (m == &sim_mcp9808) {
                d->raw[PB_QUANTITY_TEMPERATURE] = 0x0190; /* 25.0 °C */
        } else if (m == &sim_ads1115) {
                d->raw[PB_QUANTITY_VOLTAGE] = 13200; /* 1.65 V at ±4.096 V */
        } else if (m == &sim_sht3x || m == &sim_sht4x) {
                d->raw[PB_QUANTITY_TEMPERATURE] = 0x6666; /* 25.00 °C */
                d->raw[PB_QUANTITY_HUMIDITY] = 0x8000;    /* SHT3x 50.00 %RH, SHT4x 56.50 %RH */
        } else if (m == &sim_si7021 || m == &sim_htu21d) {
                d->raw[PB_QUANTITY_TEMPERATURE] = 0x683A; /* 24.69 °C */
                d->raw[PB_QUANTITY_HUMIDITY] = 0x4E85;    /* 32.34 %RH */
        } else if (m == &sim_bh1750) {
                d->raw[PB_QUANTITY_ILLUMINANCE] = 384; /* 320 lx */
        }
}

/* ------------------------------------------------------------------------ */
/* The bus */

static int sim_get(PbI2cBus *bus, uint16_t addr, SimDevice **ret)
{
        SimDevice *d = sim_bus(bus)->devices[addr & SIM_ADDR_MAX];

        if (!d)
                return -ENXIO;
        if (d->error < 0)
                return d->error;
        *ret = d;
        return 0;
}

static int sim_msg_write(PbI2cBus *bus, uint16_t addr, const uint8_t *buf, size_t len)
{
        SimDevice *d;
        int r = sim_get(bus, addr, &d);

        if (r < 0)
                return r;
        if (d->model->cells)
                return -EOPNOTSUPP; /* i2c-stub has no master_xfer */
        return d->model->write(d, buf, len);
}

static int sim_msg_read(PbI2cBus *bus, uint16_t addr, uint8_t *buf, size_t len)
{
        SimDevice *d;
        int r = sim_get(bus, addr, &d);

        if (r < 0)
                return r;
        if (d->model->cells)
                return -EOPNOTSUPP;
        return d->model->read(d, buf, len);
}

/* Write the register pointer, then read (a repeated start, as SMBus reads do). */
static int sim_write_read(PbI2cBus *bus, uint16_t addr, uint8_t reg, uint8_t *buf, size_t len)
{
        int r = sim_msg_write(bus, addr, &reg, 1);

        if (r < 0)
                return r;
        return sim_msg_read(bus, addr, buf, len);
}

/*
 * The i2c-stub emulation works at the SMBus level, as the kernel's does
 * (drivers/i2c/i2c-stub.c): 256 16-bit cells and a pointer; byte transfers use
 * a cell's low byte, word transfers the whole cell, I2C block transfers the
 * low bytes of consecutive cells. Returns the device if addr holds one (NULL
 * otherwise, with *r set for a NAK).
 */
static SimDevice *stub_get(PbI2cBus *bus, uint16_t addr, int *r)
{
        SimDevice *d;

        *r = sim_get(bus, addr, &d);
        return *r >= 0 && d->model->cells ? d : NULL;
}

static int sim_read_byte(PbI2cBus *bus, uint16_t addr, uint8_t *ret)
{
        int r;
        SimDevice *d = stub_get(bus, addr, &r);

        if (r < 0)
                return r;
        if (d) {
                *ret = (uint8_t)d->words[d->ptr++];
                return 0;
        }
        return sim_msg_read(bus, addr, ret, 1);
}

static int sim_write_byte(PbI2cBus *bus, uint16_t addr, uint8_t value)
{
        int r;
        SimDevice *d = stub_get(bus, addr, &r);

        if (r < 0)
                return r;
        if (d) {
                d->ptr = value;
                return 0;
        }
        return sim_msg_write(bus, addr, &value, 1);
}

static int sim_read_byte_data(PbI2cBus *bus, uint16_t addr, uint8_t reg, uint8_t *ret)
{
        int r;
        SimDevice *d = stub_get(bus, addr, &r);

        if (r < 0)
                return r;
        if (d) {
                *ret = (uint8_t)d->words[reg];
                d->ptr = (uint8_t)(reg + 1);
                return 0;
        }
        return sim_write_read(bus, addr, reg, ret, 1);
}

static int sim_write_byte_data(PbI2cBus *bus, uint16_t addr, uint8_t reg, uint8_t value)
{
        uint8_t buf[2] = { reg, value };
        int r;
        SimDevice *d = stub_get(bus, addr, &r);

        if (r < 0)
                return r;
        if (d) {
                d->words[reg] = (uint16_t)((d->words[reg] & 0xFF00) | value);
                d->ptr = (uint8_t)(reg + 1);
                return 0;
        }
        return sim_msg_write(bus, addr, buf, 2);
}

static int sim_read_word_data(PbI2cBus *bus, uint16_t addr, uint8_t reg, uint16_t *ret)
{
        uint8_t buf[2];
        int r;
        SimDevice *d = stub_get(bus, addr, &r);

        if (r < 0)
                return r;
        if (d) {
                *ret = d->words[reg];
                return 0;
        }
        r = sim_write_read(bus, addr, reg, buf, 2);
        if (r < 0)
                return r;
        *ret = (uint16_t)(buf[0] | buf[1] << 8); /* SMBus words: low byte first */
        return 0;
}

static int sim_write_word_data(PbI2cBus *bus, uint16_t addr, uint8_t reg, uint16_t value)
{
        uint8_t buf[3] = { reg, (uint8_t)value, (uint8_t)(value >> 8) };
        int r;
        SimDevice *d = stub_get(bus, addr, &r);

        if (r < 0)
                return r;
        if (d) {
                d->words[reg] = value;
                return 0;
        }
        return sim_msg_write(bus, addr, buf, 3);
}

static int sim_read_i2c_block_data(PbI2cBus *bus, uint16_t addr, uint8_t reg, size_t len, uint8_t *buf)
{
        int r;
        SimDevice *d = stub_get(bus, addr, &r);

        if (r < 0)
                return r;
        if (d) {
                /* The stub stops at the last cell: a short read. */
                if (reg + len > 256)
                        return -EIO;
                for (size_t i = 0; i < len; i++)
                        buf[i] = (uint8_t)d->words[reg + i];
                return 0;
        }
        return sim_write_read(bus, addr, reg, buf, len);
}

static int sim_write_i2c_block_data(PbI2cBus *bus, uint16_t addr, uint8_t reg, size_t len,
                                    const uint8_t *buf)
{
        uint8_t msg[33];
        int r;
        SimDevice *d = stub_get(bus, addr, &r);

        if (r < 0)
                return r;
        if (d) {
                if (reg + len > 256)
                        return -EINVAL;
                for (size_t i = 0; i < len; i++)
                        d->words[reg + i] = (uint16_t)((d->words[reg + i] & 0xFF00) | buf[i]);
                return 0;
        }
        msg[0] = reg;
        memcpy(msg + 1, buf, len);
        return sim_msg_write(bus, addr, msg, len + 1);
}

static void sim_close(PbI2cBus *bus)
{
        SimBus *b = sim_bus(bus);

        for (size_t i = 0; i < ELEMENTSOF(b->devices); i++)
                free(b->devices[i]);
        free(b);
}

static const PbI2cBusOps sim_ops = {
        .read_byte = sim_read_byte,
        .write_byte = sim_write_byte,
        .read_byte_data = sim_read_byte_data,
        .write_byte_data = sim_write_byte_data,
        .read_word_data = sim_read_word_data,
        .write_word_data = sim_write_word_data,
        .read_i2c_block_data = sim_read_i2c_block_data,
        .write_i2c_block_data = sim_write_i2c_block_data,
        .write = sim_msg_write,
        .read = sim_msg_read,
        .close = sim_close,
};

#define SIM_ALL_FUNCS                                                             \
        (PB_I2C_FUNC_I2C | PB_I2C_FUNC_SMBUS_BYTE | PB_I2C_FUNC_SMBUS_BYTE_DATA | \
         PB_I2C_FUNC_SMBUS_WORD_DATA | PB_I2C_FUNC_SMBUS_I2C_BLOCK)

int pb_sim_i2c_bus_new(unsigned nr, PbI2cBus **ret)
{
        SimBus *b;
        int r;

        if (!ret)
                return -EINVAL;
        b = calloc(1, sizeof(*b));
        if (!b)
                return -ENOMEM;
        r = pb_i2c_bus_init_base(&b->base, &sim_ops, nr, SIM_ALL_FUNCS);
        if (r < 0) {
                free(b);
                return r;
        }
        *ret = &b->base;
        return 0;
}

int pb_sim_i2c_bus_new_default(PbI2cBus **ret)
{
        _cleanup_(pb_i2c_bus_closep) PbI2cBus *bus = NULL;
        int r;

        if (!ret)
                return -EINVAL;
        r = pb_sim_i2c_bus_new(1, &bus);
        if (r < 0)
                return r;
        r = pb_sim_i2c_add_device(bus, 0x76, "bme280");
        if (r < 0)
                return r;
        r = pb_sim_i2c_add_device(bus, 0x48, "tmp102");
        if (r < 0)
                return r;
        *ret = TAKE_PTR(bus);
        return 0;
}

int pb_sim_i2c_add_device(PbI2cBus *bus, uint16_t addr, const char *model)
{
        SimBus *b = sim_bus(bus);
        const SimModel *m;
        SimDevice *d;

        if (!b)
                return -EOPNOTSUPP;
        if (!model || addr < 0x03 || addr > 0x77)
                return -EINVAL;
        m = sim_model_from_string(model);
        if (!m)
                return -EOPNOTSUPP;
        if (b->devices[addr])
                return -EEXIST;
        d = calloc(1, sizeof(*d));
        if (!d)
                return -ENOMEM;
        d->model = m;
        default_raw(d);
        m->reset(d);
        b->devices[addr] = d;
        return 0;
}

/* The device at addr for the helpers below. */
static int sim_device(PbI2cBus *bus, uint16_t addr, SimDevice **ret)
{
        SimBus *b = sim_bus(bus);

        if (!b)
                return -EOPNOTSUPP;
        if (addr > SIM_ADDR_MAX || !b->devices[addr])
                return -ENOENT;
        *ret = b->devices[addr];
        return 0;
}

int pb_sim_i2c_set_nak(PbI2cBus *bus, uint16_t addr, bool nak)
{
        return pb_sim_i2c_set_error(bus, addr, nak ? -ENXIO : 0);
}

int pb_sim_i2c_set_error(PbI2cBus *bus, uint16_t addr, int error)
{
        SimDevice *d;
        int r = sim_device(bus, addr, &d);

        if (r < 0)
                return r;
        if (error > 0 || error < -4095)
                return -EINVAL;
        d->error = error;
        return 0;
}

int pb_sim_i2c_bus_set_funcs(PbI2cBus *bus, unsigned funcs)
{
        if (!sim_bus(bus))
                return -EOPNOTSUPP;
        bus->funcs = funcs & SIM_ALL_FUNCS;
        return 0;
}

int pb_sim_i2c_set_raw(PbI2cBus *bus, uint16_t addr, PbQuantity q, uint32_t raw)
{
        SimDevice *d;
        int r = sim_device(bus, addr, &d);

        if (r < 0)
                return r;
        if ((unsigned)q >= _PB_QUANTITY_MAX || !(d->model->quantities & (1u << q)))
                return -EINVAL;
        d->raw[q] = raw;
        return 0;
}

static int sim_regs_check(SimDevice *d, uint8_t reg, size_t len)
{
        size_t width = d->model->regs16 ? 2 : 1;

        if (d->model->n_regs == 0)
                return -EOPNOTSUPP;
        if (len == 0 || len % width != 0 || reg + len / width > d->model->n_regs)
                return -EINVAL;
        return 0;
}

int pb_sim_i2c_set_registers(PbI2cBus *bus, uint16_t addr, uint8_t reg, const uint8_t *data, size_t len)
{
        SimDevice *d;
        int r = sim_device(bus, addr, &d);

        if (r < 0)
                return r;
        if (!data)
                return -EINVAL;
        r = sim_regs_check(d, reg, len);
        if (r < 0)
                return r;
        for (size_t i = 0; i < len; i += d->model->regs16 ? 2 : 1) {
                if (d->model->regs16)
                        d->r16[reg + i / 2] = (uint16_t)(data[i] << 8 | data[i + 1]);
                else
                        d->regs[reg + i] = data[i];
        }
        return 0;
}

int pb_sim_i2c_get_registers(PbI2cBus *bus, uint16_t addr, uint8_t reg, uint8_t *buf, size_t len)
{
        SimDevice *d;
        int r = sim_device(bus, addr, &d);

        if (r < 0)
                return r;
        if (!buf)
                return -EINVAL;
        r = sim_regs_check(d, reg, len);
        if (r < 0)
                return r;
        for (size_t i = 0; i < len; i += d->model->regs16 ? 2 : 1) {
                if (d->model->regs16) {
                        buf[i] = (uint8_t)(d->r16[reg + i / 2] >> 8);
                        buf[i + 1] = (uint8_t)d->r16[reg + i / 2];
                } else
                        buf[i] = d->regs[reg + i];
        }
        return 0;
}

int pb_sim_i2c_set_busy(PbI2cBus *bus, uint16_t addr, unsigned n)
{
        SimDevice *d;
        int r = sim_device(bus, addr, &d);

        if (r < 0)
                return r;
        d->busy_polls = n;
        return 0;
}

int pb_sim_i2c_corrupt_crc(PbI2cBus *bus, uint16_t addr, unsigned n)
{
        SimDevice *d;
        int r = sim_device(bus, addr, &d);

        if (r < 0)
                return r;
        if (!d->model->crc)
                return -EOPNOTSUPP;
        d->corrupt_crc = n;
        return 0;
}

int pb_sim_i2c_get_conversions(PbI2cBus *bus, uint16_t addr, unsigned *ret)
{
        SimDevice *d;
        int r = sim_device(bus, addr, &d);

        if (r < 0)
                return r;
        if (!ret)
                return -EINVAL;
        *ret = d->conversions;
        return 0;
}
