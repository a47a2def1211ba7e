/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include "bus/button.h"
#include "bus/object.h"
#include "core/button.h"
#include "core/line.h"
#include "log.h"

#define BUTTON_INTERFACE "io.pinbus1.Button"

void bus_button_changed(void *userdata, Button *b, unsigned changes)
{
        /* By ButtonChange bit; the Line goes with its Debouncer. */
        static const char *const names[][2] = {
                { "Line", "Debouncer" },
                { "Pressed", NULL },
                { "Held", NULL },
                { "PressCount", NULL },
        };
        Service *s = userdata;
        const char *changed[2 * ELEMENTSOF(names) + 1];
        size_t n = 0;

        if (!s->serving || !button_get_path(b))
                return;
        for (size_t i = 0; i < ELEMENTSOF(names); i++)
                if (changes & (1u << i))
                        for (size_t j = 0; j < 2 && names[i][j]; j++)
                                changed[n++] = names[i][j];
        changed[n] = NULL;
        if (n > 0)
                (void)sd_bus_emit_properties_changed_strv(s->bus, button_get_path(b), BUTTON_INTERFACE,
                                                          (char **)changed);
}

void bus_button_event(void *userdata, Button *b, const ButtonEvent *e)
{
        Service *s = userdata;
        const char *path = button_get_path(b);
        int r;

        if (!s->serving || !path)
                return;
        switch (e->kind) {
        case BUTTON_EVENT_PRESSED:
                r = sd_bus_emit_signal(s->bus, path, BUTTON_INTERFACE, "Pressed", "t", e->timestamp_ns);
                break;
        case BUTTON_EVENT_RELEASED:
                r = sd_bus_emit_signal(s->bus, path, BUTTON_INTERFACE, "Released", "tt", e->timestamp_ns,
                                       e->duration_ns / NSEC_PER_USEC);
                break;
        case BUTTON_EVENT_HELD:
                r = sd_bus_emit_signal(s->bus, path, BUTTON_INTERFACE, "Held", "tu", e->timestamp_ns,
                                       e->count);
                break;
        case BUTTON_EVENT_CLICKED:
                r = sd_bus_emit_signal(s->bus, path, BUTTON_INTERFACE, "Clicked", "u", e->count);
                break;
        default:
                return;
        }
        if (r < 0)
                log_debug("Button %s: cannot emit a signal: %s", button_get_name(b), strerror(-r));
}

BUS_DEFINE_PROPERTY_GET(property_get_name, "s", Button, button_get_name(o))

static int property_get_line(sd_bus *bus, const char *path, const char *interface, const char *property,
                             sd_bus_message *reply, void *userdata, sd_bus_error *error)
{
        Line *l = button_get_line(userdata);

        return sd_bus_message_append(reply, "o", l ? line_get_path(l) : "/");
}

BUS_DEFINE_PROPERTY_GET(property_get_pressed, "b", Button, button_is_pressed(o))

BUS_DEFINE_PROPERTY_GET(property_get_held, "b", Button, button_is_held(o))

BUS_DEFINE_PROPERTY_GET(property_get_debouncer, "s", Button, debouncer_to_string(button_get_debouncer(o)))

BUS_DEFINE_PROPERTY_GET(property_get_hold_repeat, "b", Button, button_get_config(o)->hold_repeat_us > 0)

/* A "t" property read from the button's config (times in µs) or counters. */
#define BUTTON_PROPERTY_T(getter, expr)                                                               \
        static int getter(sd_bus *bus, const char *path, const char *interface, const char *property, \
                          sd_bus_message *reply, void *userdata, sd_bus_error *error)                 \
        {                                                                                             \
                const Button *b = userdata;                                                           \
                ButtonCounters c;                                                                     \
                                                                                                      \
                button_get_counters(b, &c);                                                           \
                return sd_bus_message_append(reply, "t", (uint64_t)(expr));                           \
        }

BUTTON_PROPERTY_T(property_get_debounce_us, button_get_config(b)->debounce_us)
BUTTON_PROPERTY_T(property_get_hold_time_us, button_get_config(b)->hold_time_us)
BUTTON_PROPERTY_T(property_get_hold_repeat_us, button_get_config(b)->hold_repeat_us)
BUTTON_PROPERTY_T(property_get_click_window_us, button_get_config(b)->click_window_us)
BUTTON_PROPERTY_T(property_get_press_count, c.presses)
BUTTON_PROPERTY_T(property_get_edges, c.edges)
BUTTON_PROPERTY_T(property_get_dropped_edges, c.dropped_edges)
BUTTON_PROPERTY_T(property_get_storms, c.storms)
BUTTON_PROPERTY_T(property_get_coalesced_presses, c.coalesced_presses)
BUTTON_PROPERTY_T(property_get_timer_wakeups, c.timer_wakeups)

/*
 * io.pinbus1.Button — a configured button ([button NAME] in the config). Times are
 * CLOCK_MONOTONIC; see lib/button/machine.h for the one meaning of every timestamp.
 *
 * Properties:
 *   Name s            the NAME of its section
 *   Line o            the io.pinbus1.Line it reads; "/" while that line is missing
 *   Pressed b         pressed: between a Pressed and its Released signal (emits change)
 *   Held b            held: between the first Held and the Released (emits change)
 *   PressCount t      presses the debouncer confirmed since the daemon started, coalesced ones
 *                     included (emits change with each Pressed signal)
 *   DebounceUs t      debounce period in µs; 0: none
 *   Debouncer s       where the debounce runs: "kernel" (the line is requested with the
 *                     period), "daemon" (the chip refused it, or debouncer=daemon), "none"
 *   HoldTimeUs t      time pressed before Held, µs; 0: never Held
 *   HoldRepeat b      Held repeats while pressed
 *   HoldRepeatUs t    interval of the repeats, µs; 0: none
 *   ClickWindowUs t   time after a click's release in which the next press continues the
 *                     sequence, µs; 0: every click is Clicked(1) at once
 * Counters (read them; no change signals, so a storm puts nothing on the bus):
 *   Edges t           edges the line reported (raw with the daemon's debounce, debounced
 *                     with the kernel's), including those lost
 *   DroppedEdges t    edges lost to a full kernel (or simulator) event buffer: seqno gaps
 *   Storms t          edge storms: seconds with more than 500 edges that followed a quiet one
 *   CoalescedPresses t presses over the rate limit (20 at once, 20/s) not signalled
 *   TimerWakeups t    times the button's timer fired; it runs only while debouncing, pressed
 *                     (with hold-time) or in a click window, so an idle button adds none
 *
 * Signals:
 *   Pressed(t timestamp_ns)             the press counted (debounce period after its last edge)
 *   Released(t timestamp_ns, t duration_us)
 *                                       the release counted; duration = release - press
 *   Held(t timestamp_ns, u repeat)      hold-time after Pressed (repeat 0), then every
 *                                       hold-repeat (1, 2, ...; a gap: the daemon was late)
 *   Clicked(u count)                    1 single, 2 double, ...: when the click window after
 *                                       the last release closes; a held press is no click
 */
static const sd_bus_vtable button_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_PROPERTY("Name", "s", property_get_name, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("Line", "o", property_get_line, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("Pressed", "b", property_get_pressed, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("Held", "b", property_get_held, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("PressCount", "t", property_get_press_count, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("DebounceUs", "t", property_get_debounce_us, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("Debouncer", "s", property_get_debouncer, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("HoldTimeUs", "t", property_get_hold_time_us, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("HoldRepeat", "b", property_get_hold_repeat, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("HoldRepeatUs", "t", property_get_hold_repeat_us, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("ClickWindowUs", "t", property_get_click_window_us, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("Edges", "t", property_get_edges, 0, 0),
        SD_BUS_PROPERTY("DroppedEdges", "t", property_get_dropped_edges, 0, 0),
        SD_BUS_PROPERTY("Storms", "t", property_get_storms, 0, 0),
        SD_BUS_PROPERTY("CoalescedPresses", "t", property_get_coalesced_presses, 0, 0),
        SD_BUS_PROPERTY("TimerWakeups", "t", property_get_timer_wakeups, 0, 0),
        SD_BUS_SIGNAL_WITH_ARGS("Pressed", SD_BUS_ARGS("t", timestamp_ns), 0),
        SD_BUS_SIGNAL_WITH_ARGS("Released", SD_BUS_ARGS("t", timestamp_ns, "t", duration_us), 0),
        SD_BUS_SIGNAL_WITH_ARGS("Held", SD_BUS_ARGS("t", timestamp_ns, "u", repeat), 0),
        SD_BUS_SIGNAL_WITH_ARGS("Clicked", SD_BUS_ARGS("u", count), 0),
        SD_BUS_VTABLE_END,
};

static void *button_at(Daemon *d, size_t i)
{
        return i < d->n_buttons ? d->buttons[i] : NULL;
}

static const char *button_path(const void *object)
{
        return button_get_path(object);
}

static const BusObjectType button_type = {
        .prefix = PINBUS_BUTTON_PREFIX,
        .interface = BUTTON_INTERFACE,
        .vtable = button_vtable,
        .at = button_at,
        .get_path = button_path,
};

int bus_button_register(Service *s)
{
        for (size_t i = 0; i < s->daemon->n_buttons; i++) {
                Button *b = s->daemon->buttons[i];
                char *path;
                int r;

                r = service_object_path(PINBUS_BUTTON_PREFIX, button_get_name(b), &path);
                if (r < 0)
                        return r;
                button_set_path(b, path);
        }
        return bus_object_type_register(s, &button_type);
}
