/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* The simulated Sensirion SHT3x: 16-bit commands, single-shot measurements, NAKs while measuring. */

#include "sensors/math.h"
#include "sim/i2c-chip.h"

static int sht3x_write(PbSimChip *d, const uint8_t *buf, size_t len)
{
        uint16_t cmd;

        if (len < 2)
                return -ENXIO; /* a half command is not acknowledged */
        if (pb_sim_chip_still_busy(d, pb_sim_chip_sht_complete))
                return -ENXIO; /* busy: commands are not acknowledged */
        cmd = (uint16_t)(buf[0] << 8 | buf[1]);
        d->out_len = 0;
        switch (cmd) {
        case 0x2400: /* single shot, no clock stretching: high, medium, low repeatability */
        case 0x240B:
        case 0x2416:
                pb_sim_chip_measure_begin(d, pb_sim_chip_sht_complete);
                return 0;
        case 0xF32D: { /* status: alert pending, reset detected (power-on) */
                const uint16_t status = 0x8010;

                pb_sim_chip_out_words(d, &status, 1, PB_SHT_CRC_INIT);
                return 0;
        }
        case 0x3780: { /* serial number */
                const uint16_t sn[2] = { 0x1234, 0x5678 };

                pb_sim_chip_out_words(d, sn, 2, PB_SHT_CRC_INIT);
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

const PbSimChipModel pb_sim_chip_sht3x = {
        .name = "sht3x",
        PB_SIM_CHIP_SHT_FAMILY,
        .write = sht3x_write,
};
