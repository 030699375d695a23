/* libentitlement — the default boundary of a developer's machine (see
 * ent_profile_apply_defaults in ent-profile.h).
 *
 * The kernel boundary (namespaces, capabilities, seccomp) stops a command
 * from attacking the system; what it does not stop is the command using
 * the user's own environment: writing files that run later (shell rc
 * files, git hooks, build caches), reading credentials, connecting to the
 * user's daemons.  These defaults close that, and each is one named grant
 * away. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ent-defaults.h"
#include "ent-util.h"

/* Credential and secret stores, hidden unless a grant names them.  Each is
 * where a well-known tool keeps a token, a key or a session by default. */
static const char *const credential_paths[] = {
  /* keys and agents */
  "~/.ssh", "~/.gnupg", "~/.pki", "~/.local/share/keyrings", "~/.password-store",
  "~/.config/op", "~/.vault-token", "~/.local/share/kwalletd", "~/.config/sops", "~/.ICEauthority",
  "~/.config/Bitwarden CLI", "~/.config/Bitwarden", "~/.local/share/python_keyring",
  "~/.authinfo", "~/.authinfo.gpg",
  /* cloud and cluster */
  "~/.aws", "~/.azure", "~/.config/gcloud", "~/.kube", "~/.oci", "~/.config/doctl",
  "~/.config/hcloud", "~/.terraform.d/credentials.tfrc.json", "~/.config/rclone", "~/.s3cfg",
  "~/.boto", "~/.terraformrc", "~/.pulumi/credentials.json", "~/.fly", "~/.minikube",
  "~/.config/configstore", "~/.cache/huggingface/token", "~/.huggingface/token",
  /* databases and mail */
  "~/.pgpass", "~/.my.cnf", "~/.thunderbird", "~/.subversion/auth",
  /* registries and forges */
  "~/.docker", "~/.config/containers/auth.json", "~/.config/gh", "~/.config/hub",
  "~/.config/glab-cli", "~/.netrc", "~/.git-credentials", "~/.config/git/credentials",
  "~/.npmrc", "~/.yarnrc", "~/.pypirc", "~/.cargo/credentials", "~/.cargo/credentials.toml",
  "~/.gem/credentials", "~/.m2/settings.xml", "~/.m2/settings-security.xml",
  "~/.gradle/gradle.properties", "~/.config/composer/auth.json", "~/.yarnrc.yml",
  "~/.config/pypoetry/auth.toml",
  /* coding agents and assistants */
  "~/.claude", "~/.claude.json", "~/.codex", "~/.config/github-copilot",
  /* browsers and editors */
  "~/.mozilla", "~/.config/google-chrome", "~/.config/chromium", "~/.config/BraveSoftware",
  "~/snap/firefox/common/.mozilla", "~/snap/chromium", "~/.var/app/org.mozilla.firefox",
  "~/.var/app/com.google.Chrome", "~/.var/app/org.chromium.Chromium", "~/.config/Slack",
  "~/.config/Code/User/globalStorage", "~/.config/Code - OSS/User/globalStorage",
  "~/.config/Code - Insiders/User/globalStorage", "~/.config/VSCodium/User/globalStorage",
  /* history */
  "~/.bash_history", "~/.zsh_history", "~/.histfile", "~/.local/share/fish/fish_history",
  "~/.python_history",
  "~/.psql_history", "~/.mysql_history", "~/.sqlite_history", "~/.node_repl_history",
  "~/.lesshst", "~/.viminfo",
  NULL,
};

const char *const *
ent_credential_paths (void)
{
  return credential_paths;
}

/* ---- environment --------------------------------------------------------- */

/* Variables that are secrets, or name a socket that runs commands (a
 * terminal multiplexer, an editor, an IDE), whatever their shape. */
static const char *const secret_names[] = {
  "AWS_ACCESS_KEY_ID", "KRB5CCNAME",       "TMUX",    "TMUX_PANE",
  "STY",               "KITTY_LISTEN_ON",  "NVIM",    "NVIM_LISTEN_ADDRESS",
  "WEZTERM_UNIX_SOCKET", "VSCODE_IPC_HOOK", "VSCODE_IPC_HOOK_CLI", "VSCODE_GIT_IPC_HANDLE",
  "ZELLIJ",            "ZELLIJ_SESSION_NAME", "MYSQL_PWD", "PGPASSFILE", "BW_SESSION",
};

static const char *const secret_parts[]
    = { "TOKEN",  "SECRET", "PASSWORD", "PASSWD",  "PASSPHRASE",        "CREDENTIAL", "APIKEY",
        "API_KEY", "COOKIE", "WEBHOOK", "JWT", "CONNECTION_STRING", "PRIVATE_KEY" };
static const char *const secret_ends[] = { "_KEY", "_KEYS", "_AUTH", "_PAT", "_PASS", "_PWD", "_DSN" };
static const char *const secret_starts[] = { "OP_SESSION_" };

/* A value that carries a password or a token: scheme://user:password@host
 * (the password may hold '/'), scheme://TOKEN@host (a userinfo of 16 or
 * more characters), or a query's password=, passwd=, pwd=, token= or
 * secret=. */
static bool
value_has_password (const char *v)
{
  static const char *const keys[] = { "password=", "passwd=", "pwd=", "token=", "secret=" };
  const char *s = strstr (v, "://"), *end, *at;

  for (size_t i = 0; i < N_ELEMENTS (keys); i++)
    for (const char *k = strcasestr (v, keys[i]); k; k = strcasestr (k + 1, keys[i]))
      if (k == v || k[-1] == '?' || k[-1] == '&' || k[-1] == ';')
        return true;
  if (s == NULL)
    return false;
  s += 3;
  end = s + strcspn (s, "?#");
  at = memchr (s, '@', (size_t)(end - s));
  if (at == NULL)
    return false;
  /* the last '@' of the authority-ish part: a password may hold one too */
  for (const char *a = at; (a = memchr (a + 1, '@', (size_t)(end - a - 1))) != NULL;)
    at = a;
  return memchr (s, ':', (size_t)(at - s)) != NULL
         || ((size_t)(at - s) >= 16 && memchr (s, '/', (size_t)(at - s)) == NULL);
}

bool
ent_env_is_secret (const char *name)
{
  char up[256];
  size_t n = strcspn (name, "=");

  if (n == 0)
    return false;
  if (n >= sizeof (up))
    return true; /* no honest variable name is this long */
  for (size_t i = 0; i < n; i++)
    up[i] = (char)toupper ((unsigned char)name[i]);
  up[n] = '\0';
  for (size_t i = 0; i < N_ELEMENTS (secret_names); i++)
    if (strcmp (up, secret_names[i]) == 0)
      return true;
  for (size_t i = 0; i < N_ELEMENTS (secret_parts); i++)
    if (strstr (up, secret_parts[i]))
      return true;
  for (size_t i = 0; i < N_ELEMENTS (secret_ends); i++)
    {
      size_t e = strlen (secret_ends[i]);
      if (n >= e && strcmp (up + n - e, secret_ends[i]) == 0)
        return true;
    }
  for (size_t i = 0; i < N_ELEMENTS (secret_starts); i++)
    if (ent_str_has_prefix (up, secret_starts[i]))
      return true;
  /* NAME=VALUE: a URL with a password in it (DATABASE_URL, HTTPS_PROXY). */
  return name[n] == '=' && value_has_password (name + n + 1);
}

/* Does an environment change of @p keep or set @name? */
static bool
env_named (const ent_profile_t *p, const char *name, size_t len)
{
  for (size_t i = 0; i < p->n_env; i++)
    if (p->env[i].op != ENT_ENV_UNSET && strlen (p->env[i].name) == len
        && strncmp (p->env[i].name, name, len) == 0)
      return true;
  return false;
}

int
ent_profile_scrub_env (ent_profile_t *p, const char *const *names, ent_error_t **err)
{
  for (size_t i = 0; names && names[i]; i++)
    {
      size_t len = strcspn (names[i], "=");
      cleanup_free char *name = NULL;
      if (!ent_env_is_secret (names[i]) || env_named (p, names[i], len))
        continue;
      if ((name = strndup (names[i], len)) == NULL || ent_strlist_add (&p->env_removed, name) < 0)
        return ent_error_set (err, ENOMEM, "out of memory");
    }
  return 0;
}

/* ---- the filesystem ------------------------------------------------------ */

bool
ent_path_is_below (const char *path, const char *top)
{
  size_t n = strlen (top);

  if (strcmp (top, "/") == 0)
    return true;
  return strncmp (path, top, n) == 0 && (path[n] == '\0' || path[n] == '/');
}


int
ent_profile_add_implicit_mount (ent_profile_t *p, ent_mount_kind_t kind, const char *path,
                                ent_error_t **err)
{
  int ret;

  for (size_t i = 0; i < p->fs.n_mounts; i++)
    if (strcmp (p->fs.mounts[i].path, path) == 0)
      return 0;
  /* A hide below a private tmpfs or another hide hides nothing. */
  if (kind == ENT_MOUNT_HIDE && ent_profile_covered_by (p, path))
    return 0;
  if ((ret = ent_profile_add_mount (p, kind, path, err)) < 0)
    return ret;
  for (size_t i = 0; i < p->fs.n_mounts; i++)
    if (strcmp (p->fs.mounts[i].path, path) == 0)
      p->fs.mounts[i].implicit = true;
  return 0;
}

/* The mount of @p that covers @path with something of its own: the
 * deepest mount strictly above @path, when it is a tmpfs or a hide.  Then
 * a default at @path would change nothing the payload can see.  A bind
 * between the two (untrusted's private ~ with host.fs.ro=~/.config) brings
 * the host's tree back, and with it what lies below. */
const ent_mount_t *
ent_profile_covered_by (const ent_profile_t *p, const char *path)
{
  const ent_mount_t *deepest = NULL;

  for (size_t i = 0; i < p->fs.n_mounts; i++)
    {
      const ent_mount_t *m = &p->fs.mounts[i];
      if (strcmp (m->path, path) != 0 && ent_path_is_below (path, m->path)
          && (deepest == NULL || strlen (m->path) > strlen (deepest->path)))
        deepest = m;
    }
  if (deepest && (deepest->kind == ENT_MOUNT_TMPFS || deepest->kind == ENT_MOUNT_HIDE))
    return deepest;
  return NULL;
}

static const char *const *credential_list (const ent_profile_t *p);

/* Is @path a credential store of @p's, or inside one? */
static bool
in_credential_store (const ent_profile_t *p, const char *path)
{
  const char *const *list = credential_list (p);

  for (size_t i = 0; list[i]; i++)
    {
      cleanup_free char *store = NULL;
      if (ent_path_resolve (list[i], "/", p->home ? p->home : "/", &store, NULL) == 0
          && strcmp (store, "/") != 0 && ent_path_is_below (path, store))
        return true;
    }
  return false;
}

/* The working directory is writable by default: a build writes its
 * project.  Not when that is '/', the home directory or above it: then the
 * command could write every file of the user's, including those that run
 * later (~/.bashrc, ~/.config/autostart); nor when it is a credential store
 * or inside one (cd ~/.ssh), which stays hidden. */
static int
default_cwd (ent_profile_t *p, ent_error_t **err)
{
  p->fs.cwd_too_broad = false;
  if (p->cwd == NULL)
    return 0;
  /* Read-only, it must still be there: below the private /tmp or runtime
   * directory it is bound in. */
  if (p->fs.read_only)
    return ent_path_is_below (p->cwd, "/tmp")
                   || (p->runtime_dir && ent_path_is_below (p->cwd, p->runtime_dir))
               ? ent_profile_add_implicit_mount (p, ENT_MOUNT_BIND_RO, p->cwd, err)
               : 0;
  if (strcmp (p->cwd, "/") == 0 || (p->home && ent_path_is_below (p->home, p->cwd))
      || in_credential_store (p, p->cwd))
    {
      p->fs.cwd_too_broad = true;
      return 0;
    }
  return ent_profile_add_implicit_mount (p, ENT_MOUNT_BIND_RW, p->cwd, err);
}

/* A private tmpfs on @path unless a grant mounts something there. */
static int
default_tmpfs (ent_profile_t *p, const char *path, ent_error_t **err)
{
  if (path == NULL || path[0] != '/' || strcmp (path, "/") == 0 || ent_profile_covered_by (p, path))
    return 0;
  return ent_profile_add_implicit_mount (p, ENT_MOUNT_TMPFS, path, err);
}

/* Hide the credential store @path.  An allowed API whose socket lives in it
 * (api.access=gpg-agent:allow and ~/.gnupg/S.gpg-agent) gets the socket
 * alone: the store becomes an empty private tmpfs with the socket bound
 * in, and the keys stay out of sight. */
static int
hide_store (ent_profile_t *p, const char *path, ent_error_t **err)
{
  bool inside = false;
  int ret = 0;

  for (int i = 0; ret == 0 && i < ENT_API_COUNT; i++)
    for (size_t j = 0; ret == 0 && p->api[i].allow && p->api[i].paths && p->api[i].paths[j]; j++)
      if (strcmp (p->api[i].paths[j], path) != 0 && ent_path_is_below (p->api[i].paths[j], path))
        {
          inside = true;
          ret = ent_profile_add_implicit_mount (p, ENT_MOUNT_BIND_RW, p->api[i].paths[j], err);
        }
  if (ret < 0)
    return ret;
  return ent_profile_add_implicit_mount (p, inside ? ENT_MOUNT_TMPFS : ENT_MOUNT_HIDE, path, err);
}

static const char *const *
credential_list (const ent_profile_t *p)
{
  return p->credentials ? (const char *const *)p->credentials : credential_paths;
}

/* A mount from another source puts what the host has there at another
 * path, where hiding the store at its own path does not reach: refused when
 * the source is the store @path, inside it or above it. */
static int
source_exposes (const ent_profile_t *p, const char *path, ent_error_t **err)
{
  for (size_t j = 0; j < p->fs.n_mounts; j++)
    {
      const char *src = p->fs.mounts[j].source;
      if (src && src[0] == '/' && (ent_path_is_below (src, path) || ent_path_is_below (path, src)))
        return ent_error_set (err, EPERM,
                              "the mount at %s comes from %s and would show %s, a credential "
                              "store hidden by default",
                              p->fs.mounts[j].path, src, path);
    }
  return 0;
}

static int
default_credentials (ent_profile_t *p, ent_error_t **err)
{
  const char *const *list = credential_list (p);

  if (p->home == NULL && p->credentials == NULL)
    return 0;
  for (size_t i = 0; list[i]; i++)
    {
      cleanup_free char *path = NULL;
      int ret = ent_path_resolve (list[i], "/", p->home ? p->home : "/", &path, err);
      if (ret < 0)
        return ret;
      if (strcmp (path, "/") == 0 || ent_profile_covered_by (p, path))
        continue;
      /* A grant of the store itself re-exposes it; one inside it cannot
       * work (its mount point is hidden) and would be a surprise. */
      for (size_t j = 0; j < p->fs.n_mounts; j++)
        {
          const ent_mount_t *m = &p->fs.mounts[j];
          if (m->implicit && m->kind == ENT_MOUNT_HIDE)
            continue;
          if (strcmp (m->path, path) != 0 && ent_path_is_below (m->path, path))
            return ent_error_set (err, EPERM,
                                  "%s%s is inside %s, a credential store hidden by default: "
                                  "grant the store itself (host.fs.ro=%s)",
                                  m->path,
                                  m->implicit ? " (the working directory)" : "", path, path);
        }
      if ((ret = source_exposes (p, path, err)) < 0 || (ret = hide_store (p, path, err)) < 0)
        return ret;
    }
  return 0;
}

/* An allowed API's socket under the private /tmp or runtime directory is
 * bound in from the host (elsewhere the host's tree shows it already). */
static int
allowed_apis (ent_profile_t *p, ent_error_t **err)
{
  for (int i = 0; i < ENT_API_COUNT; i++)
    for (size_t j = 0; p->api[i].allow && p->api[i].paths && p->api[i].paths[j]; j++)
      {
        const char *path = p->api[i].paths[j];
        int ret;
        if (!ent_path_is_below (path, "/tmp")
            && !(p->runtime_dir && ent_path_is_below (path, p->runtime_dir)))
          continue;
        if ((ret = ent_profile_add_implicit_mount (p, ENT_MOUNT_BIND_RW, path, err)) < 0)
          return ret;
      }
  return 0;
}

int
ent_profile_apply_defaults (ent_profile_t *p, ent_error_t **err)
{
  int ret;

  if (!p->host_boundary)
    return ent_profile_apply_api (p, err);
  /* The private /tmp and runtime directory first: a denied API's socket
   * there needs no hide of its own. */
  if ((ret = default_cwd (p, err)) < 0 || (ret = default_tmpfs (p, "/tmp", err)) < 0
      || (ret = default_tmpfs (p, p->runtime_dir, err)) < 0
      || (ret = ent_profile_apply_api (p, err)) < 0 || (ret = allowed_apis (p, err)) < 0)
    return ret;
  return default_credentials (p, err);
}
