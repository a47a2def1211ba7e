/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* The simulated Sensirion SHT4x: 8-bit commands, NAKs while measuring. */

#include "sensors/math.h"
#include "sim/i2c-chip.h"

static int sht4x_write(PbSimChip *d, const uint8_t *buf, size_t len)
{
        if (pb_sim_chip_still_busy(d, pb_sim_chip_sht_complete) || len != 1)
                return -ENXIO;
        d->out_len = 0;
        switch (buf[0]) {
        case 0xFD: /* high, medium, low precision */
        case 0xF6:
        case 0xE0:
                pb_sim_chip_measure_begin(d, pb_sim_chip_sht_complete);
                return 0;
        case 0x89: { /* serial number */
                const uint16_t sn[2] = { 0x0F1E, 0x2D3C };

                pb_sim_chip_out_words(d, sn, 2, PB_SHT_CRC_INIT);
                return 0;
        }
        case 0x94: /* soft reset */
                return 0;
        default:
                return -ENXIO;
        }
}

const PbSimChipModel pb_sim_chip_sht4x = {
        .name = "sht4x",
        PB_SIM_CHIP_SHT_FAMILY,
        .write = sht4x_write,
};
