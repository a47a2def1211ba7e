/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Just enough JSON for pinbus-mqtt: a writer for the payloads it publishes,
 * and a reader for the flat command objects it accepts ({"key": value, ...}
 * with string, number, true/false/null values; nesting is refused).
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Writes s (UTF-8, not validated) to f as a quoted JSON string. */
void json_write_string(FILE *f, const char *s);

/* Writes x to f as the shortest decimal that reads back as the same double; "null" for NaN and
 * infinities, which JSON cannot carry. */
void json_write_number(FILE *f, double x);

typedef enum JsonType {
        JSON_STRING,
        JSON_NUMBER,
        JSON_BOOL,
        JSON_NULL,
} JsonType;

typedef struct JsonMember {
        char *key;
        JsonType type;
        char *string;  /* JSON_STRING */
        double number; /* JSON_NUMBER */
        bool boolean;  /* JSON_BOOL */
} JsonMember;

/* At most this many members in a parsed object. */
#define JSON_MEMBERS_MAX 16

typedef struct JsonObject {
        JsonMember members[JSON_MEMBERS_MAX];
        size_t n_members;
} JsonObject;

/*
 * Parses text[0..len) (need not be NUL-terminated) as one flat JSON object
 * into *ret. Strings may hold \" \\ \/ \b \f \n \r \t and \uXXXX escapes (a
 * \u0000 is refused). Returns 0, or -EINVAL with *ret_error a static message
 * (*ret is then empty), -E2BIG for more than JSON_MEMBERS_MAX members,
 * -ENOMEM. Free with json_object_done().
 */
int json_parse_object(const char *text, size_t len, JsonObject *ret, const char **ret_error);

/* Frees what o holds. */
void json_object_done(JsonObject *o);

/* The member called key, or NULL. */
const JsonMember *json_object_get(const JsonObject *o, const char *key);
