"""Password policy: ``login.defs`` ages passwords and hashes them strongly, new files get a
strict umask, and PAM checks a new password's quality.

Read from the host's own files: ``/etc/login.defs`` (PASS_MAX_DAYS, PASS_MIN_DAYS,
PASS_WARN_AGE, UMASK, ENCRYPT_METHOD, SHA_CRYPT_MIN_ROUNDS / YESCRYPT_COST_FACTOR), the
``password`` modules PAM runs for ``passwd`` (``@include common-password`` followed) and
pwquality's settings (``pwquality.conf``, its drop-ins, then the module's arguments). Leave
a param out (``null``) to not check it. ``umask`` is a floor: the host's umask must mask at
least these bits (027 passes ``"027"`` and ``"022"``; 022 fails ``"027"``). ``min_rounds``
applies to the hashing method in use (SHA512/SHA256 rounds; YESCRYPT cost factor is judged
against ``min_yescrypt_cost``). These settings change with an administrator's edit, so the
sample check is monthly.

```yaml
- id: password-policy
  kind: password_policy
  severity: medium
  params:
    max_days: 365
    min_days: 1
    warn_age: 7
    umask: "027"
    encrypt_method: [SHA512, YESCRYPT]
    min_rounds: 5000
    quality_module: true
    min_length: 12
```
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field

from ..estate.scalars import Int
from ..results import Result, Status
from .base import HostLike, Kind, Measured, Measurement, ParamsModel
from .helpers import measured_error

NAME = "password_policy"

QUALITY_MODULES = ("pam_pwquality.so", "pam_cracklib.so")
# login.defs's own defaults (shadow's getdef) where a key is missing
_DEFAULTS = {"PASS_MAX_DAYS": "99999", "PASS_MIN_DAYS": "0", "PASS_WARN_AGE": "7",
             "UMASK": "022", "ENCRYPT_METHOD": "DES"}
_SHA_DEFAULT_ROUNDS = 5000  # glibc's crypt: SHA rounds when login.defs sets none


class Params(ParamsModel):
    max_days: Annotated[Int, Field(ge=1)] | None = 365
    min_days: Annotated[Int, Field(ge=0)] | None = None
    warn_age: Annotated[Int, Field(ge=0)] | None = 7
    umask: Annotated[str, Field(pattern=r"^0?[0-7]{3}$")] | None = "027"
    encrypt_method: list[Annotated[str, Field(pattern=r"^[A-Z0-9_]+$")]] | None = Field(
        default_factory=lambda: ["SHA512", "YESCRYPT"])
    min_rounds: Annotated[Int, Field(ge=1000)] | None = None
    min_yescrypt_cost: Annotated[Int, Field(ge=1, le=11)] | None = None
    quality_module: bool = True
    min_length: Annotated[Int, Field(ge=1)] | None = None


def measure(params: Params, host: HostLike) -> Measurement:
    return Measurement("password_policy")


def _int(text: object, base: int = 10) -> int | None:
    try:
        return int(str(text), base)
    except ValueError:
        return None


def _aging(defs: dict[str, str], params: Params) -> list[str]:
    problems = []
    for key, limit, worse in (("PASS_MAX_DAYS", params.max_days, "above"),
                              ("PASS_MIN_DAYS", params.min_days, "below"),
                              ("PASS_WARN_AGE", params.warn_age, "below")):
        if limit is None:
            continue
        have = _int(defs.get(key, _DEFAULTS[key]))
        if have is None or (have > limit if worse == "above" else have < limit):
            problems.append(f"{key} {defs.get(key, _DEFAULTS[key] + ' (default)')}, "
                            f"{'at most' if worse == 'above' else 'at least'} {limit}")
    return problems


def _hashing(defs: dict[str, str], params: Params) -> list[str]:
    method = defs.get("ENCRYPT_METHOD", _DEFAULTS["ENCRYPT_METHOD"]).upper()
    problems = []
    if params.encrypt_method is not None and method not in params.encrypt_method:
        problems.append(f"ENCRYPT_METHOD {method}, expected {' or '.join(params.encrypt_method)}")
    if params.min_rounds is not None and method in ("SHA512", "SHA256"):
        rounds = _int(defs.get("SHA_CRYPT_MIN_ROUNDS", _SHA_DEFAULT_ROUNDS))
        if rounds is None or rounds < params.min_rounds:
            problems.append(f"SHA_CRYPT_MIN_ROUNDS {defs.get('SHA_CRYPT_MIN_ROUNDS', 'unset')}, "
                            f"at least {params.min_rounds}")
    if params.min_yescrypt_cost is not None and method == "YESCRYPT":
        cost = _int(defs.get("YESCRYPT_COST_FACTOR", 5))
        if cost is None or cost < params.min_yescrypt_cost:
            problems.append(f"YESCRYPT_COST_FACTOR {defs.get('YESCRYPT_COST_FACTOR', 'unset')}, "
                            f"at least {params.min_yescrypt_cost}")
    return problems


def judge(measured: Measured, params: Params, host: HostLike | None = None) -> Result:
    if (err := measured_error(measured)) is not None:
        return err
    defs: dict[str, str] = measured.get("login_defs") or {}
    pam = [m.get("module") for m in measured.get("pam") or []]
    quality: dict[str, str] = measured.get("pwquality") or {}
    module = next((m for m in pam if m in QUALITY_MODULES), None)
    value: dict[str, Any] = {
        key: defs.get(key) for key in ("ENCRYPT_METHOD", "PASS_MAX_DAYS", "PASS_MIN_DAYS",
                                       "PASS_WARN_AGE", "SHA_CRYPT_MIN_ROUNDS", "UMASK")
    }
    value["quality_module"] = module
    problems = _aging(defs, params) + _hashing(defs, params)
    if params.umask is not None:
        have = _int(defs.get("UMASK", _DEFAULTS["UMASK"]), 8)
        floor = int(params.umask, 8)
        if have is None or have & floor != floor:
            problems.append(f"UMASK {defs.get('UMASK', '022 (default)')}, at least {params.umask}")
    if params.quality_module and module is None:
        problems.append("no password quality module (pam_pwquality or pam_cracklib) for passwd")
    if params.min_length is not None and module is not None:
        minlen = _int(quality.get("minlen", 8 if module == "pam_pwquality.so" else 9))
        if minlen is None or minlen < params.min_length:
            shown = quality.get("minlen", f"{minlen} (default)")
            problems.append(f"minimum password length {shown}, at least {params.min_length}")
    if problems:
        return Result(Status.FAIL, value, "; ".join(problems))
    return Result(Status.PASS, value, "password aging, hashing, umask and quality as required")


KIND = Kind(NAME, Params, measure, judge, __doc__ or "")
