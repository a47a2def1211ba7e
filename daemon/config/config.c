/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * inih does the INI parsing; this file adds what inih (as Debian builds it)
 * does not offer: line numbers, a notice when a section starts, '#' inline
 * comments, and all syntax errors rather than the first. The file is read
 * whole first (config/file.h: a regular file only, never a FIFO or a device
 * that would block or never end), and inih is given its lines by a reader,
 * which records what it hands out:
 *  - each file line's number and kind (blank or comment, section header,
 *    anything else), so the handler knows the line of the key it is given
 *    and lines that reached no handler call are syntax errors;
 *  - after a "[section]" line, one extra line holding a marker key, so the
 *    handler sees every section, even one without keys, at the line of its
 *    header;
 *  - over-long lines, which inih would split, are reported and skipped.
 */

#include <dirent.h>
#include <ini.h>
#include <stdarg.h>
#include <sys/stat.h>

#include "config/config.h"
#include "config/file.h"
#include "gpio/line-spec.h"
#include "util/duration.h"
#include "util/strv.h"

/* Not something a person types: the key of the line the reader adds after a section header. */
#define SECTION_MARKER "\001section"

/* inih truncates section names to 49 characters; longer ones are refused. */
#define SECTION_NAME_MAX 49

typedef enum LineKind {
        LINE_OTHER,   /* should reach the handler: a key, or a continuation */
        LINE_SKIPPED, /* blank, comment, or already reported */
        LINE_HEADER,  /* a well-formed [section] header */
} LineKind;

typedef struct FileLine {
        LineKind kind;
        bool handled; /* the handler was called for it */
} FileLine;

typedef struct Parser {
        Config *config;
        const char *path; /* escaped, for messages and sources */
        const char *data; /* the whole file */
        size_t size;
        size_t pos; /* where the next line starts */
        bool oom;   /* the reader ran out of memory */
        char ***errors;
        unsigned lineno; /* file line of the text the reader returned last */
        FileLine *lines; /* by file line number - 1 */
        size_t n_lines;
        bool marker_pending; /* the reader owes inih a marker line */

        bool section_ignored; /* the current section is bad: its keys are not checked */
        OutputConfig *output; /* the current [output] section */
        ButtonConfig *button; /* the current [button] section */
        SensorConfig *sensor; /* the current [sensor] section */
        char **keys;          /* keys seen in the current section */
        char *last_key;       /* the previous one */
} Parser;

static void parser_error(Parser *p, unsigned lineno, const char *format, ...) _printf_(3, 4);

static void parser_error(Parser *p, unsigned lineno, const char *format, ...)
{
        _cleanup_free_ char *msg = NULL, *escaped = NULL;
        va_list ap;
        int r;

        if (strv_length(*p->errors) >= CONFIG_ERRORS_MAX)
                return;
        va_start(ap, format);
        r = vasprintf(&msg, format, ap);
        va_end(ap);
        if (r < 0)
                return;
        /* Names and values are echoed: a \r or an ESC in them must not reach a terminal. */
        escaped = config_escape(msg);
        if (!escaped)
                return;
        (void)strv_extendf(p->errors, "%s:%u: %s", p->path, lineno, escaped);
        if (strv_length(*p->errors) == CONFIG_ERRORS_MAX)
                (void)strv_extendf(p->errors, "%s: too many errors, giving up", p->path);
}

static bool is_blank(char c)
{
        return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

static const char *skip_blanks(const char *s)
{
        while (is_blank(*s))
                s++;
        return s;
}

/* Whether the rest of a line is empty or a comment, as inih sees it. */
static bool rest_is_empty(const char *s)
{
        s = skip_blanks(s);
        return *s == '\0' || *s == ';' || *s == '#';
}

/* A header line, good or bad: the previous section has ended, and its keys go nowhere. */
static void parser_end_section(Parser *p)
{
        p->section_ignored = true;
        p->output = NULL;
        p->button = NULL;
        p->sensor = NULL;
}

/* Classifies the line just read, reports what only the reader can see, and
 * returns the text inih should get for it. */
static LineKind classify_line(Parser *p, char *str, int num)
{
        const char *s = str, *end;

        if (p->lineno == 1 && startswith(s, "\xEF\xBB\xBF"))
                s += 3;
        s = skip_blanks(s);
        if (*s == '\0' || *s == ';' || *s == '#')
                return LINE_SKIPPED;
        if (*s != '[')
                return LINE_OTHER;

        /* A header: whatever follows, the previous section has ended. */
        parser_end_section(p);
        end = strchr(s, ']');
        if (!end) {
                parser_error(p, p->lineno, "section header without ']'");
                return LINE_SKIPPED;
        }
        /* inih ends the header at an inline comment, a ';' after whitespace, and then sees no
         * ']': say so rather than let the section before go on. */
        for (const char *c = s + 1; c < end; c++)
                if (*c == ';' && is_blank(c[-1])) {
                        _cleanup_free_ char *header = strndup(s, (size_t)(end - s) + 1);

                        parser_error(p, p->lineno,
                                     "section header '%s': ';' after whitespace starts a comment, so "
                                     "the header has no ']' (a section name is letters, digits, '-', "
                                     "'_' and '.')",
                                     header ?: "");
                        return LINE_SKIPPED;
                }
        if (end - s - 1 > SECTION_NAME_MAX) {
                parser_error(p, p->lineno, "section name is longer than %d characters", SECTION_NAME_MAX);
                snprintf(str, (size_t)num, "\n");
                return LINE_SKIPPED;
        }
        if (!rest_is_empty(end + 1))
                parser_error(p, p->lineno, "unexpected text after ']'");
        p->marker_pending = true;
        return LINE_HEADER;
}

static char *config_reader(char *str, int num, void *stream)
{
        Parser *p = stream;
        const char *line, *nl;
        FileLine *n;
        size_t len, room = (size_t)num - 1;

        if (p->marker_pending) {
                p->marker_pending = false;
                snprintf(str, (size_t)num, "%s=\n", SECTION_MARKER);
                return str;
        }

        if (p->pos >= p->size)
                return NULL;
        line = p->data + p->pos;
        nl = memchr(line, '\n', p->size - p->pos);
        len = nl ? (size_t)(nl - line) + 1 : p->size - p->pos; /* with its '\n' */
        p->pos += len;
        p->lineno++;

        n = realloc(p->lines, p->lineno * sizeof(FileLine));
        if (!n) {
                p->oom = true;
                return NULL;
        }
        p->lines = n;
        p->n_lines = p->lineno;
        n[p->lineno - 1] = (FileLine){};

        /* A NUL or control byte: the line is not text, and nothing of it reaches inih (a
         * NUL would end the line early there). A header's section has ended all the same. */
        {
                _cleanup_free_ char *msg = NULL;

                if (config_check_text(line, nl ? len - 1 : len, &msg) < 0) {
                        p->oom = true;
                        return NULL;
                }
                if (msg) {
                        parser_error(p, p->lineno, "%s", msg);
                        /* It may have been a header ("\0[output a]"): keys after it belong
                         * to no section rather than to the one before. */
                        if (memchr(line, '[', len))
                                parser_end_section(p);
                        snprintf(str, (size_t)num, "\n");
                        n[p->lineno - 1].kind = LINE_SKIPPED;
                        return str;
                }
        }

        /* What fgets() into str would split: room for num - 2 characters and the '\n'. */
        if (len > room || (!nl && len == room)) {
                parser_error(p, p->lineno, "line is longer than %d characters", num - 2);
                snprintf(str, (size_t)num, "\n");
                n[p->lineno - 1].kind = LINE_SKIPPED;
                return str;
        }
        memcpy(str, line, len);
        str[len] = '\0';

        n[p->lineno - 1].kind = classify_line(p, str, num);
        return str;
}

/* Strips a '#' comment ('#' at the start or after whitespace) and trailing blanks. */
static void strip_value(char *v)
{
        size_t n;

        for (char *c = v; *c; c++)
                if (*c == '#' && (c == v || is_blank(c[-1]))) {
                        *c = '\0';
                        break;
                }
        n = strlen(v);
        while (n > 0 && is_blank(v[n - 1]))
                v[--n] = '\0';
}

static bool valid_device_name(const char *s)
{
        if (isempty(s))
                return false;
        for (; *s; s++)
                if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
                      *s == '-' || *s == '_' || *s == '.'))
                        return false;
        return true;
}

static OutputConfig *config_add_output(Config *c, const char *name, const char *source)
{
        OutputConfig *n, *o;

        n = realloc(c->outputs, (c->n_outputs + 1) * sizeof(OutputConfig));
        if (!n)
                return NULL;
        c->outputs = n;
        o = &c->outputs[c->n_outputs];
        *o = (OutputConfig){ .drive = PB_DRIVE_PUSH_PULL };
        o->name = strdup(name);
        o->source = strdup(source);
        if (!o->name || !o->source) {
                free(o->name);
                free(o->source);
                return NULL;
        }
        c->n_outputs++;
        return o;
}

static ButtonConfig *config_add_button(Config *c, const char *name, const char *source)
{
        ButtonConfig *n, *b;

        n = realloc(c->buttons, (c->n_buttons + 1) * sizeof(ButtonConfig));
        if (!n)
                return NULL;
        c->buttons = n;
        b = &c->buttons[c->n_buttons];
        *b = (ButtonConfig){
                .bias = PB_BIAS_AS_IS,
                .debounce_us = BUTTON_DEBOUNCE_DEFAULT_US,
                .hold_time_us = BUTTON_HOLD_TIME_DEFAULT_US,
                .click_window_us = BUTTON_CLICK_WINDOW_DEFAULT_US,
                .debouncer = BUTTON_DEBOUNCER_AUTO,
        };
        b->name = strdup(name);
        b->source = strdup(source);
        if (!b->name || !b->source) {
                free(b->name);
                free(b->source);
                return NULL;
        }
        c->n_buttons++;
        return b;
}

static const char *const debouncer_names[_BUTTON_DEBOUNCER_MAX] = {
        [BUTTON_DEBOUNCER_AUTO] = "auto",
        [BUTTON_DEBOUNCER_KERNEL] = "kernel",
        [BUTTON_DEBOUNCER_DAEMON] = "daemon",
};

int button_debouncer_from_string(const char *s)
{
        for (int i = 0; i < _BUTTON_DEBOUNCER_MAX; i++)
                if (streq_ptr(s, debouncer_names[i]))
                        return i;
        return -EINVAL;
}

static void parser_begin_section(Parser *p, const char *section)
{
        _cleanup_free_ char *kind = NULL, *source = NULL;
        const char *name, *dup_source = NULL;
        size_t k;

        p->section_ignored = true;
        p->output = NULL;
        p->button = NULL;
        p->sensor = NULL;
        p->last_key = mfree(p->last_key);
        strv_free(p->keys);
        p->keys = NULL;

        k = strcspn(section, " \t");
        kind = strndup(section, k);
        if (!kind)
                return;
        name = section + k;
        while (is_blank(*name))
                name++;

        if (isempty(kind)) {
                parser_error(p, p->lineno,
                             "section header '[%s]' has no type: expected [output NAME], [button NAME] or "
                             "[sensor NAME], with nothing before the type",
                             section);
                return;
        }
        if (!streq(kind, "output") && !streq(kind, "button") && !streq(kind, "sensor")) {
                parser_error(
                        p, p->lineno,
                        "unknown section type '%s' (expected [output NAME], [button NAME] or [sensor NAME])",
                        kind);
                return;
        }
        if (isempty(name)) {
                parser_error(p, p->lineno, "[%s] needs a name, as in [%s %s]", kind, kind,
                             streq(kind, "button") ? "doorbell" : "porch");
                return;
        }
        if (!valid_device_name(name)) {
                parser_error(p, p->lineno,
                             "invalid %s name '%s': use letters, digits, '-', '_' and '.' only", kind, name);
                return;
        }
        if (streq(kind, "output")) {
                const OutputConfig *dup = config_find_output(p->config, name);

                dup_source = dup ? dup->source : NULL;
        } else if (streq(kind, "button")) {
                const ButtonConfig *dup = config_find_button(p->config, name);

                dup_source = dup ? dup->source : NULL;
        } else {
                const SensorConfig *dup = config_find_sensor(p->config, name);

                dup_source = dup ? dup->source : NULL;
        }
        if (dup_source) {
                parser_error(p, p->lineno, "duplicate name '%s': [%s %s] is already defined at %s", name,
                             kind, name, dup_source);
                return;
        }

        if (asprintf(&source, "%s:%u", p->path, p->lineno) < 0)
                return;
        if (streq(kind, "output")) {
                p->output = config_add_output(p->config, name, source);
                p->section_ignored = p->output == NULL;
        } else if (streq(kind, "button")) {
                p->button = config_add_button(p->config, name, source);
                p->section_ignored = p->button == NULL;
        } else {
                p->sensor = config_add_sensor(p->config, name, source);
                p->section_ignored = p->sensor == NULL;
        }
}

static int parse_bool_key(Parser *p, const char *key, const char *value, bool *ret)
{
        int b = pb_parse_boolean(value);

        if (b < 0) {
                parser_error(p, p->lineno,
                             "invalid value '%s' for '%s': expected yes or no (or on/off, true/false, 1/0)",
                             value, key);
                return b;
        }
        *ret = b;
        return 0;
}

/* Checks a line spec and stores a copy in *line. */
static void parse_line_key(Parser *p, const char *value, char **line)
{
        PbLineSpec spec;
        const char *reason = NULL;
        int r = pb_line_spec_parse(value, &spec, &reason);

        if (r < 0) {
                parser_error(p, p->lineno, "invalid line '%s': the line spec %s", value,
                             reason ?: "cannot be parsed");
                return;
        }
        pb_line_spec_done(&spec);
        free(*line);
        *line = strdup(value);
}

/* Parses a duration of at most max µs into *ret. */
static int parse_duration_key(Parser *p, const char *key, const char *value, uint64_t max, uint64_t *ret)
{
        uint64_t us;
        int r = pb_parse_duration_us(value, &us);

        if (r < 0) {
                parser_error(
                        p, p->lineno,
                        "invalid duration '%s' for '%s': expected a number and a unit (us, ms, s, min, h), "
                        "e.g. 20ms, or 0",
                        value, key);
                return r;
        }
        if (us > max) {
                parser_error(p, p->lineno, "'%s' of %s is too long: at most %llu ms", key, value,
                             (unsigned long long)(max / USEC_PER_MSEC));
                return -ERANGE;
        }
        *ret = us;
        return 0;
}

static void parser_button_key(Parser *p, const char *key, const char *value)
{
        ButtonConfig *b = p->button;

        if (streq(key, "line"))
                parse_line_key(p, value, &b->line);
        else if (streq(key, "active-low"))
                (void)parse_bool_key(p, key, value, &b->active_low);
        else if (streq(key, "bias")) {
                int v = pb_bias_from_string(value);

                if (v < 0)
                        parser_error(p, p->lineno,
                                     "invalid value '%s' for 'bias': expected as-is, disabled, pull-up or "
                                     "pull-down",
                                     value);
                else
                        b->bias = (PbBias)v;
        } else if (streq(key, "debounce")) {
                /* "no" means none, like 0. */
                if (pb_parse_boolean(value) == 0)
                        b->debounce_us = 0;
                else
                        (void)parse_duration_key(p, key, value, BUTTON_DEBOUNCE_MAX_US, &b->debounce_us);
        } else if (streq(key, "hold-time"))
                (void)parse_duration_key(p, key, value, BUTTON_HOLD_TIME_MAX_US, &b->hold_time_us);
        else if (streq(key, "hold-repeat")) {
                int v = pb_parse_boolean(value);
                uint64_t us;

                b->hold_repeat_is_hold_time = v == 1;
                b->hold_repeat_us = 0;
                if (v >= 0)
                        return;
                if (parse_duration_key(p, key, value, BUTTON_HOLD_TIME_MAX_US, &us) < 0)
                        return;
                if (us < BUTTON_HOLD_REPEAT_MIN_US)
                        parser_error(p, p->lineno,
                                     "'hold-repeat' of %s is too short: at least %llu ms, or 'no' for none",
                                     value, (unsigned long long)(BUTTON_HOLD_REPEAT_MIN_US / USEC_PER_MSEC));
                else
                        b->hold_repeat_us = us;
        } else if (streq(key, "click-window"))
                (void)parse_duration_key(p, key, value, BUTTON_CLICK_WINDOW_MAX_US, &b->click_window_us);
        else if (streq(key, "debouncer")) {
                int v = button_debouncer_from_string(value);

                if (v < 0)
                        parser_error(p, p->lineno,
                                     "invalid value '%s' for 'debouncer': expected auto, kernel or daemon",
                                     value);
                else
                        b->debouncer = (ButtonDebouncer)v;
        } else
                parser_error(p, p->lineno,
                             "unknown key '%s' in [button %s] (known: line, bias, active-low, debounce, "
                             "hold-time, hold-repeat, click-window, debouncer)",
                             key, b->name);
}

static void parser_output_key(Parser *p, const char *key, const char *value)
{
        OutputConfig *o = p->output;

        if (streq(key, "line"))
                parse_line_key(p, value, &o->line);
        else if (streq(key, "initial")) {
                (void)parse_bool_key(p, key, value, &o->initial);
        } else if (streq(key, "active-low")) {
                (void)parse_bool_key(p, key, value, &o->active_low);
        } else if (streq(key, "restore")) {
                (void)parse_bool_key(p, key, value, &o->restore);
        } else if (streq(key, "drive")) {
                int d = pb_drive_from_string(value);

                if (d < 0)
                        parser_error(p, p->lineno,
                                     "invalid value '%s' for 'drive': expected push-pull, open-drain or "
                                     "open-source",
                                     value);
                else
                        o->drive = (PbDrive)d;
        } else
                parser_error(
                        p, p->lineno,
                        "unknown key '%s' in [output %s] (known: line, initial, active-low, drive, restore)",
                        key, o->name);
}

static int parser_sensor_key(Parser *p, const char *key, const char *value)
{
        _cleanup_free_ char *source = NULL, *error = NULL;
        int r;

        if (asprintf(&source, "%s:%u", p->path, p->lineno) < 0)
                return -ENOMEM;
        r = sensor_config_set(p->sensor, key, value, source, &error);
        if (r == -EINVAL)
                parser_error(p, p->lineno, "%s", error);
        return r == -ENOMEM ? r : 0;
}

static int config_handler(void *user, const char *section, const char *name, const char *raw_value)
{
        Parser *p = user;
        _cleanup_free_ char *value = NULL;

        if (p->lineno > 0)
                p->lines[p->lineno - 1].handled = true;

        if (streq(name, SECTION_MARKER)) {
                if (!isempty(raw_value))
                        parser_error(
                                p, p->lineno,
                                "indented line: keys and sections must start at the beginning of the line");
                else
                        parser_begin_section(p, section);
                return 1;
        }

        /* Keys after a refused header belong to no section: not checked, not reported. */
        if (p->section_ignored)
                return 1;
        if (isempty(section)) {
                parser_error(p, p->lineno, "key '%s' is outside of any section", name);
                return 1;
        }

        if (strv_contains(p->keys, name)) {
                if (p->last_key && streq(p->last_key, name))
                        parser_error(
                                p, p->lineno,
                                "'%s' is given twice in [%s] (an indented line continues the previous key)",
                                name, section);
                else
                        parser_error(p, p->lineno, "'%s' is given twice in [%s]", name, section);
                return 1;
        }
        if (strv_extendf(&p->keys, "%s", name) < 0)
                return 0;
        free(p->last_key);
        p->last_key = strdup(name);

        value = strdup(raw_value);
        if (!value)
                return 0;
        strip_value(value);
        if (isempty(value)) {
                parser_error(p, p->lineno, "'%s' needs a value", name);
                return 1;
        }

        if (p->sensor)
                return parser_sensor_key(p, name, value) < 0 ? 0 : 1;
        if (p->button)
                parser_button_key(p, name, value);
        else
                parser_output_key(p, name, value);
        return 1;
}

int config_parse_data(Config *c, const char *path, const char *data, size_t size, char ***errors)
{
        _cleanup_free_ char *escaped_path = NULL;
        size_t n_before = strv_length(*errors);
        Parser p = {
                .config = c,
                .errors = errors,
                .data = data,
                .size = size,
        };
        int r;

        escaped_path = config_escape(path);
        if (!escaped_path)
                return -ENOMEM;
        p.path = escaped_path;

        /* The handler reports its own errors and never fails for them: what inih returns
         * besides is a syntax error or an allocation failure. */
        r = ini_parse_stream(config_reader, &p, config_handler, &p);
        free(p.last_key);
        strv_free(p.keys);
        if (r == -2 || p.oom || (r >= 0 && p.pos < p.size)) {
                free(p.lines);
                return -ENOMEM;
        }

        /* Lines that should have reached the handler but did not are what inih refused. */
        for (size_t i = 0; i < p.n_lines; i++)
                if (p.lines[i].kind == LINE_OTHER && !p.lines[i].handled)
                        parser_error(&p, (unsigned)i + 1,
                                     "syntax error: expected '[section]', 'key = value' or a comment");
        free(p.lines);

        return strv_length(*errors) > n_before ? -EINVAL : 0;
}

int config_parse_file(Config *c, const char *path, char ***errors)
{
        _cleanup_free_ char *data = NULL, *error = NULL;
        size_t size = 0;
        int r;

        r = config_read_file(path, CONFIG_FILE_MAX, &data, &size, &error);
        if (r < 0) {
                if (error)
                        (void)strv_consume(errors, TAKE_PTR(error));
                return r;
        }
        return config_parse_data(c, path, data, size, errors);
}

int config_validate(Config *c, char ***errors)
{
        size_t n_before = strv_length(*errors);

        for (size_t i = 0; i < c->n_buttons; i++) {
                ButtonConfig *b = &c->buttons[i];

                if (b->hold_repeat_is_hold_time) {
                        if (b->hold_time_us < BUTTON_HOLD_REPEAT_MIN_US)
                                (void)strv_extendf(
                                        errors,
                                        "%s: [button %s] has 'hold-repeat = yes' (repeat every "
                                        "hold-time) but hold-time is below %llu ms",
                                        b->source, b->name,
                                        (unsigned long long)(BUTTON_HOLD_REPEAT_MIN_US / USEC_PER_MSEC));
                        else
                                b->hold_repeat_us = b->hold_time_us;
                        b->hold_repeat_is_hold_time = false;
                }
                if (!b->line) {
                        (void)strv_extendf(errors, "%s: [button %s] has no 'line =' key", b->source,
                                           b->name);
                        continue;
                }
                for (size_t j = 0; j < c->n_outputs; j++)
                        if (streq_ptr(c->outputs[j].line, b->line)) {
                                (void)strv_extendf(
                                        errors,
                                        "%s: line %s of [button %s] is already used by [output %s] at %s",
                                        b->source, b->line, b->name, c->outputs[j].name,
                                        c->outputs[j].source);
                                break;
                        }
                for (size_t j = 0; j < i; j++)
                        if (streq_ptr(c->buttons[j].line, b->line)) {
                                (void)strv_extendf(
                                        errors,
                                        "%s: line %s of [button %s] is already used by [button %s] at %s",
                                        b->source, b->line, b->name, c->buttons[j].name,
                                        c->buttons[j].source);
                                break;
                        }
        }

        for (size_t i = 0; i < c->n_outputs; i++) {
                OutputConfig *o = &c->outputs[i];

                if (!o->line) {
                        (void)strv_extendf(errors, "%s: [output %s] has no 'line =' key", o->source,
                                           o->name);
                        continue;
                }
                for (size_t j = 0; j < i; j++)
                        if (streq_ptr(c->outputs[j].line, o->line)) {
                                (void)strv_extendf(
                                        errors,
                                        "%s: line %s of [output %s] is already used by [output %s] at %s",
                                        o->source, o->line, o->name, c->outputs[j].name,
                                        c->outputs[j].source);
                                break;
                        }
        }
        (void)config_validate_sensors(c, errors);

        /* These messages echo values too (a tab in a model option): escaped like the parser's. */
        for (size_t i = n_before; *errors && (*errors)[i]; i++) {
                char *e = config_escape((*errors)[i]);

                if (e) {
                        free((*errors)[i]);
                        (*errors)[i] = e;
                }
        }
        return strv_length(*errors) > n_before ? -EINVAL : 0;
}

static int conf_d_filter(const struct dirent *de)
{
        const char *dot = strrchr(de->d_name, '.');

        return de->d_name[0] != '.' && dot && streq(dot, ".conf");
}

int config_load(const char *path, bool required, Config **ret, char ***ret_errors)
{
        _cleanup_(config_freep) Config *c = NULL;
        _cleanup_strv_free_ char **errors = NULL;
        _cleanup_free_ char *dir = NULL;
        struct dirent **entries = NULL;
        int n, r = 0;

        c = config_new();
        if (!c)
                return -ENOMEM;

        if (access(path, F_OK) == 0 || required) {
                r = config_parse_file(c, path, &errors);
                if (r < 0 && r != -EINVAL)
                        goto fail;
        }

        if (asprintf(&dir, "%s.d", path) < 0)
                return -ENOMEM;
        n = scandir(dir, &entries, conf_d_filter, alphasort);
        for (int i = 0; i < n; i++) {
                _cleanup_free_ char *p = NULL;

                if (asprintf(&p, "%s/%s", dir, entries[i]->d_name) >= 0)
                        (void)config_parse_file(c, p, &errors);
                free(entries[i]);
        }
        free(entries);

        (void)config_validate(c, &errors);
        if (errors) {
                r = -EINVAL;
                goto fail;
        }
        *ret = TAKE_PTR(c);
        if (ret_errors)
                *ret_errors = NULL;
        return 0;

fail:
        if (ret_errors)
                *ret_errors = TAKE_PTR(errors);
        return r;
}

Config *config_new(void)
{
        return calloc(1, sizeof(Config));
}

Config *config_free(Config *c)
{
        if (!c)
                return NULL;
        for (size_t i = 0; i < c->n_outputs; i++) {
                free(c->outputs[i].name);
                free(c->outputs[i].line);
                free(c->outputs[i].source);
        }
        free(c->outputs);
        for (size_t i = 0; i < c->n_buttons; i++) {
                free(c->buttons[i].name);
                free(c->buttons[i].line);
                free(c->buttons[i].source);
        }
        free(c->buttons);
        for (size_t i = 0; i < c->n_sensors; i++)
                sensor_config_done(&c->sensors[i]);
        free(c->sensors);
        free(c);
        return NULL;
}

const OutputConfig *config_find_output(const Config *c, const char *name)
{
        for (size_t i = 0; i < c->n_outputs; i++)
                if (streq(c->outputs[i].name, name))
                        return &c->outputs[i];
        return NULL;
}

const ButtonConfig *config_find_button(const Config *c, const char *name)
{
        for (size_t i = 0; i < c->n_buttons; i++)
                if (streq(c->buttons[i].name, name))
                        return &c->buttons[i];
        return NULL;
}
