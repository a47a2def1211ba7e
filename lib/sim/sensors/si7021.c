/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * The simulated Silicon Labs Si7021 and TE HTU21D, no-hold master mode:
 * the same command set and CRC, the HTU21D without the "temperature of the
 * last humidity measurement" command and with its own electronic id.
 */

#include "sensors/math.h"
#include "sim/i2c-chip.h"

#define SI_USER_DEFAULT_SI7021 0x3A
#define SI_USER_DEFAULT_HTU21D 0x02

typedef struct SiChip {
        uint8_t cmd;     /* the last measurement command */
        uint8_t user;    /* user register 1 */
        uint16_t t_last; /* T of the last RH measurement */
} SiChip;

extern const PbSimChipModel pb_sim_chip_htu21d;

static bool si_is_htu(const PbSimChip *d)
{
        return d->model == &pb_sim_chip_htu21d;
}

static void si_reset(PbSimChip *d)
{
        SiChip *c = pb_sim_chip_priv(d);

        d->out_len = 0;
        d->measuring = false;
        c->user = si_is_htu(d) ? SI_USER_DEFAULT_HTU21D : SI_USER_DEFAULT_SI7021;
        c->t_last = 0;
}

static void si_complete_rh(PbSimChip *d)
{
        const uint16_t rh = (uint16_t)d->raw[PB_QUANTITY_HUMIDITY];
        SiChip *c = pb_sim_chip_priv(d);

        c->t_last = (uint16_t)d->raw[PB_QUANTITY_TEMPERATURE];
        pb_sim_chip_out_words(d, &rh, 1, PB_SI7021_CRC_INIT);
}

static void si_complete_t(PbSimChip *d)
{
        const uint16_t t = (uint16_t)d->raw[PB_QUANTITY_TEMPERATURE];

        pb_sim_chip_out_words(d, &t, 1, PB_SI7021_CRC_INIT);
}

/* Finishes the measurement the last command started. */
static void si_complete(PbSimChip *d)
{
        const SiChip *c = pb_sim_chip_priv(d);

        if (c->cmd == 0xF5)
                si_complete_rh(d);
        else
                si_complete_t(d);
}

static int si_write(PbSimChip *d, const uint8_t *buf, size_t len)
{
        SiChip *c = pb_sim_chip_priv(d);

        if (pb_sim_chip_still_busy(d, si_complete))
                return -ENXIO; /* no-hold mode: not acknowledged while converting */
        d->out_len = 0;
        switch (buf[0]) {
        case 0xF5:
                c->cmd = 0xF5;
                pb_sim_chip_measure_begin(d, si_complete_rh);
                return 0;
        case 0xF3:
                c->cmd = 0xF3;
                pb_sim_chip_measure_begin(d, si_complete_t);
                return 0;
        case 0xE0:
                if (si_is_htu(d))
                        return -ENXIO;
                pb_sim_chip_out_words(d, &c->t_last, 1, -1); /* no CRC with this command */
                return 0;
        case 0xE7:
                d->out[0] = c->user;
                d->out_len = 1;
                return 0;
        case 0xE6:
                if (len < 2)
                        return -ENXIO;
                c->user = (uint8_t)((buf[1] & ~0x38) | (c->user & 0x38)); /* bits 5..3 reserved */
                return 0;
        case 0xFE:
                si_reset(d);
                return 0;
        case 0xFA: {
                const uint16_t sna[4] = { 0x00AA, 0x00BB, 0x00CC, 0x00DD };

                if (len < 2 || buf[1] != 0x0F)
                        return -ENXIO;
                pb_sim_chip_out_words(d, sna, 4, PB_SI7021_CRC_INIT);
                return 0;
        }
        case 0xFC: {
                const uint16_t snb[2] = { si_is_htu(d) ? 0x3200 : 0x15FF, 0xFFFF };

                if (len < 2 || buf[1] != 0xC9)
                        return -ENXIO;
                pb_sim_chip_out_words(d, snb, 2, PB_SI7021_CRC_INIT);
                return 0;
        }
        default:
                return -ENXIO;
        }
}

static int si_read(PbSimChip *d, uint8_t *buf, size_t len)
{
        return pb_sim_chip_out_read(d, buf, len, si_complete);
}

/* What the two variants share: CRCs, readings (24.69 °C, 32.34 %RH), state
 * and functions. */
#define SI_FAMILY                                                                                          \
        .quantities = 1u << PB_QUANTITY_TEMPERATURE | 1u << PB_QUANTITY_HUMIDITY, .crc = true,             \
        .priv_size = sizeof(SiChip),                                                                       \
        .raw = { [PB_QUANTITY_TEMPERATURE] = 0x683A, [PB_QUANTITY_HUMIDITY] = 0x4E85 }, .reset = si_reset, \
        .write = si_write, .read = si_read

const PbSimChipModel pb_sim_chip_si7021 = {
        .name = "si7021",
        SI_FAMILY,
};

const PbSimChipModel pb_sim_chip_htu21d = {
        .name = "htu21d",
        SI_FAMILY,
};
