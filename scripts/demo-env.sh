# SPDX-License-Identifier: LGPL-2.1-or-later
# Sourced by run-demo.sh and stop-demo.sh: where the demo keeps its bus,
# daemon log, pid files and saved state (PINBUS_DEMO_DIR overrides it).
# shellcheck shell=bash
if [ -n "${PINBUS_DEMO_DIR:-}" ]; then
        demo_dir=$PINBUS_DEMO_DIR
elif [ -n "${XDG_RUNTIME_DIR:-}" ] && [ -d "${XDG_RUNTIME_DIR}" ]; then
        demo_dir=$XDG_RUNTIME_DIR/pinbus-demo
else
        demo_dir=/tmp/pinbus-demo-$(id -u)
fi
# shellcheck disable=SC2034 # used by the scripts that source this
demo_address=unix:path=$demo_dir/bus
# The port of the demo's private mosquitto (PINBUS_DEMO_MQTT_PORT overrides it).
# shellcheck disable=SC2034
demo_mqtt_port=${PINBUS_DEMO_MQTT_PORT:-18830}
