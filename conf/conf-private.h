/* entrun — INI profiles: what the line reader (conf-parse.c), the section
 * and key tables (conf-keys.c) and the data helpers (conf-data.c) share.
 * Not installed. */
#ifndef ENTRUN_CONF_PRIVATE_H
#define ENTRUN_CONF_PRIVATE_H

#include "conf.h"

/* The most keys a section has; each non-repeatable key remembers the line
 * where it was first given. */
#define CONF_MAX_KEYS 12

typedef struct conf_section_def conf_section_def_t;

typedef struct conf_parser
{
  entrun_conf_t *conf;
  const char *filename;
  ent_error_t **err;
  int ret; /* first error, sticky: the reader stops feeding inih */

  /* the reader */
  const char *pos;
  const char *end;
  int lineno;
  char key[ENTRUN_CONF_MAX_LINE + 1]; /* key of the line handed to inih */
  bool key_pending;                   /* ... not yet seen by the handler */

  /* the current section */
  const conf_section_def_t *section; /* NULL before the first header */
  entrun_conf_custom_t *custom;      /* [entitlement NAME] being filled */
  int section_seen[8];               /* line of each fixed section's header */
  int key_seen[CONF_MAX_KEYS];       /* line of each key in this section */
  int first_keep;                    /* line of the first 'keep' */
} conf_parser_t;

/* Record "FILE:LINE: message" for the current line; returns -EINVAL. */
int conf_error (conf_parser_t *p, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));
/* Record "FILE:LINE: " plus the message of @local (an error a core function
 * set), free @local and return @ret. */
int conf_error_from (conf_parser_t *p, ent_error_t *local, int ret);
/* "FILE:LINE" of the current line, newly allocated; NULL when out of memory. */
char *conf_source (const conf_parser_t *p);

/* A section header's text between '[' and ']', trimmed: make it current. */
int conf_keys_enter_section (conf_parser_t *p, const char *header) ENTRUN_CONF_WUR;
/* One key line of the current section. */
int conf_keys_apply (conf_parser_t *p, const char *key, const char *value) ENTRUN_CONF_WUR;
/* Checks that need the whole file. */
int conf_keys_finish (conf_parser_t *p) ENTRUN_CONF_WUR;

/* Append helpers (conf-data.c); each returns 0 or -ENOMEM with *err set. */
int conf_add_request (conf_parser_t *p, const char *request) ENTRUN_CONF_WUR;
int conf_add_env (conf_parser_t *p, ent_env_op_t op, const char *name,
                  const char *value) ENTRUN_CONF_WUR;
int conf_add_custom (conf_parser_t *p, const char *name) ENTRUN_CONF_WUR;
int conf_custom_add_mount (conf_parser_t *p, ent_mount_kind_t kind,
                           const char *path) ENTRUN_CONF_WUR;
/* Append @s to the NULL-terminated @list unless it is already there. */
int conf_strv_add_unique (conf_parser_t *p, char ***list, const char *s) ENTRUN_CONF_WUR;
bool conf_strv_contains (char *const *list, const char *s);

#endif
