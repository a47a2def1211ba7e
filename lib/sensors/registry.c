/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * The drivers, one line each, in the order pb_sensor_models() lists them and
 * model = auto probes them: first the models with an identity check (register
 * reads first: they change nothing on a chip of another kind), then those
 * that only an explicit model selects (autodetect false). A driver's file
 * defines pb_sensor_model_<name>.
 */

#include "sensors/driver.h"

#define PB_SENSOR_DRIVERS(X) \
        X(bme280)            \
        X(mcp9808)           \
        X(sht3x)             \
        X(sht4x)             \
        X(si7021)            \
        X(bmp280)            \
        X(tmp102)            \
        X(ads1115)           \
        X(bh1750)            \
        X(htu21d)            \
        /* one line a model (a driver file may hold variants), above this one */

#define DECLARE(name) extern const PbSensorModel pb_sensor_model_##name;
#define ENTRY(name)   &pb_sensor_model_##name,

PB_SENSOR_DRIVERS(DECLARE)

const PbSensorModel *const pb_sensor_registry[] = { PB_SENSOR_DRIVERS(ENTRY) NULL };
