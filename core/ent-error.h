/* libentitlement — error reporting.
 *
 * Every fallible function returns 0 on success or a negative errno value on
 * failure, and on failure (when @err is not NULL) stores a newly allocated
 * error describing what went wrong.  The caller owns it and releases it with
 * ent_error_free().
 */
#ifndef ENT_ERROR_H
#define ENT_ERROR_H

#ifdef __cplusplus
extern "C"
{
#endif

#define ENT_EXPORT __attribute__ ((visibility ("default")))
#define ENT_WUR __attribute__ ((warn_unused_result))

  typedef struct ent_error
  {
    int code;  /* positive errno value */
    char *msg; /* human-readable, one line, no trailing newline */
  } ent_error_t;

  /* Record an error in *err (if err is not NULL and *err is still NULL) and
   * return -code.  @fmt is a printf format.  A second error never overwrites
   * the first: the first one names the root cause.  Control characters but
   * tab, UTF-8's C1 controls among them, and bytes that are not UTF-8 are
   * escaped in the message (\n, \r, \xHH), so it is one line whatever
   * text it quotes and drives no terminal; the same holds for
   * ent_error_prefix(). */
  ENT_EXPORT int ent_error_set (ent_error_t **err, int code, const char *fmt, ...)
      __attribute__ ((format (printf, 3, 4)));

  /* Prefix an existing error's message with "prefix: ". Returns -code of it. */
  ENT_EXPORT int ent_error_prefix (ent_error_t **err, const char *fmt, ...)
      __attribute__ ((format (printf, 2, 3)));

  /* The message of @err, or "unknown error" when @err is NULL. */
  ENT_EXPORT const char *ent_error_message (const ent_error_t *err);

  /* Release @err; NULL is allowed. */
  ENT_EXPORT void ent_error_free (ent_error_t *err);

  /* Release *err and set it to NULL. */
  ENT_EXPORT void ent_error_clear (ent_error_t **err);

#ifdef __cplusplus
}
#endif
#endif
