/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* The simulated TI TMP102: 16-bit registers, one-shot conversions from shutdown mode. */

#include "sensors/math.h"
#include "sim/i2c-chip.h"

#define TMP_TEMP   0
#define TMP_CONFIG 1
#define TMP_OS     0x8000
#define TMP_SD     0x0100

typedef struct TmpChip {
        bool ready; /* OS reads 1 after a one-shot conversion */
} TmpChip;

static void tmp_reset(PbSimChip *d)
{
        TmpChip *c = pb_sim_chip_priv(d);

        d->r16[TMP_TEMP] = (uint16_t)d->raw[PB_QUANTITY_TEMPERATURE];
        d->r16[TMP_CONFIG] = 0x60A0;
        d->r16[2] = 0x4B00; /* T_LOW 75 °C */
        d->r16[3] = 0x5000; /* T_HIGH 80 °C */
        c->ready = false;
}

static void tmp_complete(PbSimChip *d)
{
        TmpChip *c = pb_sim_chip_priv(d);

        d->r16[TMP_TEMP] = (uint16_t)d->raw[PB_QUANTITY_TEMPERATURE];
        c->ready = true;
}

static int tmp_write(PbSimChip *d, const uint8_t *buf, size_t len)
{
        TmpChip *c = pb_sim_chip_priv(d);
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
                        c->ready = false;
                        pb_sim_chip_measure_begin(d, tmp_complete);
                }
                break;
        default:
                d->r16[d->ptr] = v;
        }
        return 0;
}

static int tmp_read(PbSimChip *d, uint8_t *buf, size_t len)
{
        const TmpChip *c = pb_sim_chip_priv(d);
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
                if (!pb_sim_chip_poll_busy(d, tmp_complete) && c->ready)
                        v |= TMP_OS;
                break;
        default:
                v = d->r16[d->ptr];
        }
        pb_sim_chip_read16(v, buf, len);
        return 0;
}

const PbSimChipModel pb_sim_chip_tmp102 = {
        .name = "tmp102",
        .quantities = 1u << PB_QUANTITY_TEMPERATURE,
        .n_regs = 4,
        .regs16 = true,
        .priv_size = sizeof(TmpChip),
        .raw = { [PB_QUANTITY_TEMPERATURE] = 0x1900 }, /* 25.0 °C */
        .reset = tmp_reset,
        .write = tmp_write,
        .read = tmp_read,
};
