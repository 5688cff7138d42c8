/* Boot options, parsed once at boot into a fixed table (no heap). */
#include <string.h>
#include <hv/options.h>

#define MAX_OPTIONS	16
#define OPTIONS_LEN	256

static char buf[OPTIONS_LEN];
static char original[OPTIONS_LEN];
static struct {
	const char *key;
	const char *value;
} opts[MAX_OPTIONS];
static int nr_opts;

void options_parse(const char *bootargs)
{
	char *p = buf;

	nr_opts = 0;
	strncpy(buf, bootargs ? bootargs : "", sizeof(buf) - 1);
	buf[sizeof(buf) - 1] = '\0';
	/* keep a copy with surrounding blanks trimmed, for reports */
	while (*p == ' ')
		p++;
	strcpy(original, p);
	while (original[0] && original[strlen(original) - 1] == ' ')
		original[strlen(original) - 1] = '\0';
	p = buf;
	while (*p && nr_opts < MAX_OPTIONS) {
		char *eq;

		while (*p == ' ')
			*p++ = '\0';
		if (!*p)
			break;
		opts[nr_opts].key = p;
		while (*p && *p != ' ')
			p++;
		if (*p)
			*p++ = '\0';
		eq = strchr(opts[nr_opts].key, '=');
		if (eq) {
			*eq = '\0';
			opts[nr_opts].value = eq + 1;
		} else {
			opts[nr_opts].value = "";
		}
		nr_opts++;
	}
}

const char *options_get(const char *key)
{
	int i;

	for (i = nr_opts - 1; i >= 0; i--)
		if (!strcmp(opts[i].key, key))
			return opts[i].value;
	return NULL;
}

bool options_is(const char *key, const char *value)
{
	const char *v = options_get(key);

	return v && !strcmp(v, value);
}

const char *options_string(void)
{
	return original;
}
