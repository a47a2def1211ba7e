/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The programs' log (pinbusd's, and pinbus-mqtt's, which builds this file too):
 * one line per message on stderr. Under systemd (when JOURNAL_STREAM names our
 * stderr) each line carries a "<N>" syslog priority prefix so the journal
 * records the level; otherwise lines start with the program's name, "pinbusd: ".
 */

#include <syslog.h>

#include "util/macro.h"

/* The name lines start with outside the journal ("pinbusd" unless set); name is borrowed
 * and must stay valid. */
void log_set_ident(const char *name);

/* Messages above this priority (LOG_INFO by default, LOG_DEBUG with --verbose) are dropped. */
void log_set_max_level(int level);

/* Logs and returns error (a negative errno, passed through for "return log_...(r, ...)"). */
int log_internal(int level, int error, const char *format, ...) _printf_(3, 4);

#define log_debug(...)                log_internal(LOG_DEBUG, 0, __VA_ARGS__)
#define log_info(...)                 log_internal(LOG_INFO, 0, __VA_ARGS__)
#define log_notice(...)               log_internal(LOG_NOTICE, 0, __VA_ARGS__)
#define log_warning(...)              log_internal(LOG_WARNING, 0, __VA_ARGS__)
#define log_error(...)                log_internal(LOG_ERR, 0, __VA_ARGS__)
#define log_warning_errno(error, ...) log_internal(LOG_WARNING, (error), __VA_ARGS__)
#define log_error_errno(error, ...)   log_internal(LOG_ERR, (error), __VA_ARGS__)
