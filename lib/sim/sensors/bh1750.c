/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* The simulated ROHM BH1750: 8-bit commands, no busy indication. */

#include "sensors/math.h"
#include "sim/i2c-chip.h"

typedef struct BhChip {
        bool powered;  /* the power state */
        uint8_t cmd;   /* the last measurement mode */
        uint16_t data; /* the data register */
} BhChip;

static void bh_reset(PbSimChip *d)
{
        BhChip *c = pb_sim_chip_priv(d);

        c->powered = false;
        c->data = 0;
        d->measuring = false;
}

static void bh_complete(PbSimChip *d)
{
        BhChip *c = pb_sim_chip_priv(d);

        c->data = (uint16_t)d->raw[PB_QUANTITY_ILLUMINANCE];
        if (c->cmd >= 0x20)
                c->powered = false; /* one-time modes power down when done */
}

static int bh_write(PbSimChip *d, const uint8_t *buf, size_t len)
{
        BhChip *c = pb_sim_chip_priv(d);
        uint8_t cmd = buf[0];

        if (len != 1)
                return -ENXIO;
        switch (cmd) {
        case 0x00:
                c->powered = false;
                return 0;
        case 0x01:
                c->powered = true;
                return 0;
        case 0x07:
                if (c->powered)
                        c->data = 0; /* reset: only while powered on */
                return 0;
        case 0x10: /* continuous H, H2, L */
        case 0x11:
        case 0x13:
        case 0x20: /* one time H, H2, L */
        case 0x21:
        case 0x23:
                c->powered = true;
                c->cmd = cmd;
                pb_sim_chip_measure_begin(d, bh_complete);
                return 0;
        default:
                if ((cmd & 0xF8) == 0x40 || (cmd & 0xE0) == 0x60)
                        return 0; /* MTreg: accepted, the simulation does not scale by it */
                return -ENXIO;
        }
}

static int bh_read(PbSimChip *d, uint8_t *buf, size_t len)
{
        BhChip *c = pb_sim_chip_priv(d);

        /* No busy indication: during a measurement the previous result. */
        (void)pb_sim_chip_poll_busy(d, bh_complete);
        if (c->cmd >= 0x10 && c->cmd < 0x20 && !d->measuring)
                c->data = (uint16_t)d->raw[PB_QUANTITY_ILLUMINANCE]; /* continuous */
        pb_sim_chip_read16(c->data, buf, len);
        return 0;
}

const PbSimChipModel pb_sim_chip_bh1750 = {
        .name = "bh1750",
        .quantities = 1u << PB_QUANTITY_ILLUMINANCE,
        .priv_size = sizeof(BhChip),
        .raw = { [PB_QUANTITY_ILLUMINANCE] = 384 }, /* 320 lx */
        .reset = bh_reset,
        .write = bh_write,
        .read = bh_read,
};
