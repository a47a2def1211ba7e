/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* The simulated TI ADS1115: 16-bit registers, single-shot and continuous conversions. */

#include "sensors/math.h"
#include "sim/i2c-chip.h"

#define ADS_CONV   0
#define ADS_CONFIG 1
#define ADS_OS     0x8000
#define ADS_MODE   0x0100

static void ads_reset(PbSimChip *d)
{
        d->r16[ADS_CONV] = 0;
        d->r16[ADS_CONFIG] = 0x8583 & ~ADS_OS;
        d->r16[2] = 0x8000;
        d->r16[3] = 0x7FFF;
}

static void ads_complete(PbSimChip *d)
{
        d->r16[ADS_CONV] = (uint16_t)d->raw[PB_QUANTITY_VOLTAGE];
}

static int ads_write(PbSimChip *d, const uint8_t *buf, size_t len)
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
                pb_sim_chip_measure_begin(d, ads_complete);
        return 0;
}

static int ads_read(PbSimChip *d, uint8_t *buf, size_t len)
{
        uint16_t v = d->r16[d->ptr];

        if (d->ptr == ADS_CONV && !(d->r16[ADS_CONFIG] & ADS_MODE))
                v = d->r16[ADS_CONV] = (uint16_t)d->raw[PB_QUANTITY_VOLTAGE]; /* continuous */
        else if (d->ptr == ADS_CONFIG && !pb_sim_chip_poll_busy(d, ads_complete))
                v |= ADS_OS; /* OS reads 1 when no conversion is in progress */
        pb_sim_chip_read16(v, buf, len);
        return 0;
}

const PbSimChipModel pb_sim_chip_ads1115 = {
        .name = "ads1115",
        .quantities = 1u << PB_QUANTITY_VOLTAGE,
        .n_regs = 4,
        .regs16 = true,
        .raw = { [PB_QUANTITY_VOLTAGE] = 13200 }, /* 1.65 V at ±4.096 V */
        .reset = ads_reset,
        .write = ads_write,
        .read = ads_read,
};
