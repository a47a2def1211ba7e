#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# The newcomer's "run" command: installs the dependencies, builds pinbus in
# build/, starts a private dbus-daemon and `pinbusd --simulate` on it (a
# simulated Raspberry Pi 4, no hardware, no root needed), and prints busctl
# commands to try; with mosquitto installed, also a private broker and
# pinbus-mqtt on it. They keep running after this script returns; stop them
# with scripts/stop-demo.sh. Running this again restarts the demo.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
# shellcheck source=scripts/demo-env.sh
. scripts/demo-env.sh

scripts/setup-deps.sh

if [ ! -f build/build.ninja ]; then
        meson setup build
fi
ninja -C build
pinbusd=$root/build/daemon/pinbusd

scripts/stop-demo.sh >/dev/null
mkdir -p "$(dirname "$demo_dir")"
[ -d "$demo_dir" ] || mkdir -m 0700 "$demo_dir"
[ -O "$demo_dir" ] || {
        echo "run-demo: $demo_dir belongs to someone else; set PINBUS_DEMO_DIR" >&2
        exit 1
}

cat >"$demo_dir/bus.conf" <<EOF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<!-- A private bus for the pinbus demo: only this user can connect; no policy. -->
<busconfig>
  <listen>$demo_address</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
EOF

cat >"$demo_dir/pinbus.conf" <<'EOF'
# pinbus demo configuration (written by scripts/run-demo.sh). See docs/config.md.
[output led]
line = GPIO26
initial = off
restore = yes     # the last value comes back when the demo restarts

[button doorbell]
line = GPIO17
bias = pull-up
active-low = yes  # pressed pulls the line low
debounce = 20ms
hold-time = 1s

# The simulator's I2C bus 1 has a BME280 at 0x76 (and a TMP102 at 0x48).
[sensor room]
model = bme280
bus = 1
address = 0x76
interval = 5s
EOF

dbus-daemon --config-file="$demo_dir/bus.conf" --fork --nopidfile --print-pid=3 \
        3>"$demo_dir/dbus-daemon.pid" 2>"$demo_dir/dbus-daemon.log"

# Its own session, so that closing this terminal does not stop it.
setsid "$pinbusd" --simulate --bus-address="$demo_address" --config="$demo_dir/pinbus.conf" \
        --state-dir="$demo_dir/state" </dev/null >"$demo_dir/pinbusd.log" 2>&1 &
pid=$!
echo "$pid" >"$demo_dir/pinbusd.pid"

# Wait until it owns io.pinbus1.
for ((i = 0; ; i++)); do
        if busctl --address="$demo_address" call org.freedesktop.DBus /org/freedesktop/DBus \
                org.freedesktop.DBus NameHasOwner s io.pinbus1 2>/dev/null | grep -q true; then
                break
        fi
        if ! kill -0 "$pid" 2>/dev/null || [ "$i" -ge 100 ]; then
                echo "run-demo: pinbusd did not start; its log ($demo_dir/pinbusd.log):" >&2
                cat "$demo_dir/pinbusd.log" >&2
                scripts/stop-demo.sh >&2
                exit 1
        fi
        sleep 0.1
done

# pinbus-mqtt (docs/mqtt.md) on a private mosquitto, when both are there (setup-deps.sh
# installs mosquitto; the build has pinbus-mqtt when libmosquitto is installed).
pinbus_mqtt=$root/build/mqtt/pinbus-mqtt
mqtt_msg="pinbus-mqtt is not running (needs mosquitto and a build with libmosquitto-dev)"
if [ -x "$pinbus_mqtt" ] && [ -x /usr/sbin/mosquitto ]; then
        # Started as root, mosquitto would switch to user mosquitto: it stays who we are.
        cat >"$demo_dir/mosquitto.conf" <<EOF
user $(id -un)
listener $demo_mqtt_port 127.0.0.1
allow_anonymous true
persistence false
EOF
        setsid /usr/sbin/mosquitto -c "$demo_dir/mosquitto.conf" </dev/null >"$demo_dir/mosquitto.log" 2>&1 &
        echo "$!" >"$demo_dir/mosquitto.pid"
        cat >"$demo_dir/mqtt.conf" <<EOF
# pinbus-mqtt demo configuration (written by scripts/run-demo.sh). See docs/mqtt.md.
[broker]
uri = mqtt://127.0.0.1:$demo_mqtt_port
EOF
        setsid "$pinbus_mqtt" --config="$demo_dir/mqtt.conf" --bus-address="$demo_address" \
                </dev/null >"$demo_dir/pinbus-mqtt.log" 2>&1 &
        echo "$!" >"$demo_dir/pinbus-mqtt.pid"
        m="-h 127.0.0.1 -p $demo_mqtt_port"
        mqtt_msg="pinbus-mqtt publishes all of it on a private mosquitto at 127.0.0.1:$demo_mqtt_port
(log $demo_dir/pinbus-mqtt.log), with Home Assistant discovery (docs/mqtt.md):

  mosquitto_sub $m -t '#' -v        # in a second terminal: discovery, state, button events
  mosquitto_pub $m -t pinbus/$(hostname)/output/led/set -m TOGGLE
  mosquitto_pub $m -t pinbus/$(hostname)/output/led/set -m '{\"action\":\"blink\",\"on\":0.2,\"off\":0.2,\"count\":3}'"
fi

b="busctl --address=$(printf '%q' "$demo_address")"
# The pinbus command (bindings/python), run from the source tree.
pb="PYTHONPATH=$(printf '%q' "$root/bindings/python") /usr/bin/python3 -m pinbus --address=$(printf '%q' "$demo_address")"
cat <<EOF

pinbusd is running on the simulator (the 58 lines of a Raspberry Pi 4) on a private bus:
    bus     $demo_address
    log     $demo_dir/pinbusd.log
    config  $demo_dir/pinbus.conf (an output "led" on GPIO26, a button "doorbell" on GPIO17, a BME280 sensor "room")

Try these (docs/dbus-api.md has the whole API):

  # Find a line by name, and look at it
  $b call io.pinbus1 /io/pinbus1 io.pinbus1.Manager FindLine s GPIO18
  $b introspect io.pinbus1 /io/pinbus1/line/GPIO18
  $b tree io.pinbus1

  # Drive GPIO27 high: the daemon takes the free line as an output and keeps it
  $b call io.pinbus1 /io/pinbus1/line/GPIO27 io.pinbus1.Line Set b true
  $b call io.pinbus1 /io/pinbus1/line/GPIO27 io.pinbus1.Line Get
  $b get-property io.pinbus1 /io/pinbus1/line/GPIO27 io.pinbus1.Line Direction Consumer Value

  # In a second terminal: watch signals and calls
  $b monitor io.pinbus1

  # Claim GPIO22 as an input with edge detection. A claim ends when its client
  # disconnects, and busctl exits at once: persist=true keeps it.
  $b call io.pinbus1 /io/pinbus1 io.pinbus1.Manager ClaimLine 'sa{sv}' GPIO22 3 direction s input edge s both persist b true

  # Play the outside world: each level change shows up as an Edge signal in the monitor
  $b call io.pinbus1 /io/pinbus1 io.pinbus1.Simulator SetInput sb GPIO22 true
  $b call io.pinbus1 /io/pinbus1 io.pinbus1.Simulator SetInput sb GPIO22 false
  $b call io.pinbus1 /io/pinbus1 io.pinbus1.Simulator Bounce sbut GPIO22 true 5 10000
  $b call io.pinbus1 /io/pinbus1 io.pinbus1.Manager ReleaseLine s GPIO22

  # The doorbell button: press it with a bouncing contact (low = pressed), hold it, let go.
  # The monitor shows Pressed, Held after 1 s, and Released with the time it was held;
  # a glitch of 5 ms gives nothing; a double click, scripted at exact times, gives Clicked(2).
  $b call io.pinbus1 /io/pinbus1 io.pinbus1.Simulator Bounce sbut GPIO17 false 12 5000
  $b call io.pinbus1 /io/pinbus1 io.pinbus1.Simulator Bounce sbut GPIO17 true 12 5000
  $b call io.pinbus1 /io/pinbus1 io.pinbus1.Simulator Bounce sbut GPIO17 true 2 10000
  $b call io.pinbus1 /io/pinbus1 io.pinbus1.Simulator Schedule 'asa(tbut)' 1 GPIO17 4 0 false 6 3000 80000 true 6 3000 200000 false 6 3000 280000 true 6 3000
  $b get-property io.pinbus1 /io/pinbus1/button/doorbell io.pinbus1.Button Pressed PressCount Debouncer

  # The configured output: blink it 3 times, or toggle it (its value survives a restart)
  $b call io.pinbus1 /io/pinbus1/output/led io.pinbus1.Output Blink ttu 250000 250000 3
  $b call io.pinbus1 /io/pinbus1/output/led io.pinbus1.Output Toggle
  $b get-property io.pinbus1 /io/pinbus1/output/led io.pinbus1.Output Value

  # The BME280 "room" on the simulated I2C bus 1: readings in SI units (°C, Pa, %RH)
  $b get-property io.pinbus1 /io/pinbus1/sensor/room io.pinbus1.Sensor Values Online Timestamp
  $b call io.pinbus1 /io/pinbus1/sensor/room io.pinbus1.Sensor Read
  # Unplug it (it NAKs): Online turns false with a LastError; plug it back: it recovers by itself
  $b call io.pinbus1 /io/pinbus1 io.pinbus1.Simulator SetDeviceNak uqb 1 0x76 true
  $b get-property io.pinbus1 /io/pinbus1/sensor/room io.pinbus1.Sensor Online LastError
  $b call io.pinbus1 /io/pinbus1 io.pinbus1.Simulator SetDeviceNak uqb 1 0x76 false

The same with the pinbus command (bindings/python/README.md), from the source tree:

  $pb lines
  $pb set GPIO27 off
  $pb monitor GPIO23        # in a second terminal: prints edges until Ctrl-C
  $b call io.pinbus1 /io/pinbus1 io.pinbus1.Simulator Bounce sbut GPIO23 true 3 3000
  $pb pulse GPIO27 on 500ms
  $pb set led on            # the configured output, by name
  $pb button doorbell       # in a second terminal: prints the doorbell's events until Ctrl-C
  $pb wait GPIO22 --edge rising --timeout 10s; echo "exit \$?"   # 0 on the edge, 124 after 10 s
  $b call io.pinbus1 /io/pinbus1 io.pinbus1.Simulator SetInput sb GPIO22 true

A MicroPython-style script (machine.Pin) against the demo, unchanged:

  printf 'from machine import Pin\nimport time\nled = Pin(5, Pin.OUT)\nfor i in range(6):\n    led.value(not led.value()); time.sleep(0.5)\n' >/tmp/blink.py
  PINBUS_ADDRESS=$(printf '%q' "$demo_address") PYTHONPATH=$(printf '%q' "$root/bindings/python") /usr/bin/python3 -m pinbus.machine /tmp/blink.py

gpiozero scripts run unchanged with GPIOZERO_PIN_FACTORY=pinbus once the package is
installed (pip or meson install: bindings/python/README.md), with PINBUS_ADDRESS set as above.

$mqtt_msg

Stop it all:  scripts/stop-demo.sh
EOF
