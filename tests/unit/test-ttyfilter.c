/* Unit tests of launcher/ttyfilter.c, the terminal relay's escape-sequence
 * filter: what passes, what is dropped, and that the output is the same
 * however the stream is split into calls.  Every case below is run in one
 * call, split in two at every byte boundary, and a byte a call; each call
 * writes into a buffer with a canary right after the n + HOLD bytes it
 * was promised. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ttyfilter.h"

#define N(a) (sizeof (a) / sizeof ((a)[0]))
#define S(lit) (const unsigned char *)(lit), sizeof (lit) - 1
#define MAX_OUT 4096
#define CANARY 0xa5

typedef struct buf
{
  unsigned char b[MAX_OUT];
  size_t len;
} buf_t;

/* One run() call into a buffer with a canary past n + HOLD. */
static size_t
run_checked (entrun_ttyfilter_t *f, const unsigned char *in, size_t n, buf_t *out)
{
  static unsigned char tmp[MAX_OUT + ENTRUN_TTYFILTER_HOLD + 16];
  size_t o;

  ck_assert_uint_le (n, MAX_OUT);
  memset (tmp, CANARY, sizeof (tmp));
  o = entrun_ttyfilter_run (f, in, n, tmp);
  ck_assert_uint_le (o, n + ENTRUN_TTYFILTER_HOLD);
  for (size_t i = n + ENTRUN_TTYFILTER_HOLD; i < n + ENTRUN_TTYFILTER_HOLD + 16; i++)
    ck_assert_msg (tmp[i] == CANARY, "wrote past n + HOLD");
  ck_assert_uint_le (out->len + o, MAX_OUT);
  memcpy (out->b + out->len, tmp, o);
  out->len += o;
  return o;
}

static void
finish_checked (entrun_ttyfilter_t *f, buf_t *out)
{
  unsigned char tmp[2] = { CANARY, CANARY };
  size_t o = entrun_ttyfilter_finish (f, tmp);

  ck_assert_uint_le (o, 1);
  ck_assert_int_eq (tmp[1], CANARY);
  if (o == 1)
    ck_assert_int_eq (tmp[0], 0x18);
  memcpy (out->b + out->len, tmp, o);
  out->len += o;
}

/* Filter @in split at each of @cuts (ascending), then finish. */
static void
filter_cut (const unsigned char *in, size_t n, bool clip, const size_t *cuts, size_t ncuts,
            buf_t *out)
{
  entrun_ttyfilter_t f;
  size_t at = 0;

  out->len = 0;
  entrun_ttyfilter_init (&f, clip);
  for (size_t i = 0; i <= ncuts; i++)
    {
      size_t end = i < ncuts ? cuts[i] : n;

      run_checked (&f, in + at, end - at, out);
      at = end;
    }
  finish_checked (&f, out);
}

static void
ck_same (const buf_t *got, const unsigned char *want, size_t len, const char *how)
{
  ck_assert_msg (got->len == len && memcmp (got->b, want, len) == 0,
                 "%s: %zu bytes out, %zu wanted", how, got->len, len);
}

/* @in filters to @want, however it is split. */
static void
expect (const unsigned char *in, size_t n, const unsigned char *want, size_t wlen, bool clip)
{
  buf_t out;
  size_t cuts[MAX_OUT];

  filter_cut (in, n, clip, NULL, 0, &out);
  ck_same (&out, want, wlen, "one call");
  for (size_t cut = 0; cut <= n; cut++)
    {
      filter_cut (in, n, clip, &cut, 1, &out);
      ck_assert_msg (out.len == wlen && memcmp (out.b, want, wlen) == 0, "split at %zu", cut);
    }
  for (size_t i = 0; i < n; i++)
    cuts[i] = i + 1;
  filter_cut (in, n, clip, cuts, n, &out);
  ck_same (&out, want, wlen, "a byte a call");
}

#define PASSES(lit) expect (S (lit), S (lit), false)
#define BECOMES(lit, out) expect (S (lit), S (out), false)
#define DROPPED(lit) expect (S ("<" lit ">"), S ("<>"), false)

/* ---- text ----------------------------------------------------------------- */

START_TEST (text_passes)
{
  PASSES ("hello, world\r\n\tbell\a back\b tab\v ff\f nul\0 del\x7f done");
  PASSES ("gr\xc3\xbc\xc3\x9f"
          "e \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x8e\x89 "
          "\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82");
  /* "ĝ52;": the 9D continues a character, no OSC. */
  PASSES ("\xc4\x9d"
          "52;c;Zm9v\x07");
  /* Not UTF-8 (Latin-1 "café", a lone continuation): passes as it is. */
  PASSES ("caf\xe9 \xa0 \xff\xfe");
  /* CAN and SUB in text are controls of their own. */
  PASSES ("a\x18"
          "b\x1a"
          "c");
}
END_TEST

/* Every code point from U+00A0 to U+FFFF (but the surrogates) and some
 * past it, encoded: each passes byte for byte, however split. */
START_TEST (all_of_utf8_passes)
{
  static unsigned char in[MAX_OUT];
  size_t n = 0;

  for (unsigned long cp = 0xa0; cp <= 0x10ffff; cp += cp < 0x800 ? 1 : cp < 0x10000 ? 7 : 4099)
    {
      if (cp >= 0xd800 && cp <= 0xdfff)
        continue;
      if (n + 4 > sizeof (in))
        {
          expect (in, n, in, n, false);
          n = 0;
        }
      if (cp < 0x800)
        in[n++] = (unsigned char)(0xc0 | cp >> 6);
      else if (cp < 0x10000)
        {
          in[n++] = (unsigned char)(0xe0 | cp >> 12);
          in[n++] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
        }
      else
        {
          in[n++] = (unsigned char)(0xf0 | cp >> 18);
          in[n++] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
          in[n++] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
        }
      in[n++] = (unsigned char)(0x80 | (cp & 0x3f));
    }
  expect (in, n, in, n, false);
}
END_TEST

/* ---- OSC -------------------------------------------------------------------- */

START_TEST (titles_and_hyperlinks_pass)
{
  PASSES ("a\x1b]0;title\x07"
          "b");
  PASSES ("a\x1b]2;title\x1b\\b");
  PASSES ("a\x1b]0;t\xc3\xaftle \xc4\x9d\x07"
          "b");
  PASSES ("\x1b]8;;https://example.com/\x07link\x1b]8;;\x07");
  PASSES ("\x1b]8;id=1;https://example.com/\x1b\\link\x1b]8;;\x1b\\");
  /* The colours, queried too, the working directory, prompt marks. */
  PASSES ("\x1b]4;1;rgb:ff/00/00\x07\x1b]10;?\x07\x1b]11;#000000\x1b\\\x1b]104\x07\x1b]112\x07"
          "\x1b]7;file://host/home/user\x07\x1b]133;A\x07$ \x1b]133;B\x07");
  /* An 8-bit ST ends a string only at a terminal that takes C1
   * controls: at the end, a CAN ends it at the others. */
  BECOMES ("a\x1b]1;icon\x9c"
           "b",
           "a\x1b]1;icon\x9c"
           "b\x18");
  BECOMES ("\x1b]0;title\xc2\x9c", "\x1b]0;title\xc2\x9c\x18");
  BECOMES ("\x9d"
           "0;t\x9c\xc2\x9d"
           "2;t\xc2\x9c",
           "\x9d"
           "0;t\x9c\xc2\x9d"
           "2;t\xc2\x9c\x18");
  /* BEL after a 7-bit introducer, ESC \ after any, end it everywhere. */
  PASSES ("\x9d"
          "0;title\x1b\\");
}
END_TEST

/* Each code of the allowlist passes, its neighbours do not. */
START_TEST (allowlist)
{
  static const unsigned pass[] = { 0,  1,  2,  4,  5,  7,   8,   10,  11,  12,  13,  14,
                                   15, 16, 17, 18, 19, 104, 105, 110, 111, 115, 119, 133 };
  static const unsigned drop[] = { 3,   6,   9,   20,  50,  51,  52,   53,   100,   103,
                                   106, 109, 120, 132, 134, 777, 1337, 5522, 65535, 99999 };
  char in[64];
  int len;

  for (size_t i = 0; i < N (pass); i++)
    {
      len = snprintf (in, sizeof (in), "<\x1b]%u;x\x07>", pass[i]);
      expect ((unsigned char *)in, (size_t)len, (unsigned char *)in, (size_t)len, false);
    }
  for (size_t i = 0; i < N (drop); i++)
    {
      len = snprintf (in, sizeof (in), "<\x1b]%u;x\x07>", drop[i]);
      expect ((unsigned char *)in, (size_t)len, S ("<>"), false);
    }
}
END_TEST

START_TEST (clipboard_dropped)
{
  DROPPED ("\x1b]52;c;ZWNobyBoaQ==\x07");
  DROPPED ("\x1b]52;c;ZWNobyBoaQ==\x1b\\");
  DROPPED ("\x1b]52;c;ZWNobyBoaQ==\x9c");
  DROPPED ("\x1b]52;c;ZWNobyBoaQ==\xc2\x9c");
  DROPPED ("\x9d"
           "52;c;ZWNobyBoaQ==\x07");
  DROPPED ("\xc2\x9d"
           "52;c;ZWNobyBoaQ==\x07");
  DROPPED ("\x1b]52;p;?\x07");      /* a read: the answer comes as input */
  DROPPED ("\x1b]52\x07");          /* no ';' */
  DROPPED ("\x1b]5\n2;c;eA==\x07"); /* a terminal ignores the LF */
  /* Text around it passes, and so do sequences after it. */
  BECOMES ("before\x1b]52;c;eA==\x07"
           "after\x1b[1mbold",
           "beforeafter\x1b[1mbold");
}
END_TEST

START_TEST (clipboard_granted)
{
  expect (S ("a\x1b]52;c;ZWNobyBoaQ==\x07"
             "b"),
          S ("a\x1b]52;c;ZWNobyBoaQ==\x07"
             "b"),
          true);
  expect (S ("\x1b]52;c;ZWNobyBoaQ==\x1b\\"), S ("\x1b]52;c;ZWNobyBoaQ==\x1b\\"), true);
  expect (S ("\x1b]52;c;eA==\x9c"), S ("\x1b]52;c;eA==\x9c\x18"), true);
  expect (S ("\x9d"
             "52;c;eA==\xc2\x9c"),
          S ("\x9d"
             "52;c;eA==\xc2\x9c\x18"),
          true);
  expect (S ("\xc2\x9d"
             "52;c;eA==\x1b\\"),
          S ("\xc2\x9d"
             "52;c;eA==\x1b\\"),
          true);
  /* Still not in another spelling, nor kitty's or iTerm2's clipboard. */
  expect (S ("<\x1b]052;c;eA==\x07\x1b]5522;x\x07\x1b]1337;Copy=:eA==\x07>"), S ("<>"), true);
}
END_TEST

/* Codes a terminal could read as 52, or as nothing it should act on. */
START_TEST (odd_codes_dropped)
{
  DROPPED ("\x1b]0052;c;eA==\x07");
  DROPPED ("\x1b]052;c;eA==\x07");
  DROPPED ("\x1b]00;title\x07");
  DROPPED ("\x1b]4294967348;c;eA==\x07"); /* 2^32 + 52 */
  DROPPED ("\x1b]100052;c;eA==\x07");
  DROPPED ("\x1b]5522;c;eA==\x07");
  DROPPED ("\x1b]1337;File=name=eA==:eA==\x07");
  DROPPED ("\x1b]1337;Copy=:eA==\x07");
  DROPPED ("\x1b]9;notification\x07");
  DROPPED ("\x1b]777;notify;title;body\x07");
  DROPPED ("\x1b];title\x07");
  DROPPED ("\x1b]\x07");
  DROPPED ("\x1b]x;title\x07");
  DROPPED ("\x1b]5x2;title\x07");
  DROPPED ("\x1b]0\xc4\x9d;title\x07");
}
END_TEST

/* ESC ends any string: what follows it is a sequence of its own. */
START_TEST (esc_ends_a_string)
{
  BECOMES ("a\x1b]52;c;eA==\x1b[1mb", "a\x1b[1mb");
  BECOMES ("a\x1b]52;c;eA==\x1b]0;t\x07", "a\x1b]0;t\x07");
  BECOMES ("a\x1b]0;t\x1b[1mb", "a\x1b]0;t\x1b[1mb");
  /* C1 controls do too. */
  BECOMES ("a\x1b]52;c;eA==\x9b"
           "1mb",
           "a\x9b"
           "1mb");
}
END_TEST

START_TEST (can_and_sub_abort)
{
  BECOMES ("a\x1b]52;c;eA==\x18"
           "b",
           "ab");
  BECOMES ("a\x1b]52;c;eA==\x1a"
           "b",
           "ab");
  BECOMES ("a\x1bPx\x18"
           "b",
           "ab");
  /* In a string that passes they pass, and end it at the terminal too. */
  PASSES ("a\x1b]0;t\x18"
          "b");
  PASSES ("a\x1b[1;2\x1a"
          "b");
}
END_TEST

/* ---- DCS, SOS, PM, APC ------------------------------------------------------- */

START_TEST (strings_dropped)
{
  DROPPED ("\x1bP$qm\x1b\\");         /* DECRQSS */
  DROPPED ("\x1bP+q544e\x1b\\");      /* XTGETTCAP */
  DROPPED ("\x1b_Gf=100;AAAA\x1b\\"); /* kitty graphics */
  DROPPED ("\x1b^pm\x1b\\");
  DROPPED ("\x1bXsos\x1b\\");
  DROPPED ("\x90"
           "dcs\x9c\x98"
           "sos\x9c\x9e"
           "pm\x9c\x9f"
           "apc\x9c");
  DROPPED ("\xc2\x90"
           "dcs\xc2\x9c\xc2\x9f"
           "apc\xc2\x9c");
  DROPPED ("\x1bPx\x07still dcs\x1b\\"); /* BEL ends no DCS */
}
END_TEST

START_TEST (tmux_passthrough_dropped)
{
  BECOMES ("a\x1bPtmux;\x1b\x1b]52;c;ZWNobw==\x07\x1b\\after", "aafter");
  /* The inner ST, doubled, does not end it either. */
  BECOMES ("a\x1bPtmux;\x1b\x1b]52;c;eA==\x1b\x1b\\\x1b\\after", "aafter");
}
END_TEST

/* ---- CSI and ESC ----------------------------------------------------------- */

START_TEST (title_reports_dropped)
{
  BECOMES ("a\x1b[21tb\x1b[20tc", "abc");
  BECOMES ("a\x9b"
           "21tb\xc2\x9b"
           "20tc",
           "abc");
  DROPPED ("\x1b[021t");
  DROPPED ("\x1b[21;0t");
  DROPPED ("\x1b[2\n1t");  /* the terminal runs the LF and reads 21 */
  DROPPED ("\x1b[65557t"); /* 65536 + 21 */
  DROPPED ("\x1b[99999999999999999999t");
  PASSES ("\x1b[8;24;80t\x1b[22;0t\x1b[23;0t\x1b[14t\x1b[18t\x1b[2t");
  PASSES ("\x1b[21m\x1b[20h");
}
END_TEST

START_TEST (csi_and_esc_pass)
{
  PASSES ("\x1b[1;31mred\x1b[0m\x1b[38;2;255;128;0m\x1b[38:2::1:2:3m\x1b[?2004h\x1b[>4;1m"
          "\x1b[ q\x1b[2J\x1b[H\x1b[6n\x1b[c");
  PASSES ("\x9b"
          "1m\xc2\x9b"
          "0m");
  PASSES ("\x1b(B\x1b)0\x1b#8\x1b"
          "7\x1b"
          "8\x1b"
          "c\x1b=\x1b>\x1bM\x1b%G");
  PASSES ("\x1b\\\x9c\x85\xc2\x85");
}
END_TEST

/* ESC % @ and the like would leave UTF-8: then 9D in "ĝ" is an OSC. */
START_TEST (leaving_utf8_dropped)
{
  BECOMES ("\x1b%@\xc4\x9d"
           "52;c;eA==\x07",
           "\xc4\x9d"
           "52;c;eA==\x07");
  DROPPED ("\x1b%8");
  DROPPED ("\x1b%/G");
}
END_TEST

/* A sequence that passed unfinished, cut into by one that is dropped: a
 * CAN ends it, as the dropped introducer would have at the terminal. */
START_TEST (dropped_inside_passed)
{
  BECOMES ("\x1b[1;2\x1bPx\x1b\\1t", "\x1b[1;2\x18"
                                     "1t");
  BECOMES ("\x1b]0;title\x1b]52;c;eA==\x07", "\x1b]0;title\x18");
  BECOMES ("\x1b]0;title\x9d"
           "52;c;eA==\x07",
           "\x1b]0;title\x18");
  /* A character cut short: NUL ends it, so the 9C stays an ST. */
  BECOMES ("\x1b]0;t\xee\x1b\x9c"
           "x",
           "\x1b]0;t\xee\x00\x9c"
           "x\x18");
  BECOMES ("\xe4\x1b]52;c;x\x07\x9c", "\xe4\x00\x9c");
}
END_TEST

/* ---- finish ---------------------------------------------------------------- */

static void
expect_finish (const unsigned char *in, size_t n, bool can)
{
  buf_t out;

  filter_cut (in, n, false, NULL, 0, &out);
  ck_assert_msg ((out.len > 0 && out.b[out.len - 1] == 0x18) == can, "CAN at the end: %d", !can);
}

START_TEST (finish_cancels_open_sequences)
{
  expect_finish (S ("a\x1b]0;unterminated title"), true);
  expect_finish (S ("a\x1b]8;;http://x"), true);
  expect_finish (S ("a\x1b[1;2"), true);
  expect_finish (S ("a\x1b]0;title\x1b"), true);
  expect_finish (S ("plain text"), false);
  expect_finish (S ("a\x1b]0;t\x07"), false);
  expect_finish (S ("a\x1b]52;c;unterminated"), false);
  expect_finish (S ("a\x1bPunterminated"), false);
  expect_finish (S ("a\x1b[2"), false); /* held, never passed */
  expect_finish (S ("a\x1b"), false);
  expect_finish (S ("a\xc2"), false);
}
END_TEST

/* The filter is ready for a new stream after finish. */
START_TEST (finish_resets)
{
  entrun_ttyfilter_t f;
  unsigned char out[64];
  size_t n;

  entrun_ttyfilter_init (&f, false);
  n = entrun_ttyfilter_run (&f, S ("\x1b]0;t"), out);
  ck_assert_uint_eq (n, 5);
  ck_assert_uint_eq (entrun_ttyfilter_finish (&f, out), 1);
  n = entrun_ttyfilter_run (&f, S ("\x1b]52;c;eA==\x07ok"), out);
  ck_assert_uint_eq (n, 2);
  ck_assert_uint_eq (entrun_ttyfilter_finish (&f, out), 0);
}
END_TEST

/* ---- bounds ------------------------------------------------------------------ */

/* A MiB of clipboard in 4 KiB reads: nothing comes out, nothing is kept,
 * and the text after it passes. */
START_TEST (long_clipboard_dropped)
{
  static unsigned char chunk[4096], out[4096 + ENTRUN_TTYFILTER_HOLD];
  entrun_ttyfilter_t f;
  size_t n;

  entrun_ttyfilter_init (&f, false);
  ck_assert_uint_eq (entrun_ttyfilter_run (&f, S ("\x1b]52;c;"), out), 0);
  memset (chunk, 'A', sizeof (chunk));
  for (int i = 0; i < 256; i++)
    {
      ck_assert_uint_eq (entrun_ttyfilter_run (&f, chunk, sizeof (chunk), out), 0);
      ck_assert_uint_eq (f.hold_len, 0);
    }
  n = entrun_ttyfilter_run (&f,
                            S ("\x07"
                               "after"),
                            out);
  ck_assert_uint_eq (n, 5);
  ck_assert_mem_eq (out, "after", 5);
  ck_assert_uint_eq (entrun_ttyfilter_finish (&f, out), 0);
}
END_TEST

/* What needs more than ENTRUN_TTYFILTER_HOLD bytes to decide is dropped. */
/* The relay holds back a character's first bytes until it is whole. */
START_TEST (tail_of_unfinished_character)
{
  static const struct
  {
    const char *bytes;
    size_t tail;
  } cases[] = {
    { "abc", 0 },
    { "a\xc4", 1 },           /* ĝ begun */
    { "a\xc4\x9d", 0 },       /* ĝ whole */
    { "\xe2\x80", 2 },        /* a three-byte character, two there */
    { "\xe2\x80\x9d", 0 },
    { "\xf0\x9f\x98", 3 },    /* an emoji, three of four */
    { "\xf0\x9f\x98\x80", 0 },
    { "a\x85", 0 },           /* a C1 control after text: no character */
    { "\x80\x80\x80\x80", 0 }, /* no first byte at all */
    { "\xc2", 1 },
    { "", 0 },
  };

  for (size_t i = 0; i < sizeof (cases) / sizeof (cases[0]); i++)
    ck_assert_uint_eq (entrun_ttyfilter_tail ((const unsigned char *)cases[i].bytes,
                                              strlen (cases[i].bytes)),
                       cases[i].tail);
}
END_TEST

START_TEST (hold_is_bounded)
{
  unsigned char in[128];
  size_t n = 0;

  /* An OSC code hidden behind ignored controls. */
  in[n++] = 0x1b;
  in[n++] = ']';
  in[n++] = '0';
  memset (in + n, '\0', 40);
  n += 40;
  memcpy (in + n,
          ";title\x07"
          "after",
          12);
  n += 12;
  expect (in, n, S ("after"), false);
  /* A CSI's first parameter behind 40 zeros. */
  n = 0;
  in[n++] = 0x1b;
  in[n++] = '[';
  memset (in + n, '0', 40);
  n += 40;
  memcpy (in + n,
          "21t"
          "after",
          8);
  n += 8;
  expect (in, n, S ("after"), false);
}
END_TEST

int
main (void)
{
  Suite *s = suite_create ("ttyfilter");
  TCase *tc = tcase_create ("ttyfilter");
  SRunner *sr;
  int failed;

  tcase_add_test (tc, text_passes);
  tcase_add_test (tc, all_of_utf8_passes);
  tcase_add_test (tc, titles_and_hyperlinks_pass);
  tcase_add_test (tc, allowlist);
  tcase_add_test (tc, clipboard_dropped);
  tcase_add_test (tc, clipboard_granted);
  tcase_add_test (tc, odd_codes_dropped);
  tcase_add_test (tc, esc_ends_a_string);
  tcase_add_test (tc, can_and_sub_abort);
  tcase_add_test (tc, strings_dropped);
  tcase_add_test (tc, tmux_passthrough_dropped);
  tcase_add_test (tc, title_reports_dropped);
  tcase_add_test (tc, csi_and_esc_pass);
  tcase_add_test (tc, leaving_utf8_dropped);
  tcase_add_test (tc, dropped_inside_passed);
  tcase_add_test (tc, finish_cancels_open_sequences);
  tcase_add_test (tc, finish_resets);
  tcase_add_test (tc, long_clipboard_dropped);
  tcase_add_test (tc, hold_is_bounded);
  tcase_add_test (tc, tail_of_unfinished_character);
  suite_add_tcase (s, tc);
  sr = srunner_create (s);
  srunner_set_tap (sr, "-");
  srunner_run_all (sr, CK_SILENT);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
