/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The GPIO backend interface. A PbChip is one GPIO chip; a PbRequest is one
 * line of it, requested with PbLineSettings. Two implementations sit behind
 * it: libgpiod v2 on a kernel GPIO character device (pb_gpiod_chip_open())
 * and the simulator (pb_sim_chip_new(), see sim/gpio-chip.h). Callers cannot tell
 * them apart.
 *
 * Nothing here blocks and nothing here logs. Both objects expose a file
 * descriptor for an event loop:
 *  - the chip fd becomes readable when line-info changes are pending (or, for
 *    the simulator, when simulated time has work to do); service it with
 *    pb_chip_read_info_events();
 *  - the request fd becomes readable when edge events are pending; drain it
 *    with pb_request_read_edge_events().
 * Every function returning int returns >= 0 on success or a negative errno.
 */

#include <stdbool.h>
#include <stddef.h>

#include "gpio/types.h"
#include "util/macro.h"

typedef struct PbChip PbChip;
typedef struct PbRequest PbRequest;

/* Edge events a request buffers before the oldest are dropped (seqnos then show a gap). */
#define PB_EVENT_BUFFER_SIZE 64

/*
 * Opens the GPIO character device at path ("/dev/gpiochip0") with libgpiod and
 * starts watching the info of all its lines. Errors: -ENOENT, -EACCES,
 * -ENODEV / -ENOTTY (not a GPIO chip), -ENOMEM, or -EOPNOTSUPP when pinbus was
 * built without libgpiod.
 */
int pb_gpiod_chip_open(const char *path, PbChip **ret);

/*
 * Lists the GPIO character devices in dir ("/dev"), ordered by chip number
 * (gpiochip2 before gpiochip10). *ret is a NULL-terminated array of paths,
 * owned by the caller (free with strv_free()). A missing dir yields an empty
 * list. Errors: -ENOMEM, other errnos from opendir().
 */
int pb_gpiod_list_chips(const char *dir, char ***ret);

/* Closes the chip. Requests made from it must have been released. Returns NULL. */
PbChip *pb_chip_close(PbChip *chip);
DEFINE_TRIVIAL_CLEANUP_FUNC(PbChip *, pb_chip_close)

/* Kernel name ("gpiochip0"), label ("pinctrl-bcm2711") and device path ("" for
 * the simulator); strings owned by the chip, valid until it is closed. */
const char *pb_chip_get_name(const PbChip *chip);
const char *pb_chip_get_label(const PbChip *chip);
const char *pb_chip_get_path(const PbChip *chip);
unsigned pb_chip_get_num_lines(const PbChip *chip);

/* Fills *ret with the current info of the line at offset. Errors: -EINVAL
 * (offset out of range), -ENODEV (chip gone), -EIO. */
int pb_chip_get_line_info(PbChip *chip, unsigned offset, PbLineInfo *ret);

/* The fd to watch for readability (see above); owned by the chip. */
int pb_chip_get_fd(const PbChip *chip);

/*
 * Reads up to n pending line-info change events into events without blocking
 * (the simulator first runs the simulated work that is due). Returns how many
 * were read (0 if none); -ENODEV once the chip has gone away.
 */
int pb_chip_read_info_events(PbChip *chip, PbInfoEvent *events, size_t n);

/*
 * Requests the line at offset with settings s for consumer (at most 31
 * bytes are kept). Errors: -EINVAL (offset out of range or settings that
 * pb_line_settings_validate() rejects), -EBUSY (the line is in use),
 * -ENODEV (chip gone), -ENOMEM, other errnos from the kernel.
 */
int pb_chip_request_line(PbChip *chip, unsigned offset, const PbLineSettings *s, const char *consumer,
                         PbRequest **ret);

/* Releases the line and frees the request. Returns NULL. */
PbRequest *pb_request_release(PbRequest *req);
DEFINE_TRIVIAL_CLEANUP_FUNC(PbRequest *, pb_request_release)

unsigned pb_request_get_offset(const PbRequest *req);

/* The settings the line was last requested or reconfigured with. */
const PbLineSettings *pb_request_get_settings(const PbRequest *req);

/* Reads the logical value (after active-low; debounced if a debounce period is set). */
int pb_request_get_value(PbRequest *req, bool *ret);

/* Drives the logical value of an output. Errors: -EPERM (line is an input), -ENODEV, -EIO. */
int pb_request_set_value(PbRequest *req, bool value);

/* Changes the settings of the requested line without releasing it. Errors as for
 * pb_chip_request_line(). */
int pb_request_reconfigure(PbRequest *req, const PbLineSettings *s);

/* The fd that becomes readable when edge events are pending; owned by the request. */
int pb_request_get_fd(const PbRequest *req);

/* Reads up to n pending edge events without blocking; returns how many (0 if none). */
int pb_request_read_edge_events(PbRequest *req, PbEdgeEvent *events, size_t n);
