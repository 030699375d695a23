/* Internal helpers shared by entrun's libraries and launcher.  Not installed.
 * Cleanup attributes follow bubblewrap's utils.h: always initialise. */
#ifndef ENT_UTIL_H
#define ENT_UTIL_H

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define cleanup_free __attribute__ ((cleanup (ent_cleanup_freep)))
#define cleanup_close __attribute__ ((cleanup (ent_cleanup_closep)))
#define cleanup_fclose __attribute__ ((cleanup (ent_cleanup_fclosep)))
#define cleanup_strv __attribute__ ((cleanup (ent_cleanup_strvp)))
#define cleanup_dir __attribute__ ((cleanup (ent_cleanup_dirp)))

#define N_ELEMENTS(a) (sizeof (a) / sizeof ((a)[0]))

/* Error slots of the public entry points (ent-error.c): stash a leftover
 * *@err on entry, unstash on return (the stale error comes back on
 * success, is dropped on failure); move @e into *@err unless one is set. */
struct ent_error;
/* @path tidied lexically, without resolving anything: "//" and "/./"
 * collapsed, a trailing "/" dropped ("/" stays "/", "./" becomes "."); "~",
 * ".." and relative paths are kept as they are.  NULL without memory. */
char *ent_path_tidy (const char *path);
struct ent_error *ent_error_stash (struct ent_error **err);
int ent_error_unstash (struct ent_error **err, struct ent_error *stale, int ret);
void ent_error_move (struct ent_error **err, struct ent_error *e);

static inline void
ent_cleanup_freep (void *p)
{
  void **pp = (void **)p;
  free (*pp);
}

static inline void
ent_cleanup_closep (int *fd)
{
  if (*fd >= 0)
    {
      int saved = errno;
      close (*fd);
      errno = saved;
    }
}

static inline void
ent_cleanup_fclosep (FILE **f)
{
  if (*f)
    fclose (*f);
}

static inline void
ent_cleanup_dirp (DIR **d)
{
  if (*d)
    closedir (*d);
}

static inline void
ent_strv_free (char **v)
{
  if (v == NULL)
    return;
  for (char **i = v; *i; i++)
    free (*i);
  free (v);
}

static inline void
ent_cleanup_strvp (char ***v)
{
  ent_strv_free (*v);
}

/* Do two NULL-terminated string lists hold the same strings in the same
 * order (NULL is the empty list)? */
static inline bool
ent_strv_equal (char *const *a, char *const *b)
{
  size_t i = 0;

  for (; a && a[i] && b && b[i]; i++)
    if (strcmp (a[i], b[i]) != 0)
      return false;
  return !(a && a[i]) && !(b && b[i]);
}

/* Take ownership out of a cleanup variable; type-checked by the compiler. */
#define steal_pointer(pp)                                                                          \
  ({                                                                                               \
    __typeof__ (*(pp)) _ptr_ = *(pp);                                                              \
    *(pp) = NULL;                                                                                  \
    _ptr_;                                                                                         \
  })

/* asprintf that returns the string, NULL on failure. */
__attribute__ ((format (printf, 1, 2))) static inline char *
ent_str_printf (const char *fmt, ...)
{
  char *s = NULL;
  va_list ap;

  va_start (ap, fmt);
  if (vasprintf (&s, fmt, ap) < 0)
    s = NULL;
  va_end (ap);
  return s;
}

/* Take ownership of a cleanup_close fd. */
static inline int
steal_fd (int *fd)
{
  int f = *fd;
  *fd = -1;
  return f;
}

static inline bool
ent_str_equal (const char *a, const char *b)
{
  if (a == NULL || b == NULL)
    return a == b;
  return strcmp (a, b) == 0;
}

static inline bool
ent_str_has_prefix (const char *s, const char *prefix)
{
  return strncmp (s, prefix, strlen (prefix)) == 0;
}

/* A control character as a visible escape, for text that reaches a
 * terminal: \n, \r, \t or \xHH (DEL too) into @buf, returning its length,
 * or 0 when @c is printed as it is (a tab too, with @keep_tab). */
static inline int
ent_escape_control (unsigned char c, bool keep_tab, char buf[5])
{
  if ((c >= 0x20 && c != 0x7f) || (c == '\t' && keep_tab))
    return 0;
  if (c == '\n' || c == '\r' || c == '\t')
    return snprintf (buf, 5, "\\%c", c == '\n' ? 'n' : c == '\r' ? 'r' : 't');
  return snprintf (buf, 5, "\\x%02x", c);
}

/* The length of the UTF-8 sequence at @p (1-4), or 0 when it is not a
 * printable one: a stray continuation byte, a truncated or overlong
 * sequence, a UTF-16 surrogate, a code point past U+10FFFF, a C1
 * control (U+0080-U+009F), which drives terminals as C0 ones do, or an
 * invisible format character (see below). */
static inline size_t
ent_utf8_len (const unsigned char *p)
{
  size_t len = p[0] < 0x80                    ? 1
               : p[0] >= 0xc2 && p[0] <= 0xdf ? 2
               : (p[0] & 0xf0) == 0xe0        ? 3
               : p[0] >= 0xf0 && p[0] <= 0xf4 ? 4
                                              : 0;
  unsigned cp = len == 1 ? p[0] : len == 2 ? p[0] & 0x1f : len == 3 ? p[0] & 0x0f : p[0] & 0x07;

  for (size_t i = 1; i < len; i++)
    {
      if ((p[i] & 0xc0) != 0x80)
        return 0;
      cp = cp << 6 | (p[i] & 0x3f);
    }
  if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff)))
      || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
    return 0;
  if (len == 2 && cp < 0xa0)
    return 0;
  /* Invisible format characters that reorder or hide text (bidi controls,
   * zero-width ones, line and paragraph separators): a path or a value
   * holding one would read as something else on a terminal. */
  if ((cp >= 0x200b && cp <= 0x200f) || (cp >= 0x2028 && cp <= 0x202e)
      || (cp >= 0x2060 && cp <= 0x2069) || cp == 0xfeff)
    return 0;
  return len;
}

/* Is @s printable UTF-8 throughout (ent_utf8_len), C0 controls excluded? */
static inline bool
ent_utf8_printable (const char *s)
{
  for (const unsigned char *p = (const unsigned char *)s; *p;)
    {
      size_t len = ent_utf8_len (p);
      if (len == 0 || (len == 1 && (*p < 0x20 || *p == 0x7f)))
        return false;
      p += len;
    }
  return true;
}

/* ent_escape_control() for text that may hold UTF-8: at @p, either an
 * escape into @buf (its length returned; one byte consumed) for a control
 * character, C1 included, or a byte that is not part of valid UTF-8; or 0,
 * and *@len bytes to print as they are. */
static inline int
ent_escape_utf8 (const char *p, bool keep_tab, char buf[5], size_t *len)
{
  const unsigned char *u = (const unsigned char *)p;

  *len = 1;
  if (u[0] < 0x80)
    return ent_escape_control (u[0], keep_tab, buf);
  if ((*len = ent_utf8_len (u)) > 0)
    return 0;
  *len = 1;
  return snprintf (buf, 5, "\\x%02x", u[0]);
}

#endif
