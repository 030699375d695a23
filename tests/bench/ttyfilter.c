/* ttyfilter [MIB [ROUNDS]]: the throughput of the terminal relay's filter
 * (launcher/ttyfilter.c) on MIB MiB (default 64) of each kind of output,
 * ROUNDS times over (default 16: 1 GiB), fed in the relay's 64 KiB reads.
 * Prints "kind MB/s" and memcpy's speed on the same buffers to compare.
 *
 *   cc -O2 -I. -Ilauncher -o ttyfilter-bench tests/bench/ttyfilter.c launcher/ttyfilter.c */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ttyfilter.h"

#define CHUNK (64 * 1024)

/* Pieces each kind of output is made of, repeated until the buffer is full. */
static const char *const ascii[] = { "make[2]: Entering directory '/home/user/src/project/build'\n",
                                     "  CC       launcher/ttyfilter.o\n",
                                     "test-ttyfilter.c:123: passed all 42 checks in 0.01 s\n" };
static const char *const colour[] = { "\x1b[1;32mPASS\x1b[0m tests/unit/test-ttyfilter\n",
                                      "\x1b[31merror:\x1b[0m expected ';' before '}' token\n",
                                      "\x1b]0;user@host: ~/src\x07plain text in between\n" };
static const char *const utf8[]
    = { "Grüße aus Köln, ça va? ĝis revido! ", "Привет, как дела? ", "日本語のテキストと中文文本。",
        "emoji 🎉🚀 and math ∑∫≈ ", "plain ascii between the rest\n" };
static const char *const clipboard[] = { "\x1b]52;c;ZWNobyAncm0gLXJmIH4nCg==\x07" };

static unsigned char *
fill (const char *const *piece, size_t npiece, size_t size)
{
  unsigned char *buf = malloc (size);
  size_t at = 0;

  for (size_t i = 0; buf && at < size; i++)
    {
      size_t len = strlen (piece[i % npiece]);

      if (len > size - at)
        len = size - at;
      memcpy (buf + at, piece[i % npiece], len);
      at += len;
    }
  return buf;
}

static double
now (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* MB/s of the filter (or of memcpy) over @buf, @rounds times. */
static double
measure (const unsigned char *buf, size_t size, int rounds, unsigned char *out, int copy,
         size_t *kept)
{
  entrun_ttyfilter_t f;
  double t = now ();

  *kept = 0;
  entrun_ttyfilter_init (&f, 0);
  for (int r = 0; r < rounds; r++)
    for (size_t at = 0; at < size; at += CHUNK)
      {
        size_t n = size - at < CHUNK ? size - at : CHUNK;

        if (copy)
          memcpy (out, buf + at, n), *kept += n;
        else
          *kept += entrun_ttyfilter_run (&f, buf + at, n, out);
      }
  *kept += entrun_ttyfilter_finish (&f, out);
  return (double)size * rounds / (now () - t) / 1e6;
}

int
main (int argc, char **argv)
{
  size_t size = (argc > 1 ? (size_t)atol (argv[1]) : 64) << 20;
  int rounds = argc > 2 ? atoi (argv[2]) : 16;
  static unsigned char out[CHUNK + ENTRUN_TTYFILTER_HOLD];
  const struct
  {
    const char *name;
    const char *const *piece;
    size_t n;
  } kinds[] = { { "ascii", ascii, 3 },
                { "ascii+sgr+title", colour, 3 },
                { "utf8-mixed", utf8, 5 },
                { "osc52-dropped", clipboard, 1 } };

  for (size_t k = 0; k < sizeof (kinds) / sizeof (kinds[0]); k++)
    {
      unsigned char *buf = fill (kinds[k].piece, kinds[k].n, size);
      size_t kept, copied;
      double mbs, copy;

      if (buf == NULL)
        return 1;
      mbs = measure (buf, size, rounds, out, 0, &kept);
      copy = measure (buf, size, rounds, out, 1, &copied);
      printf ("%-16s %8.0f MB/s  (memcpy %6.0f MB/s; %zu MiB in, %zu MiB out)\n", kinds[k].name,
              mbs, copy, (size * (size_t)rounds) >> 20, kept >> 20);
      free (buf);
    }
  return 0;
}
