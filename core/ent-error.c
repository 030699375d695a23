/* libentitlement — error objects (see ent-error.h). */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ent-error.h"
#include "ent-util.h"

static ent_error_t oom_error = { ENOMEM, (char *)"out of memory" };

/* Messages quote what users wrote (a path, an --env value, a line of a
 * profile) and end up on a terminal.  A control character there would break
 * the promise that a message is one line (a '\n' could forge a second
 * "entrun: ..." line) or drive the terminal (an ESC sequence, or a C1 CSI
 * in UTF-8).  Each but the harmless tab becomes a visible escape
 * (ent_escape_utf8), and so does a byte that is not UTF-8.  Takes
 * @msg, returns the message to keep; without memory for the escapes the
 * characters become '?' in place. */
static char *
escape_controls (char *msg)
{
  size_t extra = 0, len;
  char *out, *o, esc[5];

  for (const char *p = msg; p && *p; p += len)
    extra += ent_escape_utf8 (p, true, esc, &len) ? 3 : 0; /* at most "\xHH" for one byte */
  if (extra == 0)
    return msg;
  if ((out = o = malloc (strlen (msg) + extra + 1)) == NULL)
    {
      for (char *p = msg; *p; p += len)
        if (ent_escape_utf8 (p, true, esc, &len))
          *p = '?';
      return msg;
    }
  for (const char *p = msg; *p; p += len)
    if (ent_escape_utf8 (p, true, esc, &len))
      o = stpcpy (o, esc);
    else
      o = mempcpy (o, p, len);
  *o = '\0';
  free (msg);
  return out;
}

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
  e->msg = escape_controls (e->msg);
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
      (*err)->msg = escape_controls (msg);
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

/* A public function's error is the error of that call.  One that finds a
 * leftover error in *@err (a caller that did not clear it) sets it aside
 * first, so that the old message never stands for a new failure, and
 * gives it back when the call succeeds. */
ent_error_t *
ent_error_stash (ent_error_t **err)
{
  ent_error_t *stale = err ? *err : NULL;

  if (err)
    *err = NULL;
  return stale;
}

int
ent_error_unstash (ent_error_t **err, ent_error_t *stale, int ret)
{
  if (err == NULL)
    return ret;
  if (ret < 0)
    {
      int code = ret < -4095 ? EINVAL : -ret; /* no errno: never negate INT_MIN */
      ent_error_free (stale);
      if (*err == NULL)
        ent_error_set (err, code, "%s", strerror (code));
    }
  else
    {
      ent_error_free (*err);
      *err = stale;
    }
  return ret;
}

void
ent_error_move (ent_error_t **err, ent_error_t *e)
{
  if (err != NULL && *err == NULL)
    *err = e;
  else
    ent_error_free (e);
}
