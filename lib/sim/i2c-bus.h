/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The simulated I2C adapter: a PbI2cBus with no hardware behind it, carrying
 * simulated devices that model their chips' register maps and command
 * protocols closely enough for the real drivers in sensors/ to run unchanged
 * (chip ids, calibration registers, forced-mode status, CRCs). It supports
 * every transfer type. A device can be made to NAK every transfer (as an
 * unplugged or wedged chip does: -ENXIO) and to answer again.
 */

#include "i2c/bus.h"
#include "sensors/sensor.h"

/* An empty simulated adapter whose path reads "/dev/i2c-<nr>". Errors: -ENOMEM. */
int pb_sim_i2c_bus_new(unsigned nr, PbI2cBus **ret);

/* The simulator's default bus: bus 1 with a BME280 at 0x76 holding VECTORS.md
 * V1's registers (23.72 °C, 100942.70 Pa, 65.31 %RH) and a TMP102 at 0x48. */
int pb_sim_i2c_bus_new_default(PbI2cBus **ret);

bool pb_i2c_bus_is_simulated(const PbI2cBus *bus);

/*
 * Adds a simulated device of the given model name (as pb_sensor_model_from_string()
 * knows them) at addr, in its power-on state with plausible readings.
 * The name "i2c-stub" adds a chip emulated as the kernel's i2c-stub does:
 * 256 16-bit cells, all 0, that only SMBus transfers reach (byte transfers
 * use a cell's low byte, word transfers the whole cell, I2C block transfers
 * the low bytes of consecutive cells); nothing in it ever changes by itself,
 * and plain I2C transfers to it fail with -EOPNOTSUPP.
 * Errors: -EOPNOTSUPP (not a simulated bus, or no simulation of that model),
 * -EEXIST (address taken), -EINVAL, -ENOMEM.
 */
int pb_sim_i2c_add_device(PbI2cBus *bus, uint16_t addr, const char *model);

/* Makes the device at addr NAK every transfer (nak = true) or answer again.
 * Errors: -EOPNOTSUPP (not simulated), -ENOENT (no device at addr). */
int pb_sim_i2c_set_nak(PbI2cBus *bus, uint16_t addr, bool nak);

/*
 * Test and Simulator helpers. All return -EOPNOTSUPP on a bus that is not
 * simulated and -ENOENT when no device sits at addr, besides what is listed.
 */

/*
 * Makes every transfer to the device at addr fail with error, a negative
 * errno as the kernel would report it: -ENXIO or -EREMOTEIO (no acknowledge;
 * what pb_sim_i2c_set_nak() sets), -ETIMEDOUT (a bus held low), -EBUSY (the
 * address is bound to a kernel driver), -EIO; 0 makes it answer again.
 * Errors: -EINVAL (error is not 0 or a negative errno).
 */
int pb_sim_i2c_set_error(PbI2cBus *bus, uint16_t addr, int error);

/*
 * Which transfer types the adapter claims (PbI2cFunc bits; a new simulated
 * bus has all of them). Transfers of the other types then fail with
 * -EOPNOTSUPP, as on an SMBus-only adapter (e.g. PB_I2C_FUNC_SMBUS_BYTE_DATA |
 * PB_I2C_FUNC_SMBUS_WORD_DATA | PB_I2C_FUNC_SMBUS_I2C_BLOCK | PB_I2C_FUNC_SMBUS_BYTE
 * for the kernel's i2c-stub).
 */
int pb_sim_i2c_bus_set_funcs(PbI2cBus *bus, unsigned funcs);

/*
 * Sets the raw value the device's next measurement of q yields, in the chip's
 * own units: BME280/BMP280 adc_T, adc_P (20 bits), adc_H (16 bits); TMP102
 * and MCP9808 the temperature register (MSB << 8 | LSB, flag bits included);
 * ADS1115 the conversion register; SHT3x/SHT4x/Si7021/HTU21D the 16-bit
 * signal S (status bits included for the Si7021); BH1750 the count. A value
 * the chip could not produce is the caller's choice (tests feed garbage on
 * purpose). Errors: -EINVAL (the model does not measure q).
 */
int pb_sim_i2c_set_raw(PbI2cBus *bus, uint16_t addr, PbQuantity q, uint32_t raw);

/*
 * Writes len bytes into the device's register file starting at reg,
 * bypassing read-only protection (calibration, chip id, data registers):
 * for byte-register chips (BME280/BMP280) one byte per register; for 16-bit
 * register chips (TMP102, MCP9808, ADS1115) two bytes per register, MSB
 * first, len even. pb_sim_i2c_get_registers() reads them back the same way
 * (without side effects such as clearing a status bit). Errors: -EINVAL
 * (range or length outside the register file), -EOPNOTSUPP (a command chip,
 * which has no register file).
 */
int pb_sim_i2c_set_registers(PbI2cBus *bus, uint16_t addr, uint8_t reg, const uint8_t *data, size_t len);
int pb_sim_i2c_get_registers(PbI2cBus *bus, uint16_t addr, uint8_t reg, uint8_t *buf, size_t len);

/*
 * Makes each measurement started from now on take n polls to finish (0, the
 * default: done at the first poll). A poll is what the driver checks: the
 * BME280 status register (measuring bit), the TMP102 and ADS1115 config
 * register (OS bit); the SHT3x, SHT4x, Si7021 and HTU21D NAK a read while
 * measuring, as the chips do. The BH1750 has no busy indication: there
 * reads during a measurement return the previous result.
 */
int pb_sim_i2c_set_busy(PbI2cBus *bus, uint16_t addr, unsigned n);

/* Makes the next n frames that carry a CRC (SHT3x, SHT4x, Si7021, HTU21D)
 * carry a wrong one (every CRC byte of the frame inverted). Errors:
 * -EOPNOTSUPP also for a chip without CRCs. */
int pb_sim_i2c_corrupt_crc(PbI2cBus *bus, uint16_t addr, unsigned n);

/* How many measurements the device has completed since it was added. */
int pb_sim_i2c_get_conversions(PbI2cBus *bus, uint16_t addr, unsigned *ret);
