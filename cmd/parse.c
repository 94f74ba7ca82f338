/* parse.c - command lines through the table: finding the command, options,
 * positionals, global options anywhere on the line, and prompt-line splitting. */
#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

const struct cmd_def *cmd_find(int argc, char **argv, int *words)
{
	const struct cmd_def *best = NULL;
	int best_words = 0;

	for (size_t i = 0; cmd_table[i]; i++) {
		const char *name = cmd_table[i]->name;
		int w = 0;
		bool match = true;

		/* compare the name word by word with argv */
		while (*name && match) {
			size_t len = strcspn(name, " ");
			if (w >= argc || strlen(argv[w]) != len || strncmp(argv[w], name, len) != 0)
				match = false;
			name += len;
			while (*name == ' ')
				name++;
			w++;
		}
		if (match && w > best_words) {
			best = cmd_table[i];
			best_words = w;
		}
	}
	*words = best_words;
	return best;
}

int cmd_group_usage(const char *group, FILE *f)
{
	size_t len = strlen(group);
	int n = 0;

	for (size_t i = 0; cmd_table[i]; i++)
		if (strncmp(cmd_table[i]->name, group, len) == 0 && cmd_table[i]->name[len] == ' ') {
			if (f)
				cmd_print_usage(f, cmd_table[i]);
			n++;
		}
	return n;
}

/* true when word (len w) is one of the ", "-joined names in list */
static bool names_have(const char *list, const char *word, size_t w)
{
	for (const char *p = list; *p; p += strcspn(p, ",") + (p[strcspn(p, ",")] ? 2 : 0))
		if (strcspn(p, ",") == w && strncmp(p, word, w) == 0)
			return true;
	return false;
}

void cmd_group_names(const char *group, char *out, size_t len)
{
	size_t glen = strlen(group), used = 0;

	out[0] = '\0';
	for (size_t i = 0; cmd_table[i]; i++) {
		const char *name = cmd_table[i]->name;
		size_t w;
		if (strncmp(name, group, glen) != 0 || name[glen] != ' ')
			continue;
		name += glen + 1;
		w = strcspn(name, " ");   /* "net forward add": net's "forward" */
		if (names_have(out, name, w) || used + w + 3 > len)
			continue;
		used += (size_t)snprintf(out + used, len - used, "%s%.*s", used ? ", " : "", (int)w, name);
	}
}

/* Global options, accepted before the command and among its arguments. */
enum gopt { G_CONNECT, G_HOST, G_READONLY, G_JSON, G_ACCEL, G_EMBEDDED, G_HELP, G_VERSION };
static const struct {
	const char *long_name;
	char short_name;
	const char *arg;   /* NULL: a flag */
	enum gopt id;
	const char *help;
} global_opts[] = {
	{ "connect", 'c', "URI", G_CONNECT, "libvirt URI or a [hosts] name (default: $VMDECK_URI, config, "
	  "qemu:///system, qemu:///session)" },
	{ "host", 0, "NAME", G_HOST, "only this host of [hosts] (repeatable); create --host auto places "
	  "the guest where it fits best" },
	{ "readonly", 0, NULL, G_READONLY, "read-only connection: every changing command is refused" },
	{ "json", 0, NULL, G_JSON, "machine-readable output" },
	{ "accel", 0, "auto|kvm|tcg", G_ACCEL, "acceleration for new guests (auto: TCG where KVM cannot run them)" },
	{ "embedded", 0, NULL, G_EMBEDDED, "TUI only: in-process libvirt driver, no daemon needed" },
	{ "help", 'h', NULL, G_HELP, "the overview; after a command, that command's options" },
	{ "version", 'V', NULL, G_VERSION, "print vmdeck's version" },
};
#define N_GLOBAL (sizeof(global_opts) / sizeof(global_opts[0]))

/* Returns 1 when argv[*i] was a global option (consumed, *i advanced past its
 * value), 0 when it is not one, 2 on error (printed). */
static int try_global(int argc, char **argv, int *i, struct cmd_global *g, FILE *err)
{
	const char *arg = argv[*i], *value = NULL, *eq;
	size_t namelen;

	for (size_t k = 0; k < N_GLOBAL; k++) {
		bool hit = false;

		if (arg[0] == '-' && arg[1] == '-') {
			eq = strchr(arg + 2, '=');
			namelen = eq ? (size_t)(eq - arg - 2) : strlen(arg + 2);
			hit = strlen(global_opts[k].long_name) == namelen &&
			      strncmp(arg + 2, global_opts[k].long_name, namelen) == 0;
			if (hit && eq)
				value = eq + 1;
		} else if (arg[0] == '-' && global_opts[k].short_name && arg[1] == global_opts[k].short_name) {
			hit = true;
			if (arg[2])
				value = arg + 2;
		}
		if (!hit)
			continue;
		if ((global_opts[k].arg != NULL) && !value) {
			if (*i + 1 >= argc) {
				cmd_errorf(err, "option '%s' needs a value", arg);
				return 2;
			}
			value = argv[++*i];
		} else if (!(global_opts[k].arg != NULL) && value) {
			cmd_errorf(err, "option '--%s' takes no value", global_opts[k].long_name);
			return 2;
		}
		switch (global_opts[k].id) {
		case G_CONNECT: g->uri = value; break;
		case G_HOST:
			if (g->n_hosts >= CMD_MAX_HOSTS) {
				cmd_errorf(err, "--host given more than %d times", CMD_MAX_HOSTS);
				return 2;
			}
			g->hosts[g->n_hosts++] = value;
			break;
		case G_READONLY: g->readonly = true; break;
		case G_JSON: g->json = true; break;
		case G_EMBEDDED: g->embedded = true; break;
		case G_HELP: g->help = true; break;
		case G_VERSION: g->version = true; break;
		case G_ACCEL:
			if (eng_accel_from_string(value, &g->accel) < 0) {
				cmd_errorf(err, "invalid --accel '%s': use auto, kvm or tcg", value);
				return 2;
			}
			break;
		}
		(*i)++;
		return 1;
	}
	return 0;
}

void cmd_print_globals(FILE *f, bool roff)
{
	for (size_t k = 0; k < N_GLOBAL; k++) {
		char flag[64], shortf[8] = "";
		if (global_opts[k].short_name)
			snprintf(shortf, sizeof(shortf), "-%c, ", global_opts[k].short_name);
		snprintf(flag, sizeof(flag), "%s--%s%s%s", shortf, global_opts[k].long_name,
			 global_opts[k].arg ? " " : "", global_opts[k].arg ? global_opts[k].arg : "");
		if (roff) {
			fprintf(f, ".TP\n.B %s\n%s\n", flag, global_opts[k].help);
		} else {
			fprintf(f, "  %-26s ", flag);
			cmd_print_wrapped(f, global_opts[k].help, 29, 29, 80);
		}
	}
}

int cmd_parse_globals(int argc, char **argv, int *first, struct cmd_global *g, FILE *err)
{
	int i = 1;

	while (i < argc && argv[i][0] == '-' && argv[i][1]) {
		int r;
		if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		}
		r = try_global(argc, argv, &i, g, err);
		if (r == 2)
			return 2;
		if (r == 0) {
			cmd_errorf(err, "unknown option '%s' (see 'vmdeck help')", argv[i]);
			return 2;
		}
	}
	*first = i;
	return 0;
}

static int find_opt(const struct cmd_def *def, const char *name, size_t len)
{
	for (int k = 0; def->opts && def->opts[k].name; k++)
		if (strlen(def->opts[k].name) == len && strncmp(def->opts[k].name, name, len) == 0)
			return k;
	return -1;
}

int cmd_parse(const struct cmd_def *def, int argc, char **argv, struct cmd_args *a,
	      struct cmd_global *g, FILE *err)
{
	bool only_pos = false;

	memset(a, 0, sizeof(*a));
	a->def = def;
	a->dashdash = -1;
	for (int i = 0; i < argc;) {
		const char *arg = argv[i];

		if (!only_pos && strcmp(arg, "--") == 0) {
			only_pos = true;
			a->dashdash = a->npos;
			i++;
			continue;
		}
		if (!only_pos && arg[0] == '-' && arg[1]) {
			const char *eq = strchr(arg, '=');
			int r, k = -1;

			if (arg[1] == '-')
				k = find_opt(def, arg + 2, eq ? (size_t)(eq - arg - 2) : strlen(arg + 2));
			else if (arg[2] == '\0')
				for (int j = 0; def->opts && def->opts[j].name; j++)
					if (def->opts[j].short_name == arg[1])
						k = j;
			if (k >= 0) {
				const struct cmd_opt *o = &def->opts[k];
				struct cmd_optval *v = &a->opt[k];
				const char *value = eq ? eq + 1 : NULL;

				if (o->arg && !value) {
					if (i + 1 >= argc)
						return cmd_usage_error(err, def, "option '--%s' needs a value (%s)",
								       o->name, o->arg);
					value = argv[++i];
				} else if (!o->arg && value) {
					return cmd_usage_error(err, def, "option '--%s' takes no value", o->name);
				}
				if (v->n > 0 && !(o->flags & OPT_REPEAT) && o->arg) {
					v->n = 0;   /* the last one wins, as in most CLIs */
				}
				if (v->n >= CMD_MAX_REPEAT)
					return cmd_usage_error(err, def, "option '--%s' given too often", o->name);
				v->vals[v->n++] = value ? value : "";
				i++;
				continue;
			}
			r = try_global(argc, argv, &i, g, err);
			if (r == 2)
				return 2;
			if (r == 1)
				continue;
			return cmd_usage_error(err, def, "unknown option '%s'", arg);
		}
		if (a->npos >= CMD_MAX_POS || a->npos >= def->max_args)
			return cmd_usage_error(err, def, "unexpected argument '%s'", arg);
		a->pos[a->npos++] = arg;
		i++;
	}
	if (g->help)
		return 0;
	if (a->npos < def->min_args)
		return cmd_usage_error(err, def, "missing argument%s", def->min_args - a->npos > 1 ? "s" : "");
	for (int k = 0; def->opts && def->opts[k].name; k++)
		if ((def->opts[k].flags & OPT_REQUIRED) && a->opt[k].n == 0)
			return cmd_usage_error(err, def, "option '--%s' is required", def->opts[k].name);
	return 0;
}

static int opt_index(const struct cmd_args *a, const char *name)
{
	return a->def ? find_opt(a->def, name, strlen(name)) : -1;
}

const char *cmd_opt(const struct cmd_args *a, const char *name)
{
	int k = opt_index(a, name);

	return k >= 0 && a->opt[k].n > 0 ? a->opt[k].vals[a->opt[k].n - 1] : NULL;
}

bool cmd_flag(const struct cmd_args *a, const char *name)
{
	int k = opt_index(a, name);

	return k >= 0 && a->opt[k].n > 0;
}

int cmd_optv(const struct cmd_args *a, const char *name, const char *const **vals)
{
	int k = opt_index(a, name);

	if (k < 0)
		return 0;
	*vals = a->opt[k].vals;
	return a->opt[k].n;
}

/* ---- prompt lines ---- */

int cmd_split_line(const char *line, char ***argv_out, char *errbuf, size_t errlen)
{
	size_t cap = 8, n = 0, len = strlen(line);
	char **argv = calloc(cap, sizeof(*argv));
	char *word = malloc(len + 1);
	const char *p = line;

	if (!argv || !word)
		goto fail;
	for (;;) {
		size_t w = 0;
		char quote = 0;

		while (isspace((unsigned char)*p))
			p++;
		if (!*p)
			break;
		for (; *p && (quote || !isspace((unsigned char)*p)); p++) {
			if (quote) {
				if (*p == quote)
					quote = 0;
				else if (*p == '\\' && quote == '"' && p[1])
					word[w++] = *++p;
				else
					word[w++] = *p;
			} else if (*p == '\'' || *p == '"') {
				quote = *p;
			} else if (*p == '\\' && p[1]) {
				word[w++] = *++p;
			} else {
				word[w++] = *p;
			}
		}
		if (quote) {
			snprintf(errbuf, errlen, "unterminated %c quote", quote);
			goto fail;
		}
		word[w] = '\0';
		if (n + 2 > cap) {
			char **na = realloc(argv, (cap *= 2) * sizeof(*argv));
			if (!na)
				goto fail;
			argv = na;
		}
		if (!(argv[n++] = strdup(word)))
			goto fail;
		argv[n] = NULL;
	}
	free(word);
	*argv_out = argv;
	return (int)n;
fail:
	free(word);
	if (argv)
		cmd_words_free((int)n, argv);
	return -1;
}

void cmd_words_free(int argc, char **argv)
{
	for (int i = 0; i < argc; i++)
		free(argv[i]);
	free(argv);
}

int cmd_quote_word(const char *w, char *out, size_t len)
{
	size_t o = 0;
	bool plain = *w != '\0';

	for (const char *p = w; *p; p++)
		plain &= isalnum((unsigned char)*p) || strchr("/._-+,:=@%", *p);
	if (plain)
		return snprintf(out, len, "%s", w) < (int)len ? 0 : -1;
	/* single quotes keep everything; a quote inside is '\'' */
	if (len < 3)
		return -1;
	out[o++] = '\'';
	for (const char *p = w; *p; p++) {
		size_t need = *p == '\'' ? 4 : 1;
		if (o + need + 2 > len)
			return -1;   /* never a word cut short */
		if (*p == '\'')
			memcpy(out + o, "'\\''", 4);
		else
			out[o] = *p;
		o += need;
	}
	out[o++] = '\'';
	out[o] = '\0';
	return 0;
}
