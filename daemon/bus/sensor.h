/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* io.pinbus1.Sensor objects at /io/pinbus1/sensor/<name>: the configured sensors
 * of core/sensor.h, their properties read from the core, Read() answered through
 * the sensor's read waiters. */

#include "bus/service.h"

/* Gives every sensor its object path and registers the io.pinbus1.Sensor vtable and
 * node enumerator. Errors: -ENOMEM, sd-bus errnos. */
int bus_sensor_register(Service *s);

/* Frontend callback: one PropertiesChanged for the SensorChange bits in changes. */
void bus_sensor_changed(void *userdata, Sensor *sensor, unsigned changes);
