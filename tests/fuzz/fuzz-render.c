/* libFuzzer target: from entitlement requests to `--explain` output.
 *
 * The input, up to its first NUL byte, is lines of:
 *   REQUEST             granted from the command line ("host.fs.rw=~/src")
 *   @REQUEST            granted at profile precedence, source "fuzz:LINE"
 *   !cwd PATH  !home PATH  !hostname NAME  !env NAME=VALUE  !unset NAME
 *   !keep NAME  !clearenv  !cgroup  !api N PATH  !apivar N VAR
 *                       set up the base profile as the launcher would (N
 *                       is an ent_api_t: a host API's socket, variable)
 * and what follows the NUL is an INI profile (entrun.ini(5)) whose requests
 * are granted at profile precedence, whose custom entitlements are
 * registered, and whose environment, hostname and chdir go on the base.
 *
 * The requests go through a manager all at once, all at once in reverse
 * order and, when that set is refused, one at a time.  Checked: the JSON rendering is strict
 * JSON with valid UTF-8 (json-check.c); the set is accepted or refused
 * whatever its order, and accepted renders byte-identical JSON and text
 * (DESIGN invariant 5); a refused grant leaves the rendering as it was
 * (adding is atomic); nothing hides '/' or puts a tmpfs on it; every error
 * has a one-line message.
 *
 * Built by `make fuzz` with clang -fsanitize=fuzzer,address,undefined. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "ent-util.h"
#include "json-check.h"

#define MAX_REQUESTS 16

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

typedef struct request
{
  const char *text;
  char source[32];
  int precedence;
} request_t;

typedef struct setup
{
  request_t reqs[MAX_REQUESTS];
  size_t n_reqs;
  ent_profile_t *base; /* copied for each manager */
  ent_catalogue_t *cat;
  entrun_conf_t conf; /* its customs' callbacks point into it */
} setup_t;

static void
check_error (int ret, const ent_error_t *err)
{
  const char *msg = ent_error_message (err);

  if (ret >= 0 || err == NULL || err->code != -ret || *msg == '\0' || strpbrk (msg, "\n\r"))
    abort ();
}

/* ---- the input ------------------------------------------------------------ */

/* What the launcher's API discovery can put in the base: absolute paths
 * (from realpath) and variable names from its table. */
static bool
env_name (const char *s)
{
  if (!(*s == '_' || (*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z')))
    return false;
  return s[strspn (s, "_0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")] == '\0';
}

/* "N ARG": host API N (an ent_api_t) and its argument in *@rest. */
static int
api_index (const char *arg, const char **rest)
{
  if (arg[0] < '0' || arg[0] >= '0' + ENT_API_COUNT || arg[1] != ' ')
    return -1;
  *rest = arg + 2;
  return arg[0] - '0';
}

static int
set_cwd (ent_profile_t *b, const char *arg)
{
  return arg[0] == '/' ? ent_profile_set_string (&b->cwd, arg) : 0;
}

static int
set_home (ent_profile_t *b, const char *arg)
{
  return arg[0] == '/' ? ent_profile_set_string (&b->home, arg) : 0;
}

static int
set_hostname (ent_profile_t *b, const char *arg)
{
  return ent_profile_set_string (&b->hostname, arg);
}

static int
env_set (ent_profile_t *b, const char *arg)
{
  const char *eq = strchr (arg, '=');
  cleanup_free char *name = eq && eq > arg ? strndup (arg, eq - arg) : NULL;

  return name ? ent_profile_add_env (b, ENT_ENV_SET, name, eq + 1, NULL) : 0;
}

static int
env_unset (ent_profile_t *b, const char *arg)
{
  return *arg ? ent_profile_add_env (b, ENT_ENV_UNSET, arg, NULL, NULL) : 0;
}

static int
env_keep (ent_profile_t *b, const char *arg)
{
  return *arg ? ent_profile_add_env (b, ENT_ENV_KEEP, arg, NULL, NULL) : 0;
}

static int
clear_env (ent_profile_t *b, const char *arg)
{
  (void)arg;
  b->clearenv = true;
  return 0;
}

static int
cgroup_backend (ent_profile_t *b, const char *arg)
{
  (void)arg;
  b->resources.backend = ENT_RES_CGROUP;
  return 0;
}

static int
api_path (ent_profile_t *b, const char *arg)
{
  int api = api_index (arg, &arg);

  return api >= 0 && arg[0] == '/' ? ent_strlist_add (&b->api[api].paths, arg) : 0;
}

static int
api_var (ent_profile_t *b, const char *arg)
{
  int api = api_index (arg, &arg);

  return api >= 0 && env_name (arg) ? ent_strlist_add (&b->api[api].vars, arg) : 0;
}

static const struct
{
  const char *word;
  int (*apply) (ent_profile_t *base, const char *arg);
} directives[] = {
  { "!cwd", set_cwd },        { "!home", set_home },         { "!hostname", set_hostname },
  { "!env", env_set },        { "!unset", env_unset },       { "!keep", env_keep },
  { "!clearenv", clear_env }, { "!cgroup", cgroup_backend }, { "!api", api_path },
  { "!apivar", api_var },
};

/* Apply "!WORD ARG" to the base profile.  Refusals are the input's
 * business (a value the launcher would never pass), not findings. */
static void
directive (ent_profile_t *base, const char *line)
{
  size_t word = strcspn (line, " ");
  const char *arg = line[word] ? line + word + 1 : "";

  for (size_t i = 0; i < N_ELEMENTS (directives); i++)
    if (strlen (directives[i].word) == word && strncmp (line, directives[i].word, word) == 0)
      {
        if (directives[i].apply (base, arg) == -ENOMEM)
          abort ();
        return;
      }
}

static void
add_request (setup_t *s, const char *text, const char *source, int precedence)
{
  request_t *r;

  if (s->n_reqs == MAX_REQUESTS)
    return;
  r = &s->reqs[s->n_reqs];
  r->text = text;
  snprintf (r->source, sizeof (r->source), "%s", source);
  r->precedence = precedence;
  s->n_reqs++;
}

/* @text is NUL-terminated and may be cut into lines in place. */
static void
read_lines (setup_t *s, char *text)
{
  size_t line = 0;

  for (char *next; text; text = next)
    {
      char source[32];

      if ((next = strchr (text, '\n')) != NULL)
        *next++ = '\0';
      line++;
      if (text[0] == '!')
        directive (s->base, text);
      else if (text[0] == '@' && text[1])
        {
          snprintf (source, sizeof (source), "fuzz:%zu", line);
          add_request (s, text + 1, source, ENT_PRECEDENCE_PROFILE);
        }
      else if (text[0])
        add_request (s, text, "command line", ENT_PRECEDENCE_CLI);
    }
}

/* The INI profile: what entrun_policy_build() takes from a -p profile. */
static void
read_ini (setup_t *s, const uint8_t *data, size_t size)
{
  ent_error_t *err = NULL;
  int ret = entrun_conf_parse_buffer ((const char *)data, size, "fuzz.ini", &s->conf, &err);

  if (ret == 0)
    ret = entrun_conf_register_customs (&s->conf, s->cat, &err);
  if (ret < 0)
    {
      check_error (ret, err);
      ent_error_free (err);
      return;
    }
  for (size_t i = 0; i < s->conf.n_requests; i++)
    add_request (s, s->conf.requests[i].request, s->conf.requests[i].source,
                 ENT_PRECEDENCE_PROFILE);
  for (size_t i = 0; i < s->conf.n_env; i++)
    if (ent_profile_add_env (s->base, s->conf.env[i].op, s->conf.env[i].name, s->conf.env[i].value,
                             NULL)
        == -ENOMEM)
      abort ();
  if (s->conf.hostname && ent_profile_set_string (&s->base->hostname, s->conf.hostname) < 0)
    abort ();
  if (s->conf.chdir)
    {
      cleanup_free char *dir = NULL;
      if (ent_path_resolve (s->conf.chdir, s->base->cwd, s->base->home, &dir, NULL) == 0
          && ent_profile_set_string (&s->base->cwd, dir) < 0)
        abort ();
    }
  s->base->clearenv = s->base->clearenv || (s->conf.clearenv_source && s->conf.clearenv);
}

/* ---- rendering ------------------------------------------------------------ */

typedef struct rendered
{
  char *json, *text;
} rendered_t;

static void
rendered_clear (rendered_t *r)
{
  free (r->json);
  free (r->text);
  r->json = r->text = NULL;
}

static void
check_json (const char *json)
{
  size_t at;

  if (!json_check (json, strlen (json), &at))
    {
      fprintf (stderr, "invalid JSON at byte %zu:\n%s\n", at, json);
      abort ();
    }
}

/* Render @m every way there is and check what can be checked. */
static rendered_t
render (const ent_manager_t *m, const ent_catalogue_t *cat)
{
  rendered_t r = { NULL, NULL };
  char *alone = NULL, *plain = NULL, *key = NULL;
  const ent_profile_t *p = ent_manager_profile (m);
  size_t jl, al;

  if (ent_render (m, cat, ENT_RENDER_JSON, &r.json, NULL) < 0
      || ent_render (m, cat, ENT_RENDER_TEXT, &r.text, NULL) < 0
      || ent_render (m, NULL, ENT_RENDER_TEXT, &plain, NULL) < 0
      || ent_render_profile (p, ENT_RENDER_JSON, &alone, NULL) < 0
      || ent_render_seccomp_key (p, &key, NULL) < 0)
    abort ();
  check_json (r.json);
  check_json (alone);
  /* Nothing covers '/': no sandbox would be left. */
  for (size_t i = 0; i < p->fs.n_mounts; i++)
    if (strcmp (p->fs.mounts[i].path, "/") == 0
        && (p->fs.mounts[i].kind == ENT_MOUNT_HIDE || p->fs.mounts[i].kind == ENT_MOUNT_TMPFS))
      abort ();
  /* The profile alone is the manager's rendering without the grants. */
  jl = strlen (r.json);
  al = strlen (alone);
  if (al < 2 || jl < al || strcmp (r.json + jl - (al - 2), alone + 2) != 0)
    abort ();
  if (strncmp (r.text, "grants:\n", 8) != 0 || strncmp (plain, "grants:\n", 8) != 0)
    abort ();
  free (alone);
  free (plain);
  free (key);
  return r;
}

/* ---- the ways in ------------------------------------------------------------ */

/* Request @i as an entitlement, or NULL when it does not instantiate. */
static ent_entitlement_t *
instantiate (const setup_t *s, size_t i)
{
  ent_error_t *err = NULL;
  ent_entitlement_t *e = ent_catalogue_instantiate (s->cat, s->reqs[i].text, &err);

  if (e == NULL)
    {
      check_error (-(err ? err->code : 0), err);
      ent_error_free (err);
      return NULL;
    }
  if (err != NULL || ent_entitlement_set_source (e, s->reqs[i].source, s->reqs[i].precedence) < 0)
    abort ();
  return e;
}

static ent_manager_t *
new_manager (const setup_t *s)
{
  ent_profile_t *base = ent_profile_copy (s->base);
  ent_manager_t *m = base ? ent_manager_new (base, s->cat, NULL) : NULL;

  if (m == NULL)
    abort ();
  return m;
}

/* Grant every request that instantiates in one set, in @reverse order;
 * *@m is the manager, whatever the outcome. */
static int
grant_all (const setup_t *s, bool reverse, ent_manager_t **m)
{
  ent_entitlement_t *ents[MAX_REQUESTS];
  ent_error_t *err = NULL;
  size_t n = 0;
  int ret;

  *m = new_manager (s);
  for (size_t i = 0; i < s->n_reqs; i++)
    {
      ent_entitlement_t *e = instantiate (s, reverse ? s->n_reqs - 1 - i : i);
      if (e)
        ents[n++] = e;
    }
  ret = ent_manager_add_all (*m, ents, n, &err);
  if (ret < 0)
    check_error (ret, err);
  else if (err != NULL)
    abort ();
  ent_error_free (err);
  return ret;
}

static char *
render_json (const ent_manager_t *m, const ent_catalogue_t *cat)
{
  char *json = NULL;

  if (ent_render (m, cat, ENT_RENDER_JSON, &json, NULL) < 0)
    abort ();
  return json;
}

/* Grant the requests one by one on @m, which has none yet: a refused one
 * must change nothing. */
static void
grant_each (const setup_t *s, ent_manager_t *m)
{
  char *before = render_json (m, s->cat);

  for (size_t i = 0; i < s->n_reqs; i++)
    {
      ent_entitlement_t *e = instantiate (s, i);
      ent_error_t *err = NULL;
      char *after;
      int ret;

      if (e == NULL)
        continue;
      ret = ent_manager_add (m, e, &err);
      after = render_json (m, s->cat);
      if (ret < 0)
        {
          check_error (ret, err);
          if (strcmp (before, after) != 0)
            abort ();
        }
      ent_error_free (err);
      free (before);
      before = after;
    }
  check_json (before);
  free (before);
}

/* Every grant of an accepted set revoked and granted again: the rendering
 * comes back exactly, and a revocation refused changes nothing.  The same
 * profile, whether reached by one batch or by a remove and an add (which
 * resolves from scratch, or continues from the manager's profile). */
static void
check_remove_readd (const setup_t *s, ent_manager_t *m)
{
  size_t n = ent_manager_grant_count (m);
  char *start = render_json (m, s->cat);
  char **names = calloc (n + 1, sizeof (*names));
  ent_entitlement_t **same = calloc (n + 1, sizeof (*same));

  if (names == NULL || same == NULL)
    abort ();
  for (size_t i = 0; i < n; i++)
    if ((names[i] = strdup (ent_entitlement_full_name (ent_manager_grant (m, i)))) == NULL)
      abort ();
  for (size_t i = 0; i < n; i++)
    {
      ent_error_t *err = NULL;
      size_t k = 0;
      bool in_force;
      char *after;
      int ret;

      /* Every grant of that full name (sources may differ) goes, and
       * comes back. */
      for (size_t j = 0; j < ent_manager_grant_count (m); j++)
        if (strcmp (ent_entitlement_full_name (ent_manager_grant (m, j)), names[i]) == 0)
          same[k++] = ent_entitlement_ref ((ent_entitlement_t *)ent_manager_grant (m, j));
      in_force = ent_manager_has (m, names[i]);
      ret = ent_manager_remove (m, names[i], &err);
      if (ret < 0)
        check_error (ret, err);
      else if ((size_t)ret != k)
        abort ();
      else if (ent_manager_add_all (m, same, k, &err) < 0)
        {
          fprintf (stderr, "'%s' refused back: %s\n", names[i], ent_error_message (err));
          abort ();
        }
      after = render_json (m, s->cat);
      if (strcmp (after, start) != 0 || ent_manager_has (m, names[i]) != in_force)
        {
          fprintf (stderr, "remove and add of '%s' changed the profile:\n%s\n----\n%s\n", names[i],
                   start, after);
          abort ();
        }
      for (size_t j = 0; j < k; j++)
        ent_entitlement_free (same[j]);
      free (after);
      ent_error_free (err);
    }
  for (size_t i = 0; i < n; i++)
    free (names[i]);
  free (names);
  free (same);
  free (start);
}

/* The set in both orders: accepted alike, rendered alike.  A refused set
 * is then granted one request at a time, which renders the profiles on
 * the way and checks that each refusal changes nothing. */
static void
check_order_independence (const setup_t *s)
{
  ent_manager_t *fwd_m, *rev_m;
  int a = grant_all (s, false, &fwd_m);
  int b = grant_all (s, true, &rev_m);
  rendered_t fwd = render (fwd_m, s->cat), rev = render (rev_m, s->cat);

  if ((a < 0) != (b < 0))
    {
      fprintf (stderr, "the requests in one order %s, in the other %s\n", a < 0 ? "fail" : "pass",
               b < 0 ? "fail" : "pass");
      abort ();
    }
  if (strcmp (fwd.json, rev.json) != 0 || strcmp (fwd.text, rev.text) != 0)
    {
      fprintf (stderr, "order changes the rendering:\n%s\n----\n%s\n", fwd.json, rev.json);
      abort ();
    }
  if (a < 0)
    grant_each (s, fwd_m);
  else
    check_remove_readd (s, fwd_m);
  rendered_clear (&fwd);
  rendered_clear (&rev);
  ent_manager_free (fwd_m);
  ent_manager_free (rev_m);
}

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  (void)argc, (void)argv;
  json_check_selftest ();
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  const uint8_t *nul = memchr (data, '\0', size);
  size_t text_len = nul ? (size_t)(nul - data) : size;
  cleanup_free char *text = strndup ((const char *)data, text_len);
  setup_t s = { .n_reqs = 0 };

  s.base = ent_profile_new ();
  s.cat = ent_catalogue_new_default ();
  if (text == NULL || s.base == NULL || s.cat == NULL
      || ent_profile_set_string (&s.base->cwd, "/work") < 0
      || ent_profile_set_string (&s.base->home, "/home/u") < 0)
    abort ();
  memset (&s.conf, 0, sizeof (s.conf));
  read_lines (&s, text);
  if (nul)
    read_ini (&s, nul + 1, size - text_len - 1);
  check_order_independence (&s);
  ent_catalogue_free (s.cat);
  entrun_conf_clear (&s.conf);
  ent_profile_free (s.base);
  return 0;
}
