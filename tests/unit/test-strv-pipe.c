/* Unit tests of strv_send/strv_recv (launcher/util.c): how entrun hands
 * pid 1 the paths its mounts must cover.  pid 1 builds nothing before it
 * has every list whole, so a writer that dies part-way must read as cut
 * short, never as shorter lists.  And of close_fds_except, which pid 1
 * and the payload call with the descriptors they keep, in any order. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

/* Send @n lists through a pipe (closed after, as entrun does) and read
 * them back into @out; returns strv_recv's result. */
static int
round_trip (char *const *const *lists, size_t n, char ***out, size_t max)
{
  int fds[2], ret;

  ck_assert_int_eq (pipe (fds), 0);
  ck_assert_int_eq (strv_send (fds[1], lists, n), 0);
  close (fds[1]);
  ret = strv_recv (fds[0], out, n, max);
  close (fds[0]);
  return ret;
}

/* Read back from a pipe that held exactly @len bytes of @raw. */
static int
recv_raw (const char *raw, size_t len, char ***out, size_t n)
{
  int fds[2], ret;

  ck_assert_int_eq (pipe (fds), 0);
  ck_assert_int_eq (write (fds[1], raw, len), (ssize_t)len);
  close (fds[1]);
  ret = strv_recv (fds[0], out, n, 1 << 20);
  close (fds[0]);
  return ret;
}

static void
assert_strv_eq (char **got, char *const *want)
{
  size_t i = 0;

  ck_assert_ptr_nonnull (got);
  for (; want && want[i]; i++)
    {
      ck_assert_ptr_nonnull (got[i]);
      ck_assert_str_eq (got[i], want[i]);
    }
  ck_assert_ptr_null (got[i]);
}

START_TEST (lists_come_back_in_order)
{
  char *a[] = { "/home/u/.config/entrun", "/etc/entrun", NULL };
  char *b[] = { NULL };
  char *c[] = { "/work/p/.git/hooks", "/a b/c\nd", "/z", NULL };
  char *const *const lists[] = { a, b, c };
  char **out[3];

  ck_assert_int_eq (round_trip (lists, 3, out, 1 << 20), 0);
  assert_strv_eq (out[0], a);
  assert_strv_eq (out[1], b); /* empty, but there: an empty array */
  assert_strv_eq (out[2], c);
  for (size_t i = 0; i < 3; i++)
    ent_strv_free (out[i]);
}
END_TEST

START_TEST (null_list_sends_empty)
{
  char *a[] = { "/x", NULL };
  char *const *const lists[] = { NULL, a };
  char **out[2];

  ck_assert_int_eq (round_trip (lists, 2, out, 1 << 20), 0);
  ck_assert_ptr_nonnull (out[0]);
  ck_assert_ptr_null (out[0][0]);
  assert_strv_eq (out[1], a);
  ent_strv_free (out[0]);
  ent_strv_free (out[1]);
}
END_TEST

/* Every way a writer can stop part-way: inside a string, after a string,
 * after a list but not the last, or nothing at all. */
START_TEST (cut_short_is_eproto)
{
  static const char whole[] = "/a\0/bb\0\0\0/c\0";
  size_t len = sizeof (whole); /* {/a,/bb}, {}, {/c}: the last NUL is the literal's */
  char **out[3] = { (char **)1, (char **)1, (char **)1 };

  ck_assert_int_eq (recv_raw (whole, len, out, 3), 0);
  for (size_t i = 0; i < 3; i++)
    ent_strv_free (out[i]);
  for (size_t cut = 0; cut < len; cut++)
    {
      ck_assert_msg (recv_raw (whole, cut, out, 3) == -EPROTO, "cut at %zu not refused", cut);
      for (size_t i = 0; i < 3; i++)
        ck_assert_ptr_null (out[i]);
    }
}
END_TEST

START_TEST (trailing_bytes_are_eproto)
{
  static const char more[] = "/a\0\0\0/junk";
  char **out[2];

  ck_assert_int_eq (recv_raw (more, sizeof (more) - 1, out, 2), -EPROTO);
  ck_assert_ptr_null (out[0]);
  ck_assert_ptr_null (out[1]);
}
END_TEST

START_TEST (bounded)
{
  char big[5000];
  char *a[] = { big, NULL };
  char *const *const lists[] = { a };
  char **out[1];

  memset (big, 'x', sizeof (big) - 1);
  big[sizeof (big) - 1] = '\0';
  ck_assert_int_eq (round_trip (lists, 1, out, 4096), -E2BIG);
  ck_assert_ptr_null (out[0]);
  ck_assert_int_eq (round_trip (lists, 1, out, 8192), 0);
  assert_strv_eq (out[0], a);
  ent_strv_free (out[0]);
}
END_TEST

/* More than a pipe holds (64 KiB): the reader drains while the writer
 * writes, as pid 1 and entrun do. */
START_TEST (more_than_a_pipe)
{
  enum
  {
    N = 3000
  };
  char **v = calloc (N + 1, sizeof (char *));
  char *const *const lists[] = { v };
  char **out[1];
  int fds[2];
  pid_t pid;

  ck_assert_ptr_nonnull (v);
  for (size_t i = 0; i < N; i++)
    ck_assert_int_ne (asprintf (&v[i], "/run/user/1000/socket-%05zu-with-a-longer-name", i), -1);
  ck_assert_int_eq (pipe (fds), 0);
  pid = fork ();
  ck_assert_int_ne (pid, -1);
  if (pid == 0)
    {
      close (fds[0]);
      _exit (strv_send (fds[1], lists, 1) == 0 ? 0 : 1);
    }
  close (fds[1]);
  ck_assert_int_eq (strv_recv (fds[0], out, 1, 1 << 20), 0);
  close (fds[0]);
  assert_strv_eq (out[0], v);
  ent_strv_free (out[0]);
  ent_strv_free (v);
}
END_TEST

/* In a child: descriptors 10, 20, 30, 31 and 40 open; keep 40, 10 and
 * 31, out of order and with one past them all.  Exit 0 if exactly those
 * (and 0-2) are left. */
static int
close_fds_child (void)
{
  static const int open_at[] = { 10, 20, 30, 31, 40 };
  const int keep[] = { 40, 10, 31, 1000 };

  for (size_t i = 0; i < sizeof (open_at) / sizeof (open_at[0]); i++)
    if (dup2 (0, open_at[i]) < 0)
      return 2;
  if (close_fds_except (keep, sizeof (keep) / sizeof (keep[0])) < 0)
    return 3;
  for (int fd = 3; fd < 64; fd++)
    {
      bool is_open = fcntl (fd, F_GETFD) >= 0;
      bool kept = fd == 10 || fd == 31 || fd == 40;
      if (is_open != kept)
        return 10 + (fd < 50 ? fd : 50);
    }
  return fcntl (0, F_GETFD) >= 0 ? 0 : 4;
}

START_TEST (close_fds_any_order)
{
  int status;
  pid_t pid = fork ();

  ck_assert_int_ne (pid, -1);
  if (pid == 0)
    _exit (close_fds_child ());
  ck_assert_int_eq (waitpid (pid, &status, 0), pid);
  ck_assert_msg (WIFEXITED (status) && WEXITSTATUS (status) == 0, "child status %d", status);
}
END_TEST

int
main (void)
{
  Suite *s = suite_create ("strv-pipe");
  TCase *tc = tcase_create ("strv-pipe");
  SRunner *sr;
  int failed;

  tcase_add_test (tc, lists_come_back_in_order);
  tcase_add_test (tc, null_list_sends_empty);
  tcase_add_test (tc, cut_short_is_eproto);
  tcase_add_test (tc, trailing_bytes_are_eproto);
  tcase_add_test (tc, bounded);
  tcase_add_test (tc, more_than_a_pipe);
  tcase_add_test (tc, close_fds_any_order);
  suite_add_tcase (s, tc);
  sr = srunner_create (s);
  srunner_set_tap (sr, "-");
  srunner_run_all (sr, CK_SILENT);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
