/* entrun — the built-in profiles, embedded at build time from
 * conf/profiles/NAME.ini (also installed, for reading, in
 * $(datadir)/entrun/profiles). */
#ifndef ENTRUN_BUILTIN_PROFILES_H
#define ENTRUN_BUILTIN_PROFILES_H

typedef struct entrun_builtin_profile
{
  const char *name; /* "dev" */
  const char *text; /* the INI text */
} entrun_builtin_profile_t;

/* Terminated by { NULL, NULL }. */
extern const entrun_builtin_profile_t entrun_builtin_profiles[];

#endif
