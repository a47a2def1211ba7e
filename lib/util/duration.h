/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdint.h>

/*
 * Parses a duration as the config file spells it: a decimal number followed
 * by a unit, "us" (also "µs"), "ms", "s" (or "sec"), "min" or "h", with optional blanks
 * between ("20ms", "1.5 s", "500us", "2min"). A bare "0" is zero. Fractions
 * finer than 1 µs are refused. On success stores microseconds in *ret_us and
 * returns 0. Errors: -EINVAL (not a duration, or a unit missing), -ERANGE
 * (above 2^63 ns).
 */
int pb_parse_duration_us(const char *s, uint64_t *ret_us);
