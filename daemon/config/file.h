/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * What the configuration and state readers share: reading a whole file that must be a
 * regular one (a FIFO, a device or a directory is refused at once rather than waited on
 * or read forever), finding bytes that are not text, and escaping what a message echoes.
 */

#include <stddef.h>

/* Largest configuration file read, in bytes. */
#define CONFIG_FILE_MAX (1024 * 1024)

/*
 * Reads the whole of path, which must be a regular file (symlinks are followed) of at most
 * max bytes, into *ret_data (NUL-terminated, owned by the caller; the file itself may hold
 * NULs, so *ret_size is its length). Opens with O_NONBLOCK and O_NOCTTY and checks the
 * type with fstat() before reading, so nothing blocks. On failure returns a negative errno
 * (-ENOENT and the others of open(), -EISDIR, -EINVAL for another kind of file, -EFBIG,
 * -ENOMEM) and sets *ret_error to "<path>: <reason>" (escaped, owned by the caller) unless
 * it is -ENOMEM.
 */
int config_read_file(const char *path, size_t max, char **ret_data, size_t *ret_size, char **ret_error);

/*
 * The first byte of the n bytes at s that is not text: a NUL or a control byte other than
 * tab, with a carriage return allowed as the last byte (CRLF line ends). NULL if none.
 * s is a line without its '\n'.
 */
const char *config_find_control(const char *s, size_t n);

/*
 * A copy of the n bytes at s with every control byte (below 0x20, and 0x7f) written as a
 * C escape (\r, \t, \n, \x1b, \x00), so that a message echoing
 * file contents cannot move the cursor or overprint. NULL on allocation failure.
 */
char *config_escape_n(const char *s, size_t n);

/* config_escape_n() of a NUL-terminated string. */
char *config_escape(const char *s);

/*
 * If the line of n bytes at s (without its '\n') holds a byte that is not text (as
 * config_find_control()), returns a message naming it and its column, e.g. "NUL byte at
 * column 3 in \"ab\\x00c\"" or "control character \\x1b at column 9 in ...", with the line
 * (its first 60 bytes) escaped; *ret is NULL if the line is text. Returns 0 or -ENOMEM.
 */
int config_check_text(const char *s, size_t n, char **ret);
