/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* NULL-terminated string arrays ("strv"), as systemd calls them. strv_free() is in util/macro.h. */

#include <stddef.h>

#include "util/macro.h"

size_t strv_length(char *const *l);

/* Whether l (may be NULL) contains s. */
bool strv_contains(char *const *l, const char *s);

/* Appends value to *l, taking ownership of it (freed on failure). Returns 0 or -ENOMEM. */
int strv_consume(char ***l, char *value);

/* Appends a formatted string to *l. Returns 0 or -ENOMEM. */
int strv_extendf(char ***l, const char *format, ...) _printf_(2, 3);
