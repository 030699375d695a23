/* libentitlement — the version of the library itself (see ent-version.h). */
#include "config.h"

#include "ent-version.h"

/* The numbers this library was built with, not those of the headers its
 * caller was compiled against: a program can tell that it runs with an
 * older shared library than it was built for. */
static const ent_version_t version = { ENT_VERSION_MAJOR, ENT_VERSION_MINOR, ENT_VERSION_MICRO };

const ent_version_t *
ent_version (void)
{
  return &version;
}
