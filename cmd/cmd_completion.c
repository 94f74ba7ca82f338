/* cmd_completion.c - completion bash|zsh: a completion script generated from
 * the command table (commands, subcommands, options and what their values
 * are), completing VM, network, snapshot, profile and lab names by asking
 * vmdeck itself (`list --all --names`, ...). zsh uses the same function
 * through bashcompinit. */
#include <string.h>

#include "cmd.h"

/* What a positional or an option value is, from its placeholder in the
 * table: the names the script asks vmdeck for, or files. */
static const struct {
	const char *token;
	const char *hint;
} hints[] = {
	{ "VM", "vm" },     { "SRC", "vm" },     { "NET", "net" },  { "P", "profile" },
	{ "ISO", "file" },  { "DISK", "file" },  { "PATH", "file" }, { "FILE", "file" },
	{ "DIR", "dir" },   { "COMMAND", "cmd" }, { "CIDR", "" },   { "SIZE", "" },
	{ "HOST", "host" }, { "DEST", "host" },
};

static void value_hint(const struct cmd_def *def, const struct cmd_opt *o, char *out, size_t len);

static const char *hint_of(const struct cmd_def *def, const char *token, int pos)
{
	/* a lab FILE may be a lab's name; a snapshot's NAME after its VM */
	if (strcmp(token, "FILE") == 0 && strncmp(def->name, "lab ", 4) == 0)
		return "lab";
	if (strcmp(token, "NAME") == 0 && pos == 1 && strncmp(def->name, "snapshot ", 9) == 0 &&
	    strcmp(def->name, "snapshot take") != 0)
		return "snapshot";
	for (size_t i = 0; i < sizeof(hints) / sizeof(hints[0]); i++)
		if (strcmp(hints[i].token, token) == 0)
			return hints[i].hint;
	return "";
}

/* What the word being typed is, for the TUI's prompt: the value of option
 * prev (its choices, "bios|uefi" -> "bios uefi"), else the pos-th
 * positional word (0-based, repeating the last "..." one); "" unknown. */
const char *cmd_value_kind(const struct cmd_def *def, const char *prev, int pos, char *choices, size_t len)
{
	char buf[256], *save = NULL, last[64] = "";
	int i = 0;

	choices[0] = '\0';
	if (prev && prev[0] == '-' && prev[1] == '-')
		for (int k = 0; def->opts && def->opts[k].name; k++)
			if (strcmp(def->opts[k].name, prev + 2) == 0 && def->opts[k].arg) {
				if (strchr(def->opts[k].arg, '|')) {
					value_hint(def, &def->opts[k], choices, len);
					return "choice";
				}
				return hint_of(def, def->opts[k].arg, -1);
			}
	snprintf(buf, sizeof(buf), "%s", def->usage ? def->usage : "");
	for (char *w = strtok_r(buf, " ", &save); w; w = strtok_r(NULL, " ", &save), i++) {
		size_t t = 0;
		bool rep = strstr(w, "...") != NULL;
		for (const char *p = w; *p && t + 1 < sizeof(last); p++)
			if (*p != '[' && *p != ']' && *p != '.')
				last[t++] = *p;
		last[t] = '\0';
		if (i == pos || rep)
			return hint_of(def, last, i);
	}
	return "";
}

/* "VM [NAME]" -> "vm snapshot"; "[VM...]" -> "vm+" (repeats) */
static void positional_hints(const struct cmd_def *def, char *out, size_t len)
{
	char buf[256], *save = NULL;
	size_t o = 0;
	int pos = 0;

	out[0] = '\0';
	snprintf(buf, sizeof(buf), "%s", def->usage ? def->usage : "");
	for (char *w = strtok_r(buf, " ", &save); w && o < len; w = strtok_r(NULL, " ", &save), pos++) {
		bool rep = strstr(w, "...") != NULL;
		char tok[64];
		size_t t = 0;
		for (const char *p = w; *p && t + 1 < sizeof(tok); p++)
			if (*p != '[' && *p != ']' && *p != '.')
				tok[t++] = *p;
		tok[t] = '\0';
		const char *h = hint_of(def, tok, pos);
		o += (size_t)snprintf(out + o, len - o, "%s%s%s", pos ? " " : "", *h ? h : "-", rep ? "+" : "");
	}
}

/* an option's value: its choices ("bios|uefi" -> "bios uefi") or a hint */
static void value_hint(const struct cmd_def *def, const struct cmd_opt *o, char *out, size_t len)
{
	if (strchr(o->arg, '|')) {
		snprintf(out, len, "%s", o->arg);
		for (char *p = out; *p; p++)
			if (*p == '|')
				*p = ' ';
		return;
	}
	snprintf(out, len, "@%s", hint_of(def, o->arg, -1));
}

/* the first words of the table's names below prefix, each once */
static void sub_words(const char *prefix, char *out, size_t len)
{
	size_t pl = strlen(prefix), o = 0;
	char seen[4096] = " ";   /* " w1 w2 ": what is in out */

	out[0] = '\0';
	for (size_t i = 0; cmd_table[i]; i++) {
		const char *n = cmd_table[i]->name, *w;
		char word[80];
		if (pl && (strncmp(n, prefix, pl) != 0 || n[pl] != ' '))
			continue;
		w = pl ? n + pl + 1 : n;
		snprintf(word, sizeof(word), " %.*s ", (int)strcspn(w, " "), w);
		if (strstr(seen, word) || strlen(seen) + strlen(word) >= sizeof(seen))
			continue;
		strcat(seen, word + 1);
		o += (size_t)snprintf(out + o, len > o ? len - o : 0, "%s%.*s", o ? " " : "", (int)(strlen(word) - 2),
				      word + 1);
	}
}

static void print_families(FILE *f)
{
	char words[2048], done[2048] = "|";

	sub_words("", words, sizeof(words));
	/* (bash takes no empty key: the top level is "-") */
	fprintf(f, "_vmdeck_sub[\"-\"]=\"%s\"\n", words);
	for (size_t i = 0; cmd_table[i]; i++) {
		const char *n = cmd_table[i]->name;
		/* every proper prefix of a name with spaces is a family */
		for (const char *sp = strchr(n, ' '); sp; sp = strchr(sp + 1, ' ')) {
			char fam[96], key[100];
			snprintf(fam, sizeof(fam), "%.*s", (int)(sp - n), n);
			snprintf(key, sizeof(key), "|%s|", fam);
			if (strstr(done, key) || strlen(done) + strlen(key) >= sizeof(done))
				continue;
			strcat(done, key + 1);
			sub_words(fam, words, sizeof(words));
			fprintf(f, "_vmdeck_sub[\"%s\"]=\"%s\"\n", fam, words);
		}
	}
}

static void print_tables(FILE *f)
{
	fputs("declare -gA _vmdeck_sub _vmdeck_opts _vmdeck_vals _vmdeck_pos\n", f);
	print_families(f);
	for (size_t i = 0; cmd_table[i]; i++) {
		const struct cmd_def *d = cmd_table[i];
		char pos[256], val[256];
		fprintf(f, "_vmdeck_opts[\"%s\"]=\"", d->name);
		for (int k = 0; d->opts && d->opts[k].name; k++) {
			fprintf(f, "%s--%s", k ? " " : "", d->opts[k].name);
			if (d->opts[k].short_name)
				fprintf(f, " -%c", d->opts[k].short_name);
		}
		fputs("\"\n", f);
		positional_hints(d, pos, sizeof(pos));
		fprintf(f, "_vmdeck_pos[\"%s\"]=\"%s\"\n", d->name, pos);
		for (int k = 0; d->opts && d->opts[k].name; k++)
			if (d->opts[k].arg) {
				value_hint(d, &d->opts[k], val, sizeof(val));
				fprintf(f, "_vmdeck_vals[\"%s --%s\"]=\"%s\"\n", d->name, d->opts[k].name, val);
			}
	}
}

/* The completion function itself: plain bash (no bash-completion helpers
 * needed), COMP_WORDS/COMP_CWORD in, COMPREPLY out. */
static const char bash_body[] =
	"_vmdeck_names() {\n"
	"\tlocal v=(\"${COMP_WORDS[0]}\")\n"
	"\t[[ -n $_vmdeck_uri ]] && v+=(-c \"$_vmdeck_uri\")\n"
	"\tcase $1 in\n"
	"\tvm) \"${v[@]}\" list --all --names 2>/dev/null ;;\n"
	"\tnet) \"${v[@]}\" net list --names 2>/dev/null ;;\n"
	"\tsnapshot) [[ -n $2 ]] && \"${v[@]}\" snapshot list \"$2\" --names 2>/dev/null ;;\n"
	"\tprofile) \"${v[@]}\" profile list --names 2>/dev/null ;;\n"
	"\tlab) \"${v[@]}\" lab list --names 2>/dev/null ;;\n"
	"\thost) \"${v[@]}\" hosts --names 2>/dev/null ;;\n"
	"\tcmd) echo \"${_vmdeck_sub[-]}\" ;;\n"
	"\tesac\n"
	"}\n"
	"\n"
	"_vmdeck_hint() {\n"
	"\tlocal hint=$1 cur=$2 first=$3 w\n"
	"\tcase $hint in\n"
	"\tfile) COMPREPLY=($(compgen -f -- \"$cur\")) ;;\n"
	"\tdir) COMPREPLY=($(compgen -d -- \"$cur\")) ;;\n"
	"\tlab) COMPREPLY=($(compgen -W \"$(_vmdeck_names lab)\" -- \"$cur\") $(compgen -f -- \"$cur\")) ;;\n"
	"\tvm|net|profile|host|cmd) COMPREPLY=($(compgen -W \"$(_vmdeck_names \"$hint\")\" -- \"$cur\")) ;;\n"
	"\tsnapshot) COMPREPLY=($(compgen -W \"$(_vmdeck_names snapshot \"$first\")\" -- \"$cur\")) ;;\n"
	"\t*) COMPREPLY=() ;;\n"
	"\tesac\n"
	"}\n"
	"\n"
	"_vmdeck() {\n"
	"\tlocal cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}\n"
	"\tlocal i w prefix=\"\" cmd=\"\" _vmdeck_uri=\"\" args=() hints h\n"
	"\tlocal globals=\"-c --connect --host --readonly --json --accel --embedded -h --help -V --version\"\n"
	"\tfor ((i = 1; i < COMP_CWORD; i++)); do\n"
	"\t\tw=${COMP_WORDS[i]}\n"
	"\t\tcase $w in\n"
	"\t\t-c|--connect) _vmdeck_uri=${COMP_WORDS[i+1]}; ((i++)); continue ;;\n"
	"\t\t--accel|--host) ((i++)); continue ;;\n"
	"\t\t-*) [[ -n $cmd && -n ${_vmdeck_vals[\"$cmd $w\"]+x} ]] && ((i++)); continue ;;\n"
	"\t\tesac\n"
	"\t\tif [[ -z $cmd && \" ${_vmdeck_sub[${prefix:--}]} \" == *\" $w \"* ]]; then\n"
	"\t\t\tprefix=${prefix:+$prefix }$w\n"
	"\t\t\t[[ -n ${_vmdeck_opts[\"$prefix\"]+x} && -z ${_vmdeck_sub[\"$prefix\"]+x} ]] && cmd=$prefix\n"
	"\t\telif [[ -n $cmd ]]; then\n"
	"\t\t\targs+=(\"$w\")\n"
	"\t\tfi\n"
	"\tdone\n"
	"\tcase $prev in\n"
	"\t--accel) COMPREPLY=($(compgen -W \"auto kvm tcg\" -- \"$cur\")); return ;;\n"
	"\t-c|--connect|--host) COMPREPLY=($(compgen -W \"$(_vmdeck_names host)\" -- \"$cur\")); return ;;\n"
	"\tesac\n"
	"\tif [[ -n $cmd && $prev == -* && -n ${_vmdeck_vals[\"$cmd $prev\"]+x} ]]; then\n"
	"\t\th=${_vmdeck_vals[\"$cmd $prev\"]}\n"
	"\t\tif [[ $h == @* ]]; then _vmdeck_hint \"${h#@}\" \"$cur\" \"${args[0]-}\"\n"
	"\t\telse COMPREPLY=($(compgen -W \"$h\" -- \"$cur\")); fi\n"
	"\t\treturn\n"
	"\tfi\n"
	"\tif [[ $cur == -* ]]; then\n"
	"\t\tCOMPREPLY=($(compgen -W \"${cmd:+${_vmdeck_opts[\"$cmd\"]} }$globals\" -- \"$cur\"))\n"
	"\t\treturn\n"
	"\tfi\n"
	"\tif [[ -z $cmd ]]; then\n"
	"\t\tCOMPREPLY=($(compgen -W \"${_vmdeck_sub[${prefix:--}]}\" -- \"$cur\"))\n"
	"\t\treturn\n"
	"\tfi\n"
	"\thints=(${_vmdeck_pos[\"$cmd\"]})\n"
	"\tif ((${#args[@]} < ${#hints[@]})); then h=${hints[${#args[@]}]}\n"
	"\telif ((${#hints[@]})) && [[ ${hints[-1]} == *+ ]]; then h=${hints[-1]}\n"
	"\telse h=-; fi\n"
	"\t_vmdeck_hint \"${h%+}\" \"$cur\" \"${args[0]-}\"\n"
	"}\n";

static int completion_exec(struct cmd_ctx *ctx, const struct cmd_args *a)
{
	const char *shell = a->pos[0];
	FILE *f = ctx->out;

	if (strcmp(shell, "bash") != 0 && strcmp(shell, "zsh") != 0)
		return cmd_error(ctx, 2, "completion: unknown shell '%s' (bash or zsh)", shell);
	if (strcmp(shell, "zsh") == 0)
		fputs("#compdef vmdeck\n# zsh completion for vmdeck (the bash function, through bashcompinit)\n"
		      "autoload -U +X bashcompinit && bashcompinit\n", f);
	else
		fputs("# bash completion for vmdeck\n", f);
	fputs("# generated by 'vmdeck completion' from its command table; do not edit\n", f);
	print_tables(f);
	fputs(bash_body, f);
	fputs("complete -F _vmdeck vmdeck\n", f);
	if (strcmp(shell, "zsh") == 0)
		fputs("# the first completion, which loaded this file\n"
		      "[[ -n ${words-} ]] && _bash_complete -F _vmdeck \"$@\"\n", f);
	return 0;
}

const struct cmd_def cmd_completion = {
	.name = "completion",
	.usage = "bash|zsh",
	.summary = "print a shell completion script (commands, options, VM, network, snapshot, profile, lab names)",
	.flags = CMD_NO_CONN | CMD_NO_CONFIG,
	.min_args = 1,
	.max_args = 1,
	.exec = completion_exec,
};
