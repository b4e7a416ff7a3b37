"""The lab: a real fleet of SSH hosts on this machine, built from Linux namespaces."""


def ansible_vars() -> dict[str, dict[str, object]]:
    """Host name -> Ansible connection vars for lab hosts that are up; {} when no lab is up."""
    return {}
