/* json.h - json-c helpers shared by the command files. */
#ifndef VMDECK_CMD_JSON_H
#define VMDECK_CMD_JSON_H

#include <json-c/json.h>
#include <stdio.h>

#include "engine.h"

json_object *cmd_json_summary(const struct eng_dom_summary *s);
json_object *cmd_json_info(const struct eng_dom_info *i, const struct eng_accel_choice *acc);
json_object *cmd_json_strings(const char (*v)[16], int n);
/* Prints and releases o. */
void cmd_json_print(FILE *f, json_object *o);

#endif
