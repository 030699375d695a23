/* entrun — host API discovery (see api.h). */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "api.h"
#include "util.h"

/* Per API: the variables naming it, the variable holding an address
 * ("unix:path=", "unix://" or a plain path) if any, and default paths
 * ("$R/" is $XDG_RUNTIME_DIR/, "~/" the home). */
static const struct
{
  ent_api_t api;
  const char *vars[3];
  const char *addr_var;
  const char *paths[5];
} apis[] = {
  { ENT_API_SSH_AGENT, { "SSH_AUTH_SOCK", "SSH_AGENT_PID" }, "SSH_AUTH_SOCK", { NULL } },
  { ENT_API_GPG_AGENT,
    { "GPG_AGENT_INFO" },
    NULL,
    { "$R/gnupg", "~/.gnupg/S.gpg-agent", "~/.gnupg/S.gpg-agent.ssh", "~/.gnupg/S.gpg-agent.extra",
      "~/.gnupg/S.gpg-agent.browser" } },
  { ENT_API_DBUS_SESSION,
    { "DBUS_SESSION_BUS_ADDRESS" },
    "DBUS_SESSION_BUS_ADDRESS",
    { "$R/bus" } },
  { ENT_API_DBUS_SYSTEM,
    { "DBUS_SYSTEM_BUS_ADDRESS" },
    "DBUS_SYSTEM_BUS_ADDRESS",
    { "/run/dbus/system_bus_socket", "/var/run/dbus/system_bus_socket" } },
  { ENT_API_DOCKER,
    { "DOCKER_HOST" },
    "DOCKER_HOST",
    { "/run/docker.sock", "/var/run/docker.sock", "$R/docker.sock" } },
  { ENT_API_PODMAN,
    { "CONTAINER_HOST" },
    "CONTAINER_HOST",
    { "$R/podman/podman.sock", "/run/podman/podman.sock" } },
  { ENT_API_X11, { "DISPLAY", "XAUTHORITY" }, NULL, { "/tmp/.X11-unix", "~/.Xauthority" } },
  { ENT_API_WAYLAND, { "WAYLAND_DISPLAY", "WAYLAND_SOCKET" }, NULL, { "$R/$WAYLAND" } },
  { ENT_API_PIPEWIRE, { "PIPEWIRE_REMOTE" }, NULL, { "$R/pipewire-0", "$R/pipewire-0-manager" } },
};

/* Expand "$R/", "~/" and "$WAYLAND" in @tmpl; NULL when a part is unknown. */
static char *
expand (const char *tmpl, const char *home)
{
  const char *runtime = getenv ("XDG_RUNTIME_DIR");
  const char *wayland = getenv ("WAYLAND_DISPLAY");
  char *out = NULL;
  int n = -1;

  if (wayland == NULL || *wayland == '\0' || strchr (wayland, '/'))
    wayland = "wayland-0";
  if (strcmp (tmpl, "$R/$WAYLAND") == 0)
    n = runtime && runtime[0] == '/' ? asprintf (&out, "%s/%s", runtime, wayland) : -1;
  else if (ent_str_has_prefix (tmpl, "$R/"))
    n = runtime && runtime[0] == '/' ? asprintf (&out, "%s/%s", runtime, tmpl + 3) : -1;
  else if (ent_str_has_prefix (tmpl, "~/"))
    n = home ? asprintf (&out, "%s/%s", home, tmpl + 2) : -1;
  else
    n = asprintf (&out, "%s", tmpl);
  return n < 0 ? NULL : out;
}

/* The socket path in an address variable: "unix:path=/x,guid=..",
 * "unix:///x", or "/x".  NULL for anything else (abstract, tcp:). */
static char *
address_path (const char *value)
{
  const char *p = NULL;

  if (value == NULL)
    return NULL;
  if (ent_str_has_prefix (value, "unix:path="))
    p = value + strlen ("unix:path=");
  else if (ent_str_has_prefix (value, "unix://"))
    p = value + strlen ("unix://");
  else if (value[0] == '/')
    p = value;
  return p && p[0] == '/' ? strndup (p, strcspn (p, ",;")) : NULL;
}

/* Add @path if it exists (and is a socket, with @socket_only), as its real
 * path: hiding goes on the socket itself, never on a symlink to it. */
static int
add_existing (ent_api_endpoint_t *a, const char *path, bool socket_only)
{
  char real[PATH_MAX];
  struct stat st;

  if (path == NULL || realpath (path, real) == NULL)
    return 0;
  if (socket_only && (stat (real, &st) < 0 || !S_ISSOCK (st.st_mode)))
    return 0;
  return ent_strlist_add (&a->paths, real);
}

int
entrun_api_discover (ent_profile_t *p, ent_error_t **err)
{
  for (size_t i = 0; i < N_ELEMENTS (apis); i++)
    {
      ent_api_endpoint_t *a = &p->api[apis[i].api];
      cleanup_free char *addr = address_path (apis[i].addr_var ? getenv (apis[i].addr_var) : NULL);
      /* A variable names a socket; anything else there (a mistake such as
       * SSH_AUTH_SOCK=$HOME) is not hidden, only the variable is unset. */
      int ret = add_existing (a, addr, true);

      for (size_t j = 0; ret == 0 && j < N_ELEMENTS (apis[i].paths) && apis[i].paths[j]; j++)
        {
          cleanup_free char *path = expand (apis[i].paths[j], p->home);
          ret = add_existing (a, path, false);
        }
      for (size_t j = 0; ret == 0 && j < N_ELEMENTS (apis[i].vars) && apis[i].vars[j]; j++)
        if (getenv (apis[i].vars[j]))
          ret = ent_strlist_add (&a->vars, apis[i].vars[j]);
      if (ret < 0)
        return ent_error_set (err, -ret, "out of memory");
    }
  return 0;
}
