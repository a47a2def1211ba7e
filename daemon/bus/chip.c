/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include "bus/chip.h"
#include "bus/line.h"
#include "bus/object.h"
#include "core/chip.h"
#include "core/line.h"
#include "log.h"

int bus_chip_name(Service *s, Chip *c)
{
        char *path;
        int r;

        r = service_object_path(PINBUS_CHIP_PREFIX, chip_get_name(c), &path);
        if (r < 0)
                return r;
        chip_set_path(c, path);
        return bus_line_name_chip(s, c);
}

void bus_chips_changed(void *userdata)
{
        Service *s = userdata;

        if (s->serving)
                (void)sd_bus_emit_properties_changed(s->bus, PINBUS_OBJECT_ROOT, "io.pinbus1.Manager",
                                                     "Chips", NULL);
}

/* InterfacesAdded or InterfacesRemoved for the chip and its lines. */
static void announce(Service *s, Chip *c, bool added)
{
        int r = 0;

        if (added)
                r = sd_bus_emit_object_added(s->bus, chip_get_path(c));
        for (unsigned off = 0; off < chip_get_num_lines(c) && r >= 0; off++) {
                const char *path = line_get_path(chip_get_line(c, off));

                r = added ? sd_bus_emit_object_added(s->bus, path)
                          : sd_bus_emit_object_removed(s->bus, path);
        }
        if (!added && r >= 0)
                r = sd_bus_emit_object_removed(s->bus, chip_get_path(c));
        if (r < 0)
                log_warning("Chip %s: cannot announce that it %s: %s", chip_get_name(c),
                            added ? "appeared" : "went away", strerror(-r));
}

int bus_chip_added(void *userdata, Chip *c)
{
        Service *s = userdata;
        int r;

        r = bus_chip_name(s, c);
        if (r < 0)
                return r;
        if (s->serving)
                announce(s, c, true);
        return 0;
}

void bus_chip_removed(void *userdata, Chip *c)
{
        Service *s = userdata;

        if (!s->serving)
                return;
        announce(s, c, false);
}

BUS_DEFINE_PROPERTY_GET(property_get_name, "s", Chip, chip_get_name(o))

BUS_DEFINE_PROPERTY_GET(property_get_label, "s", Chip, strempty(chip_get_label(o)))

BUS_DEFINE_PROPERTY_GET(property_get_path, "s", Chip, strempty(pb_chip_get_path(chip_get_pb(o))))

BUS_DEFINE_PROPERTY_GET(property_get_num_lines, "u", Chip, chip_get_num_lines(o))

static int property_get_lines(sd_bus *bus, const char *path, const char *interface, const char *property,
                              sd_bus_message *reply, void *userdata, sd_bus_error *error)
{
        Chip *c = userdata;
        int r;

        r = sd_bus_message_open_container(reply, 'a', "o");
        if (r < 0)
                return r;
        for (unsigned i = 0; i < chip_get_num_lines(c); i++) {
                r = sd_bus_message_append(reply, "o", line_get_path(chip_get_line(c, i)));
                if (r < 0)
                        return r;
        }
        return sd_bus_message_close_container(reply);
}

/*
 * io.pinbus1.Chip — one GPIO chip.
 *   Name s      kernel name, e.g. "gpiochip0" (changes between kernels: prefer Label)
 *   Label s     label, e.g. "pinctrl-bcm2711"
 *   Path s      device node, e.g. "/dev/gpiochip0"; "" on the simulator
 *   NumLines u  number of lines
 *   Lines ao    the io.pinbus1.Line objects of its lines, by offset
 */
static const sd_bus_vtable chip_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_PROPERTY("Name", "s", property_get_name, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("Label", "s", property_get_label, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("Path", "s", property_get_path, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("NumLines", "u", property_get_num_lines, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("Lines", "ao", property_get_lines, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_VTABLE_END,
};

static void *chip_at(Daemon *d, size_t i)
{
        return i < d->n_chips ? d->chips[i] : NULL;
}

static const char *chip_path(const void *object)
{
        return chip_get_path(object);
}

static const BusObjectType chip_type = {
        .prefix = PINBUS_CHIP_PREFIX,
        .interface = "io.pinbus1.Chip",
        .vtable = chip_vtable,
        .at = chip_at,
        .get_path = chip_path,
};

int bus_chip_register(Service *s)
{
        return bus_object_type_register(s, &chip_type);
}
