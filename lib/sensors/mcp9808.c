/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* Microchip MCP9808: continuous conversion, Ta is at most one conversion old. */

#include "sensors/driver.h"

#define MCP9808_REG_CONFIG  0x01
#define MCP9808_REG_TA      0x05
#define MCP9808_REG_MANUF   0x06
#define MCP9808_REG_DEVID   0x07

#define MCP9808_MANUF_ID    0x0054
#define MCP9808_DEVID       0x0400
#define MCP9808_DEVID_MASK  0xFF00 /* low byte: revision */
#define MCP9808_CONFIG_SHDN 0x0100

/* Plausible temperatures: the operating range. */
static const PbSensorRange mcp9808_t_range = {
        .min = -40.0, .max = 125.0, .decimals = 4, .raw = "register", .raw_digits = 4
};

static int mcp9808_probe(PbSensor *s)
{
        uint16_t manuf = 0, devid = 0;
        int r;

        r = pb_sensor_read_reg16(s, MCP9808_REG_MANUF, &manuf);
        if (r < 0)
                return r;
        if (manuf != MCP9808_MANUF_ID)
                return pb_sensor_fail(s, -ENODEV, "manufacturer id 0x%04x, expected 0x%04x (Microchip)",
                                      manuf, MCP9808_MANUF_ID);
        r = pb_sensor_read_reg16(s, MCP9808_REG_DEVID, &devid);
        if (r < 0)
                return r;
        if ((devid & MCP9808_DEVID_MASK) != MCP9808_DEVID)
                return pb_sensor_fail(s, -ENODEV, "device id 0x%02x, expected 0x%02x (MCP9808)", devid >> 8,
                                      MCP9808_DEVID >> 8);
        return 0;
}

static int mcp9808_init(PbSensor *s)
{
        uint16_t cfg = 0;
        int r;

        r = pb_sensor_read_reg16(s, MCP9808_REG_CONFIG, &cfg);
        if (r < 0)
                return r;
        if (cfg & MCP9808_CONFIG_SHDN) {
                r = pb_sensor_write_reg16(s, MCP9808_REG_CONFIG, cfg & ~MCP9808_CONFIG_SHDN);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int mcp9808_collect(PbSensor *s, PbSample *ret)
{
        uint16_t reg = 0;
        int r;

        r = pb_sensor_read_reg16(s, MCP9808_REG_TA, &reg);
        if (r < 0)
                return r;
        if (reg == 0xFFFF)
                return pb_sensor_fail(s, -ERANGE, "temperature register reads all ones (0xffff)");
        return pb_sensor_publish(s, ret, PB_QUANTITY_TEMPERATURE, pb_mcp9808_temperature(reg), reg,
                                 &mcp9808_t_range);
}

const PbSensorModel pb_sensor_model_mcp9808 = {
        .name = "mcp9808",
        .label = "MCP9808",
        PB_SENSOR_ADDRESSES(0x18, 0x19, 0x1A, 0x1B, 0x1C, 0x1D, 0x1E, 0x1F),
        .funcs = PB_I2C_FUNC_SMBUS_WORD_DATA,
        .quantities = PB_Q(TEMPERATURE),
        .autodetect = true,
        .probe = mcp9808_probe,
        .init = mcp9808_init,
        /* No start: converting continuously (t_CONV 250 ms at 0.0625 °C), Ta is ready now. */
        .collect = mcp9808_collect,
};
