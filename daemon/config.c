/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * inih does the INI parsing; this file adds what inih (as Debian builds it)
 * does not offer: line numbers, a notice when a section starts, and '#'
 * inline comments. All three come from wrapping inih's line reader:
 *  - the reader counts the lines it hands out, so the handler knows the line
 *    of the key it is given;
 *  - after a "[section]" line it hands out one extra line holding a marker
 *    key, so the handler sees every section, even one without keys, at the
 *    line of its header;
 *  - over-long lines, which inih would split, are reported and skipped.
 */

#include <dirent.h>
#include <ini.h>
#include <stdarg.h>

#include "config.h"
#include "line-spec.h"
#include "strv.h"

/* Not something a person types: the key of the line the reader adds after a section header. */
#define SECTION_MARKER "\001section"

/* inih truncates section names to 49 characters; longer ones are refused. */
#define SECTION_NAME_MAX 49

typedef struct Parser {
        Config *config;
        const char *path;
        FILE *f;
        char ***errors;
        unsigned lineno; /* line of the text the reader returned last */
        unsigned section_lineno;
        bool marker_pending;  /* the reader owes inih a marker line */
        bool section_ignored; /* the current section is bad: its keys are not checked */
        OutputConfig *output; /* the current [output] section */
        char *last_key;       /* previous key of the current section */
} Parser;

static void parser_error(Parser *p, unsigned lineno, const char *format, ...) _printf_(3, 4);

static void parser_error(Parser *p, unsigned lineno, const char *format, ...)
{
        _cleanup_free_ char *msg = NULL;
        va_list ap;
        int r;

        if (strv_length(*p->errors) >= CONFIG_ERRORS_MAX)
                return;
        va_start(ap, format);
        r = vasprintf(&msg, format, ap);
        va_end(ap);
        if (r < 0)
                return;
        (void)strv_extendf(p->errors, "%s:%u: %s", p->path, lineno, msg);
        if (strv_length(*p->errors) == CONFIG_ERRORS_MAX)
                (void)strv_extendf(p->errors, "%s: too many errors, giving up", p->path);
}

static bool is_blank(char c)
{
        return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

static char *config_reader(char *str, int num, void *stream)
{
        Parser *p = stream;
        const char *s;
        size_t len;

        if (p->marker_pending) {
                p->marker_pending = false;
                snprintf(str, (size_t)num, "%s=\n", SECTION_MARKER);
                return str;
        }

        if (!fgets(str, num, p->f))
                return NULL;
        p->lineno++;

        len = strlen(str);
        if (len > 0 && str[len - 1] != '\n' && !feof(p->f)) {
                int ch;

                parser_error(p, p->lineno, "line is longer than %d characters", num - 2);
                while ((ch = fgetc(p->f)) != EOF && ch != '\n')
                        ;
                snprintf(str, (size_t)num, "\n");
                return str;
        }

        s = str;
        if (p->lineno == 1 && startswith(s, "\xEF\xBB\xBF"))
                s += 3;
        while (is_blank(*s))
                s++;
        if (*s == '[') {
                const char *end = strchr(s, ']');

                if (end && end - s - 1 > SECTION_NAME_MAX) {
                        parser_error(p, p->lineno, "section name is longer than %d characters",
                                     SECTION_NAME_MAX);
                        snprintf(str, (size_t)num, "[%s]\n", SECTION_MARKER);
                }
                p->marker_pending = end != NULL;
        }
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

static void parser_begin_section(Parser *p, const char *section)
{
        _cleanup_free_ char *kind = NULL, *source = NULL;
        const char *name;
        const OutputConfig *dup;
        size_t k;

        p->section_lineno = p->lineno;
        p->section_ignored = true;
        p->output = NULL;
        p->last_key = mfree(p->last_key);

        if (streq(section, SECTION_MARKER))
                return; /* an over-long name, already reported */

        k = strcspn(section, " \t");
        kind = strndup(section, k);
        if (!kind)
                return;
        name = section + k;
        while (is_blank(*name))
                name++;

        if (streq(kind, "button") || streq(kind, "sensor")) {
                parser_error(p, p->lineno, "[%s] sections are not supported by this version of pinbusd",
                             kind);
                return;
        }
        if (!streq(kind, "output")) {
                parser_error(p, p->lineno, "unknown section type '%s' (expected [output NAME])", kind);
                return;
        }
        if (isempty(name)) {
                parser_error(p, p->lineno, "[%s] needs a name, as in [%s porch]", kind, kind);
                return;
        }
        if (!valid_device_name(name)) {
                parser_error(p, p->lineno,
                             "invalid %s name '%s': use letters, digits, '-', '_' and '.' only", kind, name);
                return;
        }
        dup = config_find_output(p->config, name);
        if (dup) {
                parser_error(p, p->lineno, "duplicate name '%s': [output %s] is already defined at %s", name,
                             name, dup->source);
                return;
        }

        if (asprintf(&source, "%s:%u", p->path, p->lineno) < 0)
                return;
        p->output = config_add_output(p->config, name, source);
        p->section_ignored = p->output == NULL;
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

static void parser_output_key(Parser *p, const char *key, const char *value)
{
        OutputConfig *o = p->output;

        if (streq(key, "line")) {
                PbLineSpec spec;
                const char *reason = NULL;
                int r = pb_line_spec_parse(value, &spec, &reason);

                if (r < 0) {
                        parser_error(p, p->lineno, "invalid line '%s': the line spec %s", value,
                                     reason ?: "cannot be parsed");
                        return;
                }
                pb_line_spec_done(&spec);
                free(o->line);
                o->line = strdup(value);
        } else if (streq(key, "initial")) {
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

static int config_handler(void *user, const char *section, const char *name, const char *raw_value)
{
        Parser *p = user;
        _cleanup_free_ char *value = NULL;

        if (streq(name, SECTION_MARKER)) {
                if (!isempty(raw_value))
                        parser_error(
                                p, p->lineno,
                                "indented line: keys and sections must start at the beginning of the line");
                else
                        parser_begin_section(p, section);
                return 1;
        }

        if (isempty(section)) {
                parser_error(p, p->lineno, "key '%s' is outside of any section", name);
                return 1;
        }
        if (p->section_ignored)
                return 1;

        if (p->last_key && streq(p->last_key, name)) {
                parser_error(p, p->lineno,
                             "'%s' is given twice in [%s] (an indented line continues the previous key)",
                             name, section);
                return 1;
        }
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

        parser_output_key(p, name, value);
        return 1;
}

int config_parse_file(Config *c, const char *path, char ***errors)
{
        _cleanup_fclose_ FILE *f = NULL;
        size_t n_before = strv_length(*errors);
        Parser p = {
                .config = c,
                .path = path,
                .errors = errors,
        };
        int r;

        f = fopen(path, "re");
        if (!f) {
                r = -errno;
                (void)strv_extendf(errors, "%s: cannot open: %s", path, strerror(errno));
                return r;
        }
        p.f = f;

        /* Our handler reports its own errors; what inih returns is a syntax error. */
        r = ini_parse_stream(config_reader, &p, config_handler, &p);
        free(p.last_key);
        if (r == -2)
                return -ENOMEM;
        if (r > 0) {
                /* inih counted our marker lines too: map its count back to a line of the file.
                 * The reader consumed over-long lines whole, so one getline() is one of its lines. */
                _cleanup_free_ char *text = NULL;
                size_t size = 0;
                unsigned target = (unsigned)r, lineno = 0, seen = 0;

                rewind(f);
                while (seen < target && getline(&text, &size, f) >= 0) {
                        const char *s = text;

                        lineno++;
                        seen++;
                        while (is_blank(*s))
                                s++;
                        if (*s == '[' && strchr(s, ']') && seen < target)
                                seen++; /* the marker line after a header */
                }
                parser_error(&p, lineno, "syntax error: expected '[section]', 'key = value' or a comment");
        }
        return strv_length(*errors) > n_before ? -EINVAL : 0;
}

int config_validate(Config *c, char ***errors)
{
        size_t n_before = strv_length(*errors);

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
