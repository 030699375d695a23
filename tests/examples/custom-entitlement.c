/* The seed example of Docker's libentitlement README, in C.
 *
 * A platform defines a custom void entitlement "security.custom.cap-sys-admin"
 * whose callback adds CAP_SYS_ADMIN, and adds it through the manager.  Built
 * against the shared library's exported API only; `make check` runs it and it
 * fails unless the capability lands in the profile. */
#include <entitlement.h>
#include <stdio.h>

/* The enforcement callback: add CAP_SYS_ADMIN to the profile. */
static int
cap_sys_admin_cb (ent_profile_t *profile, void *data, ent_error_t **err)
{
  (void) data;
  return ent_profile_add_caps (profile, err, "CAP_SYS_ADMIN", NULL);
}

int
main (void)
{
  ent_error_t *err = NULL;
  ent_catalogue_t *defaults = ent_catalogue_new_default ();

  /* Initialize the entitlements manager with the default security profile */
  ent_manager_t *mgr = ent_manager_new (ent_profile_new (), defaults, &err);
  if (mgr == NULL)
    {
      fprintf (stderr, "not ok 1 - %s\n", ent_error_message (err));
      return 1;
    }

  /* Create a void entitlement */
  const char *full_name = "security.custom.cap-sys-admin";
  ent_entitlement_t *ent = ent_void_entitlement_new (full_name, cap_sys_admin_cb, NULL, &err);

  /* Add the entitlement to the manager, which takes it over */
  if (ent == NULL || ent_manager_add (mgr, ent, &err) < 0)
    {
      fprintf (stderr, "not ok 1 - %s\n", ent_error_message (err));
      return 1;
    }

  const ent_profile_t *p = ent_manager_profile (mgr);
  int cap = ent_cap_from_name ("CAP_SYS_ADMIN");
  int ok = 1;
  puts ("1..3");
  for (int set = 0; set < ENT_CAPSET_COUNT; set++)
    ok = ok && (p->caps[set] & ENT_CAP_BIT (cap));
  printf ("%s 1 - CAP_SYS_ADMIN in all five sets after adding %s\n", ok ? "ok" : "not ok",
          full_name);
  /* Everything else is still the confined default: only that one cap. */
  int only = p->caps[ENT_CAPSET_EFFECTIVE] == ENT_CAP_BIT (cap) && p->seccomp.enabled;
  printf ("%s 2 - the rest of the profile stays confined\n", only ? "ok" : "not ok");

  /* Revoke it: the capability goes, @p (the old profile) stays readable
   * until the manager is freed. */
  int gone = ent_manager_remove (mgr, full_name, &err) == 1 && !ent_manager_has (mgr, full_name)
             && ent_manager_profile (mgr)->caps[ENT_CAPSET_EFFECTIVE] == 0
             && (p->caps[ENT_CAPSET_EFFECTIVE] & ENT_CAP_BIT (cap));
  printf ("%s 3 - removed, and the old profile still readable\n", gone ? "ok" : "not ok");

  ent_manager_free (mgr);
  ent_catalogue_free (defaults);
  return ok && only && gone ? 0 : 1;
}
