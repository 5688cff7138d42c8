/* Guests from the configuration device tree (see hv/config.c). */
#ifndef HV_CONFIG_H
#define HV_CONFIG_H

/* Validate and start every guest of the configuration; returns how many
 * started. Each rejected guest is reported with its node and a reason. */
unsigned int config_start_guests(const void *cfg);
unsigned int config_errors(void);

#endif /* HV_CONFIG_H */
