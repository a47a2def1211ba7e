#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Runs in the guest (root, in the chroot of the host's filesystem; see
# run-vm.sh): creates the gpio-sim chips of a Raspberry Pi 4, then runs the
# command given as arguments and exits with its status.
#
#   gpio-sim device "bcm2711": chip labelled pinctrl-bcm2711, 58 lines named
#                              as Raspberry Pi OS names a Pi 4 Model B's
#   gpio-sim device "exp":     chip labelled raspberrypi-exp-gpio, 8 lines (the
#                              firmware's GPIO expander; its last line is unnamed)
#
# Both are created in that order, so they are gpiochip0 and gpiochip1. The
# configfs directories are /sys/kernel/config/gpio-sim/{bcm2711,exp}; a test
# finds the device (dev_name) and chip (bank0/chip_name) there, and can take a
# chip away and back by writing 0 and 1 to its `live`.
set -eu

configfs=/sys/kernel/config/gpio-sim
[ -d "$configfs" ] || { echo "guest-setup: $configfs missing (kernel without gpio-sim?)" >&2; exit 125; }

# make_chip DEVICE LABEL NAME...: one bank with one line per NAME ("-" = unnamed).
make_chip() {
        dev=$configfs/$1 label=$2
        shift 2
        mkdir "$dev" "$dev/bank0"
        echo "$#" >"$dev/bank0/num_lines"
        echo "$label" >"$dev/bank0/label"
        # One mkdir for all lines: every program started here is read over 9p and emulated.
        dirs= i=0
        for name in "$@"; do
                [ "$name" = - ] || dirs="$dirs $dev/bank0/line$i"
                i=$((i + 1))
        done
        # shellcheck disable=SC2086 # the paths have no spaces
        mkdir $dirs
        i=0
        for name in "$@"; do
                [ "$name" = - ] || echo "$name" >"$dev/bank0/line$i/name"
                i=$((i + 1))
        done
        echo 1 >"$dev/live"
        echo "guest-setup: $(cat "$dev/bank0/chip_name") ($label, $# lines) on $(cat "$dev/dev_name")"
}

# Line names as in lib/sim/gpio-chip.c (the simulator serves the same chip).
make_chip bcm2711 pinctrl-bcm2711 \
        ID_SDA ID_SCL GPIO2 GPIO3 GPIO4 GPIO5 GPIO6 GPIO7 GPIO8 GPIO9 GPIO10 GPIO11 GPIO12 GPIO13 \
        GPIO14 GPIO15 GPIO16 GPIO17 GPIO18 GPIO19 GPIO20 GPIO21 GPIO22 GPIO23 GPIO24 GPIO25 GPIO26 \
        GPIO27 RGMII_MDIO RGMIO_MDC CTS0 RTS0 TXD0 RXD0 SD1_CLK SD1_CMD SD1_DATA0 SD1_DATA1 SD1_DATA2 \
        SD1_DATA3 PWM0_MISO PWM1_MOSI STATUS_LED_G_CLK SPIFLASH_CE_N SDA0 SCL0 RGMII_RXCLK RGMII_RXCTL \
        RGMII_RXD0 RGMII_RXD1 RGMII_RXD2 RGMII_RXD3 RGMII_TXCLK RGMII_TXCTL RGMII_TXD0 RGMII_TXD1 \
        RGMII_TXD2 RGMII_TXD3
make_chip exp raspberrypi-exp-gpio \
        BT_ON WL_ON PWR_LED_OFF GLOBAL_RESET VDD_SD_IO_SEL CAM_GPIO SD_PWR_ON -

for dev in /dev/i2c-*; do
        [ -e "$dev" ] && echo "guest-setup: $dev ($(cat /sys/class/i2c-dev/"${dev#/dev/}"/name 2>/dev/null))"
done

[ $# -gt 0 ] || { echo "guest-setup: no command given" >&2; exit 2; }
exec "$@"
