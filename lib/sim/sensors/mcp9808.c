/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* The simulated Microchip MCP9808: 16-bit registers, converting continuously. */

#include "sensors/math.h"
#include "sim/i2c-chip.h"

#define MCP_CONFIG 1
#define MCP_TA     5
#define MCP_RES    8
#define MCP_SHDN   0x0100

static void mcp_reset(PbSimChip *d)
{
        memset(d->r16, 0, sizeof(d->r16));
        d->r16[MCP_TA] = (uint16_t)d->raw[PB_QUANTITY_TEMPERATURE];
        d->r16[6] = 0x0054; /* manufacturer id */
        d->r16[7] = 0x0400; /* device id 0x04, revision 0 */
        d->r16[MCP_RES] = 0x0003;
}

static int mcp_write(PbSimChip *d, const uint8_t *buf, size_t len)
{
        d->ptr = buf[0] & 0x0F;
        if (d->ptr == MCP_RES && len >= 2)
                d->r16[MCP_RES] = buf[1] & 3;
        else if (len >= 3 && d->ptr >= 1 && d->ptr <= 4)
                d->r16[d->ptr] = (uint16_t)(buf[1] << 8 | buf[2]);
        return 0; /* Ta and the ids are read-only */
}

static int mcp_read(PbSimChip *d, uint8_t *buf, size_t len)
{
        if (d->ptr == MCP_RES) {
                memset(buf, (uint8_t)d->r16[MCP_RES], len);
                return 0;
        }
        if (d->ptr == MCP_TA && !(d->r16[MCP_CONFIG] & MCP_SHDN)) {
                d->r16[MCP_TA] = (uint16_t)d->raw[PB_QUANTITY_TEMPERATURE];
                d->conversions++;
        }
        pb_sim_chip_read16(d->ptr < 9 ? d->r16[d->ptr] : 0, buf, len);
        return 0;
}

const PbSimChipModel pb_sim_chip_mcp9808 = {
        .name = "mcp9808",
        .quantities = 1u << PB_QUANTITY_TEMPERATURE,
        .n_regs = 9,
        .regs16 = true,
        .raw = { [PB_QUANTITY_TEMPERATURE] = 0x0190 }, /* 25.0 °C */
        .reset = mcp_reset,
        .write = mcp_write,
        .read = mcp_read,
};
