/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * The kernel's i2c-stub (drivers/i2c/i2c-stub.c) as a simulated chip: 256
 * 16-bit cells, all 0, and a pointer, reached only by SMBus transfers. Byte
 * transfers use a cell's low byte, word transfers the whole cell, I2C block
 * transfers the low bytes of consecutive cells; nothing changes by itself.
 */

#include "sim/i2c-chip.h"

typedef struct StubChip {
        uint16_t cells[256];
} StubChip;

static int stub_smbus(PbSimChip *d, PbSimSmbus *x)
{
        uint16_t *cells = ((StubChip *)pb_sim_chip_priv(d))->cells;

        switch (x->size) {
        case PB_SIM_SMBUS_BYTE:
                if (x->read)
                        x->word = (uint8_t)cells[d->ptr++];
                else
                        d->ptr = (uint8_t)x->word;
                return 0;
        case PB_SIM_SMBUS_BYTE_DATA:
                if (x->read)
                        x->word = (uint8_t)cells[x->reg];
                else
                        cells[x->reg] = (uint16_t)((cells[x->reg] & 0xFF00) | (uint8_t)x->word);
                d->ptr = (uint8_t)(x->reg + 1);
                return 0;
        case PB_SIM_SMBUS_WORD_DATA:
                if (x->read)
                        x->word = cells[x->reg];
                else
                        cells[x->reg] = x->word;
                return 0;
        case PB_SIM_SMBUS_I2C_BLOCK:
                /* The stub stops at the last cell: a short read. */
                if (x->reg + x->len > 256)
                        return x->read ? -EIO : -EINVAL;
                for (size_t i = 0; i < x->len; i++) {
                        if (x->read)
                                x->out[i] = (uint8_t)cells[x->reg + i];
                        else
                                cells[x->reg + i] = (uint16_t)((cells[x->reg + i] & 0xFF00) | x->in[i]);
                }
                return 0;
        }
        return -EOPNOTSUPP;
}

const PbSimChipModel pb_sim_chip_i2c_stub = {
        .name = "i2c-stub",
        .priv_size = sizeof(StubChip),
        .smbus = stub_smbus,
};
