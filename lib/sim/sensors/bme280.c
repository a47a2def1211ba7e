/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * The simulated Bosch BME280 and BMP280: the register map (chip id,
 * calibration, ctrl_hum latched by the ctrl_meas write, forced and normal
 * mode, the status register's measuring bit), the BMP280 being the BME280
 * without the humidity block.
 */

#include "sensors/math.h"
#include "sim/i2c-chip.h"

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

typedef struct BmeChip {
        uint8_t osrs_h; /* ctrl_hum as latched by the last ctrl_meas write */
} BmeChip;

extern const PbSimChipModel pb_sim_chip_bmp280;

static bool bme_is_bmp(const PbSimChip *d)
{
        return d->model == &pb_sim_chip_bmp280;
}

static void bme_reset(PbSimChip *d)
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
        ((BmeChip *)pb_sim_chip_priv(d))->osrs_h = 0;
        d->measuring = false;
        d->busy = 0;
}

static void bme_complete(PbSimChip *d)
{
        unsigned osrs_t = d->regs[BME_CTRL_MEAS] >> 5, osrs_p = (d->regs[BME_CTRL_MEAS] >> 2) & 7;
        uint32_t t = osrs_t ? d->raw[PB_QUANTITY_TEMPERATURE] & 0xFFFFF : PB_BME280_ADC_SKIPPED_TP;
        uint32_t p = osrs_p ? d->raw[PB_QUANTITY_PRESSURE] & 0xFFFFF : PB_BME280_ADC_SKIPPED_TP;
        const BmeChip *c = pb_sim_chip_priv(d);
        uint32_t h = c->osrs_h ? d->raw[PB_QUANTITY_HUMIDITY] & 0xFFFF : PB_BME280_ADC_SKIPPED_H;

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

static void bme_write_reg(PbSimChip *d, uint8_t reg, uint8_t v)
{
        BmeChip *c = pb_sim_chip_priv(d);

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
                c->osrs_h = bme_is_bmp(d) ? 0 : d->regs[BME_CTRL_HUM] & 7;
                if (v & 3)
                        pb_sim_chip_measure_begin(d, bme_complete);
                break;
        case BME_CONFIG:
                d->regs[reg] = v;
                break;
        default:
                break; /* read-only or reserved: ignored, as by the chip */
        }
}

static int bme_write(PbSimChip *d, const uint8_t *buf, size_t len)
{
        /* Register address, data, then (address, data) pairs: no auto-increment on writes. */
        d->ptr = buf[0];
        if (len >= 2)
                bme_write_reg(d, buf[0], buf[1]);
        for (size_t i = 2; i + 1 < len; i += 2)
                bme_write_reg(d, buf[i], buf[i + 1]);
        return 0;
}

static int bme_read(PbSimChip *d, uint8_t *buf, size_t len)
{
        for (size_t i = 0; i < len; i++) {
                uint8_t reg = d->ptr++;

                if (reg == BME_STATUS)
                        buf[i] = pb_sim_chip_poll_busy(d, bme_complete) ? 0x08 : 0x00;
                else
                        buf[i] = d->regs[reg];
        }
        return 0;
}

/* What the two variants share: the register file, readings, state and functions. */
#define BME_FAMILY                                     \
        .n_regs = 256, .priv_size = sizeof(BmeChip),   \
        .raw = { [PB_QUANTITY_TEMPERATURE] = V1_ADC_T, \
                 [PB_QUANTITY_PRESSURE] = V1_ADC_P,    \
                 [PB_QUANTITY_HUMIDITY] = V1_ADC_H },  \
        .reset = bme_reset, .write = bme_write, .read = bme_read

const PbSimChipModel pb_sim_chip_bme280 = {
        .name = "bme280",
        .quantities =
                1u << PB_QUANTITY_TEMPERATURE | 1u << PB_QUANTITY_PRESSURE | 1u << PB_QUANTITY_HUMIDITY,
        BME_FAMILY,
};

const PbSimChipModel pb_sim_chip_bmp280 = {
        .name = "bmp280",
        .quantities = 1u << PB_QUANTITY_TEMPERATURE | 1u << PB_QUANTITY_PRESSURE,
        BME_FAMILY,
};
