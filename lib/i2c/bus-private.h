/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * What an I2C transport implements. i2c/bus.c validates addresses, lengths
 * and the adapter's functionality before calling through this table, so an
 * implementation may assume addr is 0x03..0x77, len is 1..32 and the transfer
 * type is one the bus reported in funcs.
 */

#include "i2c/bus.h"

typedef struct PbI2cBusOps {
        int (*read_byte)(PbI2cBus *bus, uint16_t addr, uint8_t *ret);
        int (*write_byte)(PbI2cBus *bus, uint16_t addr, uint8_t value);
        int (*read_byte_data)(PbI2cBus *bus, uint16_t addr, uint8_t reg, uint8_t *ret);
        int (*write_byte_data)(PbI2cBus *bus, uint16_t addr, uint8_t reg, uint8_t value);
        int (*read_word_data)(PbI2cBus *bus, uint16_t addr, uint8_t reg, uint16_t *ret);
        int (*write_word_data)(PbI2cBus *bus, uint16_t addr, uint8_t reg, uint16_t value);
        int (*read_i2c_block_data)(PbI2cBus *bus, uint16_t addr, uint8_t reg, size_t len, uint8_t *buf);
        int (*write_i2c_block_data)(PbI2cBus *bus, uint16_t addr, uint8_t reg, size_t len,
                                    const uint8_t *buf);
        int (*write)(PbI2cBus *bus, uint16_t addr, const uint8_t *buf, size_t len);
        int (*read)(PbI2cBus *bus, uint16_t addr, uint8_t *buf, size_t len);
        void (*close)(PbI2cBus *bus); /* frees the implementation's part, not the base */
} PbI2cBusOps;

/* Embedded first in every implementation's bus. */
struct PbI2cBus {
        const PbI2cBusOps *ops;
        char *path;
        unsigned nr;
        unsigned funcs; /* PbI2cFunc bits */
};

/* Fills the base part of a bus: path "/dev/i2c-<nr>". Returns 0 or -ENOMEM. */
int pb_i2c_bus_init_base(PbI2cBus *bus, const PbI2cBusOps *ops, unsigned nr, unsigned funcs);
