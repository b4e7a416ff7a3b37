"""Rules of the run skeleton on plain data: the secret fields a run needs must resolve before
measuring (and only those), and a moved clock is for previews only."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest

from runner.errors import Exit, PatrolError
from runner.estate.secrets import EnvSecret, VaultSecret
from runner.execute import secret_usable
from runner.inspect import NEEDS_SECRETS
from runner.run import DRIFT, require_secrets, trusted_moment
from runner.upgrade.run import NEEDS_SECRETS as UPGRADE_NEEDS


def host(name: str, secret: object | None) -> SimpleNamespace:
    return SimpleNamespace(name=name, connection=SimpleNamespace(become_password=secret))


def ciphertext(password: bytes, text: bytes) -> str:
    from ansible.parsing.vault import VaultLib
    from ansible.parsing.vault import VaultSecret as Key

    return VaultLib([("default", Key(password))]).encrypt(text).decode()


@pytest.fixture
def vault(tmp_path: Path) -> dict[str, str]:
    (tmp_path / "pw").write_bytes(b"right\n")
    return {"ANSIBLE_VAULT_PASSWORD_FILE": str(tmp_path / "pw")}


def test_a_needed_secret_that_cannot_be_read_is_one_error_naming_host_and_field(vault):
    hosts = [host("web-01", EnvSecret(env="PATROL_UNSET_VAR")),
             host("web-02", VaultSecret(ciphertext=ciphertext(b"wrong", b"x"))),
             host("web-03", VaultSecret(ciphertext=ciphertext(b"right", b"x"))),
             host("web-04", EnvSecret(env="PATROL_SET_VAR")),
             host("web-05", None)]
    env = {**vault, "PATROL_SET_VAR": "s3cret"}
    with pytest.raises(PatrolError) as caught:
        require_secrets(hosts, {"become_password"}, usable=lambda s: secret_usable(s, env))
    assert caught.value.exit_code == Exit.FAILED
    assert str(caught.value).endswith(
        "web-01: connection.become_password; web-02: connection.become_password")


def test_a_secret_the_run_does_not_need_is_never_read(vault):
    read = []
    hosts = [host("web-01", EnvSecret(env="PATROL_UNSET_VAR")),
             host("web-02", VaultSecret(ciphertext=ciphertext(b"wrong", b"x")))]
    require_secrets(hosts, frozenset(), usable=lambda s: read.append(s) or False)
    assert read == []
    # Patrol's own plays use no become: neither needs the become password
    assert NEEDS_SECRETS == UPGRADE_NEEDS == frozenset()


def test_a_vault_value_without_any_vault_password_is_unusable():
    assert secret_usable(VaultSecret(ciphertext=ciphertext(b"pw", b"x")), {}) is False


REAL = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)


def test_a_moment_within_the_drift_may_be_written():
    trusted_moment(REAL + DRIFT, True, REAL, "--no-commit")
    trusted_moment(None, True, REAL, "--no-commit")


def test_a_moved_clock_is_refused_for_a_run_that_writes_and_allowed_for_a_preview():
    moved = REAL - timedelta(days=6)
    with pytest.raises(PatrolError) as caught:
        trusted_moment(moved, True, REAL, "--check")
    assert caught.value.exit_code == Exit.USAGE
    assert "144.0 h from this machine's clock" in str(caught.value)
    assert "add --check" in str(caught.value)
    trusted_moment(moved, False, REAL, "--check")
    with pytest.raises(PatrolError):
        trusted_moment(REAL + DRIFT + timedelta(seconds=1), True, REAL, "--no-commit")
