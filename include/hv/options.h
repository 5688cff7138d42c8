/*
 * Boot options: "key=value" words from the configuration's `bootargs`
 * (a configs/ DTS file), e.g. "selftest=dma loglevel=2".
 */
#ifndef HV_OPTIONS_H
#define HV_OPTIONS_H

#include <stdbool.h>

void options_parse(const char *bootargs);
/* The value of key, "" for a bare key, NULL if absent. */
const char *options_get(const char *key);
bool options_is(const char *key, const char *value);
const char *options_string(void);

#endif /* HV_OPTIONS_H */
