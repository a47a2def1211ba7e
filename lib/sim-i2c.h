/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The simulated I2C adapter: a PbI2cBus with no hardware behind it, carrying
 * simulated devices that model their chips' register maps and command
 * protocols closely enough for the real drivers in sensor.c to run unchanged
 * (chip ids, calibration registers, forced-mode status, CRCs). It supports
 * every transfer type. A device can be made to NAK every transfer (as an
 * unplugged or wedged chip does: -ENXIO) and to answer again.
 */

#include "i2c-bus.h"

/* An empty simulated adapter whose path reads "/dev/i2c-<nr>". Errors: -ENOMEM. */
int pb_sim_i2c_bus_new(unsigned nr, PbI2cBus **ret);

/* The simulator's default bus: bus 1 with a BME280 at 0x76 holding VECTORS.md
 * V1's registers (23.72 °C, 100942.70 Pa, 65.31 %RH) and a TMP102 at 0x48. */
int pb_sim_i2c_bus_new_default(PbI2cBus **ret);

bool pb_i2c_bus_is_simulated(const PbI2cBus *bus);

/*
 * Adds a simulated device of the given model name (as pb_sensor_model_from_string()
 * knows them) at addr, in its power-on state with plausible readings.
 * Errors: -EOPNOTSUPP (not a simulated bus, or no simulation of that model),
 * -EEXIST (address taken), -EINVAL, -ENOMEM.
 */
int pb_sim_i2c_add_device(PbI2cBus *bus, uint16_t addr, const char *model);

/* Makes the device at addr NAK every transfer (nak = true) or answer again.
 * Errors: -EOPNOTSUPP (not simulated), -ENOENT (no device at addr). */
int pb_sim_i2c_set_nak(PbI2cBus *bus, uint16_t addr, bool nak);
