/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* The configuration parser (daemon/config/config.h): config_load(), config_parse_file(), config_validate().
 */

#include <sys/stat.h>
#include <unistd.h>

#include "config/config.h"
#include "test-util.h"
#include "util/strv.h"

static char *tmpdir;

static void tmpdir_setup(void)
{
        tmpdir = t_mkdtemp();
}

static void tmpdir_teardown(void)
{
        t_run_deferred();
        t_rm_rf(tmpdir);
        free(tmpdir);
        tmpdir = NULL;
}

static void strv_free_void(void *p)
{
        strv_free(p);
}

static void config_free_void(void *p)
{
        config_free(p);
}

/* A path under the test's directory, freed at the end of the test. */
static char *tpath(const char *name)
{
        return t_fmt("%s/%s", tmpdir, name);
}

/* Writes a file under the test's directory; returns its path (freed at the end of the test). */
static char *write_conf(const char *name, const char *text)
{
        char *p = tpath(name);

        t_write_file(p, text);
        return p;
}

/* Errors freed at the end of the test. */
static char **track_errors(char **errors)
{
        return errors ? t_defer(strv_free_void, errors) : NULL;
}

static void make_dir(const char *name)
{
        ck_assert_int_eq(mkdir(tpath(name), 0755), 0);
}

static void print_errors(char **errors)
{
        for (char **e = errors; e && *e; e++)
                fprintf(stderr, "    %s\n", *e);
}

/*
 * Asserts that errors holds an error starting with "<path>:<line>: " that
 * contains every one of the NULL-terminated substrings.
 */
static void expect_error_v(char **errors, const char *path, unsigned line, va_list ap)
{
        const char *subs[8];
        size_t n = 0;
        char *prefix;
        const char *s;

        while ((s = va_arg(ap, const char *)) && n < ELEMENTSOF_T(subs))
                subs[n++] = s;
        prefix = t_fmt("%s:%u: ", path, line);

        for (char **e = errors; e && *e; e++) {
                bool all = strncmp(*e, prefix, strlen(prefix)) == 0;

                for (size_t i = 0; all && i < n; i++)
                        all = strstr(*e + strlen(prefix), subs[i]) != NULL;
                if (all)
                        return;
        }
        fprintf(stderr, "expected an error \"%s...\" containing:\n", prefix);
        for (size_t i = 0; i < n; i++)
                fprintf(stderr, "    %s\n", subs[i]);
        fprintf(stderr, "  got:\n");
        print_errors(errors);
        ck_abort_msg("missing error at %s:%u (see stderr)", path, line);
}

static void expect_error(char **errors, const char *path, unsigned line, ...)
{
        va_list ap;

        va_start(ap, line);
        expect_error_v(errors, path, line, ap);
        va_end(ap);
}

/* Every error is a "<file>:<line>: <message>" line. */
static void check_error_format(char **errors)
{
        for (char **e = errors; e && *e; e++) {
                const char *c = strstr(*e, ": ");

                ck_assert_msg(c, "no ': ' in error: %s", *e);
                ck_assert_msg(!strchr(*e, '\n'), "newline in error: %s", *e);
        }
}

/* Parses the one file text (written as name) and expects exactly one error, at line, containing the
 * substrings. */
static void check_single_error(const char *name, const char *text, unsigned line, ...)
{
        char *path = write_conf(name, text);
        Config *c = t_defer(config_free_void, config_new());
        char **errors = NULL;
        va_list ap;
        int r;

        ck_assert_ptr_nonnull(c);
        r = config_parse_file(c, path, &errors);
        track_errors(errors);
        ck_assert_int_eq(r, -EINVAL);
        if (strv_length(errors) != 1)
                print_errors(errors);
        ck_assert_uint_eq(strv_length(errors), 1);
        check_error_format(errors);
        va_start(ap, line);
        expect_error_v(errors, path, line, ap);
        va_end(ap);
}

/* Loads path with config_load(): expects failure and returns the errors. */
static char **load_errors(const char *path)
{
        Config *c = NULL;
        char **errors = NULL;
        int r;

        r = config_load(path, true, &c, &errors);
        track_errors(errors);
        ck_assert_int_eq(r, -EINVAL);
        ck_assert_ptr_null(c);
        ck_assert_ptr_nonnull(errors);
        check_error_format(errors);
        return errors;
}

/* Writes n bytes (NULs allowed) as a file under the test's directory; returns its path. */
static char *write_conf_n(const char *name, const char *text, size_t n)
{
        char *p = tpath(name);
        FILE *f = fopen(p, "we");

        ck_assert_ptr_nonnull(f);
        ck_assert_uint_eq(fwrite(text, 1, n, f), n);
        ck_assert_int_eq(fclose(f), 0);
        return p;
}

/* Parses the n bytes as one file; returns its errors (freed at the end of the test). */
static char **parse_errors_n(const char *text, size_t n, const char **ret_path)
{
        char *path = write_conf_n("bytes.conf", text, n);
        Config *c = t_defer(config_free_void, config_new());
        char **errors = NULL;

        ck_assert_int_eq(config_parse_file(c, path, &errors), -EINVAL);
        track_errors(errors);
        check_error_format(errors);
        *ret_path = path;
        return errors;
}

/* No error holds a raw control byte. */
static void check_errors_escaped(char **errors)
{
        for (char **e = errors; e && *e; e++)
                for (const char *c = *e; *c; c++)
                        ck_assert_msg((unsigned char)*c >= 0x20 && *c != 0x7f, "raw control byte in: %s",
                                      *e);
}

START_TEST(test_nul_mid_line)
{
        /* A NUL in the middle of line 2: an error there, not an over-long line, and line 3 is
         * still line 3 (its bad value is reported at 3). */
        static const char text[] = "[output a]\nline = GP\0IO27\ninitial = maybe\nrestore = yes\n";
        const char *path;
        char **errors = parse_errors_n(text, sizeof(text) - 1, &path);

        expect_error(errors, path, 2, "NUL byte", "column 10", NULL);
        expect_error(errors, path, 3, "maybe", NULL);
        ck_assert_uint_eq(strv_length(errors), 2);
        for (char **e = errors; *e; e++)
                ck_assert_msg(!strstr(*e, "longer than"), "%s", *e);
}
END_TEST

START_TEST(test_nul_led_line)
{
        static const char text[] = "[output a]\n\0line = GPIO27\n";
        const char *path;
        char **errors = parse_errors_n(text, sizeof(text) - 1, &path);

        expect_error(errors, path, 2, "NUL byte", "column 1", NULL);
        ck_assert_uint_eq(strv_length(errors), 1);
}
END_TEST

START_TEST(test_file_of_nuls)
{
        char text[4096] = {};
        const char *path;
        char **errors = parse_errors_n(text, sizeof(text), &path);

        expect_error(errors, path, 1, "NUL byte", NULL);
}
END_TEST

START_TEST(test_nul_at_end_of_value)
{
        static const char text[] = "[output a]\nline = GPIO27\ninitial = on\0\n";
        const char *path;
        char **errors = parse_errors_n(text, sizeof(text) - 1, &path);

        expect_error(errors, path, 3, "NUL byte", NULL);
        ck_assert_uint_eq(strv_length(errors), 1);
}
END_TEST

START_TEST(test_cr_in_section_name_is_escaped)
{
        static const char text[] = "[output a\rb]\nline = GPIO27\n";
        const char *path;
        char **errors = parse_errors_n(text, sizeof(text) - 1, &path);

        expect_error(errors, path, 1, "control character \\r", "[output a\\rb]", NULL);
        check_errors_escaped(errors);
        /* The section was refused: its keys are not checked, nor given to another section. */
        ck_assert_uint_eq(strv_length(errors), 1);
}
END_TEST

START_TEST(test_esc_in_section_name_is_escaped)
{
        static const char text[] = "[output x]\nline = GPIO26\n[output \x1b[31mred]\nline = GPIO27\n";
        const char *path;
        char **errors = parse_errors_n(text, sizeof(text) - 1, &path);

        expect_error(errors, path, 3, "control character \\x1b", NULL);
        check_errors_escaped(errors);
        /* line = GPIO27 does not land in [output x] as a second 'line'. */
        ck_assert_uint_eq(strv_length(errors), 1);
}
END_TEST

START_TEST(test_control_bytes_in_value)
{
        static const char text[] = "[output a]\nline = GPIO\x07"
                                   "27\ninitial = o\x7f"
                                   "n\nactive-low = no\rx\n";
        const char *path;
        char **errors = parse_errors_n(text, sizeof(text) - 1, &path);

        expect_error(errors, path, 2, "control character \\x07", NULL);
        expect_error(errors, path, 3, "control character \\x7f", NULL);
        expect_error(errors, path, 4, "control character \\r", NULL);
        ck_assert_uint_eq(strv_length(errors), 3);
        check_errors_escaped(errors);
}
END_TEST

START_TEST(test_tab_and_crlf_are_text)
{
        char *path = write_conf("pinbus.conf", "[output a]\r\nline\t=\tGPIO5\r\ninitial = on\t# x\r\n");
        Config *c = NULL;
        char **errors = NULL;

        ck_assert_int_eq(config_load(path, true, &c, &errors), 0);
        print_errors(errors);
        ck_assert_str_eq(c->outputs[0].line, "GPIO5");
        ck_assert(c->outputs[0].initial);
        config_free(c);
}
END_TEST

START_TEST(test_control_bytes_in_dropin_name_escaped)
{
        char *path = write_conf("pinbus.conf", "");
        char **errors;

        make_dir("pinbus.conf.d");
        write_conf("pinbus.conf.d/a\x1b[2Jb.conf", "[output a]\nline = GPIO5\nfoo = 1\n");
        errors = load_errors(path);
        check_errors_escaped(errors);
        ck_assert_msg(strstr(errors[0], "a\\x1b[2Jb.conf:3: unknown key 'foo'"), "%s", errors[0]);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* Good files */

static const char good_conf[] = "# pinbus configuration\n"                             /* 1 */
                                "; a comment in the other style\n"                     /* 2 */
                                "\n"                                                   /* 3 */
                                "[output porch]\n"                                     /* 4 */
                                "line = GPIO27          # line name, or chip:offset\n" /* 5 */
                                "initial = on           ; on at start\n"               /* 6 */
                                "active-low = no\n"                                    /* 7 */
                                "drive = open-drain\n"                                 /* 8 */
                                "restore = yes # keep it\n"                            /* 9 */
                                "\n"                                                   /* 10 */
                                "[output relay-1.b_X]\n"                               /* 11 */
                                "line=gpiochip0:17\n"                                  /* 12 */
                                "initial=FALSE\n"                                      /* 13 */
                                "active-low = True\t# tab before the comment\n"        /* 14 */
                                "drive = push-pull ; semicolon comment\n"              /* 15 */
                                "restore = 0\n";                                       /* 16 */

START_TEST(test_good_file)
{
        char *path = write_conf("pinbus.conf", good_conf);
        Config *c = NULL;
        char **errors = NULL;
        const OutputConfig *o;
        char *src;

        ck_assert_int_eq(config_load(path, true, &c, &errors), 0);
        print_errors(errors);
        ck_assert_ptr_null(errors);
        ck_assert_ptr_nonnull(c);
        ck_assert_uint_eq(c->n_outputs, 2);

        o = &c->outputs[0];
        ck_assert_str_eq(o->name, "porch");
        ck_assert_str_eq(o->line, "GPIO27");
        ck_assert(o->initial);
        ck_assert(!o->active_low);
        ck_assert_int_eq(o->drive, PB_DRIVE_OPEN_DRAIN);
        ck_assert(o->restore);
        src = t_fmt("%s:4", path);
        ck_assert_str_eq(o->source, src);

        o = &c->outputs[1];
        ck_assert_str_eq(o->name, "relay-1.b_X");
        ck_assert_str_eq(o->line, "gpiochip0:17");
        ck_assert(!o->initial);
        ck_assert(o->active_low);
        ck_assert_int_eq(o->drive, PB_DRIVE_PUSH_PULL);
        ck_assert(!o->restore);
        src = t_fmt("%s:11", path);
        ck_assert_str_eq(o->source, src);

        config_free(c);
}
END_TEST

START_TEST(test_boolean_spellings)
{
        static const struct {
                const char *text;
                bool value;
        } spellings[] = {
                { "yes", true },  { "no", false }, { "true", true }, { "false", false }, { "on", true },
                { "off", false }, { "1", true },   { "0", false },   { "YES", true },    { "Off", false },
                { "TRUE", true }, { "No", false }, { "oN", true },   { "fAlSe", false },
        };

        for (size_t i = 0; i < ELEMENTSOF_T(spellings); i++) {
                char *text, *path;
                Config *c = NULL;
                char **errors = NULL;

                ck_assert_int_ge(
                        asprintf(&text,
                                 "[output o]\nline = GPIO4\ninitial = %s\nactive-low = %s\nrestore = %s\n",
                                 spellings[i].text, spellings[i].text, spellings[i].text),
                        0);
                path = write_conf("bool.conf", text);
                ck_assert_msg(config_load(path, true, &c, &errors) == 0, "'%s' rejected", spellings[i].text);
                ck_assert_uint_eq(c->n_outputs, 1);
                ck_assert_msg(c->outputs[0].initial == spellings[i].value, "initial = %s",
                              spellings[i].text);
                ck_assert_msg(c->outputs[0].active_low == spellings[i].value, "active-low = %s",
                              spellings[i].text);
                ck_assert_msg(c->outputs[0].restore == spellings[i].value, "restore = %s",
                              spellings[i].text);
                config_free(c);
                free(text);
        }
}
END_TEST

START_TEST(test_defaults)
{
        char *path = write_conf("pinbus.conf", "[output led]\nline = GPIO17\n");
        Config *c = NULL;

        ck_assert_int_eq(config_load(path, true, &c, NULL), 0);
        ck_assert_uint_eq(c->n_outputs, 1);
        ck_assert_str_eq(c->outputs[0].line, "GPIO17");
        ck_assert(!c->outputs[0].initial);
        ck_assert(!c->outputs[0].active_low);
        ck_assert_int_eq(c->outputs[0].drive, PB_DRIVE_PUSH_PULL);
        ck_assert(!c->outputs[0].restore);
        config_free(c);
}
END_TEST

START_TEST(test_comment_chars_inside_values)
{
        /* '#' and ';' not preceded by whitespace are part of the value. */
        char *path = write_conf("pinbus.conf",
                                "[output a]\nline = LED#1\n\n[output b]\nline = LED;2 # real comment\n");
        Config *c = NULL;
        char **errors = NULL;

        ck_assert_int_eq(config_load(path, true, &c, &errors), 0);
        ck_assert_ptr_null(errors);
        ck_assert_uint_eq(c->n_outputs, 2);
        ck_assert_str_eq(c->outputs[0].line, "LED#1");
        ck_assert_str_eq(c->outputs[1].line, "LED;2");
        config_free(c);
}
END_TEST

START_TEST(test_line_names_with_spaces_and_colons)
{
        char *path = write_conf("pinbus.conf", "[output a]\nline = Status LED\n[output b]\nline = a:b:3\n");
        Config *c = NULL;

        ck_assert_int_eq(config_load(path, true, &c, NULL), 0);
        ck_assert_uint_eq(c->n_outputs, 2);
        ck_assert_str_eq(c->outputs[0].line, "Status LED");
        ck_assert_str_eq(c->outputs[1].line, "a:b:3");
        config_free(c);
}
END_TEST

START_TEST(test_empty_and_comment_only_files)
{
        char *empty = write_conf("empty.conf", "");
        char *comments = write_conf("comments.conf", "# nothing\n; here\n\n   \n");
        Config *c = NULL;
        char **errors = NULL;

        ck_assert_int_eq(config_load(empty, true, &c, &errors), 0);
        ck_assert_ptr_null(errors);
        ck_assert_uint_eq(c->n_outputs, 0);
        c = config_free(c);
        ck_assert_int_eq(config_load(comments, true, &c, &errors), 0);
        ck_assert_ptr_null(errors);
        ck_assert_uint_eq(c->n_outputs, 0);
        config_free(c);
}
END_TEST

START_TEST(test_crlf_and_bom)
{
        char *path = write_conf("pinbus.conf", "\xEF\xBB\xBF[output a]\r\nline = GPIO5\r\ninitial = on\r\n");
        Config *c = NULL;
        char **errors = NULL;

        ck_assert_int_eq(config_load(path, true, &c, &errors), 0);
        print_errors(errors);
        ck_assert_uint_eq(c->n_outputs, 1);
        ck_assert_str_eq(c->outputs[0].name, "a");
        ck_assert_str_eq(c->outputs[0].line, "GPIO5");
        ck_assert(c->outputs[0].initial);
        config_free(c);
}
END_TEST

START_TEST(test_line_of_198_chars_is_accepted)
{
        /* "line = " + 191 characters = 198 characters before the newline: the longest allowed. */
        char text[512], name[192];
        char *path;
        Config *c = NULL;
        char **errors = NULL;

        memset(name, 'n', 191);
        name[191] = '\0';
        snprintf(text, sizeof(text), "[output a]\nline = %s\n", name);
        path = write_conf("pinbus.conf", text);
        ck_assert_int_eq(config_load(path, true, &c, &errors), 0);
        print_errors(errors);
        ck_assert_uint_eq(c->n_outputs, 1);
        ck_assert_str_eq(c->outputs[0].line, name);
        config_free(c);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* Drop-ins and missing files */

START_TEST(test_dropins_in_name_order)
{
        char *main_path = write_conf("pinbus.conf", "[output main]\nline = GPIO2\n");
        char *b;
        Config *c = NULL;
        char **errors = NULL;
        char *src;

        make_dir("pinbus.conf.d");
        b = write_conf("pinbus.conf.d/20-b.conf", "\n[output b]\nline = GPIO4\n");
        (void)write_conf("pinbus.conf.d/10-a.conf", "[output a]\nline = GPIO3\n");
        (void)write_conf("pinbus.conf.d/9-c.conf", "[output c]\nline = GPIO5\n");
        (void)write_conf("pinbus.conf.d/README", "this is not INI at all\n");
        (void)write_conf("pinbus.conf.d/30-d.conf.disabled", "[output d]\nline = GPIO6\n");
        (void)write_conf("pinbus.conf.d/.hidden.conf", "[output e]\nline = GPIO7\n");

        ck_assert_int_eq(config_load(main_path, true, &c, &errors), 0);
        print_errors(errors);
        ck_assert_ptr_null(errors);
        ck_assert_uint_eq(c->n_outputs, 4);
        /* The main file first, then the drop-ins sorted by name ("10-a" < "20-b" < "9-c"). */
        ck_assert_str_eq(c->outputs[0].name, "main");
        ck_assert_str_eq(c->outputs[1].name, "a");
        ck_assert_str_eq(c->outputs[2].name, "b");
        ck_assert_str_eq(c->outputs[3].name, "c");
        src = t_fmt("%s:2", b);
        ck_assert_str_eq(c->outputs[2].source, src);
        ck_assert_ptr_null(config_find_output(c, "d"));
        ck_assert_ptr_null(config_find_output(c, "e"));

        config_free(c);
}
END_TEST

START_TEST(test_dropin_overrides_nothing_silently)
{
        /* A drop-in may not redefine an output of the main file. */
        char *main_path = write_conf("pinbus.conf", "[output porch]\nline = GPIO2\n");
        char *d, **errors, *src;

        make_dir("pinbus.conf.d");
        d = write_conf("pinbus.conf.d/50-x.conf", "# override\n[output porch]\nline = GPIO3\n");
        errors = load_errors(main_path);
        src = t_fmt("%s:1", main_path);
        expect_error(errors, d, 2, "duplicate", "porch", src, NULL);
        ck_assert_uint_eq(strv_length(errors), 1);
}
END_TEST

START_TEST(test_missing_not_required)
{
        char *path = tpath("missing.conf");
        Config *c = NULL;
        char **errors = (char **)1;

        ck_assert_int_eq(config_load(path, false, &c, &errors), 0);
        ck_assert_ptr_null(errors);
        ck_assert_ptr_nonnull(c);
        ck_assert_uint_eq(c->n_outputs, 0);
        config_free(c);
}
END_TEST

START_TEST(test_missing_not_required_with_dropins)
{
        char *path = tpath("missing.conf");
        Config *c = NULL;

        make_dir("missing.conf.d");
        (void)write_conf("missing.conf.d/a.conf", "[output x]\nline = GPIO9\n");
        ck_assert_int_eq(config_load(path, false, &c, NULL), 0);
        ck_assert_uint_eq(c->n_outputs, 1);
        ck_assert_str_eq(c->outputs[0].name, "x");
        config_free(c);
}
END_TEST

START_TEST(test_missing_required)
{
        char *path = tpath("missing.conf");
        Config *c = NULL;
        char **errors = NULL;
        int r;

        r = config_load(path, true, &c, &errors);
        ck_assert_int_eq(r, -ENOENT);
        ck_assert_ptr_null(c);
        ck_assert_ptr_nonnull(errors);
        ck_assert_uint_ge(strv_length(errors), 1);
        ck_assert_msg(strncmp(errors[0], path, strlen(path)) == 0 && errors[0][strlen(path)] == ':',
                      "error does not name the file: %s", errors[0]);
        strv_free(errors);

        /* ret_errors is optional. */
        ck_assert_int_lt(config_load(path, true, &c, NULL), 0);
        ck_assert_ptr_null(c);
}
END_TEST

START_TEST(test_main_path_is_directory)
{
        /* A directory is not a configuration file: refused, not read as an empty one. */
        char *path = tpath("pinbus.conf");
        Config *c = NULL;
        char **errors = NULL;
        int r;

        make_dir("pinbus.conf");
        r = config_load(path, true, &c, &errors);
        track_errors(errors);
        if (c)
                t_defer(config_free_void, c);
        ck_assert_int_lt(r, 0);
        ck_assert_ptr_null(c);
        ck_assert_uint_ge(strv_length(errors), 1);
        ck_assert_msg(strstr(errors[0], path), "%s", errors[0]);
}
END_TEST

START_TEST(test_fifo_is_refused)
{
        /* A FIFO is not read (it would block until a writer comes): a named error at once. */
        char *path = tpath("pinbus.conf");
        char **errors;

        ck_assert_int_eq(mkfifo(path, 0644), 0);
        errors = load_errors(path);
        ck_assert_msg(strstr(errors[0], path) && strstr(errors[0], "not a regular file") &&
                              strstr(errors[0], "FIFO"),
                      "%s", errors[0]);
}
END_TEST

START_TEST(test_fifo_in_dropin_dir_is_refused)
{
        char *path = write_conf("pinbus.conf", "[output porch]\nline = GPIO27\n");
        char *fifo;
        char **errors;

        make_dir("pinbus.conf.d");
        fifo = tpath("pinbus.conf.d/10-fifo.conf");
        ck_assert_int_eq(mkfifo(fifo, 0644), 0);
        errors = load_errors(path);
        ck_assert_uint_eq(strv_length(errors), 1);
        ck_assert_msg(strstr(errors[0], fifo) && strstr(errors[0], "not a regular file"), "%s", errors[0]);
}
END_TEST

START_TEST(test_symlink_to_dev_zero_is_refused)
{
        char *path = tpath("pinbus.conf");
        char **errors;

        ck_assert_int_eq(symlink("/dev/zero", path), 0);
        errors = load_errors(path);
        ck_assert_msg(strstr(errors[0], path) && strstr(errors[0], "not a regular file") &&
                              strstr(errors[0], "character device"),
                      "%s", errors[0]);
}
END_TEST

START_TEST(test_directory_in_dropin_dir_is_refused)
{
        char *path = write_conf("pinbus.conf", "[output porch]\nline = GPIO27\n");
        char **errors;

        make_dir("pinbus.conf.d");
        make_dir("pinbus.conf.d/10-dir.conf");
        errors = load_errors(path);
        ck_assert_uint_eq(strv_length(errors), 1);
        ck_assert_msg(strstr(errors[0], "10-dir.conf") && strstr(errors[0], "directory"), "%s", errors[0]);
}
END_TEST

START_TEST(test_symlink_to_regular_file_is_read)
{
        char *target = write_conf("real.conf", "[output porch]\nline = GPIO27\n");
        char *path = tpath("pinbus.conf");
        Config *c = NULL;
        char **errors = NULL;

        ck_assert_int_eq(symlink(target, path), 0);
        ck_assert_int_eq(config_load(path, true, &c, &errors), 0);
        ck_assert_ptr_null(errors);
        ck_assert_uint_eq(c->n_outputs, 1);
        config_free(c);
}
END_TEST

START_TEST(test_parse_file_missing)
{
        char *path = tpath("missing.conf");
        Config *c = config_new();
        char **errors = NULL;

        ck_assert_int_eq(config_parse_file(c, path, &errors), -ENOENT);
        ck_assert_uint_eq(strv_length(errors), 1);
        ck_assert_msg(strstr(errors[0], path), "%s", errors[0]);
        strv_free(errors);
        config_free(c);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* Bad files: each error names file, line and the key or section at fault */

START_TEST(test_syntax_error)
{
        check_single_error("a.conf", "[output a]\nline = GPIO17\nthis is not a key\n", 3, "syntax error",
                           NULL);
}
END_TEST

START_TEST(test_syntax_error_first_line)
{
        check_single_error("a.conf", "garbage\n[output a]\nline = GPIO1\n", 1, "syntax error", NULL);
}
END_TEST

START_TEST(test_syntax_error_after_sections)
{
        /* Three section headers before it: the marker lines must not shift the line number. */
        check_single_error("a.conf",
                           "[output a]\n"     /* 1 */
                           "line = GPIO1\n"   /* 2 */
                           "\n"               /* 3 */
                           "[output b]\n"     /* 4 */
                           "line = GPIO2\n"   /* 5 */
                           "[output c]\n"     /* 6 */
                           "# comment\n"      /* 7 */
                           "line = GPIO3\n"   /* 8 */
                           "no equals sign\n" /* 9 */
                           "initial = on\n",  /* 10 */
                           9, "syntax error", NULL);
}
END_TEST

START_TEST(test_syntax_error_after_empty_section)
{
        check_single_error("a.conf", "[output a]\n[output b]\n[output c]\nbad line\n", 4, "syntax error",
                           NULL);
}
END_TEST

START_TEST(test_syntax_error_unterminated_section)
{
        /* The broken header ends [output a]; its keys are not checked, so no second error. */
        char *path = write_conf("a.conf", "[output a]\nline = GPIO1\n[output b\nline = GPIO2\n");
        char **errors = load_errors(path);

        expect_error(errors, path, 3, "section header without ']'", NULL);
        ck_assert_uint_eq(strv_length(errors), 1);
}
END_TEST

START_TEST(test_syntax_error_after_long_line)
{
        char text[1024], longc[300];
        char *path;
        char **errors;

        memset(longc, 'x', 250);
        longc[250] = '\0';
        snprintf(text, sizeof(text), "[output a]\nline = GPIO1\n# %s\n[output b]\nline = GPIO2\nbroken\n",
                 longc);
        path = write_conf("a.conf", text);
        errors = load_errors(path);
        expect_error(errors, path, 3, "longer than 198", NULL);
        expect_error(errors, path, 6, "syntax error", NULL);
        ck_assert_uint_eq(strv_length(errors), 2);
}
END_TEST

START_TEST(test_syntax_error_after_bom_header)
{
        /* A UTF-8 byte order mark before the first header must not shift the line number. */
        check_single_error("a.conf", "\xEF\xBB\xBF[output a]\nline = GPIO1\ngarbage\ninitial = on\n", 3,
                           "syntax error", NULL);
}
END_TEST

START_TEST(test_syntax_error_after_long_header)
{
        /* An over-long line that looks like a header is skipped whole: it starts no section. */
        char text[1024], name[300];
        char *path;
        char **errors;

        memset(name, 'h', 250);
        name[250] = '\0';
        snprintf(text, sizeof(text), "[output a]\nline = GPIO1\n[output %s]\ngarbage\ninitial = on\n", name);
        path = write_conf("a.conf", text);
        errors = load_errors(path);
        expect_error(errors, path, 3, "longer than 198", NULL);
        expect_error(errors, path, 4, "syntax error", NULL);
        ck_assert_uint_eq(strv_length(errors), 2);
}
END_TEST

START_TEST(test_unknown_section_type)
{
        check_single_error("a.conf", "[output a]\nline = GPIO1\n[lamp porch]\nline = GPIO2\n", 3,
                           "unknown section", "lamp", NULL);
}
END_TEST

START_TEST(test_comment_inside_section_header)
{
        /* inih takes " ;x]" for a comment, so it sees no ']': once reported as "duplicate name" (the
         * section before went on) or "unknown section type ''". */
        check_single_error("a.conf", "[output a ;x]\nline = GPIO27\n", 1, "section header '[output a ;x]'",
                           "';' after whitespace starts a comment", NULL);
        check_single_error("b.conf", "[output a]\nline = GPIO1\n[output a ;x]\nline = GPIO2\n", 3,
                           "section header '[output a ;x]'", "comment", NULL);
        check_single_error("c.conf", "[output b]\nline = GPIO1\n[output\t;a]\nline = GPIO2\n", 3,
                           "section header '[output\\t;a]'", "comment", NULL);
        check_single_error("d.conf", "[ ;output b]\nline = GPIO1\n", 1, "comment", NULL);
}
END_TEST

START_TEST(test_output_without_name)
{
        check_single_error("a.conf", "\n[output]\nline = GPIO1\n", 2, "[output]", "name", NULL);
}
END_TEST

START_TEST(test_output_name_blank)
{
        check_single_error("a.conf", "[output   ]\nline = GPIO1\n", 1, "output", "name", NULL);
}
END_TEST

START_TEST(test_output_invalid_name)
{
        check_single_error("a.conf", "[output porch/light]\nline = GPIO1\n", 1, "invalid output name",
                           "porch/light", NULL);
        check_single_error("b.conf", "[output my lamp]\nline = GPIO1\n", 1, "invalid output name", "my lamp",
                           NULL);
        check_single_error("c.conf", "[output caf\xC3\xA9]\nline = GPIO1\n", 1, "invalid output name", NULL);
}
END_TEST

/* The DESIGN.md example, and every key. */
START_TEST(test_button_good)
{
        char *path = write_conf("pinbus.conf", "[button doorbell]\n"   /* 1 */
                                               "line = GPIO17\n"       /* 2 */
                                               "bias = pull-up\n"      /* 3 */
                                               "active-low = yes\n"    /* 4 */
                                               "debounce = 20ms\n"     /* 5 */
                                               "hold-time = 1s\n"      /* 6 */
                                               "\n"                    /* 7 */
                                               "[button b2]\n"         /* 8 */
                                               "line = gpiochip0:5\n"  /* 9 */
                                               "debounce = 0\n"        /* 10 */
                                               "hold-time = 1.5s\n"    /* 11 */
                                               "hold-repeat = 250ms\n" /* 12 */
                                               "click-window = 0\n"    /* 13 */
                                               "debouncer = daemon\n"  /* 14 */
                                               "[button b3]\n"         /* 15 */
                                               "line = GPIO6\n"        /* 16 */
                                               "hold-time = 300ms\n"   /* 17 */
                                               "hold-repeat = yes\n"   /* 18 */
                                               "debounce = no\n"       /* 19 */
                                               "[output porch]\n"      /* 20 */
                                               "line = GPIO27\n");     /* 21 */
        Config *c = NULL;
        char **errors = NULL;
        const ButtonConfig *b;

        ck_assert_int_eq(config_load(path, true, &c, &errors), 0);
        print_errors(errors);
        ck_assert_ptr_null(errors);
        t_defer(config_free_void, c);
        ck_assert_uint_eq(c->n_buttons, 3);
        ck_assert_uint_eq(c->n_outputs, 1);

        b = config_find_button(c, "doorbell");
        ck_assert_ptr_eq(b, &c->buttons[0]);
        ck_assert_str_eq(b->line, "GPIO17");
        ck_assert_int_eq(b->bias, PB_BIAS_PULL_UP);
        ck_assert(b->active_low);
        ck_assert_uint_eq(b->debounce_us, 20000);
        ck_assert_uint_eq(b->hold_time_us, 1000000);
        ck_assert_uint_eq(b->hold_repeat_us, 0);
        ck_assert_uint_eq(b->click_window_us, BUTTON_CLICK_WINDOW_DEFAULT_US);
        ck_assert_int_eq(b->debouncer, BUTTON_DEBOUNCER_AUTO);
        ck_assert_str_eq(b->source, t_fmt("%s:1", path));

        b = config_find_button(c, "b2");
        ck_assert_str_eq(b->line, "gpiochip0:5");
        ck_assert_int_eq(b->bias, PB_BIAS_AS_IS);
        ck_assert(!b->active_low);
        ck_assert_uint_eq(b->debounce_us, 0);
        ck_assert_uint_eq(b->hold_time_us, 1500000);
        ck_assert_uint_eq(b->hold_repeat_us, 250000);
        ck_assert_uint_eq(b->click_window_us, 0);
        ck_assert_int_eq(b->debouncer, BUTTON_DEBOUNCER_DAEMON);

        /* yes: repeat every hold-time, as gpiozero's hold_repeat. */
        b = config_find_button(c, "b3");
        ck_assert_uint_eq(b->hold_repeat_us, 300000);
        ck_assert_uint_eq(b->debounce_us, 0);
        ck_assert_ptr_null(config_find_button(c, "porch"));
}
END_TEST

START_TEST(test_button_defaults)
{
        char *path = write_conf("pinbus.conf", "[button a]\nline = GPIO4\n");
        Config *c = NULL;
        const ButtonConfig *b;

        ck_assert_int_eq(config_load(path, true, &c, NULL), 0);
        t_defer(config_free_void, c);
        b = &c->buttons[0];
        ck_assert_uint_eq(b->debounce_us, BUTTON_DEBOUNCE_DEFAULT_US);
        ck_assert_uint_eq(b->hold_time_us, BUTTON_HOLD_TIME_DEFAULT_US);
        ck_assert_uint_eq(b->hold_repeat_us, 0);
        ck_assert_uint_eq(b->click_window_us, BUTTON_CLICK_WINDOW_DEFAULT_US);
        ck_assert_int_eq(b->bias, PB_BIAS_AS_IS);
        ck_assert(!b->active_low);
        ck_assert_int_eq(b->debouncer, BUTTON_DEBOUNCER_AUTO);
}
END_TEST

START_TEST(test_button_bad_values)
{
        check_single_error("a.conf", "[button d]\nline = GPIO17\ndebounce = 20\n", 3, "'20'", "'debounce'",
                           "unit", NULL);
        check_single_error("b.conf", "[button d]\nline = GPIO17\nhold-time = soon\n", 3, "'soon'",
                           "'hold-time'", NULL);
        check_single_error("c.conf", "[button d]\nline = GPIO17\ndebounce = 11s\n", 3, "'debounce'",
                           "too long", NULL);
        check_single_error("d.conf", "[button d]\nline = GPIO17\nhold-repeat = 5ms\n", 3, "'hold-repeat'",
                           "too short", NULL);
        check_single_error("e.conf", "[button d]\nline = GPIO17\nclick-window = 1min\n", 3, "'click-window'",
                           "too long", NULL);
        check_single_error("f.conf", "[button d]\nline = GPIO17\nbias = up\n", 3, "'up'", "'bias'",
                           "pull-up", NULL);
        check_single_error("g.conf", "[button d]\nline = GPIO17\nactive-low = maybe\n", 3, "'maybe'",
                           "'active-low'", NULL);
        check_single_error("h.conf", "[button d]\nline = GPIO17\ndebouncer = hardware\n", 3, "'hardware'",
                           "'debouncer'", "auto, kernel or daemon", NULL);
        check_single_error("i.conf", "[button d]\nline = GPIO17\ndrive = open-drain\n", 3,
                           "unknown key 'drive'", "[button d]", "hold-repeat", NULL);
        check_single_error("j.conf", "[button d]\nline = GPIO17:x:y\n", 2, "invalid line", NULL);
        check_single_error("k.conf", "[button]\nline = GPIO17\n", 1, "[button] needs a name", NULL);
        check_single_error("l.conf", "[button a/b]\nline = GPIO17\n", 1, "invalid button name", NULL);
        check_single_error("m.conf", "[button d]\nline = GPIO17\n[button d]\nline = GPIO18\n", 3,
                           "duplicate name 'd'", "[button d]", NULL);
}
END_TEST

START_TEST(test_button_validate)
{
        char *path = write_conf("pinbus.conf", "[button a]\n"        /* 1 */
                                               "hold-time = 1s\n"    /* 2 */
                                               "[button b]\n"        /* 3 */
                                               "line = GPIO17\n"     /* 4 */
                                               "[button c]\n"        /* 5 */
                                               "line = GPIO17\n"     /* 6 */
                                               "[output o]\n"        /* 7 */
                                               "line = GPIO18\n"     /* 8 */
                                               "[button d]\n"        /* 9 */
                                               "line = GPIO18\n"     /* 10 */
                                               "[button e]\n"        /* 11 */
                                               "line = GPIO19\n"     /* 12 */
                                               "hold-time = 5ms\n"   /* 13 */
                                               "hold-repeat = yes\n" /* 14 */
                                               "[button o]\n" /* 15: a button may share an output's name */
                                               "line = GPIO20\n"); /* 16 */
        char **errors = load_errors(path);

        expect_error(errors, path, 1, "[button a] has no 'line =' key", NULL);
        expect_error(errors, path, 5, "line GPIO17 of [button c] is already used by [button b]", NULL);
        expect_error(errors, path, 9, "line GPIO18 of [button d] is already used by [output o]", NULL);
        expect_error(errors, path, 11, "[button e]", "hold-repeat = yes", "hold-time", NULL);
        ck_assert_uint_eq(strv_length(errors), 4);
}
END_TEST

START_TEST(test_unknown_key)
{
        check_single_error("a.conf", "[output a]\nline = GPIO1\ncolour = red\n", 3, "unknown key",
                           "'colour'", "[output a]", NULL);
}
END_TEST

START_TEST(test_bad_boolean)
{
        check_single_error("a.conf", "[output a]\nline = GPIO1\ninitial = maybe\n", 3, "'maybe'",
                           "'initial'", NULL);
        check_single_error("b.conf", "[output a]\nline = GPIO1\nactive-low = 2\n", 3, "'2'", "'active-low'",
                           NULL);
        check_single_error("c.conf", "[output a]\nline = GPIO1\nrestore = yess\n", 3, "'yess'", "'restore'",
                           NULL);
}
END_TEST

START_TEST(test_bad_drive)
{
        check_single_error("a.conf", "[output a]\nline = GPIO1\ndrive = tristate\n", 3, "'tristate'",
                           "'drive'", NULL);
}
END_TEST

START_TEST(test_empty_value)
{
        check_single_error("a.conf", "[output a]\nline = GPIO1\ninitial =\n", 3, "'initial'", "value", NULL);
        check_single_error("b.conf", "[output a]\nline = GPIO1\ndrive =    # nothing\n", 3, "'drive'",
                           "value", NULL);
        check_single_error("c.conf", "[output a]\nline =\n", 2, "'line'", "value", NULL);
}
END_TEST

START_TEST(test_key_twice)
{
        check_single_error("a.conf", "[output a]\nline = GPIO1\nline = GPIO2\n", 3, "'line'", "twice", NULL);
}
END_TEST

START_TEST(test_key_twice_not_adjacent)
{
        check_single_error("a.conf", "[output a]\nline = GPIO1\ninitial = on\nline = GPIO2\n", 4, "'line'",
                           "twice", NULL);
}
END_TEST

START_TEST(test_indented_key)
{
        /* An indented line continues the previous key in INI: refused. */
        check_single_error("a.conf", "[output a]\nline = GPIO1\n  initial = on\n", 3, "'line'", NULL);
}
END_TEST

START_TEST(test_indented_key_after_header)
{
        check_single_error("a.conf", "[output a]\n  line = GPIO1\n", 2, "indented", NULL);
}
END_TEST

START_TEST(test_key_outside_section)
{
        check_single_error("a.conf", "# top\nline = GPIO1\n[output a]\nline = GPIO2\n", 2, "'line'",
                           "outside", NULL);
}
END_TEST

START_TEST(test_long_line)
{
        char text[1024], v[300];

        /* 199 characters: one too many. */
        memset(v, 'v', 192);
        v[192] = '\0';
        snprintf(text, sizeof(text), "[output a]\nline = GPIO1\ninitial= %s\nrestore = on\n", v);
        ck_assert_uint_eq(strlen("initial= ") + strlen(v), 201);
        check_single_error("a.conf", text, 3, "longer than 198", NULL);
}
END_TEST

START_TEST(test_long_line_199)
{
        char text[1024], v[300];

        memset(v, 'v', 192);
        v[192] = '\0';
        /* "line = " + 192 = 199 characters. */
        snprintf(text, sizeof(text), "[output a]\nline = %s\n", v);
        check_single_error("a.conf", text, 2, "longer than 198", NULL);
}
END_TEST

START_TEST(test_long_section_name)
{
        char text[1024], name[100];

        memset(name, 's', 60);
        name[60] = '\0';
        snprintf(text, sizeof(text), "[output a]\nline = GPIO1\n[output %s]\nline = GPIO2\n", name);
        check_single_error("a.conf", text, 3, "section name", "longer", NULL);
}
END_TEST

START_TEST(test_duplicate_output_same_file)
{
        char *first;
        char *path = write_conf("a.conf", "[output a]\nline = GPIO1\n\n[output a]\nline = GPIO2\n");
        char **errors = load_errors(path);

        first = t_fmt("%s:1", path);
        expect_error(errors, path, 4, "duplicate", "'a'", first, NULL);
        ck_assert_uint_eq(strv_length(errors), 1);
}
END_TEST

START_TEST(test_line_used_twice)
{
        char *first;
        char *path = write_conf(
                "a.conf", "[output a]\nline = GPIO1\n[output b]\nline = GPIO2\n[output c]\nline = GPIO1\n");
        char **errors = load_errors(path);

        first = t_fmt("%s:1", path);
        expect_error(errors, path, 5, "GPIO1", "[output c]", "[output a]", first, NULL);
        ck_assert_uint_eq(strv_length(errors), 1);
}
END_TEST

START_TEST(test_line_used_twice_across_files)
{
        char *path = write_conf("pinbus.conf", "[output a]\nline = gpiochip0:4\n");
        char *d, **errors;

        make_dir("pinbus.conf.d");
        d = write_conf("pinbus.conf.d/x.conf", "\n\n[output b]\nline = gpiochip0:4\n");
        errors = load_errors(path);
        expect_error(errors, d, 3, "gpiochip0:4", "[output b]", "[output a]", NULL);
}
END_TEST

START_TEST(test_output_without_line)
{
        char *path = write_conf("a.conf", "[output a]\nline = GPIO1\n\n[output b]\ninitial = on\n");
        char **errors = load_errors(path);

        expect_error(errors, path, 4, "[output b]", "'line", NULL);
        ck_assert_uint_eq(strv_length(errors), 1);
}
END_TEST

START_TEST(test_invalid_line_spec)
{
        check_single_error("a.conf", "[output a]\nline = :3\n", 2, "':3'", "no chip", NULL);
        check_single_error("b.conf", "[output a]\nline = gpiochip0:x\n", 2, "'gpiochip0:x'", "not a decimal",
                           NULL);
        check_single_error("c.conf", "[output a]\nline = gpiochip0:\n", 2, "'gpiochip0:'", "no offset",
                           NULL);
}
END_TEST

START_TEST(test_keys_of_bad_section_not_checked)
{
        /* One error for the section, none for each of its keys. */
        check_single_error("a.conf", "[lamp x]\nfoo = 1\nbar = 2\n", 1, "lamp", NULL);
}
END_TEST

START_TEST(test_several_errors_reported)
{
        char *path = write_conf("a.conf", "[output a]\n"        /* 1 */
                                          "line = GPIO1\n"      /* 2 */
                                          "colour = red\n"      /* 3: unknown key */
                                          "initial = perhaps\n" /* 4: bad boolean */
                                          "\n"                  /* 5 */
                                          "[sensor room]\n"     /* 6: no bus */
                                          "model = bme280\n"    /* 7 */
                                          "[output b]\n"        /* 8 */
                                          "line = GPIO2\n"      /* 9 */
                                          "drive = sideways\n"  /* 10: bad drive */
                                          "oops\n"              /* 11: syntax error */
                                          "[output a]\n"        /* 12: duplicate */
                                          "line = GPIO3\n");    /* 13 */
        char **errors = load_errors(path);

        expect_error(errors, path, 3, "'colour'", NULL);
        expect_error(errors, path, 4, "'initial'", NULL);
        expect_error(errors, path, 6, "[sensor room]", "'bus =", NULL);
        expect_error(errors, path, 10, "'drive'", NULL);
        expect_error(errors, path, 11, "syntax error", NULL);
        expect_error(errors, path, 12, "duplicate", NULL);
        ck_assert_uint_eq(strv_length(errors), 6);
}
END_TEST

START_TEST(test_several_syntax_errors_reported)
{
        char *path = write_conf("a.conf", "[output a]\nline = GPIO1\nfirst bad line\nsecond bad line\n");
        char **errors = load_errors(path);

        expect_error(errors, path, 3, "syntax error", NULL);
        expect_error(errors, path, 4, "syntax error", NULL);
}
END_TEST

START_TEST(test_errors_across_files)
{
        char *path = write_conf("pinbus.conf", "[output a]\nline = GPIO1\nbogus = 1\n");
        char *d, **errors;

        make_dir("pinbus.conf.d");
        d = write_conf("pinbus.conf.d/1.conf", "[lamp b]\n");
        errors = load_errors(path);
        expect_error(errors, path, 3, "'bogus'", NULL);
        expect_error(errors, d, 1, "unknown section type 'lamp'", NULL);
        ck_assert_uint_eq(strv_length(errors), 2);
}
END_TEST

START_TEST(test_too_many_errors)
{
        FILE *m;
        char *text = NULL, *path;
        size_t size = 0;
        char **errors;

        m = open_memstream(&text, &size);
        ck_assert_ptr_nonnull(m);
        fputs("[output a]\nline = GPIO1\n", m);
        for (int i = 0; i < 80; i++)
                fprintf(m, "unknown%d = x\n", i);
        ck_assert_int_eq(fclose(m), 0);
        path = write_conf("a.conf", text);
        errors = load_errors(path);
        /* CONFIG_ERRORS_MAX errors, then one line saying the parser gave up. */
        ck_assert_uint_eq(strv_length(errors), CONFIG_ERRORS_MAX + 1);
        expect_error(errors, path, 3, "'unknown0'", NULL);
        ck_assert_msg(strstr(errors[CONFIG_ERRORS_MAX], "too many errors"), "%s", errors[CONFIG_ERRORS_MAX]);
        free(text);
}
END_TEST

START_TEST(test_validate_direct)
{
        Config *c = config_new();
        char *path =
                write_conf("a.conf", "[output a]\nline = GPIO1\n[output b]\nline = GPIO1\n[output c]\n");
        char **errors = NULL;

        ck_assert_int_eq(config_parse_file(c, path, &errors), 0);
        ck_assert_ptr_null(errors);
        ck_assert_uint_eq(c->n_outputs, 3);
        ck_assert_int_eq(config_validate(c, &errors), -EINVAL);
        ck_assert_uint_eq(strv_length(errors), 2);
        expect_error(errors, path, 3, "GPIO1", "[output b]", NULL);
        expect_error(errors, path, 5, "[output c]", "line", NULL);
        strv_free(errors);
        errors = NULL;

        /* A valid configuration passes and adds nothing. */
        config_free(c);
        c = config_new();
        ck_assert_int_eq(config_validate(c, &errors), 0);
        ck_assert_ptr_null(errors);
        config_free(c);
}
END_TEST

START_TEST(test_parse_file_appends_errors)
{
        char *a = write_conf("a.conf", "[output a]\nline = GPIO1\nx = 1\n");
        char *b = write_conf("b.conf", "[output b]\nline = GPIO2\ny = 1\n");
        Config *c = config_new();
        char **errors = NULL;

        ck_assert_int_eq(config_parse_file(c, a, &errors), -EINVAL);
        ck_assert_int_eq(config_parse_file(c, b, &errors), -EINVAL);
        ck_assert_uint_eq(strv_length(errors), 2);
        expect_error(errors, a, 3, "'x'", NULL);
        expect_error(errors, b, 3, "'y'", NULL);
        /* Good sections of a bad file are still parsed. */
        ck_assert_uint_eq(c->n_outputs, 2);
        strv_free(errors);
        config_free(c);
}
END_TEST

START_TEST(test_find_output)
{
        char *path = write_conf("pinbus.conf", good_conf);
        Config *c = NULL;
        const OutputConfig *o;

        ck_assert_int_eq(config_load(path, true, &c, NULL), 0);
        o = config_find_output(c, "porch");
        ck_assert_ptr_nonnull(o);
        ck_assert_ptr_eq(o, &c->outputs[0]);
        o = config_find_output(c, "relay-1.b_X");
        ck_assert_ptr_eq(o, &c->outputs[1]);
        ck_assert_ptr_null(config_find_output(c, "Porch"));
        ck_assert_ptr_null(config_find_output(c, "relay"));
        ck_assert_ptr_null(config_find_output(c, ""));
        config_free(c);

        c = config_new();
        ck_assert_ptr_null(config_find_output(c, "porch"));
        config_free(c);
        ck_assert_ptr_null(config_free(NULL));
}
END_TEST

/* ------------------------------------------------------------------------ */
/* [sensor] sections */

static const char sensor_conf[] = "[sensor room]\n"                     /* 1 */
                                  "model = bme280\n"                    /* 2 */
                                  "bus = 1\n"                           /* 3 */
                                  "address = 0x76  # the SDO-low one\n" /* 4 */
                                  "interval = 1s\n"                     /* 5 */
                                  "\n"                                  /* 6 */
                                  "[sensor adc]\n"                      /* 7 */
                                  "gain = 4.096\n"                      /* 8: before the model */
                                  "model = ADS1115\n"                   /* 9 */
                                  "bus = /dev/i2c-3\n"                  /* 10 */
                                  "address = 72\n"                      /* 11: decimal 0x48 */
                                  "\n"                                  /* 12 */
                                  "[sensor any]\n"                      /* 13 */
                                  "model = auto\n"                      /* 14 */
                                  "bus = 1\n"                           /* 15 */
                                  "address = auto\n"                    /* 16 */
                                  "[output room]\n" /* 17: another kind may share a name */
                                  "line = GPIO4\n"; /* 18 */

START_TEST(test_sensor_good)
{
        char *path = write_conf("pinbus.conf", sensor_conf);
        Config *c = NULL;
        char **errors = NULL;
        const SensorConfig *s;

        ck_assert_int_eq(config_load(path, true, &c, &errors), 0);
        print_errors(errors);
        ck_assert_ptr_null(errors);
        ck_assert_uint_eq(c->n_sensors, 3);
        ck_assert_uint_eq(c->n_outputs, 1);

        s = &c->sensors[0];
        ck_assert_str_eq(s->name, "room");
        ck_assert_str_eq(s->model, "bme280");
        ck_assert_int_eq(s->bus, 1);
        ck_assert_uint_eq(s->address, 0x76);
        ck_assert_uint_eq(s->interval_us, 1000000);
        ck_assert_ptr_null(s->options);
        ck_assert_str_eq(s->source, t_fmt("%s:1", path));

        s = &c->sensors[1];
        ck_assert_str_eq(s->name, "adc");
        ck_assert_str_eq(s->model, "ADS1115");
        ck_assert_int_eq(s->bus, 3);
        ck_assert_uint_eq(s->address, 0x48);
        ck_assert_uint_eq(s->interval_us, SENSOR_INTERVAL_DEFAULT_US);
        ck_assert_uint_eq(strv_length(s->options), 1);
        ck_assert_str_eq(s->options[0], "gain=4.096");
        ck_assert_str_eq(s->option_sources[0], t_fmt("%s:8", path));

        s = &c->sensors[2];
        ck_assert_str_eq(s->model, "auto");
        ck_assert_uint_eq(s->address, 0);

        ck_assert_ptr_eq(config_find_sensor(c, "adc"), &c->sensors[1]);
        ck_assert_ptr_null(config_find_sensor(c, "porch"));
        config_free(c);
}
END_TEST

START_TEST(test_sensor_bad_model)
{
        check_single_error("a.conf", "[sensor x]\nmodel = bme999\nbus = 1\n", 2, "'bme999'", "'model'",
                           "bme280", "tmp102", "auto", NULL);
}
END_TEST

START_TEST(test_sensor_bad_bus)
{
        static const char *const bad[] = { "i2c-1", "-1",          "1024", "/dev/i2c-",
                                           "one",   "/dev/i2c-1x", "0x1",  "/dev/spidev0" };

        for (size_t i = 0; i < ELEMENTSOF_T(bad); i++)
                check_single_error("a.conf", t_fmt("[sensor x]\nmodel = tmp102\nbus = %s\n", bad[i]), 3,
                                   t_fmt("'%s'", bad[i]), "'bus'", "/dev/i2c-N", NULL);
}
END_TEST

START_TEST(test_sensor_bad_address)
{
        static const char *const bad[] = { "0x02", "0x78", "0x",   "118x",      "0x1FF", "-5",
                                           "120",  "2",    "0x-1", "automatic", "0x0x5" };

        for (size_t i = 0; i < ELEMENTSOF_T(bad); i++)
                check_single_error("a.conf",
                                   t_fmt("[sensor x]\nmodel = tmp102\nbus = 1\naddress = %s\n", bad[i]), 4,
                                   t_fmt("'%s'", bad[i]), "'address'", "0x03-0x77", NULL);
}
END_TEST

START_TEST(test_sensor_good_addresses)
{
        static const struct {
                const char *text;
                uint16_t address;
        } good[] = { { "0x03", 0x03 }, { "0x77", 0x77 }, { "0X48", 0x48 }, { "119", 0x77 }, { "AUTO", 0 } };

        for (size_t i = 0; i < ELEMENTSOF_T(good); i++) {
                char *path =
                        write_conf("a.conf", t_fmt("[sensor x]\nmodel = tmp102\nbus = 1\naddress = %s\n",
                                                   good[i].text));
                Config *c = NULL;

                ck_assert_msg(config_load(path, true, &c, NULL) == 0, "'%s' rejected", good[i].text);
                ck_assert_uint_eq(c->sensors[0].address, good[i].address);
                config_free(c);
        }
}
END_TEST

START_TEST(test_sensor_bad_interval)
{
        check_single_error("a.conf", "[sensor x]\nmodel = tmp102\nbus = 1\ninterval = fast\n", 4, "'fast'",
                           "'interval'", NULL);
        check_single_error("b.conf", "[sensor x]\nmodel = tmp102\nbus = 1\ninterval = 50ms\n", 4, "50ms",
                           "'interval'", "100ms", NULL);
        check_single_error("c.conf", "[sensor x]\nmodel = tmp102\nbus = 1\ninterval = 25h\n", 4, "25h",
                           "'interval'", "24h", NULL);
        check_single_error("d.conf", "[sensor x]\nmodel = tmp102\nbus = 1\ninterval = 0\n", 4, "'interval'",
                           NULL);
}
END_TEST

START_TEST(test_sensor_missing_keys)
{
        char *path = write_conf("a.conf", "[sensor a]\nbus = 1\n\n[sensor b]\nmodel = tmp102\n[sensor c]\n");
        char **errors = load_errors(path);

        expect_error(errors, path, 1, "[sensor a]", "'model ='", "auto", NULL);
        expect_error(errors, path, 4, "[sensor b]", "'bus ='", NULL);
        expect_error(errors, path, 6, "[sensor c]", "'model ='", NULL);
        expect_error(errors, path, 6, "[sensor c]", "'bus ='", NULL);
        ck_assert_uint_eq(strv_length(errors), 4);
}
END_TEST

START_TEST(test_sensor_bad_value_not_reported_again)
{
        /* A bad model or bus is one error, not also "missing". */
        char *path = write_conf("a.conf", "[sensor a]\nmodel = nope\nbus = x\nfoo = 1\n");
        char **errors = load_errors(path);

        expect_error(errors, path, 2, "'nope'", NULL);
        expect_error(errors, path, 3, "'x'", NULL);
        ck_assert_uint_eq(strv_length(errors), 2);
}
END_TEST

/* Loads the one file text (written as name) with config_load() and expects exactly one error, at line,
 * containing the substrings: for what config_validate() finds. */
static void check_single_load_error(const char *name, const char *text, unsigned line, ...)
{
        char *path = write_conf(name, text);
        char **errors = load_errors(path);
        va_list ap;

        if (strv_length(errors) != 1)
                print_errors(errors);
        ck_assert_uint_eq(strv_length(errors), 1);
        va_start(ap, line);
        expect_error_v(errors, path, line, ap);
        va_end(ap);
}

START_TEST(test_sensor_unknown_option)
{
        check_single_load_error("a.conf", "[sensor x]\nmodel = bme280\ncolour = red\nbus = 1\n", 3,
                                "unknown key 'colour'", "[sensor x]", "model, bus, address, interval", NULL);
        /* Options need a model to be checked against. */
        check_single_load_error("b.conf", "[sensor x]\nmodel = auto\nbus = 1\ngain = 4.096\n", 4,
                                "unknown key 'gain'", "model = auto", NULL);
}
END_TEST

START_TEST(test_sensor_model_options)
{
        char *path = write_conf("a.conf", "[sensor x]\nmodel = ads1115\nbus = 1\ngain = 4.096\n");
        Config *c = NULL;

        ck_assert_int_eq(config_load(path, true, &c, NULL), 0);
        config_free(c);
        /* The driver's message names the key; the error is at the option's line. */
        check_single_load_error("b.conf", "[sensor x]\nmodel = ads1115\ngain = 5\nbus = 1\n", 3, "gain",
                                NULL);
        check_single_load_error("c.conf", "[sensor x]\nmodel = ads1115\nbus = 1\nwobble = 5\n", 4,
                                "'wobble'", NULL);
}
END_TEST

START_TEST(test_sensor_same_address_twice)
{
        char *path = write_conf("pinbus.conf", "[sensor a]\nmodel = bme280\nbus = 1\naddress = 0x76\n"
                                               "[sensor b]\nmodel = tmp102\nbus = 2\naddress = 0x76\n");
        char *d, **errors;

        make_dir("pinbus.conf.d");
        d = write_conf("pinbus.conf.d/x.conf",
                       "\n[sensor c]\nmodel = bmp280\nbus = /dev/i2c-1\naddress = 118\n"
                       "[sensor e]\nmodel = auto\nbus = 1\n");
        errors = load_errors(path);
        expect_error(errors, d, 2, "[sensor c]", "0x76", "/dev/i2c-1", "[sensor a]", t_fmt("%s:1", path),
                     NULL);
        ck_assert_uint_eq(strv_length(errors), 1);
}
END_TEST

START_TEST(test_sensor_duplicate_and_bad_name)
{
        char *path =
                write_conf("a.conf", "[sensor a]\nmodel = bme280\nbus = 1\n[sensor a]\nmodel = tmp102\n");
        char **errors = load_errors(path);

        expect_error(errors, path, 4, "duplicate", "[sensor a]", t_fmt("%s:1", path), NULL);
        ck_assert_uint_eq(strv_length(errors), 1);
        check_single_error("b.conf", "[sensor living room]\nmodel = bme280\nbus = 1\n", 1,
                           "invalid sensor name", NULL);
        check_single_error("c.conf", "[sensor]\nmodel = bme280\nbus = 1\n", 1, "[sensor]", "name", NULL);
        check_single_error("d.conf", "[sensor x]\nmodel = bme280\nbus = 1\nbus = 2\n", 4, "'bus'", "twice",
                           NULL);
}
END_TEST

static Suite *config_suite(void)
{
        Suite *s = suite_create("config");
        TCase *tc;

        tc = tcase_create("good");
        tcase_add_checked_fixture(tc, tmpdir_setup, tmpdir_teardown);
        tcase_add_test(tc, test_good_file);
        tcase_add_test(tc, test_boolean_spellings);
        tcase_add_test(tc, test_defaults);
        tcase_add_test(tc, test_comment_chars_inside_values);
        tcase_add_test(tc, test_line_names_with_spaces_and_colons);
        tcase_add_test(tc, test_empty_and_comment_only_files);
        tcase_add_test(tc, test_crlf_and_bom);
        tcase_add_test(tc, test_line_of_198_chars_is_accepted);
        tcase_add_test(tc, test_find_output);
        suite_add_tcase(s, tc);

        tc = tcase_create("files");
        tcase_add_checked_fixture(tc, tmpdir_setup, tmpdir_teardown);
        tcase_add_test(tc, test_dropins_in_name_order);
        tcase_add_test(tc, test_dropin_overrides_nothing_silently);
        tcase_add_test(tc, test_missing_not_required);
        tcase_add_test(tc, test_missing_not_required_with_dropins);
        tcase_add_test(tc, test_missing_required);
        tcase_add_test(tc, test_parse_file_missing);
        tcase_add_test(tc, test_main_path_is_directory);
        tcase_add_test(tc, test_fifo_is_refused);
        tcase_add_test(tc, test_fifo_in_dropin_dir_is_refused);
        tcase_add_test(tc, test_symlink_to_dev_zero_is_refused);
        tcase_add_test(tc, test_directory_in_dropin_dir_is_refused);
        tcase_add_test(tc, test_symlink_to_regular_file_is_read);
        suite_add_tcase(s, tc);

        tc = tcase_create("errors");
        tcase_add_checked_fixture(tc, tmpdir_setup, tmpdir_teardown);
        tcase_add_test(tc, test_syntax_error);
        tcase_add_test(tc, test_syntax_error_first_line);
        tcase_add_test(tc, test_syntax_error_after_sections);
        tcase_add_test(tc, test_syntax_error_after_empty_section);
        tcase_add_test(tc, test_syntax_error_unterminated_section);
        tcase_add_test(tc, test_syntax_error_after_long_line);
        tcase_add_test(tc, test_syntax_error_after_bom_header);
        tcase_add_test(tc, test_syntax_error_after_long_header);
        tcase_add_test(tc, test_unknown_section_type);
        tcase_add_test(tc, test_comment_inside_section_header);
        tcase_add_test(tc, test_output_without_name);
        tcase_add_test(tc, test_output_name_blank);
        tcase_add_test(tc, test_output_invalid_name);
        tcase_add_test(tc, test_button_good);
        tcase_add_test(tc, test_button_defaults);
        tcase_add_test(tc, test_button_bad_values);
        tcase_add_test(tc, test_button_validate);
        tcase_add_test(tc, test_unknown_key);
        tcase_add_test(tc, test_bad_boolean);
        tcase_add_test(tc, test_bad_drive);
        tcase_add_test(tc, test_empty_value);
        tcase_add_test(tc, test_key_twice);
        tcase_add_test(tc, test_key_twice_not_adjacent);
        tcase_add_test(tc, test_indented_key);
        tcase_add_test(tc, test_indented_key_after_header);
        tcase_add_test(tc, test_key_outside_section);
        tcase_add_test(tc, test_long_line);
        tcase_add_test(tc, test_long_line_199);
        tcase_add_test(tc, test_long_section_name);
        tcase_add_test(tc, test_duplicate_output_same_file);
        tcase_add_test(tc, test_line_used_twice);
        tcase_add_test(tc, test_line_used_twice_across_files);
        tcase_add_test(tc, test_output_without_line);
        tcase_add_test(tc, test_invalid_line_spec);
        tcase_add_test(tc, test_keys_of_bad_section_not_checked);
        tcase_add_test(tc, test_several_errors_reported);
        tcase_add_test(tc, test_several_syntax_errors_reported);
        tcase_add_test(tc, test_errors_across_files);
        tcase_add_test(tc, test_too_many_errors);
        tcase_add_test(tc, test_validate_direct);
        tcase_add_test(tc, test_parse_file_appends_errors);
        suite_add_tcase(s, tc);

        tc = tcase_create("bytes");
        tcase_add_checked_fixture(tc, tmpdir_setup, tmpdir_teardown);
        tcase_add_test(tc, test_nul_mid_line);
        tcase_add_test(tc, test_nul_led_line);
        tcase_add_test(tc, test_file_of_nuls);
        tcase_add_test(tc, test_nul_at_end_of_value);
        tcase_add_test(tc, test_cr_in_section_name_is_escaped);
        tcase_add_test(tc, test_esc_in_section_name_is_escaped);
        tcase_add_test(tc, test_control_bytes_in_value);
        tcase_add_test(tc, test_tab_and_crlf_are_text);
        tcase_add_test(tc, test_control_bytes_in_dropin_name_escaped);
        suite_add_tcase(s, tc);

        tc = tcase_create("sensors");
        tcase_add_checked_fixture(tc, tmpdir_setup, tmpdir_teardown);
        tcase_add_test(tc, test_sensor_good);
        tcase_add_test(tc, test_sensor_bad_model);
        tcase_add_test(tc, test_sensor_bad_bus);
        tcase_add_test(tc, test_sensor_bad_address);
        tcase_add_test(tc, test_sensor_good_addresses);
        tcase_add_test(tc, test_sensor_bad_interval);
        tcase_add_test(tc, test_sensor_missing_keys);
        tcase_add_test(tc, test_sensor_bad_value_not_reported_again);
        tcase_add_test(tc, test_sensor_unknown_option);
        tcase_add_test(tc, test_sensor_model_options);
        tcase_add_test(tc, test_sensor_same_address_twice);
        tcase_add_test(tc, test_sensor_duplicate_and_bad_name);
        suite_add_tcase(s, tc);

        return s;
}

int main(void)
{
        return t_run_suite(config_suite());
}
