/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Line specs, as clients and the config write them: a line name ("GPIO17"),
 * or "<chip>:<offset>" where <chip> is a kernel name ("gpiochip0") or a label
 * ("pinctrl-bcm2711") and <offset> a decimal line offset. Parsing is purely
 * syntactic; resolving a spec against the chips present is the caller's job,
 * which should try the whole spec as a line name first (names may contain ':').
 */

#include <stdint.h>

typedef enum PbLineSpecKind {
        PB_LINE_SPEC_NAME,
        PB_LINE_SPEC_CHIP_OFFSET,
} PbLineSpecKind;

typedef struct PbLineSpec {
        PbLineSpecKind kind;
        char *name;      /* PB_LINE_SPEC_NAME: the line name; owned */
        char *chip;      /* PB_LINE_SPEC_CHIP_OFFSET: chip name or label; owned */
        unsigned offset; /* PB_LINE_SPEC_CHIP_OFFSET */
} PbLineSpec;

/*
 * Parses spec into *ret, split at the last ':'. Returns 0; -EINVAL with
 * *ret_reason (if non-NULL) set to a static phrase completing "line spec
 * '<spec>' ..." ("is empty", "has no chip before ':'", "has no offset after
 * ':'", "has an offset that is not a decimal number", "has an offset out of
 * range"); -ENOMEM. On success free the strings with pb_line_spec_done().
 */
int pb_line_spec_parse(const char *spec, PbLineSpec *ret, const char **ret_reason);

/* Frees the strings of a parsed spec and resets it; safe on a zeroed spec. */
void pb_line_spec_done(PbLineSpec *spec);
