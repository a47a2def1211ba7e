/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <inttypes.h>

#include "bus/error.h"
#include "bus/line.h"
#include "bus/manager.h"
#include "core/chip.h"
#include "core/line.h"
#include "sim/gpio-chip.h"
#include "sim/i2c-bus.h"
#include "util/strv.h"

static int method_set_input(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
        Line *l;
        int level, r;

        r = bus_read_line(userdata, m, &l, error);
        if (r < 0)
                return r;
        r = sd_bus_message_read(m, "b", &level);
        if (r < 0)
                return r;
        r = pb_sim_chip_set_input(chip_get_pb(line_get_chip(l)), line_get_offset(l), level);
        if (r < 0)
                return bus_error_errno(error, r, "drive simulated input", line_get_object_name(l));
        return sd_bus_reply_method_return(m, NULL);
}

static int method_bounce(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
        uint64_t span_us;
        uint32_t transitions;
        Line *l;
        int level, r;

        r = bus_read_line(userdata, m, &l, error);
        if (r < 0)
                return r;
        r = sd_bus_message_read(m, "but", &level, &transitions, &span_us);
        if (r < 0)
                return r;
        if (transitions > PB_SIM_BOUNCE_TRANSITIONS_MAX)
                return sd_bus_error_setf(
                        error, PB_ERROR_INVALID_ARGS,
                        "Bounce on line %s: %" PRIu32 " transitions is above the maximum of %u",
                        line_get_object_name(l), transitions, PB_SIM_BOUNCE_TRANSITIONS_MAX);
        if (span_us > PB_SIM_BOUNCE_SPAN_US_MAX)
                return sd_bus_error_setf(
                        error, PB_ERROR_INVALID_ARGS,
                        "Bounce on line %s: a span of %" PRIu64 " µs is above the maximum of %llu µs",
                        line_get_object_name(l), span_us, (unsigned long long)PB_SIM_BOUNCE_SPAN_US_MAX);
        r = pb_sim_chip_bounce(chip_get_pb(line_get_chip(l)), line_get_offset(l), level, transitions,
                               span_us);
        if (r < 0)
                return bus_error_errno(error, r, "bounce simulated input", line_get_object_name(l));
        return sd_bus_reply_method_return(m, NULL);
}

/* Lines one Schedule call may script at once. */
#define SIMULATOR_SCHEDULE_LINES_MAX 8

static int method_schedule(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
        _cleanup_free_ PbSimBounce *script = NULL;
        _cleanup_strv_free_ char **specs = NULL;
        Line *lines[SIMULATOR_SCHEDULE_LINES_MAX];
        size_t n_lines, n = 0;
        uint64_t start;
        int r;

        r = sd_bus_message_read_strv(m, &specs);
        if (r < 0)
                return r;
        n_lines = strv_length(specs);
        if (n_lines == 0 || n_lines > SIMULATOR_SCHEDULE_LINES_MAX)
                return sd_bus_error_setf(error, PB_ERROR_INVALID_ARGS,
                                         "Schedule: %zu lines given; it scripts 1 to %u lines at once",
                                         n_lines, SIMULATOR_SCHEDULE_LINES_MAX);
        for (size_t i = 0; i < n_lines; i++) {
                r = bus_find_line(userdata, specs[i], &lines[i], error);
                if (r < 0)
                        return r;
        }

        script = calloc(PB_SIM_SCHEDULE_MAX, sizeof(*script));
        if (!script)
                return -ENOMEM;
        r = sd_bus_message_enter_container(m, 'a', "(tbut)");
        if (r < 0)
                return r;
        for (;;) {
                PbSimBounce *e = &script[n];
                uint64_t at_us, span_us;
                uint32_t transitions;
                int level;

                r = sd_bus_message_read(m, "(tbut)", &at_us, &level, &transitions, &span_us);
                if (r < 0)
                        return r;
                if (r == 0)
                        break;
                if (n == PB_SIM_SCHEDULE_MAX)
                        return sd_bus_error_setf(error, PB_ERROR_INVALID_ARGS,
                                                 "Schedule: more than %u bounces", PB_SIM_SCHEDULE_MAX);
                if (transitions > PB_SIM_BOUNCE_TRANSITIONS_MAX || span_us > PB_SIM_BOUNCE_SPAN_US_MAX)
                        return sd_bus_error_setf(error, PB_ERROR_INVALID_ARGS,
                                                 "Schedule: bounce %zu has %" PRIu32
                                                 " transitions over %" PRIu64
                                                 " µs; the limits are %u transitions and %llu µs",
                                                 n, transitions, span_us, PB_SIM_BOUNCE_TRANSITIONS_MAX,
                                                 (unsigned long long)PB_SIM_BOUNCE_SPAN_US_MAX);
                if (at_us > PB_SIM_SCHEDULE_US_MAX || span_us > PB_SIM_SCHEDULE_US_MAX - at_us)
                        return sd_bus_error_setf(
                                error, PB_ERROR_INVALID_ARGS,
                                "Schedule: bounce %zu ends after %llu µs, the most a schedule "
                                "may reach",
                                n, (unsigned long long)PB_SIM_SCHEDULE_US_MAX);
                if (n > 0 && at_us < script[n - 1].at_us + script[n - 1].span_us)
                        return sd_bus_error_setf(
                                error, PB_ERROR_INVALID_ARGS,
                                "Schedule: bounce %zu starts at %" PRIu64 " µs, before bounce %zu "
                                "ends (%" PRIu64 " µs); bounces must be in order and apart",
                                n, at_us, n - 1, script[n - 1].at_us + script[n - 1].span_us);
                *e = (PbSimBounce){
                        .at_us = at_us,
                        .final_level = level,
                        .transitions = transitions,
                        .span_us = span_us,
                };
                n++;
        }
        r = sd_bus_message_exit_container(m);
        if (r < 0)
                return r;

        start = monotonic_ns(); /* the simulator's clock: sim/gpio-chip.c stamps edges on it */
        for (size_t i = 0; i < n_lines; i++) {
                r = pb_sim_chip_schedule(chip_get_pb(line_get_chip(lines[i])), line_get_offset(lines[i]),
                                         script, n, start);
                if (r < 0)
                        return bus_error_errno(error, r, "schedule simulated input",
                                               line_get_object_name(lines[i]));
        }
        return sd_bus_reply_method_return(m, "t", start);
}

/* Reads the "s output_line, s input_line" arguments of Connect and Disconnect: two lines of one chip. */
static int read_wire(Service *s, sd_bus_message *m, const char *member, Line **ret_out, Line **ret_in,
                     sd_bus_error *error)
{
        int r;

        r = bus_read_line(s, m, ret_out, error);
        if (r < 0)
                return r;
        r = bus_read_line(s, m, ret_in, error);
        if (r < 0)
                return r;
        if (*ret_out == *ret_in)
                return sd_bus_error_setf(error, PB_ERROR_INVALID_ARGS,
                                         "%s: line %s cannot be wired to itself", member,
                                         line_get_object_name(*ret_in));
        if (line_get_chip(*ret_out) != line_get_chip(*ret_in))
                return sd_bus_error_setf(error, PB_ERROR_INVALID_ARGS,
                                         "%s: lines %s and %s are on different chips; a wire joins two "
                                         "lines of one simulated chip",
                                         member, line_get_object_name(*ret_out),
                                         line_get_object_name(*ret_in));
        return 0;
}

static int method_connect(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
        Line *out, *in;
        unsigned source;
        PbChip *chip;
        int r;

        r = read_wire(userdata, m, "Connect", &out, &in, error);
        if (r < 0)
                return r;
        chip = chip_get_pb(line_get_chip(in));
        r = pb_sim_chip_connect(chip, line_get_offset(out), line_get_offset(in));
        if (r == -EBUSY && pb_sim_chip_get_wire(chip, line_get_offset(in), &source) >= 0)
                return sd_bus_error_setf(error, PB_ERROR_INVALID_ARGS,
                                         "Connect: line %s is already wired to %s; Disconnect it first",
                                         line_get_object_name(in),
                                         line_get_object_name(chip_get_line(line_get_chip(in), source)));
        if (r == -ELOOP)
                return sd_bus_error_setf(error, PB_ERROR_INVALID_ARGS,
                                         "Connect: line %s already follows %s through wires; a wire back "
                                         "would make a loop",
                                         line_get_object_name(out), line_get_object_name(in));
        if (r < 0)
                return bus_error_errno(error, r, "wire simulated line", line_get_object_name(in));
        return sd_bus_reply_method_return(m, NULL);
}

static int method_disconnect(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
        Line *out, *in;
        int r;

        r = read_wire(userdata, m, "Disconnect", &out, &in, error);
        if (r < 0)
                return r;
        r = pb_sim_chip_disconnect(chip_get_pb(line_get_chip(in)), line_get_offset(out),
                                   line_get_offset(in));
        if (r == -ENOENT)
                return sd_bus_error_setf(error, PB_ERROR_INVALID_ARGS,
                                         "Disconnect: line %s is not wired to %s", line_get_object_name(in),
                                         line_get_object_name(out));
        if (r < 0)
                return bus_error_errno(error, r, "unwire simulated line", line_get_object_name(in));
        return sd_bus_reply_method_return(m, NULL);
}

/* Reads the "u bus, q address" arguments of an I2C simulator method and finds the simulated adapter. */
static int read_i2c_device(Daemon *d, sd_bus_message *m, PbI2cBus **ret_bus, uint16_t *ret_addr,
                           sd_bus_error *error)
{
        uint32_t nr;
        uint16_t addr;
        int r;

        r = sd_bus_message_read(m, "uq", &nr, &addr);
        if (r < 0)
                return r;
        if (addr < 0x03 || addr > 0x77)
                return sd_bus_error_setf(error, PB_ERROR_INVALID_ARGS,
                                         "I2C address 0x%02" PRIx16 " is not a 7-bit device address "
                                         "(0x03-0x77)",
                                         addr);
        r = nr > 0xffff ? -ENOENT : daemon_get_i2c_bus(d, nr, ret_bus);
        if (r == -ENOENT)
                return sd_bus_error_setf(error, PB_ERROR_NO_SUCH_DEVICE,
                                         "No simulated I2C adapter /dev/i2c-%" PRIu32 " (the simulator has "
                                         "/dev/i2c-1)",
                                         nr);
        if (r < 0)
                return bus_error_errno(error, r, "open simulated I2C adapter", "/dev/i2c-1");
        *ret_addr = addr;
        return 0;
}

static int method_set_device_nak(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
        PbI2cBus *bus;
        uint16_t addr;
        int nak, r;

        r = read_i2c_device(((Service *)userdata)->daemon, m, &bus, &addr, error);
        if (r < 0)
                return r;
        r = sd_bus_message_read(m, "b", &nak);
        if (r < 0)
                return r;
        r = pb_sim_i2c_set_nak(bus, addr, nak);
        if (r == -ENOENT)
                return sd_bus_error_setf(error, PB_ERROR_NO_SUCH_DEVICE,
                                         "No simulated device at address 0x%02" PRIx16 " on %s", addr,
                                         pb_i2c_bus_get_path(bus));
        if (r < 0)
                return bus_error_errno(error, r, "set NAK of simulated device on", pb_i2c_bus_get_path(bus));
        return sd_bus_reply_method_return(m, NULL);
}

static int method_add_i2c_device(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
        const char *model;
        PbI2cBus *bus;
        uint16_t addr;
        int r;

        r = read_i2c_device(((Service *)userdata)->daemon, m, &bus, &addr, error);
        if (r < 0)
                return r;
        r = sd_bus_message_read(m, "s", &model);
        if (r < 0)
                return r;
        r = pb_sim_i2c_add_device(bus, addr, model);
        if (r == -EEXIST)
                return sd_bus_error_setf(error, PB_ERROR_INVALID_ARGS,
                                         "Address 0x%02" PRIx16 " on %s already has a simulated device",
                                         addr, pb_i2c_bus_get_path(bus));
        if (r == -EOPNOTSUPP || r == -EINVAL)
                return sd_bus_error_setf(error, PB_ERROR_INVALID_ARGS,
                                         "The simulator has no model '%s' (for address 0x%02" PRIx16
                                         " on %s)",
                                         model, addr, pb_i2c_bus_get_path(bus));
        if (r < 0)
                return bus_error_errno(error, r, "add a simulated device to", pb_i2c_bus_get_path(bus));
        return sd_bus_reply_method_return(m, NULL);
}

static int method_set_device_raw(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
        const char *quantity;
        PbI2cBus *bus;
        uint16_t addr;
        uint32_t raw;
        int q = -1, r;

        r = read_i2c_device(((Service *)userdata)->daemon, m, &bus, &addr, error);
        if (r < 0)
                return r;
        r = sd_bus_message_read(m, "su", &quantity, &raw);
        if (r < 0)
                return r;
        for (int i = 0; i < _PB_QUANTITY_MAX; i++)
                if (streq(quantity, pb_quantity_to_string((PbQuantity)i)))
                        q = i;
        if (q < 0)
                return sd_bus_error_setf(error, PB_ERROR_INVALID_ARGS,
                                         "Unknown quantity '%s': expected temperature, pressure, humidity, "
                                         "illuminance or voltage",
                                         quantity);
        r = pb_sim_i2c_set_raw(bus, addr, (PbQuantity)q, raw);
        if (r == -ENOENT)
                return sd_bus_error_setf(error, PB_ERROR_NO_SUCH_DEVICE,
                                         "No simulated device at address 0x%02" PRIx16 " on %s", addr,
                                         pb_i2c_bus_get_path(bus));
        if (r == -EINVAL)
                return sd_bus_error_setf(error, PB_ERROR_INVALID_ARGS,
                                         "The device at address 0x%02" PRIx16 " on %s does not measure %s",
                                         addr, pb_i2c_bus_get_path(bus), quantity);
        if (r < 0)
                return bus_error_errno(error, r, "set the raw reading of simulated device on",
                                       pb_i2c_bus_get_path(bus));
        return sd_bus_reply_method_return(m, NULL);
}

static int method_set_device_busy(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
        PbI2cBus *bus;
        uint16_t addr;
        uint32_t polls;
        int r;

        r = read_i2c_device(((Service *)userdata)->daemon, m, &bus, &addr, error);
        if (r < 0)
                return r;
        r = sd_bus_message_read(m, "u", &polls);
        if (r < 0)
                return r;
        r = pb_sim_i2c_set_busy(bus, addr, polls);
        if (r == -ENOENT)
                return sd_bus_error_setf(error, PB_ERROR_NO_SUCH_DEVICE,
                                         "No simulated device at address 0x%02" PRIx16 " on %s", addr,
                                         pb_i2c_bus_get_path(bus));
        if (r < 0)
                return bus_error_errno(error, r, "make busy simulated device on", pb_i2c_bus_get_path(bus));
        return sd_bus_reply_method_return(m, NULL);
}

static int method_get_device_conversions(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
        PbI2cBus *bus;
        uint16_t addr;
        unsigned n;
        int r;

        r = read_i2c_device(((Service *)userdata)->daemon, m, &bus, &addr, error);
        if (r < 0)
                return r;
        r = pb_sim_i2c_get_conversions(bus, addr, &n);
        if (r == -ENOENT)
                return sd_bus_error_setf(error, PB_ERROR_NO_SUCH_DEVICE,
                                         "No simulated device at address 0x%02" PRIx16 " on %s", addr,
                                         pb_i2c_bus_get_path(bus));
        if (r < 0)
                return bus_error_errno(error, r, "count the measurements of simulated device on",
                                       pb_i2c_bus_get_path(bus));
        return sd_bus_reply_method_return(m, "u", (uint32_t)n);
}

static const struct {
        const char *name;
        PbI2cFunc func;
} i2c_func_names[] = {
        { "i2c", PB_I2C_FUNC_I2C },
        { "smbus-byte", PB_I2C_FUNC_SMBUS_BYTE },
        { "smbus-byte-data", PB_I2C_FUNC_SMBUS_BYTE_DATA },
        { "smbus-word-data", PB_I2C_FUNC_SMBUS_WORD_DATA },
        { "smbus-i2c-block", PB_I2C_FUNC_SMBUS_I2C_BLOCK },
};

static int method_set_adapter_funcs(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
        _cleanup_strv_free_ char **names = NULL;
        PbI2cBus *bus;
        uint32_t nr;
        unsigned funcs = 0;
        int r;

        r = sd_bus_message_read(m, "u", &nr);
        if (r >= 0)
                r = sd_bus_message_read_strv(m, &names);
        if (r < 0)
                return r;
        for (char **n = names; n && *n; n++) {
                size_t i;

                for (i = 0; i < ELEMENTSOF(i2c_func_names); i++)
                        if (streq(*n, i2c_func_names[i].name))
                                break;
                if (i == ELEMENTSOF(i2c_func_names))
                        return sd_bus_error_setf(error, PB_ERROR_INVALID_ARGS,
                                                 "Unknown transfer type '%s': expected i2c, smbus-byte, "
                                                 "smbus-byte-data, smbus-word-data or smbus-i2c-block",
                                                 *n);
                funcs |= i2c_func_names[i].func;
        }
        r = nr > 0xffff ? -ENOENT : daemon_get_i2c_bus(((Service *)userdata)->daemon, nr, &bus);
        if (r == -ENOENT)
                return sd_bus_error_setf(error, PB_ERROR_NO_SUCH_DEVICE,
                                         "No simulated I2C adapter /dev/i2c-%" PRIu32 " (the simulator has "
                                         "/dev/i2c-1)",
                                         nr);
        if (r >= 0)
                r = pb_sim_i2c_bus_set_funcs(bus, funcs);
        if (r < 0)
                return bus_error_errno(error, r, "set the transfer types of simulated adapter",
                                       "/dev/i2c-1");
        return sd_bus_reply_method_return(m, NULL);
}

static int method_unplug(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
        Daemon *d = ((Service *)userdata)->daemon;
        const char *name;
        PbChip **n, *pb;
        Chip *c;
        int r;

        r = sd_bus_message_read(m, "s", &name);
        if (r < 0)
                return r;
        c = daemon_find_chip(d, name);
        if (!c)
                return sd_bus_error_setf(error, PB_ERROR_NO_SUCH_DEVICE,
                                         "No GPIO chip named or labelled '%s'", name);
        n = realloc(d->unplugged, (d->n_unplugged + 1) * sizeof(PbChip *));
        if (!n)
                return bus_error_errno(error, -ENOMEM, "unplug chip", name);
        d->unplugged = n;
        daemon_remove_chip(d, c, &pb);
        d->unplugged[d->n_unplugged++] = pb;
        return sd_bus_reply_method_return(m, NULL);
}

static int method_plug(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
        Daemon *d = ((Service *)userdata)->daemon;
        const char *name;
        PbChip *pb;
        size_t i;
        int r;

        r = sd_bus_message_read(m, "s", &name);
        if (r < 0)
                return r;
        for (i = 0; i < d->n_unplugged; i++)
                if (streq(pb_chip_get_name(d->unplugged[i]), name) ||
                    streq(pb_chip_get_label(d->unplugged[i]), name))
                        break;
        if (i == d->n_unplugged)
                return sd_bus_error_setf(error, PB_ERROR_NO_SUCH_DEVICE,
                                         "No unplugged GPIO chip named or labelled '%s'", name);
        pb = d->unplugged[i];
        memmove(d->unplugged + i, d->unplugged + i + 1, (d->n_unplugged - i - 1) * sizeof(PbChip *));
        d->n_unplugged--;
        r = daemon_add_chip(d, pb);
        if (r < 0)
                return bus_error_errno(error, r, "plug chip", name);
        daemon_lines_appeared(d);
        return sd_bus_reply_method_return(m, NULL);
}

/*
 * io.pinbus1.Simulator — drives the simulated chip's inputs; only present with --simulate.
 * A level is physical (before active-low), as a wire would carry it, and behaves like
 * writing gpio-sim's sim_gpioN/pull: the line reads it unless it drives an output.
 *
 *   SetInput(s line, b level)
 *           put level on the line now (cancels a bounce in progress)
 *   Bounce(s line, b final_level, u transitions, t span_us)
 *           bounce like a mechanical contact: at least `transitions` level changes
 *           (at most 1000000) evenly spread over span_us (at most 60 s), the last landing
 *           on final_level at span_us (one change is added if the parity needs it);
 *           transitions=0 is a clean change after span_us. Returns at once.
 *   Schedule(as lines, a(tbut) bounces) -> t start_ns
 *           script the inputs of 1 to 8 lines at exact times: each (at_us, final_level,
 *           transitions, span_us) is a Bounce that starts at_us after start_ns, the
 *           daemon's CLOCK_MONOTONIC time when the call is handled, which it returns. Every
 *           line gets the same script. Bounces must be in order and must not overlap (each
 *           starts at or after the end of the one before); at most 256, none ending after
 *           600 s. Edges carry their scripted times however late the daemon runs, so a
 *           test built on Schedule does not depend on the speed of its host. Cancels a
 *           bounce or schedule in progress on those lines; SetInput and Bounce cancel it.
 *   Connect(s output_line, s input_line)
 *           wire two lines of the chip as a bench test's loopback wire does: from now on
 *           input_line's level follows output_line's pin level, at once and at every
 *           change, stamped with the time of the change (so the input's edges, debounce and
 *           reads behave as on real hardware). A wire beats the input's bias; SetInput and
 *           Bounce on the input still act until the output next changes. One output may
 *           drive many inputs, an input follows one output; InvalidArgs for a line wired
 *           to itself, to another output already, lines of two chips, or a loop
 *   Disconnect(s output_line, s input_line)
 *           take the wire away; the input keeps its last level. InvalidArgs if there is
 *           no such wire
 *
 * The simulated I2C adapter /dev/i2c-1 carries a BME280 at 0x76 (VECTORS.md V1's registers:
 * 23.72 °C, 100942.70 Pa, 65.31 %RH) and a TMP102 at 0x48. A bus is a u (1 for /dev/i2c-1),
 * an address a 7-bit q (0x03-0x77); NoSuchDevice names a missing adapter or device.
 *
 *   SetDeviceNak(u bus, q address, b nak)
 *           nak=true: the device stops acknowledging every transfer (as if unplugged: ENXIO);
 *           nak=false: it answers again, registers as they were
 *   AddI2cDevice(u bus, q address, s model)
 *           add a simulated device of a sensor model ("bme280", "tmp102", ... as in [sensor]
 *           model=) in its power-on state; InvalidArgs for an unknown model or a taken address
 *   SetDeviceRaw(u bus, q address, s quantity, u raw)
 *           the raw value the device's next measurements of quantity ("temperature", ...) yield,
 *           in the chip's own units (BME280 adc_T/adc_P/adc_H, TMP102 temperature register, ...;
 *           see pb_sim_i2c_set_raw()); any value, to feed the driver garbage on purpose.
 *           InvalidArgs if the device does not measure that quantity
 *   SetDeviceBusy(u bus, q address, u polls)
 *           each measurement started from now on reports "still measuring" polls times before
 *           it is ready (0: ready at the first look); more than the daemon's poll limit (8)
 *           makes measurements time out
 *   GetDeviceConversions(u bus, q address) -> u conversions
 *           how many measurements the device has completed since it was added (a BME280
 *           counts one per forced-mode conversion)
 *   SetAdapterFuncs(u bus, as funcs)
 *           the transfer types the adapter supports from now on: "i2c" (plain I2C),
 *           "smbus-byte", "smbus-byte-data", "smbus-word-data", "smbus-i2c-block" (all of them
 *           initially); others fail with EOPNOTSUPP, as on an SMBus-only adapter
 *   Unplug(s chip)
 *           the chip (kernel name or label) goes away as a hot-unplugged device does: its
 *           lines' holders let go, its objects leave the bus; NoSuchDevice if there is none
 *   Plug(s chip)
 *           a chip taken away by Unplug comes back, with its simulated levels, as a
 *           hot-plugged device does: its objects return under the same paths, and
 *           configured outputs take their lines again; NoSuchDevice if none was unplugged
 */
static const sd_bus_vtable simulator_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_METHOD_WITH_ARGS("SetInput", SD_BUS_ARGS("s", line, "b", level), SD_BUS_NO_RESULT,
                                method_set_input, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("Bounce",
                                SD_BUS_ARGS("s", line, "b", final_level, "u", transitions, "t", span_us),
                                SD_BUS_NO_RESULT, method_bounce, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("Schedule", SD_BUS_ARGS("as", lines, "a(tbut)", bounces),
                                SD_BUS_RESULT("t", start_ns), method_schedule, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("Connect", SD_BUS_ARGS("s", output_line, "s", input_line), SD_BUS_NO_RESULT,
                                method_connect, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("Disconnect", SD_BUS_ARGS("s", output_line, "s", input_line),
                                SD_BUS_NO_RESULT, method_disconnect, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("SetDeviceNak", SD_BUS_ARGS("u", bus, "q", address, "b", nak),
                                SD_BUS_NO_RESULT, method_set_device_nak, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("SetDeviceRaw", SD_BUS_ARGS("u", bus, "q", address, "s", quantity, "u", raw),
                                SD_BUS_NO_RESULT, method_set_device_raw, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("SetDeviceBusy", SD_BUS_ARGS("u", bus, "q", address, "u", polls),
                                SD_BUS_NO_RESULT, method_set_device_busy, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("GetDeviceConversions", SD_BUS_ARGS("u", bus, "q", address),
                                SD_BUS_RESULT("u", conversions), method_get_device_conversions,
                                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("SetAdapterFuncs", SD_BUS_ARGS("u", bus, "as", funcs), SD_BUS_NO_RESULT,
                                method_set_adapter_funcs, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("AddI2cDevice", SD_BUS_ARGS("u", bus, "q", address, "s", model),
                                SD_BUS_NO_RESULT, method_add_i2c_device, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("Unplug", SD_BUS_ARGS("s", chip), SD_BUS_NO_RESULT, method_unplug,
                                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("Plug", SD_BUS_ARGS("s", chip), SD_BUS_NO_RESULT, method_plug,
                                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_VTABLE_END,
};

int simulator_add_bus_objects(Service *s)
{
        return sd_bus_add_object_vtable(s->bus, NULL, PINBUS_OBJECT_ROOT, "io.pinbus1.Simulator",
                                        simulator_vtable, s);
}
