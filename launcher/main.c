/* entrun — main: wires the CLI, the policy and the sandbox together. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "cli.h"
#include "doctor.h"
#include "learn.h"
#include "oci.h"
#include "policy.h"
#include "sandbox.h"
#include "trust.h"
#include "ent-defaults.h"
#include "util.h"

/* entrun must never be a privilege boundary itself: it relies on the
 * invoking user's own rights plus a user namespace.  Installed setuid,
 * setgid or with file capabilities it would hand them to its caller's
 * choices, so it refuses (DESIGN invariant 2). */
static void
refuse_privileged (void)
{
  const char *why = NULL;
  struct stat st;

  if (getauxval (AT_SECURE) != 0 || getuid () != geteuid () || getgid () != getegid ())
    why = "refusing to run with elevated privileges (setuid, setgid or file capabilities)";
  else if (stat ("/proc/self/exe", &st) == 0 && (st.st_mode & (S_ISUID | S_ISGID)))
    why = "refusing to run: the entrun binary is setuid or setgid";
  else if (getxattr ("/proc/self/exe", "security.capability", NULL, 0) >= 0)
    why = "refusing to run: the entrun binary has file capabilities";
  if (why == NULL)
    return;
  /* A privileged process runs nothing more than it must: not even the
   * atexit handlers (a sanitizer's among them) on the way out. */
  die_use_underscore_exit ();
  die ("%s", why);
}

static void
print_list (const ent_catalogue_t *cat)
{
  for (size_t i = 0; i < ent_catalogue_size (cat); i++)
    {
      const ent_definition_t *d = ent_catalogue_get (cat, i);
      char name[64];
      snprintf (name, sizeof (name), "%s%s%s", d->name, d->value_hint ? "=" : "",
                d->value_hint ? d->value_hint : "");
      printf ("%-26s %s%s\n", name, d->description, d->is_default ? " (default)" : "");
    }
}

/* The profile (core's rendering), then what Landlock adds on this
 * kernel: a block of text, or the JSON document's last member. */
static int
explain (const ent_manager_t *m, const ent_catalogue_t *cat, bool json)
{
  entrun_landlock_plan_t plan;
  ent_error_t *err = NULL;
  char *out = NULL, *end;

  if (ent_render (m, cat, json ? ENT_RENDER_JSON : ENT_RENDER_TEXT, &out, &err) < 0)
    die ("%s", ent_error_message (err));
  if (entrun_landlock_plan (ent_manager_profile (m), entrun_landlock_abi (), &plan) < 0)
    die ("out of memory");
  if (json && (end = strrchr (out, '}')) != NULL)
    {
      while (end > out && end[-1] == '\n')
        end--;
      fwrite (out, 1, (size_t)(end - out), stdout);
      fputs (",\n  \"landlock\": ", stdout);
      entrun_landlock_render (&plan, true, stdout);
      fputs ("\n}\n", stdout);
    }
  else
    {
      fputs (out, stdout);
      entrun_landlock_render (&plan, false, stdout);
    }
  entrun_landlock_plan_clear (&plan);
  free (out);
  return fflush (stdout) == 0 ? 0 : ENTRUN_EXIT_ERROR;
}

/* The working directory is '/', the home or above: the default leaves it
 * read-only (a build there could rewrite ~/.bashrc).  Say so once, with
 * the grant that changes it, unless a grant already makes it writable. */
static void
note_readonly_cwd (const ent_profile_t *p)
{
  /* Not for '/': nobody expects a command run from there to write it. */
  if (!p->fs.cwd_too_broad || p->cwd == NULL || strcmp (p->cwd, "/") == 0)
    return;
  for (size_t i = 0; i < p->fs.n_mounts; i++)
    if (p->fs.mounts[i].kind != ENT_MOUNT_HIDE && ent_path_is_below (p->cwd, p->fs.mounts[i].path))
      return;
  warn ("the working directory %s stays read-only (it is your home or above it, or a "
        "credential store); grant it with -e host.fs.rw=%s",
        p->cwd, p->cwd);
}

/* The project profile for the directory the command runs in: -C's
 * when given, else the current one. */
static char *
find_project (const entrun_cli_t *cli)
{
  cleanup_free char *home = entrun_caller_home ();

  return entrun_project_find (cli->chdir ? cli->chdir : ".", home);
}

/* What a sandbox's start allocates on the heap, with room to spare: ~135
 * KiB once the default profile is resolved (see entrun_prefault_heap). */
#define ENTRUN_HEAP_PREFAULT (192 * 1024)

/* What main() leaves to exit (see its end). */
static struct
{
  ent_manager_t *m;
  ent_catalogue_t *cat;
  entrun_loaded_t loaded;
  entrun_cli_t cli;
} at_exit;

int
main (int argc, char **argv)
{
  entrun_cli_t cli;
  ent_error_t *err = NULL;
  ent_catalogue_t *cat = NULL;
  ent_manager_t *m = NULL;
  entrun_loaded_t loaded = { 0 };
  int status;

  verbose_start_clock ();
  refuse_privileged ();
  /* Started by entrun itself, with descriptors 3 and 4 set up for it. */
  if (argc == 1 && strcmp (argv[0], ENTRUN_NETHELPER_ARGV0) == 0)
    entrun_nethelper_main ();
  /* ... and with descriptors 0, 1 and 3. */
  if (argc == 1 && strcmp (argv[0], ENTRUN_RELAY_ARGV0) == 0)
    entrun_relay_main ();
  entrun_prefault_heap (ENTRUN_HEAP_PREFAULT);
  if (entrun_cli_parse (argc, argv, &cli, &err) < 0)
    die ("%s", ent_error_message (err));
  entrun_verbosity = cli.verbosity;
  if (cli.help || cli.version)
    {
      fputs (cli.help ? entrun_cli_usage () : PACKAGE_STRING "\n", stdout);
      status = 0;
    }
  else if (cli.doctor)
    status = entrun_doctor ();
  else if (cli.trust)
    status = entrun_trust_command (&cli);
  else if (cli.sub == ENTRUN_SUB_OCI_APPLY || cli.sub == ENTRUN_SUB_SECCOMP_IMPORT)
    {
      if ((cat = ent_catalogue_new_default ()) == NULL)
        die ("out of memory");
      status = entrun_oci_file (&cli, cat);
    }
  else if ((cat = ent_catalogue_new_default ()) == NULL)
    die ("out of memory");
  else if (cli.list)
    {
      print_list (cat);
      status = 0;
    }
  else if (cli.sub == ENTRUN_SUB_LEARN)
    status = entrun_learn (&cli, cat);
  else
    {
      cleanup_free char *project = cli.no_project ? NULL : find_project (&cli);
      if (entrun_policy_build (&cli, project, cat, &loaded, &m, &err) < 0)
        die ("%s", ent_error_message (err));
      if (loaded.has_project)
        entrun_trust_check (&loaded, cat, ent_manager_profile (m)->home, cli.explain);
      verbose ("profile resolved");
      if (cli.sub != ENTRUN_SUB_NONE)
        status = entrun_oci_resolved (&cli, ent_manager_profile (m), loaded.files);
      else if (cli.explain)
        status = explain (m, cat, cli.json);
      else
        {
          if (entrun_policy_check_runnable (ent_manager_profile (m), &err) < 0)
            die ("%s", ent_error_message (err));
          note_readonly_cwd (ent_manager_profile (m));
          status = entrun_run (ent_manager_profile (m), &cli, loaded.files);
        }
    }
  /* Not freed: exit gives the memory back at once, where freeing the
   * resolved profile and the catalogue a piece at a time took ~0.5 ms of
   * every run (tests/bench/).  Kept reachable, so that a leak checker (the
   * sanitizer build's) still tells a real leak from these. */
  at_exit.m = m;
  at_exit.cat = cat;
  at_exit.loaded = loaded;
  at_exit.cli = cli;
  /* ... and stored for real: nothing reads them, so a compiler would
   * otherwise drop the stores. */
  __asm__ volatile ("" : : "r"(&at_exit) : "memory");
  return status;
}
