/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The I2C transport interface. A PbI2cBus is one I2C adapter; two
 * implementations sit behind it, as with GPIO chips: the kernel's i2c-dev
 * (/dev/i2c-N, transfers through libi2c's SMBus calls and plain read()/write()
 * where a chip needs them) and the simulator (see sim/i2c-bus.h). Sensor drivers
 * cannot tell them apart.
 *
 * Every transfer is one short, bounded bus transaction (no measurement waits:
 * those are the caller's timers), so calling them from an event-loop callback
 * is fine; nothing here sleeps and nothing here logs. Every function returning
 * int returns >= 0 on success or a negative errno. Transfer errors are the
 * kernel's: -ENXIO / -EREMOTEIO (no acknowledge: device absent or NAKing;
 * an adapter's -ENODEV while its /dev node exists, as i2c-stub gives for an
 * address it does not emulate, is reported as -ENXIO too), -ETIMEDOUT, -EAGAIN
 * (arbitration lost), -EOPNOTSUPP (the adapter cannot do this transfer type),
 * -ENODEV (the adapter went away: its /dev node is gone), -EIO.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/macro.h"

typedef struct PbI2cBus PbI2cBus;

/* Transfer types a driver may need; a subset of the kernel's I2C_FUNC_* bits,
 * as reported by pb_i2c_bus_get_funcs(). */
typedef enum PbI2cFunc {
        PB_I2C_FUNC_I2C = 1u << 0,             /* plain read()/write() (I2C_FUNC_I2C) */
        PB_I2C_FUNC_SMBUS_BYTE = 1u << 1,      /* receive/send byte */
        PB_I2C_FUNC_SMBUS_BYTE_DATA = 1u << 2, /* read/write byte data */
        PB_I2C_FUNC_SMBUS_WORD_DATA = 1u << 3, /* read/write word data */
        PB_I2C_FUNC_SMBUS_I2C_BLOCK = 1u << 4, /* read/write I2C block data */
} PbI2cFunc;

/*
 * Opens /dev/i2c-<nr> (path built from nr) and queries its functionality
 * (I2C_FUNCS) once. Errors: -ENOENT (no such adapter), -EACCES, -ENOTTY (not
 * an i2c-dev node), -ENOMEM.
 */
int pb_i2c_bus_open(unsigned nr, PbI2cBus **ret);

/* Closes the bus. Returns NULL. */
PbI2cBus *pb_i2c_bus_close(PbI2cBus *bus);
DEFINE_TRIVIAL_CLEANUP_FUNC(PbI2cBus *, pb_i2c_bus_close)

/* Device path ("/dev/i2c-1"; the simulator reports the same form), owned by the bus. */
const char *pb_i2c_bus_get_path(const PbI2cBus *bus);
unsigned pb_i2c_bus_get_nr(const PbI2cBus *bus);

/* The PbI2cFunc bits the adapter supports. */
unsigned pb_i2c_bus_get_funcs(const PbI2cBus *bus);

/*
 * Words for the PbI2cFunc bits in missing, e.g. "plain I2C transfers, SMBus
 * word data" — for messages like "adapter /dev/i2c-0 does not support plain
 * I2C transfers". Returns a newly allocated string (caller frees) or NULL on
 * allocation failure.
 */
char *pb_i2c_funcs_to_string(unsigned missing);

/* SMBus transfers to the 7-bit address addr (0x03..0x77). Data are returned as
 * the wire carries them: a word's first byte on the wire is its low byte
 * (swap for big-endian chip registers). */
int pb_i2c_read_byte(PbI2cBus *bus, uint16_t addr, uint8_t *ret);
int pb_i2c_write_byte(PbI2cBus *bus, uint16_t addr, uint8_t value);
int pb_i2c_read_byte_data(PbI2cBus *bus, uint16_t addr, uint8_t reg, uint8_t *ret);
int pb_i2c_write_byte_data(PbI2cBus *bus, uint16_t addr, uint8_t reg, uint8_t value);
int pb_i2c_read_word_data(PbI2cBus *bus, uint16_t addr, uint8_t reg, uint16_t *ret);
int pb_i2c_write_word_data(PbI2cBus *bus, uint16_t addr, uint8_t reg, uint16_t value);
/* Reads exactly len (1..32) bytes starting at reg; a short read is -EIO. */
int pb_i2c_read_i2c_block_data(PbI2cBus *bus, uint16_t addr, uint8_t reg, size_t len, uint8_t *buf);
int pb_i2c_write_i2c_block_data(PbI2cBus *bus, uint16_t addr, uint8_t reg, size_t len, const uint8_t *buf);

/* Plain I2C (needs PB_I2C_FUNC_I2C): one write or one read message of len
 * (1..32) bytes; a short transfer is -EIO. */
int pb_i2c_write(PbI2cBus *bus, uint16_t addr, const uint8_t *buf, size_t len);
int pb_i2c_read(PbI2cBus *bus, uint16_t addr, uint8_t *buf, size_t len);
