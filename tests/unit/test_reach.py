"""How a site is reached (direct, jump hosts, execution node) and host keys pinned in Git:
validated, exported to Ansible as ssh reads it (checked with the real ``ssh -G``)."""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path

import pytest

from runner import hostkeys
from runner.estate import load_estate
from runner.estate.reach import check_host_key, fingerprint
from runner.inventory import build_inventory
from tests.conftest import copy_estate

# two real ed25519 public keys (made with ssh-keygen for this test; their private halves gone)
KEY_A = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGHUjSHgM0ejTRmQcApAMM4hAf7s3+DHWTbioY0lbSsB"
KEY_A_FP = "SHA256:W6dJpfpQvTRFFyXJDLW3iPbAgHuDNpSTwuhVEubW3ng"  # ssh-keygen -lf
KEY_B = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIM1dJdjKdWLpr5v1VQvy0vEvx+3jR9Yy9Bc8nQ0Ec1hz"

JUMP_SITE = f"""\
    reach:
      jump:
        - {{address: 198.51.100.7, user: hop, port: 2222, host_key: "{KEY_A}"}}
        - {{address: 10.9.0.1, host_key: "{KEY_B} jump-2"}}
"""


def _estate(tmp_path: Path, sites_extra: str = "", host_extra: str = "") -> Path:
    root = copy_estate(tmp_path / "estate", ("inventory", "policies"))
    sites = root / "inventory/sites.yaml"
    text = sites.read_text()
    text = text.replace("  - id: fra-dc2\n", "  - id: fra-dc2\n" + sites_extra)
    sites.write_text(text)
    hosts = root / "inventory/hosts/hz-dc1.yaml"
    hosts.write_text(hosts.read_text().replace("  - name: web-01\n",
                                               "  - name: web-01\n" + host_extra, 1))
    return root


def _load(root: Path):  # type: ignore[no-untyped-def]
    estate, problems = load_estate(root, today=date(2026, 1, 5))
    errors = [p for p in problems if getattr(p, "severity", "error") == "error"]
    return estate, errors


def test_a_key_is_checked_and_fingerprinted_as_ssh_keygen_does() -> None:
    assert check_host_key(KEY_A + " root@vm") == KEY_A  # the comment is dropped
    assert fingerprint(KEY_A) == KEY_A_FP
    with pytest.raises(ValueError, match="damaged"):
        check_host_key("ssh-ed25519 AAAA")
    with pytest.raises(ValueError, match="data is a 'ssh-ed25519' key"):
        check_host_key("ssh-rsa " + KEY_A.split()[1])
    with pytest.raises(ValueError, match="not an SSH public key"):
        check_host_key("SHA256:W6dJpfpQvTRFFyXJDLW3iPbAgHuDNpSTwuhVEubW3ng")


def test_sites_reach_directly_unless_they_say_otherwise(tmp_path: Path) -> None:
    estate, errors = _load(_estate(tmp_path))
    assert errors == []
    inv = build_inventory(estate)
    beyond = {"br-01": "jump", "plant-01": "node"}  # the sample's sites behind a jump and a node
    for name, hv in inv["_meta"]["hostvars"].items():
        if name in beyond:
            assert hv["patrol_reach"] == beyond[name], name
            continue
        assert "ansible_ssh_common_args" not in hv, name
        assert "patrol_reach" not in hv, name
    assert inv["_meta"]["hostvars"]["br-01"]["ansible_ssh_common_args"].endswith(
        " -o ProxyJump=root@10.123.0.2:22")
    assert "ansible_ssh_common_args" not in inv["_meta"]["hostvars"]["plant-01"]  # its node's


def test_bad_reach_is_reported_with_its_place(tmp_path: Path) -> None:
    bad = """\
    reach:
      jump:
        - {address: "-oProxyCommand=touch /tmp/x", user: "a b", host_key: "ssh-ed25519 AAAA"}
"""
    root = _estate(tmp_path, bad, '    reach: sideways\n')
    _, errors = _load(root)
    text = "\n".join(str(e) for e in errors)
    assert "reach.jump[0].address" in text and "-oProxyCommand" in text
    assert "reach.jump[0].user" in text
    assert "reach.jump[0].host_key" in text and "damaged" in text
    assert "'sideways' is not a way to reach a site" in text
    both = f"    reach: {{jump: [{{address: 1.2.3.4, host_key: \"{KEY_A}\"}}], " \
           f"node: {{address: 1.2.3.5, host_key: \"{KEY_B}\"}}}}\n"
    _, errors = _load(_estate(tmp_path / "b", both))
    assert any("not both" in str(e) for e in errors)


def test_jump_hosts_become_proxyjump_with_only_the_pinned_keys(tmp_path: Path) -> None:
    root = _estate(tmp_path, JUMP_SITE, f'    host_key: "{KEY_B}"\n')
    estate, errors = _load(root)
    assert errors == []
    inv = build_inventory(estate)
    hv = inv["_meta"]["hostvars"]
    fra = [n for n, h in estate.hosts.items() if h.site == "fra-dc2"]
    assert fra
    for name in fra:
        assert hv[name]["patrol_reach"] == "jump"
        args = hv[name]["ansible_ssh_common_args"]
        assert args.endswith("-o ProxyJump=hop@198.51.100.7:2222,10.9.0.1:22")
    config = Path(hv[fra[0]]["ansible_ssh_common_args"].split()[1])
    known = config.read_text().split('UserKnownHostsFile "')[1].split('"')[0]
    lines = Path(known).read_text().splitlines()
    assert f"[198.51.100.7]:2222 {KEY_A}" in lines
    assert f"10.9.0.1 {KEY_B}" in lines
    web01 = str(estate.hosts["web-01"].address)
    assert f"{web01} {KEY_B}" in lines  # web-01 pins its own key and so uses the config
    assert hv["web-01"]["ansible_ssh_common_args"] == f"-F {config}"
    assert "ansible_ssh_common_args" not in hv["web-02"]  # nothing pinned: as before


def test_ssh_reads_the_config_as_intended(tmp_path: Path) -> None:
    """``ssh -G`` prints what ssh would do, without connecting: pinned file, strict, jumps."""
    estate, _ = _load(_estate(tmp_path, JUMP_SITE))
    hv = build_inventory(estate)["_meta"]["hostvars"]
    name = next(n for n, h in estate.hosts.items() if h.site == "fra-dc2")
    args = hv[name]["ansible_ssh_common_args"].split()
    out = subprocess.run(["ssh", "-G", *args, hv[name]["ansible_host"]], capture_output=True,
                         text=True, check=True).stdout
    conf = dict(line.split(" ", 1) for line in out.splitlines() if " " in line)
    assert conf["stricthostkeychecking"] == "true"
    assert conf["globalknownhostsfile"] == "/dev/null"
    assert conf["userknownhostsfile"].startswith(str(hostkeys.cache_dir()))
    hops = conf["proxyjump"].replace("[", "").replace("]", "")  # ssh -G brackets every host
    assert hops == "hop@198.51.100.7:2222,10.9.0.1:22"


def test_the_lab_known_hosts_and_identity_reach_the_hops(tmp_path: Path) -> None:
    estate, _ = _load(_estate(tmp_path, JUMP_SITE))
    name = next(n for n, h in estate.hosts.items() if h.site == "fra-dc2")
    lab = {"ansible_ssh_private_key_file": "/lab/id", "patrol_known_hosts": "/lab/known",
           "ansible_ssh_common_args": "-o UserKnownHostsFile=/lab/known"}
    hv = build_inventory(estate, {name: lab})["_meta"]["hostvars"][name]
    assert "patrol_known_hosts" not in hv
    args = hv["ansible_ssh_common_args"]
    assert args.startswith("-o UserKnownHostsFile=/lab/known -F ")
    config = Path(args.split()[3]).read_text()
    assert 'UserKnownHostsFile "/lab/known"' in config
    assert 'IdentityFile "/lab/id"' in config


def test_a_node_site_names_its_node(tmp_path: Path) -> None:
    node = f'    reach: {{node: {{address: 10.9.1.1, user: runner, host_key: "{KEY_A}"}}}}\n'
    estate, errors = _load(_estate(tmp_path, node))
    assert errors == []
    hv = build_inventory(estate)["_meta"]["hostvars"]
    name = next(n for n, h in estate.hosts.items() if h.site == "fra-dc2")
    assert hv[name]["patrol_reach"] == "node"
    assert hv[name]["patrol_node"] == "runner@10.9.1.1:22"


def test_known_hosts_bytes_are_stable(tmp_path: Path) -> None:
    estate, _ = _load(_estate(tmp_path, JUMP_SITE))
    assert hostkeys.known_hosts(estate) == hostkeys.known_hosts(estate)
    assert hostkeys.known_hosts(estate).startswith(hostkeys.HEADER)


def test_plan_shows_a_changed_reach_and_pinned_key_by_fingerprint(tmp_path: Path) -> None:
    from runner.plan import make_plan, render
    from tests.conftest import commit_all

    root = _estate(tmp_path)
    commit_all(root, "base")
    changed = _estate(tmp_path / "head", JUMP_SITE, f'    host_key: "{KEY_A}"\n')
    for rel in ("inventory/sites.yaml", "inventory/hosts/hz-dc1.yaml"):
        (root / rel).write_text((changed / rel).read_text())
    commit_all(root, "head")
    text = render(make_plan(root, "HEAD~1", today=date(2026, 1, 5)), "text")
    assert f"host_key: (none) → {KEY_A_FP} (ssh-ed25519)" in text
    assert (f"reach: direct → jump hop@198.51.100.7:2222 ({KEY_A_FP}) -> "
            f"10.9.0.1:22 ({fingerprint(KEY_B)})") in text
    assert KEY_A.split()[1] not in text  # fingerprints, not base64


def test_a_scan_proposes_new_keys_and_never_replaces_a_changed_one() -> None:
    got = hostkeys.compare({"a": None, "b": KEY_A, "c": KEY_A, "d": None},
                           {"a": (KEY_B, ""), "b": (KEY_A, ""), "c": (KEY_B, ""),
                            "d": (None, "Connection refused")})
    assert [(p.host, p.status) for p in got] == [("a", "new"), ("b", "same"), ("c", "changed"),
                                                 ("d", "unread")]


def test_a_new_key_is_pinned_in_the_hosts_block_only() -> None:
    text = ("hosts:\n  - name: a\n    address: 10.0.0.1\n    hardware:\n      model: x\n"
            "    tags: [t]\n  - name: b\n    address: 10.0.0.2\n")
    out = hostkeys.pin_in_text(text, 7, 5, KEY_A)
    assert out == text.replace("  - name: b\n", f'  - name: b\n    host_key: "{KEY_A}"\n')
    again = hostkeys.pin_in_text(out or "", 7, 5, KEY_B)  # replaces, never adds a second
    assert again == text.replace("  - name: b\n", f'  - name: b\n    host_key: "{KEY_B}"\n')
    first = hostkeys.pin_in_text(text, 2, 5, KEY_A)
    assert first is not None and first.splitlines()[2] == f'    host_key: "{KEY_A}"'
    assert hostkeys.pin_in_text("hosts:\n  - {name: a, address: 10.0.0.1}\n", 2, 5, KEY_A) is None


def test_an_unwritable_cache_is_one_clear_error(tmp_path: Path) -> None:
    from runner.errors import Exit, PatrolError

    estate, _ = _load(_estate(tmp_path, JUMP_SITE))
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the cache directory would go")
    with pytest.raises(PatrolError) as err:
        hostkeys.ssh_files(estate, root=blocked / "ssh")
    assert err.value.exit_code == Exit.ENVIRONMENT
    assert "XDG_CACHE_HOME" in str(err.value)
