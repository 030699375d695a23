/* interleave [-m] RUNS WARMUP ERRLOG LABEL CMD ARGS... ";" LABEL CMD ARGS... ";" ...
 * The timing helper of the benchmarks in tests/bench: runs each command once per round,
 * the starting one rotating, WARMUP discarded rounds then RUNS measured ones;
 * their stderr goes to ERRLOG.  Prints "LABEL median p10 p90" in ms per
 * command, and fails (naming the command) if any run does not exit 0.
 * With -m, each run's stderr in ERRLOG is followed by a line of its own,
 * "@@ LABEL warm|run ROUND WALL_MS", so that a caller can split the log
 * into runs (phases.sh). */
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
extern char **environ;
struct cmd { char *label; char **argv; double *us; };
static int cmpd (const void *a, const void *b)
{ double x = *(const double *) a, y = *(const double *) b; return (x > y) - (x < y); }
static double pct (const double *s, int n, double p) /* linear interpolation */
{ double r = p * (n - 1); int i = (int) r; return i + 1 < n ? s[i] + (r - i) * (s[i + 1] - s[i]) : s[i]; }
int main (int argc, char **argv)
{
  int mark = argc > 1 && strcmp (argv[1], "-m") == 0, k = 0, logfd = -1;
  argv += mark; argc -= mark;
  if (argc < 6) { fprintf (stderr, "usage: interleave [-m] RUNS WARMUP ERRLOG LABEL CMD... [; LABEL CMD...]\n"); return 2; }
  int runs = atoi (argv[1]), warm = atoi (argv[2]);
  struct cmd c[16];
  if (mark && (logfd = open (argv[3], O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644)) < 0) {
    perror (argv[3]); return 1;
  }
  for (int i = 4; i < argc && k < 16; k++) {
    c[k].label = argv[i]; c[k].argv = &argv[i + 1];
    while (i < argc && strcmp (argv[i], ";") != 0) i++;
    if (i < argc) argv[i++] = NULL;
    c[k].us = calloc (runs, sizeof (double));
  }
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init (&fa);
  posix_spawn_file_actions_addopen (&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen (&fa, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen (&fa, 2, argv[3], O_WRONLY | O_APPEND | O_CREAT, 0644);
  for (int r = 0; r < warm + runs; r++)
    for (int j = 0; j < k; j++) {
      struct cmd *x = &c[(r + j) % k];
      struct timespec a, b; pid_t pid; int st;
      clock_gettime (CLOCK_MONOTONIC, &a);
      if (posix_spawn (&pid, x->argv[0], &fa, NULL, x->argv, environ) != 0) {
        fprintf (stderr, "bench: cannot run %s (%s)\n", x->label, x->argv[0]); return 1;
      }
      while (waitpid (pid, &st, 0) < 0) ;
      clock_gettime (CLOCK_MONOTONIC, &b);
      if (!WIFEXITED (st) || WEXITSTATUS (st) != 0) {
        fprintf (stderr, "bench: %s failed (%s %d) in round %d:", x->label,
                 WIFEXITED (st) ? "exit" : "signal", WIFEXITED (st) ? WEXITSTATUS (st) : WTERMSIG (st), r + 1);
        for (char **p = x->argv; *p; p++) fprintf (stderr, " %s", *p);
        fputc ('\n', stderr); return 1;
      }
      double us = (b.tv_sec - a.tv_sec) * 1e6 + (b.tv_nsec - a.tv_nsec) / 1e3;
      if (r >= warm) x->us[r - warm] = us;
      if (mark) dprintf (logfd, "@@ %s %s %d %.3f\n", x->label, r >= warm ? "run" : "warm",
                         r >= warm ? r - warm + 1 : r + 1, us / 1e3);
    }
  for (int j = 0; j < k; j++) {
    qsort (c[j].us, runs, sizeof (double), cmpd);
    printf ("%s %.3f %.3f %.3f\n", c[j].label, pct (c[j].us, runs, .5) / 1e3,
            pct (c[j].us, runs, .1) / 1e3, pct (c[j].us, runs, .9) / 1e3);
  }
  return 0;
}
