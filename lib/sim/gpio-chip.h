/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The simulator backend: a PbChip with no hardware behind it that behaves like
 * the kernel's gpio-sim driven through the GPIO character device.
 *
 * Model, per line:
 *  - pull: the level the outside world puts on the pin. pb_sim_chip_set_input()
 *    sets it (as writing gpio-sim's sim_gpioN/pull does); so does requesting
 *    the line with bias pull-up or pull-down. Initially low, as on gpio-sim.
 *  - the pin level: an input, or a line nobody holds, reads the pull; a
 *    push-pull output drives its value; an open-drain output driving high and
 *    an open-source output driving low float and read the pull.
 *  - values seen through a request are logical: pin level XOR active-low.
 *  - edge events carry CLOCK_MONOTONIC timestamps and a per-line seqno that
 *    counts every edge, so a full queue (PB_EVENT_BUFFER_SIZE, oldest dropped)
 *    shows up as a seqno gap.
 *  - a debounce period works as the kernel's software debounce does: a change
 *    counts once the level has been stable for the period, and its event is
 *    stamped at that moment; reads return the debounced value.
 *  - line info, and info events on request, release and reconfigure, as the
 *    kernel reports them; the direction of a released line is kept.
 * Simulated transitions (bounces, debounce expiries) are stamped with the time
 * they were scheduled for, not the time they were processed, so results do not
 * depend on how promptly the caller services the chip fd — but they only
 * happen when it does: watch pb_chip_get_fd() and call
 * pb_chip_read_info_events() when it is readable.
 */

#include "gpio/chip.h"

/* Limits of pb_sim_chip_bounce(). */
#define PB_SIM_BOUNCE_TRANSITIONS_MAX 1000000U
#define PB_SIM_BOUNCE_SPAN_US_MAX     (60 * USEC_PER_SEC)

/*
 * Creates a simulated chip with the given kernel name, label and num_lines
 * lines named line_names[0..num_lines-1] (NULL or "" for an unnamed line;
 * line_names itself may be NULL). Errors: -EINVAL, -ENOMEM, errnos from
 * epoll/eventfd/timerfd creation.
 */
int pb_sim_chip_new(const char *name, const char *label, const char *const *line_names, unsigned num_lines,
                    PbChip **ret);

/* Line names of a Raspberry Pi 4 Model B, offsets 0-57, as Raspberry Pi OS's device tree
 * gives them (tests/vm/guest-setup.sh gives a gpio-sim chip the same names). */
#define PB_SIM_RPI4_NUM_LINES 58
extern const char *const pb_sim_rpi4_line_names[PB_SIM_RPI4_NUM_LINES];

/* Creates the simulator's default chip: "gpiochip0", labelled "pinctrl-bcm2711",
 * with the 58 lines of a Raspberry Pi 4 named as its device tree names them. */
int pb_sim_chip_new_rpi4(PbChip **ret);

/* Whether chip is a simulated chip (the pb_sim_chip_* calls need one). */
bool pb_chip_is_simulated(const PbChip *chip);

/*
 * Sets the level the outside world puts on the line, cancelling a bounce or
 * schedule in progress (what was due before now happens first). Errors:
 * -EOPNOTSUPP (not a simulated chip), -EINVAL (offset).
 */
int pb_sim_chip_set_input(PbChip *chip, unsigned offset, bool level);

/*
 * Makes the line bounce like a mechanical contact: starting now, the outside
 * level changes at least `transitions` times, evenly spread so that the k-th
 * of n changes happens at span_us * k / n, and the last one lands on
 * final_level (one change is added when the parity would not). transitions=0
 * is a clean change to final_level after span_us. Cancels a bounce or schedule
 * in progress (what was due before now happens first). Errors: -EOPNOTSUPP,
 * -EINVAL (offset), -ERANGE (transitions above PB_SIM_BOUNCE_TRANSITIONS_MAX or
 * span_us above PB_SIM_BOUNCE_SPAN_US_MAX).
 */
int pb_sim_chip_bounce(PbChip *chip, unsigned offset, bool final_level, unsigned transitions,
                       uint64_t span_us);

/*
 * As pb_sim_chip_bounce(), but the bounce starts at start_ns (CLOCK_MONOTONIC)
 * instead of now: two lines given the same start bounce at exactly the same
 * times. A start in the past makes the changes already due happen, with their
 * scheduled timestamps, the next time the chip is serviced.
 */
int pb_sim_chip_bounce_at(PbChip *chip, unsigned offset, bool final_level, unsigned transitions,
                          uint64_t span_us, uint64_t start_ns);

/* One bounce of a schedule: as pb_sim_chip_bounce(final_level, transitions, span_us),
 * starting at_us after the schedule's start. */
typedef struct PbSimBounce {
        uint64_t at_us;
        bool final_level;
        unsigned transitions;
        uint64_t span_us;
} PbSimBounce;

/* Limits of pb_sim_chip_schedule(): bounces in one schedule, and how far it may reach. */
#define PB_SIM_SCHEDULE_MAX    256U
#define PB_SIM_SCHEDULE_US_MAX (600 * USEC_PER_SEC)

/*
 * Gives the line a whole script of bounces at exact times: bounces[i] starts at
 * start_ns + bounces[i].at_us (CLOCK_MONOTONIC) and runs as pb_sim_chip_bounce()
 * would, its parity taken from the level the one before it left. A script
 * makes a test independent of how fast its caller runs: a double click, a hold
 * or a bounce on two lines at once happen at the times written, and their
 * edges carry those times, however late the chip is serviced. Cancels a bounce
 * or schedule in progress, after running what was due before now; n = 0 just
 * cancels. bounces is copied. Errors: -EOPNOTSUPP, -EINVAL (offset; bounces
 * out of order or overlapping: each must start at or after the end of the one
 * before), -ERANGE (more than PB_SIM_SCHEDULE_MAX bounces, a bounce above the
 * limits of pb_sim_chip_bounce(), or one ending after PB_SIM_SCHEDULE_US_MAX),
 * -ENOMEM.
 */
int pb_sim_chip_schedule(PbChip *chip, unsigned offset, const PbSimBounce *bounces, size_t n,
                         uint64_t start_ns);

/* Reads the physical level on the pin, as gpio-sim's sim_gpioN/value shows it. */
int pb_sim_chip_get_level(PbChip *chip, unsigned offset, bool *ret);

/*
 * Whether requests and reconfigurations with a debounce period succeed (the
 * default) or fail with -EOPNOTSUPP, as on a chip that can debounce neither in
 * hardware nor in software. Lets callers test their fallback. Errors:
 * -EOPNOTSUPP (not a simulated chip).
 */
int pb_sim_chip_set_debounce_supported(PbChip *chip, bool supported);

/*
 * Wires line `output` to line `input` of the same chip, as the loopback wire of
 * a bench test does: from now on the outside level of input (what
 * pb_sim_chip_set_input() sets) follows the pin level of output — at once, and
 * at every change, with the timestamp of the change, so input's edges,
 * debounce and reads behave as if a wire carried it. A wire beats a bias: a
 * pull-up or pull-down requested on input does not change what it reads.
 * Whatever sets output's pin level drives the wire: an output's value, or,
 * while output drives nothing, its own outside level (SetInput, bounces).
 * SetInput or a bounce on input still changes it, until output's level next
 * changes. An output may drive many inputs; an input follows one output.
 * Connecting the same pair again does nothing. Errors: -EOPNOTSUPP (not a
 * simulated chip), -EINVAL (an offset, or output == input), -EBUSY (input is
 * wired to another line), -ELOOP (output already follows input).
 */
int pb_sim_chip_connect(PbChip *chip, unsigned output, unsigned input);

/*
 * Takes the wire from output to input away; input keeps the level it last had
 * until something else sets it. Errors: -EOPNOTSUPP, -EINVAL (an offset),
 * -ENOENT (no such wire).
 */
int pb_sim_chip_disconnect(PbChip *chip, unsigned output, unsigned input);

/* The line that input is wired to (pb_sim_chip_connect()), in *ret_output.
 * Errors: -EOPNOTSUPP, -EINVAL, -ENOENT (input is not wired). */
int pb_sim_chip_get_wire(PbChip *chip, unsigned input, unsigned *ret_output);
