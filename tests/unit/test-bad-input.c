/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * The bad-input catalogue: configuration files and state files that are wrong in one way
 * each, and the error (configuration) or warning (state) each must give, at which line,
 * with which words. A table, so a new case is one line; each is its own loop test.
 * Every message is also checked to hold no raw control byte.
 */

#include <systemd/sd-event.h>

#include "config/config.h"
#include "config/state.h"
#include "test-util.h"
#include "util/strv.h"

typedef struct BadFile {
        const char *what;     /* the case, for the failure message */
        const char *text;     /* the file */
        size_t size;          /* its size if it holds NULs; 0: strlen(text) */
        unsigned line;        /* the line the message names */
        const char *fragment; /* words the message holds */
} BadFile;

#define T(what, text, line, fragment)         \
        {                                     \
                what, text, 0, line, fragment \
        }
#define B(what, text, line, fragment)                        \
        {                                                    \
                what, text, sizeof(text) - 1, line, fragment \
        }

static const char long_value[] =
        "[output a]\nline = GPIO1\ninitial = "
        "onnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn"
        "nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn"
        "nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn\n";

static const BadFile bad_configs[] = {
        /* Sections */
        T("unknown section type", "[thing x]\nline = GPIO1\n", 1, "unknown section type 'thing'"),
        T("output without a name", "[output]\nline = GPIO1\n", 1, "[output] needs a name"),
        T("button without a name", "[button]\nline = GPIO1\n", 1, "[button] needs a name"),
        T("sensor without a name", "[sensor]\nmodel = bme280\n", 1, "[sensor] needs a name"),
        T("space in a name", "[output a b]\nline = GPIO1\n", 1, "invalid output name 'a b'"),
        T("slash in a name", "[output a/b]\nline = GPIO1\n", 1, "invalid output name 'a/b'"),
        T("header without ]", "[output a\nline = GPIO1\n", 1, "section header without ']'"),
        T("text after ]", "[output a] x\nline = GPIO1\n", 1, "unexpected text after ']'"),
        T("comment inside header", "[output a ;x]\nline = GPIO1\n", 1,
          "';' after whitespace starts a comment"),
        T("comment inside header after a section", "[output a]\nline = GPIO1\n[output a ;x]\n", 3,
          "section header '[output a ;x]'"),
        T("empty header", "[]\nline = GPIO1\n", 1, "section header '[]' has no type"),
        T("space before the type", "[ output a]\nline = GPIO1\n", 1,
          "section header '[ output a]' has no type"),
        T("section name too long", "[output aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa]\n", 1,
          "section name is longer than 49"),
        T("duplicate output", "[output a]\nline = GPIO1\n[output a]\nline = GPIO2\n", 3,
          "duplicate name 'a'"),
        T("duplicate button", "[button a]\nline = GPIO1\n[button a]\nline = GPIO2\n", 3,
          "duplicate name 'a'"),
        T("duplicate sensor", "[sensor a]\nmodel = bme280\nbus = 1\n[sensor a]\nmodel = bme280\nbus = 2\n",
          4, "duplicate name 'a'"),
        T("BOM in the middle", "[output a]\n\xEF\xBB\xBF[output b]\n", 2, "syntax error"),
        /* Keys */
        T("key outside any section", "line = GPIO1\n", 1, "key 'line' is outside of any section"),
        T("line without =", "[output a]\nline GPIO1\n", 2, "syntax error"),
        T("bare word", "[output a]\nline = GPIO1\njunk\n", 3, "syntax error"),
        T("key without a value", "[output a]\nline =\n", 2, "'line' needs a value"),
        T("value only a comment", "[output a]\nline = GPIO1\ninitial = # nothing\n", 3,
          "'initial' needs a value"),
        T("key twice", "[output a]\nline = GPIO1\nline = GPIO2\n", 3, "'line' is given twice in [output a]"),
        T("indented continuation", "[output a]\nline = GPIO1\n  initial = on\n", 3,
          "an indented line continues"),
        T("indented after header", "[output a]\n  line = GPIO1\n", 2, "indented line"),
        T("key case matters", "[output a]\nline = GPIO1\nInitial = on\n", 3,
          "unknown key 'Initial' in [output a]"),
        T("unknown output key", "[output a]\nline = GPIO1\ncolour = red\n", 3, "unknown key 'colour'"),
        T("line too long", long_value, 3, "line is longer than 198 characters"),
        /* [output] values */
        T("bad initial", "[output a]\nline = GPIO1\ninitial = maybe\n", 3,
          "invalid value 'maybe' for 'initial'"),
        T("semicolon glued to a value", "[output a]\nline = GPIO1\ninitial = on;x\n", 3,
          "invalid value 'on;x'"),
        T("bad active-low", "[output a]\nline = GPIO1\nactive-low = 2\n", 3, "for 'active-low'"),
        T("bad restore", "[output a]\nline = GPIO1\nrestore = nope\n", 3, "for 'restore'"),
        T("bad drive", "[output a]\nline = GPIO1\ndrive = push\n", 3, "invalid value 'push' for 'drive'"),
        T("output without line", "[output a]\ninitial = on\n", 1, "[output a] has no 'line =' key"),
        T("line spec without chip", "[output a]\nline = :5\n", 2, "invalid line ':5'"),
        T("line spec without offset", "[output a]\nline = gpiochip0:\n", 2, "invalid line 'gpiochip0:'"),
        T("line used twice", "[output a]\nline = GPIO1\n[output b]\nline = GPIO1\n", 3,
          "line GPIO1 of [output b] is already used by [output a]"),
        /* [button] values */
        T("bad bias", "[button a]\nline = GPIO1\nbias = up\n", 3, "invalid value 'up' for 'bias'"),
        T("duration without unit", "[button a]\nline = GPIO1\ndebounce = 20\n", 3, "invalid duration '20'"),
        T("negative duration", "[button a]\nline = GPIO1\ndebounce = -1ms\n", 3, "invalid duration '-1ms'"),
        T("unknown unit", "[button a]\nline = GPIO1\ndebounce = 20ps\n", 3, "invalid duration '20ps'"),
        T("debounce too long", "[button a]\nline = GPIO1\ndebounce = 11s\n", 3,
          "'debounce' of 11s is too long"),
        T("hold-time too long", "[button a]\nline = GPIO1\nhold-time = 2h\n", 3,
          "'hold-time' of 2h is too long"),
        T("hold-repeat too short", "[button a]\nline = GPIO1\nhold-repeat = 5ms\n", 3, "is too short"),
        T("hold-repeat not a duration", "[button a]\nline = GPIO1\nhold-repeat = often\n", 3,
          "invalid duration 'often' for 'hold-repeat'"),
        T("hold-repeat yes with short hold",
          "[button a]\nline = GPIO1\nhold-repeat = yes\nhold-time = 1ms\n", 1, "hold-time is below 10 ms"),
        T("click-window too long", "[button a]\nline = GPIO1\nclick-window = 11s\n", 3,
          "'click-window' of 11s"),
        T("bad debouncer", "[button a]\nline = GPIO1\ndebouncer = hardware\n", 3,
          "invalid value 'hardware' for 'debouncer'"),
        T("button without line", "[button a]\nbias = pull-up\n", 1, "[button a] has no 'line =' key"),
        T("button on an output's line", "[output o]\nline = GPIO1\n[button a]\nline = GPIO1\n", 3,
          "is already used by [output o]"),
        T("unknown button key", "[button a]\nline = GPIO1\nrepeat = 1\n", 3,
          "unknown key 'repeat' in [button a]"),
        /* [sensor] values */
        T("unknown model", "[sensor s]\nmodel = bme208\nbus = 1\n", 2, "unknown sensor model 'bme208'"),
        T("bad bus", "[sensor s]\nmodel = bme280\nbus = x\n", 3, "for 'bus'"),
        T("bad bus path", "[sensor s]\nmodel = bme280\nbus = /dev/i2c-x\n", 3, "for 'bus'"),
        T("address too high", "[sensor s]\nmodel = bme280\nbus = 1\naddress = 0x80\n", 4,
          "invalid value '0x80' for 'address'"),
        T("address reserved", "[sensor s]\nmodel = bme280\nbus = 1\naddress = 2\n", 4, "for 'address'"),
        T("interval too short", "[sensor s]\nmodel = bme280\nbus = 1\ninterval = 50ms\n", 4,
          "'interval' of 50ms is out of range"),
        T("interval too long", "[sensor s]\nmodel = bme280\nbus = 1\ninterval = 25h\n", 4, "out of range"),
        T("sensor without bus", "[sensor s]\nmodel = bme280\n", 1, "[sensor s] has no 'bus =' key"),
        T("sensor without model", "[sensor s]\nbus = 1\n", 1, "[sensor s] has no 'model ='"),
        T("two sensors at one address",
          "[sensor a]\nmodel = bme280\nbus = 1\naddress = 0x76\n"
          "[sensor b]\nmodel = bme280\nbus = 1\naddress = 0x76\n",
          5, "like [sensor a]"),
        T("tab in a model option (found by fuzz-config)",
          "[sensor s]\nmodel = ads1115\nbus = 1\nchannel = 9\t4\n", 4, "9\\t4"),
        T("option the model lacks", "[sensor s]\nmodel = bme280\nbus = 1\ngain = 4.096\n", 4, "gain"),
        /* Bytes that are not text */
        B("NUL mid-line", "[output a]\nline = GP\0IO1\n", 2, "NUL byte (\\x00) at column 10"),
        B("NUL-led line", "[output a]\n\0line = GPIO1\n", 2, "NUL byte (\\x00) at column 1"),
        B("NUL after a value", "[output a]\nline = GPIO1\ninitial = on\0\n", 3, "NUL byte"),
        B("NUL in a header", "[out\0put a]\nline = GPIO1\n", 1, "NUL byte"),
        B("only NULs", "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 1, "NUL byte"),
        T("CR in a section name", "[output a\rb]\nline = GPIO1\n", 1, "control character \\r at column 10"),
        T("CR inside a value", "[output a]\nline = GPIO1\rX\n", 2, "control character \\r"),
        T("ESC in a section name", "[output \x1b[31ma]\nline = GPIO1\n", 1, "control character \\x1b"),
        T("ESC in a value", "[output a]\nline = GPIO\x1b[2J1\n", 2, "control character \\x1b"),
        T("DEL", "[output a]\nline = GPIO1\x7f\n", 2, "control character \\x7f"),
        T("form feed", "[output a]\n\fline = GPIO1\n", 2, "control character \\x0c"),
        T("vertical tab", "[output a]\nline =\v GPIO1\n", 2, "control character \\x0b"),
        T("backspace", "[output a]\nline = GPIO1\b\b\b\bGPIO2\n", 2, "control character \\x08"),
        T("bell in a key", "[output a]\nli\ane = GPIO1\n", 2, "control character \\x07"),
        T("unit separator", "[output a]\nline = GPIO1\ninitial = o\x1fn\n", 3, "control character \\x1f"),
        T("CR alone as line end", "[output a]\rline = GPIO1\n", 1, "control character \\r"),
};

static const BadFile bad_states[] = {
        T("not a boolean", "[output a]\nvalue = maybe\n", 2, "invalid value 'maybe' for [output a]"),
        T("empty value", "[output a]\nvalue =\n", 2, "invalid value '' for [output a]"),
        T("a number", "[output a]\nvalue = 2\n", 2, "invalid value '2'"),
        T("no =", "[output a]\nvalue\n", 2, "malformed line"),
        T("header without ]", "[output a\nvalue = on\n", 1, "malformed line"),
        B("NUL after the value", "[output a]\nvalue = on\0\n", 2, "NUL byte"),
        B("NUL-led line", "[output a]\n\0value = on\n", 2, "NUL byte"),
        B("NUL in a header", "[output \0a]\nvalue = on\n", 1, "NUL byte"),
        B("only NULs", "\0\0\0\0\0\0\0\0", 1, "NUL byte"),
        T("CR in a header", "[output a\rb]\nvalue = on\n", 1, "control character \\r"),
        T("CR inside a value", "[output a]\nvalue = o\rn\n", 2, "control character \\r"),
        T("ESC in a header", "[output \x1b[31ma]\nvalue = on\n", 1, "control character \\x1b"),
        T("ESC in a value", "[output a]\nvalue = on\x1b[0m\n", 2, "control character \\x1b"),
        T("DEL", "[output a]\nvalue = on\x7f\n", 2, "control character \\x7f"),
        T("form feed", "[output a]\n\fvalue = on\n", 2, "control character \\x0c"),
        T("second value bad", "[output a]\nvalue = on\n[output b]\nvalue = yes please\n", 4,
          "invalid value 'yes please' for [output b]"),
        T("long line",
          "[output a]\nvalue = onnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn"
          "nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn"
          "nnnnnn"
          "nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn\n",
          2, "line is longer than 198"),
};

static char *tmpdir;

static void setup(void)
{
        tmpdir = t_mkdtemp();
}

static void teardown(void)
{
        t_run_deferred();
        t_rm_rf(tmpdir);
        free(tmpdir);
        tmpdir = NULL;
}

static void write_bytes(const char *path, const BadFile *b)
{
        size_t n = b->size ? b->size : strlen(b->text);
        FILE *f = fopen(path, "we");

        ck_assert_ptr_nonnull(f);
        ck_assert_uint_eq(fwrite(b->text, 1, n, f), n);
        ck_assert_int_eq(fclose(f), 0);
}

static void check_escaped(const char *what, char *const *messages)
{
        for (char *const *m = messages; m && *m; m++)
                for (const char *c = *m; *c; c++)
                        ck_assert_msg((unsigned char)*c >= 0x20 && *c != 0x7f, "%s: raw control byte in: %s",
                                      what, *m);
}

/* Whether a message starts with "<path>:<line>: " and holds fragment; prints them all if not. */
static void expect_message(const char *what, char *const *messages, const char *path, unsigned line,
                           const char *fragment)
{
        char *prefix = t_fmt("%s:%u: ", path, line);

        for (char *const *m = messages; m && *m; m++)
                if (strncmp(*m, prefix, strlen(prefix)) == 0 && strstr(*m + strlen(prefix), fragment))
                        return;
        fprintf(stderr, "%s: expected \"%s...%s\", got:\n", what, prefix, fragment);
        for (char *const *m = messages; m && *m; m++)
                fprintf(stderr, "    %s\n", *m);
        ck_abort_msg("%s: no message at line %u with \"%s\"", what, line, fragment);
}

static void strv_free_void(void *p)
{
        strv_free(p);
}

START_TEST(test_bad_config)
{
        const BadFile *b = &bad_configs[_i];
        char *path = t_fmt("%s/pinbus.conf", tmpdir);
        Config *c = NULL;
        char **errors = NULL;
        int r;

        write_bytes(path, b);
        r = config_load(path, true, &c, &errors);
        if (errors)
                t_defer(strv_free_void, errors);
        ck_assert_msg(r == -EINVAL, "%s: config_load() returned %d, not -EINVAL", b->what, r);
        ck_assert_ptr_null(c);
        check_escaped(b->what, errors);
        expect_message(b->what, errors, path, b->line, b->fragment);
}
END_TEST

START_TEST(test_bad_state)
{
        const BadFile *b = &bad_states[_i];
        char *path = t_fmt("%s/outputs", tmpdir);
        StateStore *s = NULL;
        sd_event *event = NULL;
        bool v;

        write_bytes(path, b);
        ck_assert_int_ge(sd_event_new(&event), 0);
        ck_assert_int_eq(state_store_new(event, tmpdir, &s), 0);
        check_escaped(b->what, state_store_get_warnings(s));
        expect_message(b->what, state_store_get_warnings(s), path, b->line, b->fragment);
        /* A bad entry is not invented: "b" only ever appears with a bad value. */
        ck_assert_int_eq(state_store_get_output(s, "b", &v), -ENOENT);
        state_store_free(s);
        sd_event_unref(event);
}
END_TEST

static Suite *bad_input_suite(void)
{
        Suite *s = suite_create("bad-input");
        TCase *tc;

        tc = tcase_create("config");
        tcase_add_checked_fixture(tc, setup, teardown);
        tcase_add_loop_test(tc, test_bad_config, 0, (int)ELEMENTSOF_T(bad_configs));
        suite_add_tcase(s, tc);

        tc = tcase_create("state");
        tcase_add_checked_fixture(tc, setup, teardown);
        tcase_add_loop_test(tc, test_bad_state, 0, (int)ELEMENTSOF_T(bad_states));
        suite_add_tcase(s, tc);

        return s;
}

int main(void)
{
        fprintf(stderr, "bad-input: %zu configuration files, %zu state files\n", ELEMENTSOF_T(bad_configs),
                ELEMENTSOF_T(bad_states));
        return t_run_suite(bad_input_suite());
}
