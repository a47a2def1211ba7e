/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * The simulated chips, one line each, as pb_sim_i2c_add_device() finds them
 * by name. A chip's file defines pb_sim_chip_<name>.
 */

#include "sim/i2c-chip.h"

#define PB_SIM_CHIPS(X) \
        X(bme280)       \
        X(bmp280)       \
        X(tmp102)       \
        X(mcp9808)      \
        X(ads1115)      \
        X(sht3x)        \
        X(sht4x)        \
        X(si7021)       \
        X(htu21d)       \
        X(bh1750)       \
        X(i2c_stub)     \
        /* one line a chip, above this one */

#define DECLARE(name) extern const PbSimChipModel pb_sim_chip_##name;
#define ENTRY(name)   &pb_sim_chip_##name,

PB_SIM_CHIPS(DECLARE)

const PbSimChipModel *const pb_sim_chip_registry[] = { PB_SIM_CHIPS(ENTRY) NULL };
