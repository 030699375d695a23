/* entrun — the terminal relay's escape-sequence filter (see ttyfilter.h).
 *
 * The sandbox is the adversary: everything it writes to its pty passes
 * here on its way to the user's terminal.  Two layers, as in a terminal:
 *
 *   1. A UTF-8 decoder turns bytes into tokens: an ASCII byte, a C1
 *      control (a byte 0x80-0x9f that continues no valid UTF-8 sequence,
 *      or C2 80-9f, U+0080-U+009F encoded), or some other byte of text.
 *      It is strict (no overlong forms, no surrogates, nothing past
 *      U+10FFFF), so that it calls a byte a continuation only where every
 *      terminal would: the one that decodes more leniently then sees text
 *      where the filter saw a control, never the other way round.
 *   2. The VT500 parser's states over those tokens, each of which either
 *      passes the sequence on, holds its start back while undecided, or
 *      drops it.  Every ESC, C1 control, CAN and SUB is seen in every
 *      state, as the terminal sees them ("anywhere" transitions), so a
 *      sequence cannot hide inside one the filter took for harmless.
 *
 * Where the filter and a terminal could disagree, the filter errs towards
 * seeing a sequence start (and checking it), and towards dropping: what it
 * drops the terminal never sees the start of, so the terminal is where it
 * was before when the output resumes.  Where that was inside a sequence
 * the filter passed on, or inside a UTF-8 character, a CAN or a NUL in
 * place of what was dropped ends it there too (see discard()): the
 * terminal then parses what follows as the filter did.  And where a
 * terminal that ignores 8-bit controls may still be inside a sequence
 * the filter saw end, the filter assumes it is (term_open), so that
 * finish() cancels it.
 *
 * Ground-state text (and the body of a title, or of a dropped string) is
 * taken in runs: sixteen bytes at a time while none of them could matter
 * (ESC, 0x80-0x9f, C2), copied as they are scanned; the decoder's state
 * is then worked out from the run's last few bytes alone (u8_resync). */
#include "config.h"

#include <string.h>

#include "ttyfilter.h"

#define BEL 0x07
#define CAN 0x18
#define SUB 0x1a
#define ESC 0x1b
#define DEL 0x7f
#define NUL 0x00
#define C1_DCS 0x90
#define C1_SOS 0x98
#define C1_CSI 0x9b
#define C1_ST 0x9c
#define C1_OSC 0x9d
#define C1_PM 0x9e
#define C1_APC 0x9f

/* What a held sequence may take, leaving a byte for a pending C2. */
#define HOLD_SEQ (ENTRUN_TTYFILTER_HOLD - 1)
/* The longest OSC code a terminal's int parser surely reads right. */
#define OSC_MAX_DIGITS 5
/* A CSI parameter this large could wrap to a small one in a terminal
 * that keeps parameters in 16 bits; the count saturates past it. */
#define CSI_WRAP 65536u
#define CSI_SATURATE 100000u

enum
{
  ST_GROUND,
  ST_ESC,      /* ESC held, maybe with C0 controls after it */
  ST_ESC_INT,  /* ESC and intermediates held */
  ST_CSI_HOLD, /* CSI held until its first parameter is known */
  ST_CSI_PASS, /* CSI passed on, until its final byte */
  ST_CSI_DROP, /* CSI dropped, until its final byte */
  ST_OSC_HOLD, /* OSC held until its code is known */
  ST_OSC_PASS, /* OSC passed on, until its terminator */
  ST_OSC_DROP, /* OSC dropped, until its terminator */
  ST_STR_DROP, /* DCS, SOS, PM or APC dropped, until ST */
  ST_COUNT
};

/* A token of the decoder: an ASCII byte is itself (0x00-0x7f); the other
 * kinds carry a flag above the byte, so that "t == ESC" or
 * "t >= 0x40 && t < DEL" match ASCII only.  A plain integer: it travels
 * in a register. */
typedef unsigned tok_t;
#define TOK_OTHER 0x100   /* a byte of text that is not ASCII */
#define TOK_C1 0x200      /* a C1 control, the byte 0x80-0x9f */
#define TOK_C1_UTF8 0x600 /* ... spelt C2 and that byte (U+0080-U+009F) */
#define TOK_BYTE(t) ((unsigned char)(t))

/* ---- the allowlist ------------------------------------------------------ */

/* OSC codes that pass: set the window or icon title (0-2), the colours
 * (4, 5, 10-19) or reset them (104, 105, 110-119), tell the working
 * directory (7), a hyperlink (8), shell prompt marks (133).  A query
 * among them ("OSC 10;?") is answered with a colour, which no shell runs
 * as a command.  Not: 52 (the clipboard: written, or read back as typed
 * input), 5522 (kitty's clipboard), 1337 (iTerm2: files, the clipboard,
 * user variables), 9 and 777 (notifications), 50 (fonts), and everything
 * not named, since new terminals keep giving codes new powers. */
static const struct
{
  uint16_t lo, hi;
} osc_allowed[] = {
  { 0, 2 }, { 4, 5 }, { 7, 8 }, { 10, 19 }, { 104, 105 }, { 110, 119 }, { 133, 133 },
};
#define OSC_CLIPBOARD 52

static bool
osc_code_allowed (const entrun_ttyfilter_t *f)
{
  /* Empty: no code at all.  Leading zeros and over-long codes were
   * dropped as they came in (on_osc_hold). */
  if (f->digits == 0)
    return false;
  if (f->num == OSC_CLIPBOARD)
    return f->allow_clipboard;
  for (size_t i = 0; i < sizeof (osc_allowed) / sizeof (osc_allowed[0]); i++)
    if (f->num >= osc_allowed[i].lo && f->num <= osc_allowed[i].hi)
      return true;
  return false;
}

/* ---- UTF-8 ---------------------------------------------------------------- */

/* For each lead byte 0xc0-0xff: how many continuation bytes follow and
 * the range of the first (Unicode's table 3-7 of well-formed sequences).
 * need 0: never a lead byte (C0, C1: overlong; F5-FF: past U+10FFFF). */
static const struct
{
  uint8_t need, lo, hi;
} u8_lead[64] = {
  [0x02 ... 0x1f] = { 1, 0x80, 0xbf }, [0x20] = { 2, 0xa0, 0xbf }, /* E0: no overlong forms */
  [0x21 ... 0x2c] = { 2, 0x80, 0xbf }, [0x2d] = { 2, 0x80, 0x9f }, /* ED: no surrogates */
  [0x2e ... 0x2f] = { 2, 0x80, 0xbf }, [0x30] = { 3, 0x90, 0xbf }, /* F0: no overlong forms */
  [0x31 ... 0x33] = { 3, 0x80, 0xbf }, [0x34] = { 3, 0x80, 0x8f }, /* F4: nothing past U+10FFFF */
};

typedef struct entrun_ttyfilter_utf8 u8_t;

static bool
is_cont (unsigned char b)
{
  return (b & 0xc0) == 0x80;
}

/* A byte that is neither a continuation the decoder waits for nor a C1
 * control nor C2: it ends whatever sequence was pending. */
static void
u8_start (u8_t *d, unsigned char b)
{
  d->need = 0;
  if (b >= 0xc0)
    {
      d->need = u8_lead[b - 0xc0].need;
      d->lo = u8_lead[b - 0xc0].lo;
      d->hi = u8_lead[b - 0xc0].hi;
    }
}

/* Whether @b continues the pending sequence; takes it if so. */
static bool
u8_continue (u8_t *d, unsigned char b)
{
  if (d->need == 0 || b < d->lo || b > d->hi)
    return false;
  d->need--;
  d->lo = 0x80;
  d->hi = 0xbf;
  return true;
}

/* The decoder's state after a run of plain bytes (no C2, no 0x80-0x9f)
 * that started in the current state.  A byte that is no continuation
 * starts afresh, and four continuations in a row end any sequence: only
 * the run's last bytes matter. */
static void
u8_resync (u8_t *d, const unsigned char *p, size_t n)
{
  size_t from = n > 4 ? n - 4 : 0, k = n;

  while (k > from && is_cont (p[k - 1]))
    k--;
  if (k > from)
    k--; /* p[k] restarts the decoder: decode from there */
  else if (n > 4)
    {
      d->need = 0;
      return;
    }
  for (; k < n; k++)
    if (!u8_continue (d, p[k]))
      u8_start (d, p[k]);
}

/* ---- runs of plain bytes ------------------------------------------------- */

#define SPECIAL_GROUND 1 /* ends a run of text in the ground state */
#define SPECIAL_STRING 2 /* ... inside a string */
#define EMIT 4           /* the run is passed on, not dropped */

/* CAN and SUB end a run in the ground state too: they end at the terminal
 * whatever it may still be inside (term_open). */
static const uint8_t special[256] = {
  [BEL] = SPECIAL_STRING,
  [CAN] = SPECIAL_GROUND | SPECIAL_STRING,
  [SUB] = SPECIAL_GROUND | SPECIAL_STRING,
  [ESC] = SPECIAL_GROUND | SPECIAL_STRING,
  [0x80 ... 0x9f] = SPECIAL_GROUND | SPECIAL_STRING,
  [0xc2] = SPECIAL_GROUND | SPECIAL_STRING,
};

/* The states in which the input goes out as it comes. */
static const bool emitting[ST_COUNT] = {
  [ST_GROUND] = true,
  [ST_CSI_PASS] = true,
  [ST_OSC_PASS] = true,
};

/* How each state treats a run of plain bytes: 0, byte by byte. */
static const uint8_t run_mode[ST_COUNT] = {
  [ST_GROUND] = SPECIAL_GROUND | EMIT,
  [ST_OSC_PASS] = SPECIAL_STRING | EMIT,
  [ST_OSC_DROP] = SPECIAL_STRING,
  [ST_STR_DROP] = SPECIAL_STRING,
};

/* Sixteen bytes at a time, in whatever vector unit the machine has (GCC's
 * vector extensions: SSE2 on x86-64, NEON on arm64, plain words
 * elsewhere). */
typedef unsigned char v16_t __attribute__ ((vector_size (16)));
typedef uint64_t v2x64_t __attribute__ ((vector_size (16)));
#define V_STEP 16

/* Whether any of the 16 bytes at @p could matter for @mask. */
static inline bool
v_hit (const unsigned char *p, unsigned mask)
{
  v16_t v, hit;
  v2x64_t any;

  memcpy (&v, p, sizeof (v));
  hit = (v16_t)(v == ESC) | (v16_t)(v == 0xc2) | (v16_t)((v & 0xe0) == 0x80)
        | (v16_t)((v & 0xfd) == CAN); /* CAN or SUB */
  if (mask & SPECIAL_STRING)
    hit |= (v16_t)(v == BEL);
  any = (v2x64_t)hit;
  return (any[0] | any[1]) != 0;
}

/* How many bytes at @p are text for @mask (SPECIAL_GROUND or
 * SPECIAL_STRING), the decoder kept up to date: sixteen bytes at a time
 * while no byte in them could matter, then byte by byte through sixteen
 * that have one, where a 0x80-0x9f that continues a UTF-8 sequence is
 * text too.  Stops at the first byte that is not (ESC, CAN, SUB, C2, a C1
 * control, and in strings BEL), which the caller feeds on its own.
 * Copies the run to @out unless that is NULL (the run is dropped). */
static inline size_t
text_run (entrun_ttyfilter_t *f, const unsigned char *p, size_t n, unsigned char *out,
          unsigned mask)
{
  size_t i = 0, from = 0, end;
  u8_t d = f->u8; /* a copy: the stores to @out cannot alias it */

  for (;;)
    {
      for (; i + V_STEP <= n && !v_hit (p + i, mask); i += V_STEP)
        if (out)
          memcpy (out + i, p + i, V_STEP);
      u8_resync (&d, p + from, i - from);
      for (end = i + V_STEP < n ? i + V_STEP : n; i < end; i++)
        {
          if (!u8_continue (&d, p[i]))
            {
              if (special[p[i]] & mask)
                {
                  f->u8 = d;
                  return i;
                }
              u8_start (&d, p[i]);
            }
          if (out)
            out[i] = p[i];
        }
      if (i == n)
        {
          f->u8 = d;
          return i;
        }
      from = i;
    }
}

/* ---- output and the hold -------------------------------------------------- */

static size_t
put_tok (unsigned char *out, tok_t t)
{
  if ((t & TOK_C1_UTF8) == TOK_C1_UTF8)
    {
      out[0] = 0xc2;
      out[1] = TOK_BYTE (t);
      return 2;
    }
  out[0] = TOK_BYTE (t);
  return 1;
}

static size_t
flush_hold (entrun_ttyfilter_t *f, unsigned char *out)
{
  size_t n = f->hold_len;

  /* A few bytes as a rule: a loop beats a call to memcpy. */
  for (size_t i = 0; i < n; i++)
    out[i] = f->hold[i];
  f->hold_len = 0;
  f->cut = false; /* the introducer ends the character, as it did here */
  return n;
}

/* Hold @b; false when the hold is full. */
static bool
hold_push (entrun_ttyfilter_t *f, unsigned char b)
{
  if (f->hold_len >= HOLD_SEQ)
    return false;
  f->hold[f->hold_len++] = b;
  return true;
}

/* Start holding a sequence with its introducer @t. */
static void
start_hold (entrun_ttyfilter_t *f, tok_t t, uint8_t state)
{
  f->hold_len = (uint8_t)put_tok (f->hold, t);
  f->state = state;
  f->seq7 = t == ESC;
  f->esc_st = f->esc_dcs = f->esc_docs = false;
  f->esc_ints = 0;
  f->csi_first = true;
  f->zero_lead = false;
  f->digits = 0;
  f->num = 0;
}

/* What is held goes, unseen.  The terminal never sees the introducer,
 * which would have ended what it is still inside:
 *   - a sequence the filter passed on unfinished (a CSI's parameters, a
 *     title): with @cancel, a CAN in its place ends it, as the
 *     introducer would have;
 *   - a character whose first bytes went out (see feed): a NUL ends it,
 *     which terminals ignore; else the next byte out could continue it,
 *     and a C1 control the filter saw after the introducer would be text
 *     to the terminal ("E4", ESC dropped, "9C": no ST but a character).
 * Either stands in for at least one removed byte: the output does not
 * grow. */
static size_t
discard (entrun_ttyfilter_t *f, unsigned char *out, bool cancel)
{
  size_t n = 0;

  f->hold_len = 0;
  if (cancel && f->term_open)
    {
      out[n++] = CAN;
      f->term_open = false;
    }
  else if (f->cut)
    out[n++] = NUL;
  f->cut = false;
  return n;
}

/* The sequence being parsed is dropped; the filter goes on in @state. */
static size_t
drop (entrun_ttyfilter_t *f, unsigned char *out, uint8_t state)
{
  f->state = state;
  return discard (f, out, true);
}

/* Drop into a DCS (@dcs), SOS, PM or APC string. */
static size_t
drop_string (entrun_ttyfilter_t *f, unsigned char *out, bool dcs)
{
  f->dcs = dcs;
  return drop (f, out, ST_STR_DROP);
}

/* ---- the states ------------------------------------------------------------ */

static size_t step (entrun_ttyfilter_t *f, tok_t t, unsigned char *out);

/* ESC, CAN, SUB and every C1 control: the tokens that act in any state. */
static bool
interrupts (tok_t t)
{
  return (t & TOK_C1) || t == ESC || t == CAN || t == SUB;
}

/* A C0 control (but CAN, SUB, ESC) or DEL: inside an ESC, CSI or OSC a
 * terminal executes or ignores it and stays in the sequence. */
static bool
is_inert (tok_t t)
{
  return (t < 0x20 && !interrupts (t)) || t == DEL;
}

static size_t
on_c1 (entrun_ttyfilter_t *f, tok_t t, unsigned char *out)
{
  switch (TOK_BYTE (t))
    {
    case C1_CSI:
      start_hold (f, t, ST_CSI_HOLD);
      return 0;
    case C1_OSC:
      start_hold (f, t, ST_OSC_HOLD);
      return 0;
    case C1_DCS:
      return drop_string (f, out, true);
    case C1_SOS:
    case C1_PM:
    case C1_APC:
      return drop_string (f, out, false);
    default:
      /* Executed; a terminal that acts on C1 controls is back in its
       * ground state, one that does not (most take no raw 8-bit
       * controls in UTF-8) may not be: term_open stays. */
      return put_tok (out, t);
    }
}

static size_t
on_ground (entrun_ttyfilter_t *f, tok_t t, unsigned char *out)
{
  f->state = ST_GROUND;
  if (t & TOK_C1)
    return on_c1 (f, t, out);
  if (t == ESC)
    {
      start_hold (f, t, ST_ESC);
      return 0;
    }
  if (t == CAN || t == SUB)
    f->term_open = false;
  return put_tok (out, t);
}

/* A held sequence cut short by ESC, CAN, SUB or a C1 control: it would
 * have done nothing, so it goes; the interrupting token starts afresh,
 * and ends at the terminal what the held one would have ended. */
static size_t
abandon (entrun_ttyfilter_t *f, tok_t t, unsigned char *out)
{
  size_t n = discard (f, out, false);

  return n + on_ground (f, t, out + n);
}

/* Hold @b of the sequence; drop it into @state when the hold is full. */
static size_t
hold_or_drop (entrun_ttyfilter_t *f, unsigned char b, unsigned char *out, uint8_t state)
{
  return hold_push (f, b) ? 0 : drop (f, out, state);
}

/* The sequence passed on is over.  If ESC began it, every terminal is in
 * its ground state again; if a C1 control did, one that ignores C1
 * controls is where it was before. */
static void
seq_end (entrun_ttyfilter_t *f)
{
  if (f->seq7)
    f->term_open = false;
}

/* Pass the held sequence on with its final byte @b. */
static size_t
complete (entrun_ttyfilter_t *f, unsigned char b, unsigned char *out)
{
  size_t n = flush_hold (f, out);

  out[n++] = b;
  f->state = ST_GROUND;
  seq_end (f);
  return n;
}

/* ESC's final byte @b, an escape sequence of its own. */
static size_t
on_esc_final (entrun_ttyfilter_t *f, unsigned char b, unsigned char *out)
{
  switch (b)
    {
    case '[':
      f->state = ST_CSI_HOLD;
      return hold_or_drop (f, b, out, ST_CSI_DROP);
    case ']':
      f->state = ST_OSC_HOLD;
      return hold_or_drop (f, b, out, ST_OSC_DROP);
    case 'P':
      return drop_string (f, out, true);
    case 'X':
    case '^':
    case '_':
      return drop_string (f, out, false);
    case '\\':
      if (f->esc_st) /* the terminator of the string just dropped */
        return drop (f, out, ST_GROUND);
      return complete (f, b, out);
    default:
      return complete (f, b, out);
    }
}

/* ESC and a byte of text: no sequence terminals agree on.  The ESC goes,
 * the text stays. */
static size_t
esc_then_text (entrun_ttyfilter_t *f, tok_t t, unsigned char *out)
{
  size_t n = drop (f, out, ST_GROUND);

  return n + on_ground (f, t, out + n);
}

static size_t
on_esc (entrun_ttyfilter_t *f, tok_t t, unsigned char *out)
{
  if (t == ESC && f->esc_dcs)
    {
      /* ESC ESC inside a dropped DCS: tmux's escaped ESC. */
      f->hold_len = 0;
      f->state = ST_STR_DROP;
      return 0;
    }
  if (interrupts (t))
    return abandon (f, t, out);
  if (t & TOK_OTHER)
    return esc_then_text (f, t, out);
  if (t >= 0x20 && t <= 0x2f)
    {
      f->state = ST_ESC_INT;
      f->esc_ints = 1;
      f->esc_docs = t == '%';
      return hold_or_drop (f, TOK_BYTE (t), out, ST_GROUND);
    }
  if (t >= 0x30 && t < DEL)
    return on_esc_final (f, TOK_BYTE (t), out);
  return hold_or_drop (f, TOK_BYTE (t), out, ST_GROUND);
}

static size_t
on_esc_int (entrun_ttyfilter_t *f, tok_t t, unsigned char *out)
{
  if (interrupts (t))
    return abandon (f, t, out);
  if (t & TOK_OTHER)
    return esc_then_text (f, t, out);
  if (t >= 0x20 && t <= 0x2f)
    {
      f->esc_ints++;
      f->esc_docs |= t == '%';
      return hold_or_drop (f, TOK_BYTE (t), out, ST_GROUND);
    }
  if (t < 0x30 || t == DEL)
    return hold_or_drop (f, TOK_BYTE (t), out, ST_GROUND);
  /* DOCS: ESC % G selects UTF-8; any other coding would make the
   * terminal read C1 controls in what this filter decodes as text. */
  if (f->esc_docs && !(f->esc_ints == 1 && t == 'G'))
    return drop (f, out, ST_GROUND);
  return complete (f, TOK_BYTE (t), out);
}

/* The first parameter of a CSI t could name a report: 20 (icon label) or
 * 21 (window title), or wrap to one of them. */
static bool
csi_risky (const entrun_ttyfilter_t *f)
{
  return f->num == 20 || f->num == 21 || f->num >= CSI_WRAP;
}

/* The first parameter is whole and harmless: pass the CSI on. */
static size_t
csi_pass (entrun_ttyfilter_t *f, unsigned char b, unsigned char *out)
{
  size_t n = flush_hold (f, out);

  out[n++] = b;
  f->state = ST_CSI_PASS;
  f->term_open = true;
  return n;
}

/* The CSI held so far: decided at the end of its first parameter (';' or
 * ':', all that is needed unless it is risky) or at its final byte.  A
 * terminal ignores C0 controls inside a CSI, so they do not end the
 * parameter ("ESC [ 2 LF 1 t" is CSI 21 t); private markers and
 * intermediates do not either, to be safe.  Text inside (0xa0-0xff) some
 * terminals map to 0x20-0x7f: no knowing what the CSI is, it goes. */
static size_t
on_csi_hold (entrun_ttyfilter_t *f, tok_t t, unsigned char *out)
{
  unsigned char b = TOK_BYTE (t);

  if (interrupts (t))
    return abandon (f, t, out);
  if (t & TOK_OTHER)
    return drop (f, out, ST_CSI_DROP);
  if (t >= 0x40 && t < DEL)
    return t == 't' && csi_risky (f) ? drop (f, out, ST_GROUND) : complete (f, b, out);
  if (f->csi_first && t >= '0' && t <= '9')
    {
      if (f->num < CSI_SATURATE)
        f->num = f->num * 10 + (uint32_t)(b - '0');
    }
  else if (f->csi_first && (t == ';' || t == ':'))
    {
      f->csi_first = false;
      if (!csi_risky (f))
        return csi_pass (f, b, out);
    }
  return hold_or_drop (f, b, out, ST_CSI_DROP);
}

static size_t
on_csi_pass (entrun_ttyfilter_t *f, tok_t t, unsigned char *out)
{
  if (interrupts (t))
    return on_ground (f, t, out);
  if (t >= 0x40 && t < DEL)
    {
      f->state = ST_GROUND;
      seq_end (f);
    }
  return put_tok (out, t);
}

static size_t
on_csi_drop (entrun_ttyfilter_t *f, tok_t t, unsigned char *out)
{
  if ((t & TOK_C1) || t == ESC)
    return on_ground (f, t, out);
  if (t == CAN || t == SUB || (t >= 0x40 && t < DEL))
    f->state = ST_GROUND;
  return 0;
}

/* The OSC's code is whole (or the OSC ended first): pass the held start
 * on or drop the lot, then take @t in the state that follows. */
static size_t
osc_decide (entrun_ttyfilter_t *f, tok_t t, unsigned char *out, bool ok)
{
  size_t n;

  if (ok)
    {
      n = flush_hold (f, out);
      f->state = ST_OSC_PASS;
      f->term_open = true;
    }
  else
    n = drop (f, out, ST_OSC_DROP);
  return n + step (f, t, out + n);
}

/* The OSC's code, digit by digit.  "052" and "0052" are dropped (a
 * terminal reads 52), so are six digits and more (its int could wrap to
 * 52).  C0 controls a terminal ignores inside the string ("5 LF 2" reads
 * 52) are held and do not end the code. */
static size_t
on_osc_hold (entrun_ttyfilter_t *f, tok_t t, unsigned char *out)
{
  unsigned char b = TOK_BYTE (t);

  if (t >= '0' && t <= '9')
    {
      if ((f->digits > 0 && f->zero_lead) || f->digits >= OSC_MAX_DIGITS)
        return drop (f, out, ST_OSC_DROP);
      f->zero_lead = f->digits++ == 0 && b == '0';
      f->num = f->num * 10 + (uint32_t)(b - '0');
      return hold_or_drop (f, b, out, ST_OSC_DROP);
    }
  if (is_inert (t) && t != BEL)
    return hold_or_drop (f, b, out, ST_OSC_DROP);
  /* ';', BEL, ESC, CAN, SUB or a C1 control end the code; anything
   * else makes it non-numeric. */
  return osc_decide (f, t, out, (interrupts (t) || t == ';' || t == BEL) && osc_code_allowed (f));
}

/* Inside an OSC that passes: BEL and ST end it, and every other control
 * that acts anywhere ends it too and starts what it starts.  Only BEL
 * and ESC \ end it at every terminal. */
static size_t
on_osc_pass (entrun_ttyfilter_t *f, tok_t t, unsigned char *out)
{
  if (t == BEL || (t & TOK_C1 && TOK_BYTE (t) == C1_ST))
    {
      f->state = ST_GROUND;
      if (t == BEL)
        seq_end (f);
      return put_tok (out, t);
    }
  if (interrupts (t))
    return on_ground (f, t, out);
  return put_tok (out, t);
}

/* Inside a dropped OSC (@osc) or DCS, SOS, PM, APC string. */
static size_t
on_drop_string (entrun_ttyfilter_t *f, tok_t t, unsigned char *out, bool osc)
{
  if (t == ESC)
    {
      bool dcs = !osc && f->dcs;

      start_hold (f, t, ST_ESC);
      f->esc_st = true;
      f->esc_dcs = dcs;
      return 0;
    }
  if (t == CAN || t == SUB || (osc && t == BEL) || (t & TOK_C1 && TOK_BYTE (t) == C1_ST))
    {
      f->state = ST_GROUND;
      return 0;
    }
  if (t & TOK_C1)
    return on_ground (f, t, out);
  return 0;
}

static size_t
step (entrun_ttyfilter_t *f, tok_t t, unsigned char *out)
{
  switch (f->state)
    {
    case ST_ESC:
      return on_esc (f, t, out);
    case ST_ESC_INT:
      return on_esc_int (f, t, out);
    case ST_CSI_HOLD:
      return on_csi_hold (f, t, out);
    case ST_CSI_PASS:
      return on_csi_pass (f, t, out);
    case ST_CSI_DROP:
      return on_csi_drop (f, t, out);
    case ST_OSC_HOLD:
      return on_osc_hold (f, t, out);
    case ST_OSC_PASS:
      return on_osc_pass (f, t, out);
    case ST_OSC_DROP:
      return on_drop_string (f, t, out, true);
    case ST_STR_DROP:
      return on_drop_string (f, t, out, false);
    case ST_GROUND:
    default:
      return on_ground (f, t, out);
    }
}

/* Decode one input byte and take the tokens it makes: none for a C2
 * until the next byte shows whether it starts a C1 control or a
 * character; two when that next byte shows it was text. */
static size_t
feed (entrun_ttyfilter_t *f, unsigned char b, unsigned char *out)
{
  size_t n;

  /* Where the output is the input, the terminal decodes as the filter
   * does, both inside a character or not; what starts here may be held
   * and removed, and the terminal would still wait for the rest of the
   * character (see discard). */
  if (!f->u8.c2 && emitting[f->state])
    f->cut = f->u8.need > 0;
  if (f->u8.c2)
    {
      f->u8.c2 = false;
      if (b >= 0x80 && b <= 0x9f)
        return step (f, TOK_C1_UTF8 | b, out);
      n = step (f, TOK_OTHER | 0xc2, out);
      if (b >= 0xa0 && b <= 0xbf)
        return n + step (f, TOK_OTHER | b, out + n);
      if (n > 0)
        {
          /* The C2 went out: the terminal waits for a byte to end the
           * character, one that no byte can be. */
          f->u8.need = 1;
          f->u8.lo = 0xff;
          f->u8.hi = 0;
        }
      return n + feed (f, b, out + n);
    }
  if (u8_continue (&f->u8, b))
    return step (f, TOK_OTHER | b, out);
  f->u8.need = 0;
  if (b < 0x80)
    return step (f, b, out);
  if (b <= 0x9f)
    return step (f, TOK_C1 | b, out);
  if (b == 0xc2)
    {
      f->u8.c2 = true;
      return 0;
    }
  u8_start (&f->u8, b);
  return step (f, TOK_OTHER | b, out);
}

/* ---- the API ---------------------------------------------------------------- */

void
entrun_ttyfilter_init (entrun_ttyfilter_t *f, bool allow_clipboard)
{
  *f = (entrun_ttyfilter_t){ .state = ST_GROUND, .allow_clipboard = allow_clipboard };
}

/* The parameters and intermediates (0x20-0x3f) of a CSI that passes, at
 * @in: they go out as they are. */
static size_t
csi_run (entrun_ttyfilter_t *f, const unsigned char *in, size_t n, unsigned char *out, size_t *o)
{
  size_t k = 0;

  if (f->u8.c2)
    return 0;
  while (k < n && in[k] >= 0x20 && in[k] <= 0x3f)
    {
      out[*o + k] = in[k];
      k++;
    }
  if (k > 0)
    f->u8.need = 0; /* ASCII ends any UTF-8 sequence */
  *o += k;
  return k;
}

/* Take a run of plain bytes at @in in the current state, if the state
 * has runs; returns its length, the bytes passed on added to *o. */
static size_t
take_run (entrun_ttyfilter_t *f, const unsigned char *in, size_t n, unsigned char *out, size_t *o)
{
  unsigned mode = run_mode[f->state];
  size_t k;

  if (f->state == ST_CSI_PASS)
    return csi_run (f, in, n, out, o);
  if (mode == 0 || f->u8.c2)
    return 0;
  if (mode & EMIT)
    {
      k = text_run (f, in, n, out + *o, mode & (SPECIAL_GROUND | SPECIAL_STRING));
      *o += k;
    }
  else
    k = text_run (f, in, n, NULL, SPECIAL_STRING);
  return k;
}

size_t
entrun_ttyfilter_run (entrun_ttyfilter_t *f, const unsigned char *in, size_t n, unsigned char *out)
{
  size_t i = 0, o = 0;

  while (i < n)
    {
      i += take_run (f, in + i, n - i, out, &o);
      if (i < n)
        o += feed (f, in[i++], out + o);
    }
  return o;
}

size_t
entrun_ttyfilter_finish (entrun_ttyfilter_t *f, unsigned char *out)
{
  size_t n = 0;

  if (f->term_open)
    out[n++] = CAN;
  entrun_ttyfilter_init (f, f->allow_clipboard);
  return n;
}

size_t
entrun_ttyfilter_tail (const unsigned char *out, size_t n)
{
  size_t back = 0;

  /* Back over continuation bytes to the character's first byte. */
  while (back < 3 && back < n && (out[n - 1 - back] & 0xc0) == 0x80)
    back++;
  if (back == n)
    return 0;
  {
    unsigned char lead = out[n - 1 - back];
    size_t len = lead >= 0xf0 && lead <= 0xf4 ? 4 : lead >= 0xe0 && lead <= 0xef ? 3
                 : lead >= 0xc2 && lead <= 0xdf ? 2 : 0;
    return len > back + 1 ? back + 1 : 0;
  }
}
