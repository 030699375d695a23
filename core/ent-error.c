/* libentitlement — error objects (see ent-error.h). */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "ent-error.h"

static ent_error_t oom_error = { ENOMEM, (char *)"out of memory" };

int
ent_error_set (ent_error_t **err, int code, const char *fmt, ...)
{
  va_list ap;
  ent_error_t *e;

  if (code <= 0)
    code = EINVAL;
  if (err == NULL || *err != NULL)
    return -code;

  e = calloc (1, sizeof (*e));
  if (e == NULL)
    {
      *err = &oom_error;
      return -code;
    }
  e->code = code;
  va_start (ap, fmt);
  if (vasprintf (&e->msg, fmt, ap) < 0)
    e->msg = NULL;
  va_end (ap);
  *err = e;
  return -code;
}

int
ent_error_prefix (ent_error_t **err, const char *fmt, ...)
{
  va_list ap;
  char *prefix = NULL;
  char *msg = NULL;

  if (err == NULL || *err == NULL)
    return -EINVAL;
  if (*err == &oom_error)
    return -ENOMEM;

  va_start (ap, fmt);
  if (vasprintf (&prefix, fmt, ap) < 0)
    prefix = NULL;
  va_end (ap);
  if (prefix && asprintf (&msg, "%s: %s", prefix, ent_error_message (*err)) >= 0)
    {
      free ((*err)->msg);
      (*err)->msg = msg;
    }
  free (prefix);
  return -(*err)->code;
}

const char *
ent_error_message (const ent_error_t *err)
{
  if (err == NULL || err->msg == NULL)
    return "unknown error";
  return err->msg;
}

void
ent_error_free (ent_error_t *err)
{
  if (err == NULL || err == &oom_error)
    return;
  free (err->msg);
  free (err);
}

void
ent_error_clear (ent_error_t **err)
{
  if (err == NULL)
    return;
  ent_error_free (*err);
  *err = NULL;
}
