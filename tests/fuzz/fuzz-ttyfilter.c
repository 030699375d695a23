/* libFuzzer target: the terminal relay's escape-sequence filter
 * (launcher/ttyfilter.c).
 *
 * The input is two bytes that choose where to split the stream and then
 * the stream, which goes through the filter with and without the
 * clipboard grant:
 *
 *   - in one call, in two calls split at the chosen point, and (for
 *     streams up to 1 KiB) a byte a call: the output must be the same,
 *     each call within its n + ENTRUN_TTYFILTER_HOLD bytes (buffers of
 *     exactly that size, so ASan sees a write past them);
 *   - the output is never longer than the stream and the one CAN of
 *     entrun_ttyfilter_finish();
 *   - the output, read by an independent, simplified terminal parser
 *     below, holds no DCS, SOS, PM or APC, no OSC whose code is not on
 *     the allowlist (52 only with the grant), no CSI t that reports the
 *     title or icon label, no ESC % other than ESC % G;
 *   - the output filtered again is itself (the filter is idempotent):
 *     what it passed is what it passes; but for a C2 left at the end
 *     (see run_one).
 *
 * Built by `make fuzz` with clang -fsanitize=fuzzer,address,undefined. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ttyfilter.h"

#define BYTEWISE_MAX 1024

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* ---- the independent checker --------------------------------------------- */

/* One unit of the output as a UTF-8 terminal sees it: a code point, or a
 * byte that is no valid UTF-8 (cp < 0 then, -byte - 1), and its length. */
typedef struct unit
{
  long cp;
  size_t len;
} unit_t;

/* Decode at @p: a well-formed sequence is one code point; an ill-formed
 * one is its longest prefix that could still have been well-formed
 * (Unicode's "maximal subpart"), a single unit. */
static unit_t
next_unit (const unsigned char *p, size_t n)
{
  size_t len, k;
  long cp, min;

  if (p[0] < 0xc2 || p[0] > 0xf4)
    return (unit_t){ p[0] < 0x80 ? p[0] : -(long)p[0] - 1, 1 };
  len = p[0] < 0xe0 ? 2 : p[0] < 0xf0 ? 3 : 4;
  min = len == 2 ? 0x80 : len == 3 ? 0x800 : 0x10000;
  cp = p[0] & (0x7f >> len);
  for (k = 1; k < len; k++)
    {
      long hi;

      if (k >= n || (p[k] & 0xc0) != 0x80)
        return (unit_t){ -(long)p[0] - 1, k };
      cp = cp << 6 | (p[k] & 0x3f);
      /* After the second byte, the smallest and largest code points the
       * sequence could still end in. */
      hi = (cp + 1) << (6 * (len - 1 - k));
      if (k == 1
          && (hi - 1 < min || cp << (6 * (len - 2)) > 0x10ffff
              || ((cp << 6) >= 0xd800 && (cp << 6) <= 0xdfff && len == 3)))
        return (unit_t){ -(long)p[0] - 1, 1 };
    }
  return (unit_t){ cp, len };
}

enum
{
  C_GROUND,
  C_ESC,
  C_ESC_INT,
  C_CSI,
  C_OSC_CODE,
  C_OSC,
};

typedef struct checker
{
  int state;
  bool clipboard;
  bool csi_first, esc_pct;
  int esc_ints;
  unsigned long num;
  char code[16];
  size_t code_len;
} checker_t;

static bool
is_c1 (long cp)
{
  return (cp >= 0x80 && cp <= 0x9f) || (cp < 0 && -cp - 1 >= 0x80 && -cp - 1 <= 0x9f);
}

static long
c1_of (long cp)
{
  return cp >= 0 ? cp : -cp - 1;
}

/* The OSC's code must be canonical and allowed. */
static void
check_osc_code (const checker_t *c)
{
  static const unsigned long allowed[][2]
      = { { 0, 2 }, { 4, 5 }, { 7, 8 }, { 10, 19 }, { 104, 105 }, { 110, 119 }, { 133, 133 } };
  unsigned long v;
  bool ok = false;

  if (c->code_len == 0 || c->code_len > 5 || (c->code[0] == '0' && c->code_len > 1))
    abort ();
  v = strtoul (c->code, NULL, 10);
  for (size_t i = 0; i < sizeof (allowed) / sizeof (allowed[0]); i++)
    ok |= v >= allowed[i][0] && v <= allowed[i][1];
  if (!ok && !(v == 52 && c->clipboard))
    abort ();
}

/* A unit in the ground state, or one that acts in any state. */
static void
check_ground (checker_t *c, long cp)
{
  c->state = C_GROUND;
  if (cp == 0x1b)
    c->state = C_ESC;
  else if (is_c1 (cp))
    switch (c1_of (cp))
      {
      case 0x90: /* DCS */
      case 0x98: /* SOS */
      case 0x9e: /* PM */
      case 0x9f: /* APC */
        abort ();
      case 0x9b:
        c->state = C_CSI;
        c->csi_first = true;
        c->num = 0;
        break;
      case 0x9d:
        c->state = C_OSC_CODE;
        c->code_len = 0;
        break;
      default:
        break;
      }
}

static bool
acts_anywhere (long cp)
{
  return cp == 0x1b || cp == 0x18 || cp == 0x1a || is_c1 (cp);
}

/* A C0 control a terminal executes or ignores inside a sequence. */
static bool
inert (long cp)
{
  return (cp >= 0 && cp < 0x20 && !acts_anywhere (cp)) || cp == 0x7f;
}

static void
check_esc (checker_t *c, long cp)
{
  if (acts_anywhere (cp) || cp < 0 || cp > 0x7f)
    return check_ground (c, cp);
  if (inert (cp))
    return;
  if (cp == 'P' || cp == 'X' || cp == '^' || cp == '_')
    abort ();
  if (cp == '[')
    return check_ground (c, 0x9b);
  if (cp == ']')
    return check_ground (c, 0x9d);
  if (cp >= 0x20 && cp <= 0x2f)
    {
      c->state = C_ESC_INT;
      c->esc_pct = cp == '%';
      c->esc_ints = 1;
      return;
    }
  c->state = C_GROUND;
}

static void
check_esc_int (checker_t *c, long cp)
{
  if (acts_anywhere (cp) || cp < 0 || cp > 0x7f)
    return check_ground (c, cp);
  if (inert (cp))
    return;
  if (cp >= 0x20 && cp <= 0x2f)
    {
      c->esc_pct |= cp == '%';
      c->esc_ints++;
      return;
    }
  if (c->esc_pct && !(c->esc_ints == 1 && cp == 'G'))
    abort ();
  c->state = C_GROUND;
}

static void
check_csi (checker_t *c, long cp)
{
  if (acts_anywhere (cp))
    return check_ground (c, cp);
  if (cp >= '0' && cp <= '9' && c->csi_first)
    c->num = c->num > 1000000 ? c->num : c->num * 10 + (unsigned long)(cp - '0');
  else if (cp == ';' || cp == ':')
    c->csi_first = false;
  else if (cp >= 0x40 && cp < 0x7f)
    {
      if (cp == 't' && (c->num == 20 || c->num == 21 || c->num >= 65536))
        abort ();
      c->state = C_GROUND;
    }
}

static void
check_osc (checker_t *c, long cp)
{
  if (cp == 0x07 || (is_c1 (cp) && c1_of (cp) == 0x9c))
    c->state = C_GROUND;
  else if (acts_anywhere (cp))
    check_ground (c, cp);
}

/* A unit of the OSC's code: digits until ';' or the end of the string. */
static void
check_osc_code_unit (checker_t *c, long cp)
{
  if (cp >= '0' && cp <= '9')
    {
      if (c->code_len >= sizeof (c->code) - 1)
        abort ();
      c->code[c->code_len++] = (char)cp;
      return;
    }
  if (inert (cp) && cp != 0x07)
    return;
  if (cp != ';' && cp != 0x07 && !acts_anywhere (cp))
    abort (); /* a non-numeric code passed */
  c->code[c->code_len] = '\0';
  check_osc_code (c);
  c->state = C_OSC;
  if (cp != ';')
    check_osc (c, cp);
}

static void
check_output (const unsigned char *p, size_t n, bool clipboard)
{
  checker_t c = { .state = C_GROUND, .clipboard = clipboard };

  for (size_t i = 0; i < n;)
    {
      unit_t u = next_unit (p + i, n - i);

      i += u.len;
      switch (c.state)
        {
        case C_ESC:
          check_esc (&c, u.cp);
          break;
        case C_ESC_INT:
          check_esc_int (&c, u.cp);
          break;
        case C_CSI:
          check_csi (&c, u.cp);
          break;
        case C_OSC_CODE:
          check_osc_code_unit (&c, u.cp);
          break;
        case C_OSC:
          check_osc (&c, u.cp);
          break;
        default:
          check_ground (&c, u.cp);
          break;
        }
    }
  /* finish() has had its say: the terminal is back in its ground state
   * (an OSC's start never goes out before its code is known, a CSI's
   * before its first parameter is). */
  if (c.state != C_GROUND)
    abort ();
}

/* ---- the filter, split three ways --------------------------------------- */

/* entrun_ttyfilter_finish() into a buffer of exactly one byte, then
 * appended to @all. */
static unsigned char *
finish (entrun_ttyfilter_t *f, unsigned char *all, size_t *len)
{
  unsigned char *out = malloc (1);
  size_t o;

  if (out == NULL)
    abort ();
  o = entrun_ttyfilter_finish (f, out);
  if (o > 1 || (o == 1 && out[0] != 0x18))
    abort ();
  memcpy (all + *len, out, o);
  *len += o;
  free (out);
  return all;
}

/* Filter @in[0..n) in calls of @chunk bytes (0: one call), then finish;
 * returns the output (malloc'd), its length in *len. */
static unsigned char *
filter (const unsigned char *in, size_t n, size_t chunk, bool clipboard, size_t *len)
{
  entrun_ttyfilter_t f;
  unsigned char *all = malloc (n + ENTRUN_TTYFILTER_HOLD + 1);
  size_t at = 0;

  if (all == NULL)
    abort ();
  *len = 0;
  entrun_ttyfilter_init (&f, clipboard);
  do
    {
      size_t k = chunk == 0 || n - at < chunk ? n - at : chunk;
      unsigned char *out = malloc (k + ENTRUN_TTYFILTER_HOLD); /* exactly the room promised */
      size_t o;

      if (out == NULL)
        abort ();
      o = entrun_ttyfilter_run (&f, in + at, k, out);
      if (o > k + ENTRUN_TTYFILTER_HOLD || *len + o > at + k)
        abort ();
      memcpy (all + *len, out, o);
      *len += o;
      at += k;
      free (out);
    }
  while (at < n);
  return finish (&f, all, len);
}

/* Filter @in[0..split) and @in[split..n) in two calls. */
static unsigned char *
filter_split (const unsigned char *in, size_t n, size_t split, bool clipboard, size_t *len)
{
  entrun_ttyfilter_t f;
  unsigned char *all = malloc (n + 2 * ENTRUN_TTYFILTER_HOLD + 1);

  if (all == NULL)
    abort ();
  entrun_ttyfilter_init (&f, clipboard);
  *len = entrun_ttyfilter_run (&f, in, split, all);
  *len += entrun_ttyfilter_run (&f, in + split, n - split, all + *len);
  return finish (&f, all, len);
}

static void
expect_same (const unsigned char *a, size_t alen, const unsigned char *b, size_t blen)
{
  if (alen != blen || memcmp (a, b, alen) != 0)
    abort ();
}

static void
run_one (const unsigned char *in, size_t n, size_t split, bool clipboard)
{
  size_t len, len2, len3;
  unsigned char *one = filter (in, n, 0, clipboard, &len), *two, *again;

  if (len > n + 1)
    abort ();
  two = filter_split (in, n, split, clipboard, &len2);
  expect_same (one, len, two, len2);
  free (two);
  if (n <= BYTEWISE_MAX)
    {
      two = filter (in, n, 1, clipboard, &len2);
      expect_same (one, len, two, len2);
      free (two);
    }
  check_output (one, len, clipboard);
  again = filter (one, len, 0, clipboard, &len3);
  /* But for a C2 at the very end: it went out as text, the byte after it
   * showing it was no C1 control, but that byte was dropped; filtered
   * again, the C2 waits for a byte that never comes and is dropped. */
  if (len > 0 && one[len - 1] == 0xc2 && len3 == len - 1)
    len--;
  expect_same (one, len, again, len3);
  free (again);
  free (one);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  size_t split;

  if (size < 2)
    return 0;
  split = (size_t)(data[0] << 8 | data[1]) % (size - 1);
  run_one (data + 2, size - 2, split, false);
  run_one (data + 2, size - 2, split, true);
  return 0;
}
