/* entrun — INI profiles: reading lines and handing them to inih.
 *
 * Why a custom reader instead of ini_parse_string()?  Debian's libinih
 * (r55) is built with INI_HANDLER_LINENO=0, INI_ALLOW_MULTILINE=1,
 * INI_CALL_HANDLER_ON_NEW_SECTION=0, a 200-byte stack line buffer and
 * 50-byte section/name buffers, and it accepts "key: value".  Left alone it
 * would:
 *   - give the handler no line number, so no "FILE:LINE" in messages;
 *   - treat an indented line as more of the previous key's value;
 *   - never tell us about a section header, so an empty unknown section or
 *     a section given twice would pass unnoticed, and silently truncate a
 *     long [entitlement NAME];
 *   - split a line longer than its buffer and parse the tail as a new line
 *     (a long path could smuggle in "hide = ..." or a section header).
 * So we feed inih through ini_parse_stream() with a reader that hands it one
 * line of our buffer per call.  The handler runs while inih processes the
 * line just read, so the reader's count is the handler's line number.  The
 * reader lexes each line first: it counts lines, refuses control bytes and
 * over-long lines, strips leading whitespace (no continuation lines),
 * handles section headers itself (inih only gets a placeholder "[s]"),
 * turns comments into empty lines, and insists on "KEY = VALUE".  inih then
 * splits key from value, trims them and drops inline " ;" comments; the
 * handler checks it called back exactly once per key line with our key, so
 * the two lexers can never disagree silently. */
#include "config.h"

#include <errno.h>
#include <ini.h>
#include <limits.h>
#include <stdarg.h>
#include <string.h>

#include "conf-private.h"
#include "ent-util.h"

int
conf_error (conf_parser_t *p, const char *fmt, ...)
{
  cleanup_free char *msg = NULL;
  va_list ap;
  int r;

  va_start (ap, fmt);
  r = vasprintf (&msg, fmt, ap);
  va_end (ap);
  if (r < 0)
    return ent_error_set (p->err, ENOMEM, "out of memory");
  return ent_error_set (p->err, EINVAL, "%s:%d: %s", p->filename, p->lineno, msg);
}

int
conf_error_from (conf_parser_t *p, ent_error_t *local, int ret)
{
  int code = local ? local->code : -ret;

  ent_error_set (p->err, code, "%s:%d: %s", p->filename, p->lineno, ent_error_message (local));
  ent_error_free (local);
  return ret;
}

char *
conf_source (const conf_parser_t *p)
{
  char *s = NULL;

  if (asprintf (&s, "%s:%d", p->filename, p->lineno) < 0)
    return NULL;
  return s;
}

/* ---- lexing one line ------------------------------------------------------ */

static bool
is_blank (char c)
{
  return c == ' ' || c == '\t' || c == '\r';
}

/* Only tab and a final '\r' (CRLF files) among the control bytes, and
 * the rest printable UTF-8: a C1 control (U+0080-U+009F, CSI and OSC
 * among them) drives a terminal as ESC does, and --explain and the
 * messages show these lines' text. */
static int
check_bytes (conf_parser_t *p, const char *line, size_t len)
{
  for (size_t i = 0; i < len; i++)
    {
      unsigned char c = (unsigned char)line[i];
      size_t n;

      if (c == '\t' || (c == '\r' && i == len - 1))
        continue;
      if (c == '\0')
        return conf_error (p, "NUL byte in line");
      if (c < 0x20 || c == 0x7f)
        return conf_error (p, "control character 0x%02x in line", c);
      if (c < 0x80)
        continue;
      /* A copy, so that a sequence cut by the line's end reads no further. */
      unsigned char seq[5] = { 0 };
      memcpy (seq, line + i, len - i < 4 ? len - i : 4);
      n = ent_utf8_len (seq);
      if (n == 0)
        return conf_error (p, "byte 0x%02x in line is not printable UTF-8", c);
      i += n - 1;
    }
  return 0;
}

/* Trim [*s, *s + *len) of blanks on both sides. */
static void
trim (const char **s, size_t *len)
{
  while (*len > 0 && is_blank (**s))
    (*s)++, (*len)--;
  while (*len > 0 && is_blank ((*s)[*len - 1]))
    (*len)--;
}

static bool
is_key_char (char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'
         || c == '_' || c == '.';
}

/* "[NAME]" optionally followed by a comment. */
static int
lex_section (conf_parser_t *p, const char *text)
{
  const char *close = strchr (text, ']');
  cleanup_free char *name = NULL;
  const char *rest, *n;
  size_t len;

  if (close == NULL)
    return conf_error (p, "unterminated section header '%s'", text);
  rest = close + 1;
  len = strlen (rest);
  trim (&rest, &len);
  if (len > 0 && *rest != ';' && *rest != '#')
    return conf_error (p, "unexpected text after section header: '%s'", text);
  n = text + 1;
  len = close - n;
  trim (&n, &len);
  name = strndup (n, len);
  if (name == NULL)
    return ent_error_set (p->err, ENOMEM, "out of memory");
  return conf_keys_enter_section (p, name);
}

/* "KEY = VALUE": remember KEY to check what inih makes of the line. */
static int
lex_key (conf_parser_t *p, const char *text)
{
  const char *eq = strchr (text, '=');
  const char *key = text;
  size_t len;

  if (p->section == NULL)
    return conf_error (p, "text outside any section: '%s'", text);
  if (eq == NULL)
    return conf_error (p, "missing '=' in '%s'", text);
  len = eq - text;
  trim (&key, &len);
  if (len == 0)
    return conf_error (p, "missing key before '=' in '%s'", text);
  for (size_t i = 0; i < len; i++)
    if (!is_key_char (key[i]))
      return conf_error (p, "invalid key '%.*s' in '%s'", (int)len, key, text);
  memcpy (p->key, key, len);
  p->key[len] = '\0';
  p->key_pending = true;
  return 0;
}

/* Lex @line (@len bytes, no newline) and write what inih should see into
 * @buf (@size bytes). */
static int
lex_line (conf_parser_t *p, const char *line, size_t len, char *buf, size_t size)
{
  size_t limit = size > 3 ? size - 3 : 0;
  int ret;

  if (p->lineno == 1 && len >= 3 && memcmp (line, "\xef\xbb\xbf", 3) == 0)
    line += 3, len -= 3; /* UTF-8 byte order mark */
  ret = check_bytes (p, line, len);
  if (ret < 0)
    return ret;
  trim (&line, &len);
  if (limit > ENTRUN_CONF_MAX_LINE)
    limit = ENTRUN_CONF_MAX_LINE;
  if (len > limit)
    return conf_error (p, "line too long (%zu characters, at most %zu): '%.40s...'", len, limit,
                       line);
  memcpy (buf, line, len);
  buf[len] = '\0';
  if (len == 0 || buf[0] == ';' || buf[0] == '#')
    {
      strcpy (buf, "\n"); /* a comment: inih gets an empty line */
      return 0;
    }
  if (buf[0] == '[')
    {
      ret = lex_section (p, buf);
      strcpy (buf, "[s]\n"); /* inih's idea of the section is not used */
      return ret;
    }
  ret = lex_key (p, buf);
  strcpy (buf + len, "\n");
  return ret;
}

/* The ini_reader: one line of the buffer per call, NULL at the end or once
 * an error was recorded (which stops inih). */
static char *
conf_reader (char *buf, int size, void *stream)
{
  conf_parser_t *p = stream;
  const char *line = p->pos, *nl;
  size_t len;

  if (p->ret == 0 && p->key_pending)
    p->ret = conf_error (p, "cannot parse '%s ='", p->key);
  if (p->ret < 0 || p->pos >= p->end)
    return NULL;
  if (size < 8) /* inih built with a tiny line buffer: refuse, never truncate */
    p->ret = conf_error (p, "inih's line buffer (%d bytes) is too small", size);
  else if (p->lineno == INT_MAX)
    p->ret = conf_error (p, "too many lines");
  if (p->ret < 0)
    return NULL;
  nl = memchr (line, '\n', p->end - line);
  len = nl ? (size_t)(nl - line) : (size_t)(p->end - line);
  p->pos = nl ? nl + 1 : p->end;
  p->lineno++;
  p->ret = lex_line (p, line, len, buf, (size_t)size);
  return p->ret < 0 ? NULL : buf;
}

/* The ini_handler.  @section is inih's, which we ignore: the reader knows
 * the real one. */
static int
conf_handler (void *user, const char *section, const char *name, const char *value)
{
  conf_parser_t *p = user;

  (void)section;
  if (p->ret < 0)
    return 0;
  if (!p->key_pending || strcmp (name, p->key) != 0)
    {
      p->ret = conf_error (p, "cannot parse key '%s'", name);
      return 0;
    }
  p->key_pending = false;
  p->ret = conf_keys_apply (p, name, value ? value : "");
  return p->ret == 0;
}

/* ---- entry points ---------------------------------------------------------- */

static int
parse (conf_parser_t *p)
{
  int r = ini_parse_stream (conf_reader, p, conf_handler, p);

  if (p->ret < 0)
    return p->ret;
  if (p->key_pending)
    return conf_error (p, "cannot parse '%s ='", p->key);
  if (r == -2)
    return ent_error_set (p->err, ENOMEM, "out of memory");
  if (r != 0)
    {
      p->lineno = r;
      return conf_error (p, "syntax error");
    }
  return conf_keys_finish (p);
}

int
entrun_conf_parse_buffer (const char *text, size_t len, const char *filename, entrun_conf_t *out,
                          ent_error_t **err)
{
  entrun_conf_t conf = { 0 };
  conf_parser_t p = { .conf = &conf, .err = err, .pos = text, .end = text + len };
  int ret;

  memset (out, 0, sizeof (*out));
  p.filename = filename ? filename : "<profile>";
  if (text == NULL)
    p.end = p.pos;
  ret = parse (&p);
  if (ret < 0)
    {
      entrun_conf_clear (&conf);
      return ret;
    }
  *out = conf;
  return 0;
}

/* Read all of @f into *out (*len bytes, NUL-terminated). */
static int
read_all (FILE *f, const char *filename, char **out, size_t *len, ent_error_t **err)
{
  cleanup_free char *buf = malloc (ENTRUN_CONF_MAX_SIZE + 1);
  size_t n;

  if (buf == NULL)
    return ent_error_set (err, ENOMEM, "out of memory");
  n = fread (buf, 1, ENTRUN_CONF_MAX_SIZE + 1, f);
  if (ferror (f))
    return ent_error_set (err, EIO, "%s: cannot read: %s", filename,
                          strerror (errno ? errno : EIO));
  if (n > ENTRUN_CONF_MAX_SIZE)
    return ent_error_set (err, EFBIG, "%s: larger than %d bytes", filename, ENTRUN_CONF_MAX_SIZE);
  buf[n] = '\0';
  *len = n;
  *out = steal_pointer (&buf);
  return 0;
}

int
entrun_conf_parse_file (FILE *f, const char *filename, entrun_conf_t *out, ent_error_t **err)
{
  cleanup_free char *text = NULL;
  size_t len = 0;
  int ret;

  memset (out, 0, sizeof (*out));
  if (filename == NULL)
    filename = "<profile>";
  ret = read_all (f, filename, &text, &len, err);
  if (ret < 0)
    return ret;
  return entrun_conf_parse_buffer (text, len, filename, out, err);
}
