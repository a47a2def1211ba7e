/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * What the simulated chips (sim/sensors/<model>.c) share: measurements that
 * finish after a number of polls, 16-bit register reads, and the queued
 * CRC-word responses of command chips. See sim/i2c-chip.h.
 */

#include "sim/i2c-chip.h"
#include "sensors/math.h"

/* Ends the measurement in progress. */
static void measure_end(PbSimChip *d, void (*complete)(PbSimChip *d))
{
        d->measuring = false;
        d->conversions++;
        complete(d);
}

void pb_sim_chip_measure_begin(PbSimChip *d, void (*complete)(PbSimChip *d))
{
        d->busy = d->busy_polls;
        d->measuring = true;
        if (d->busy == 0)
                measure_end(d, complete);
}

bool pb_sim_chip_poll_busy(PbSimChip *d, void (*complete)(PbSimChip *d))
{
        if (!d->measuring)
                return false;
        if (d->busy > 0) {
                d->busy--;
                return true;
        }
        measure_end(d, complete);
        return false;
}

bool pb_sim_chip_still_busy(PbSimChip *d, void (*complete)(PbSimChip *d))
{
        if (!d->measuring)
                return false;
        if (d->busy > 0)
                return true;
        measure_end(d, complete);
        return false;
}

void pb_sim_chip_read16(uint16_t v, uint8_t *buf, size_t len)
{
        for (size_t i = 0; i < len; i++)
                buf[i] = (uint8_t)(i % 2 == 0 ? v >> 8 : v);
}

void pb_sim_chip_out_words(PbSimChip *d, const uint16_t *words, size_t n, int crc_init)
{
        bool corrupt = crc_init >= 0 && d->corrupt_crc > 0;

        d->out_len = 0;
        for (size_t i = 0; i < n && d->out_len + 3 <= sizeof(d->out); i++) {
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

int pb_sim_chip_out_read(PbSimChip *d, uint8_t *buf, size_t len, void (*complete)(PbSimChip *d))
{
        if (pb_sim_chip_poll_busy(d, complete) || d->out_len == 0)
                return -ENXIO;
        for (size_t i = 0; i < len; i++)
                buf[i] = i < d->out_len ? d->out[i] : 0xFF; /* past the response: bus idle level */
        d->out_len = 0;
        return 0;
}

void pb_sim_chip_sht_complete(PbSimChip *d)
{
        const uint16_t w[2] = { (uint16_t)d->raw[PB_QUANTITY_TEMPERATURE],
                                (uint16_t)d->raw[PB_QUANTITY_HUMIDITY] };

        pb_sim_chip_out_words(d, w, 2, PB_SHT_CRC_INIT);
}

int pb_sim_chip_sht_read(PbSimChip *d, uint8_t *buf, size_t len)
{
        return pb_sim_chip_out_read(d, buf, len, pb_sim_chip_sht_complete);
}
