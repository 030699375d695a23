/* entrun — the terminal relay's escape-sequence filter.
 *
 * A pure function over a byte stream: no syscalls, no allocation, no
 * globals, state in a plain struct without pointers.  The relay (relay.c)
 * runs every byte the sandbox writes to its pty through it before the
 * bytes reach the user's real terminal, so that the sandbox cannot make
 * that terminal write the clipboard, pass sequences through tmux or
 * screen to the outer terminal, or answer a query with text the user's
 * shell then reads as typed input.  Tested and fuzzed as plain code
 * (tests/unit/test-ttyfilter.c, tests/fuzz/fuzz-ttyfilter.c).
 *
 * The filter parses as the VT500/xterm state machine does
 * (https://vt100.net/emu/dec_ansi_parser), after decoding UTF-8 as the
 * terminal does, so that it sees a sequence wherever a terminal would:
 *
 *   passes    text (UTF-8 or not), C0 controls, ESC and CSI sequences, C1
 *             controls other than the string introducers;
 *   OSC       passes when its numeric code (the digits before the first
 *             ';' or the terminator) is written without leading zeros, has
 *             at most 5 digits and is one of 0-2 (titles), 4, 5, 10-19,
 *             104, 105, 110-119 (colours), 7 (working directory), 8
 *             (hyperlinks), 133 (prompt marks), or 52 (clipboard) when
 *             allow_clipboard; any other OSC is dropped whole: 52 without
 *             the grant, 5522, 1337, 9, 777, "052", "0052", an empty or
 *             non-numeric code;
 *   strings   DCS, SOS, PM and APC are dropped whole, always (tmux and
 *             screen passthrough, DECRQSS, XTGETTCAP, kitty's APC);
 *   CSI t     with a first parameter of 20 or 21 (report icon label or
 *             window title: the answer arrives as typed input) is dropped
 *             whole, as is one whose first parameter could wrap to those
 *             (65536 or more); so is a CSI with a byte of text (0xa0-0xff)
 *             before its first parameter ends, which some terminals map to
 *             ASCII;
 *   ESC %     (select a character coding) is dropped but for ESC % G
 *             (UTF-8): a terminal that left UTF-8 would read as C1
 *             controls bytes that this filter decoded as text.  So is an
 *             ESC followed by a byte of text.
 *
 * C1 controls count in every spelling a terminal may act on: ESC and a
 * letter (ESC ] for OSC), the 8-bit byte (0x9d) when it does not continue
 * a valid UTF-8 sequence, and the UTF-8 encoding of U+0080-U+009F (C2 9D).
 * A byte 0x80-0x9f that continues a valid UTF-8 sequence is text ("ĝ" is
 * C4 9D).  The filter assumes the user's terminal decodes UTF-8; one that
 * reads Latin-1 would take that 9D for an OSC.
 *
 * A string ends with BEL (OSC only), ST (ESC \, 0x9c, C2 9C), is aborted
 * by CAN or SUB, and is ended by any other ESC or C1 control, which then
 * starts a sequence of its own.  In a dropped DCS, ESC ESC is an escaped
 * ESC (tmux's passthrough doubling) and does not end it.
 *
 * The filter never emits a byte of a dropped sequence: it holds back the
 * start of a sequence until it knows (an OSC until its code is whole, a
 * CSI until its first parameter is, an ESC until its final byte), at most
 * ENTRUN_TTYFILTER_HOLD bytes; a sequence that would need more is dropped.
 * A sequence cut short before it was decided (ESC [ 1 ESC ...) did
 * nothing and is not passed on either.
 *
 * The terminal then never sees the dropped introducer, which would have
 * ended what it was inside; the filter writes a byte in its place that
 * does so instead:
 *   - a CAN, inside a sequence the filter had already passed on unfinished
 *     (a title still open, a CSI's parameters);
 *   - a NUL (ignored by terminals), inside a UTF-8 character whose first
 *     bytes went out: else the bytes after the dropped sequence could
 *     continue it, and an 8-bit ST the filter saw there would be text to
 *     the terminal.
 * So the output is never longer than the input, but for the one CAN that
 * entrun_ttyfilter_finish() may add.  A sequence that a C1 control began
 * or an 8-bit ST ended counts as unfinished, for terminals that ignore
 * 8-bit controls: finish() cancels it. */
#ifndef ENTRUN_TTYFILTER_H
#define ENTRUN_TTYFILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ENTRUN_TTYFILTER_HOLD 32 /* most bytes the filter ever holds back */

/* The filter's state.  Its fields are the filter's own: set them with
 * entrun_ttyfilter_init() only. */
typedef struct entrun_ttyfilter
{
  unsigned char hold[ENTRUN_TTYFILTER_HOLD]; /* the start of an undecided sequence */
  uint8_t hold_len;
  uint8_t state;        /* where the parser is (ttyfilter.c) */
  bool allow_clipboard; /* OSC 52 passes */
  bool term_open;       /* what was passed on may leave the terminal inside a sequence */
  bool cut;             /* ... inside a UTF-8 character the held bytes cut short */
  /* The UTF-8 decoder: continuation bytes still expected, the range the
   * next one must fall in, and a C2 whose next byte decides between a C1
   * control and a character. */
  struct entrun_ttyfilter_utf8
  {
    uint8_t need, lo, hi;
    bool c2;
  } u8;
  /* The sequence being parsed. */
  bool seq7;        /* it began with ESC, not a C1 control */
  bool dcs;         /* the dropped string is a DCS: ESC ESC escapes an ESC */
  bool esc_st;      /* this ESC ended a dropped string: ESC \ is its ST */
  bool esc_dcs;     /* ... a DCS: ESC ESC continues it */
  bool esc_docs;    /* an ESC sequence with the intermediate '%' */
  uint8_t esc_ints; /* intermediates of the ESC sequence */
  bool csi_first;   /* still in the CSI's first parameter */
  bool zero_lead;   /* the OSC code starts with '0' */
  uint8_t digits;   /* digits of the OSC code */
  uint32_t num;     /* the OSC code or the CSI's first parameter */
} entrun_ttyfilter_t;

/* A filter at the start of a stream; OSC 52 (the clipboard) passes only
 * with @allow_clipboard. */
void entrun_ttyfilter_init (entrun_ttyfilter_t *f, bool allow_clipboard);

/* Filter @n bytes of @in into @out, which has room for
 * n + ENTRUN_TTYFILTER_HOLD bytes; returns how many were written.
 * Stateful across calls: a sequence may be split anywhere, and the output
 * is the same however the stream is split. */
size_t entrun_ttyfilter_run (entrun_ttyfilter_t *f, const unsigned char *in, size_t n,
                             unsigned char *out);

/* End of stream: the bytes held back are dropped; if the terminal may be
 * left inside a sequence the filter passed on (an unterminated allowed
 * OSC, a CSI cut short), writes one CAN (0x18) so that the terminal's
 * parser returns to its ground state.  Returns the bytes written (0 or 1)
 * into @out (room for at least 1).  @f is then as entrun_ttyfilter_init()
 * left it. */
size_t entrun_ttyfilter_finish (entrun_ttyfilter_t *f, unsigned char *out);

/* How many bytes at the end of @out (@n bytes of the filter's output)
 * begin a UTF-8 character that is not complete yet: 0 to 3.  The relay
 * holds them back until the character is whole, so that it reaches the
 * terminal in one write: another writer's byte between its bytes could
 * leave the terminal a lone continuation byte, which one that acts on raw
 * 8-bit controls takes for a C1 control (0x9d, OSC). */
size_t entrun_ttyfilter_tail (const unsigned char *out, size_t n);

#endif
