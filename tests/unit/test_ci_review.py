"""The CI templates, read as a reviewer would: what a security review of them checks, as tests.

GitHub (``.github/workflows/*.yml``): ``zizmor --offline --persona auditor`` finds nothing, and
the only findings its ignore comments hide are the documented ones (``IGNORED``); every action
is pinned by commit with its version in a comment; permissions are none at the top and the
least each job needs; no checkout keeps credentials; secrets reach only jobs that name an
environment; keys go to a private temporary directory that the job's last step removes;
concurrency groups never let one schedule cancel another; the required check runs on every
pull request; every install is the locked two-line form; the release builds, checks and
publishes with trusted publishing.

GitLab (``.gitlab-ci.yml``, no zizmor for it): the same review by hand, written down as
``test_gitlab_reviewed_by_hand`` and the tests after it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = ROOT / ".github" / "workflows"
ESCALATION = "*/15 * * * *"

# Findings hidden by a `# zizmor: ignore[...]` comment, each with the reason (also written as
# a comment in the workflow, on the line above).
IGNORED = {
    ("inspect.yml", "obfuscation"):
        "the checklist is looked up in the one PATROL_SCHEDULES table by the cron (a computed "
        "index, on purpose), and the step checks that what it got is a plain name",
}

# The installs a template may run: the locks with hashes, then Patrol itself without
# dependencies and without build isolation (`patrol init` rewrites the second line).
LOCKED = {"requirements/light.txt", "requirements/ansible.txt"}
INSTALL_SELF = "pip install --no-deps --no-build-isolation ."
INSTALL_LOCK = re.compile(r"pip install --require-hashes -r (requirements/[a-z]+\.txt)")


def _tool(name: str) -> str:
    exe = shutil.which(name, path=f"{Path(sys.executable).parent}{os.pathsep}"
                                   f"{os.environ.get('PATH', '')}")
    if exe is None:  # a review that cannot run must not pass
        pytest.fail(f"{name} is not installed (it is a dev dependency: requirements/dev.txt)")
    return exe


def _load(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text())


def _workflows() -> dict[str, dict[str, Any]]:
    return {p.name: _load(p) for p in sorted(WORKFLOWS.glob("*.yml"))}


def _gitlab() -> dict[str, Any]:
    return _load(ROOT / ".gitlab-ci.yml")


def _steps(job: dict[str, Any]) -> list[dict[str, Any]]:
    return job.get("steps", [])


def _step(job: dict[str, Any], name: str) -> dict[str, Any]:
    return next(s for s in _steps(job) if s.get("name") == name)


# ---------------------------------------------------------------- GitHub: zizmor, actionlint


def _zizmor(*extra: str) -> list[dict[str, Any]]:
    proc = subprocess.run([_tool("zizmor"), "--offline", "--no-config", "--persona", "auditor",
                           "--format", "json", "-q", *extra, str(WORKFLOWS)],
                          capture_output=True, text=True, cwd=ROOT)
    assert proc.stdout.strip(), proc.stderr
    return json.loads(proc.stdout)


def _where(finding: dict[str, Any]) -> tuple[str, str]:
    path = finding["locations"][0]["symbolic"]["key"]["Local"]["verbatim_path"]
    return Path(path).name, finding["ident"]


def test_zizmor_finds_nothing_in_the_github_templates():
    findings = _zizmor()
    assert findings == [], "\n".join(f"{_where(f)}: {f['desc']}" for f in findings)


def test_zizmor_ignores_only_the_documented_findings_each_with_its_reason():
    hidden = {_where(f) for f in _zizmor("--no-ignores")}
    assert hidden == set(IGNORED)
    for (name, rule), _reason in IGNORED.items():
        lines = (WORKFLOWS / name).read_text().splitlines()
        at = [i for i, line in enumerate(lines) if f"# zizmor: ignore[{rule}]" in line]
        assert len(at) == 1, (name, rule)
        # the reason, as a comment, right above the step or line it excuses
        above = [line.strip() for line in lines[max(0, at[0] - 4):at[0]]]
        assert any(line.startswith("#") for line in above), (name, rule)


def test_github_templates_pass_actionlint_with_shellcheck():
    proc = subprocess.run([_tool("actionlint"), *map(str, sorted(WORKFLOWS.glob("*.yml")))],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


# ---------------------------------------------------------------- GitHub: the review's rules

USES = re.compile(r"^\s*(?:-\s+)?uses:\s*(\S+)(.*)$", re.MULTILINE)


def test_every_action_is_pinned_by_commit_with_its_version_in_a_comment():
    versions: dict[str, set[tuple[str, str]]] = {}
    count = 0
    for path in sorted(WORKFLOWS.glob("*.yml")):
        for ref, rest in USES.findall(path.read_text()):
            count += 1
            action, _, sha = ref.partition("@")
            assert re.fullmatch(r"[0-9a-f]{40}", sha), (path.name, ref)
            m = re.fullmatch(r"\s*# (v\d+\.\d+\.\d+)\s*", rest)
            assert m, (path.name, ref, "no `# vX.Y.Z` comment")
            versions.setdefault(action, set()).add((sha, m[1]))
    assert count >= 13  # every one the review found pinned by tag, and the release's
    for action, pins in versions.items():  # one commit per action across the templates
        assert len(pins) == 1, (action, pins)
    assert {"actions/checkout", "actions/setup-python", "actions/upload-artifact",
            "actions/download-artifact", "pypa/gh-action-pypi-publish"} == set(versions)


# (workflow, job) -> the permissions it gets; nothing more anywhere, nothing at the top.
PERMISSIONS = {
    ("audit.yml", "verify"): {"contents": "read"},
    ("validate.yml", "validate"): {"contents": "read"},
    ("validate.yml", "plan"): {"contents": "read", "pull-requests": "write"},
    ("inspect.yml", "inspect"): {"contents": "write"},
    ("inspect.yml", "escalate"): {"contents": "write"},
    ("release.yml", "build"): {"contents": "read"},
    ("release.yml", "publish"): {"id-token": "write"},
}


def test_permissions_are_none_at_the_top_and_the_least_each_job_needs():
    seen = {}
    for name, wf in _workflows().items():
        assert wf["permissions"] == {}, name
        for job_id, job in wf["jobs"].items():
            seen[(name, job_id)] = job["permissions"]
            text = yaml.safe_dump(job)
            pushes = "--push" in text
            # write access to the repository exactly where the job pushes records
            assert (job["permissions"].get("contents") == "write") == pushes, (name, job_id)
    assert seen == PERMISSIONS


def test_no_checkout_keeps_credentials_and_builds_see_the_tags():
    for name, wf in _workflows().items():
        for job_id, job in wf["jobs"].items():
            runs = "\n".join(s.get("run", "") for s in _steps(job))
            for s in _steps(job):
                if s.get("uses", "").startswith("actions/checkout@"):
                    assert s["with"]["persist-credentials"] is False, (name, job_id)
                    if INSTALL_SELF in runs or "python -m build" in runs:
                        # setuptools-scm reads the version from the nearest tag
                        assert s["with"]["fetch-depth"] == 0, (name, job_id)


def test_jobs_that_push_get_the_token_only_in_the_steps_that_push(tmp_path: Path):
    """No persisted credentials: git asks a helper, which reads the token from the step's
    environment. Drive the helper exactly as git does, in a repository of our own."""
    wf = _workflows()["inspect.yml"]
    for job_id, job in wf["jobs"].items():
        setup = _step(job, "Push credentials")
        pushing = [s for s in _steps(job) if "--push" in s.get("run", "")]
        assert pushing
        for s in _steps(job):
            has_token = "PATROL_PUSH_TOKEN" in s.get("env", {})
            assert has_token == (s in pushing), (job_id, s.get("name"))
            if has_token:
                assert s["env"]["PATROL_PUSH_TOKEN"] == "${{ github.token }}"
            assert _steps(job).index(setup) < min(_steps(job).index(p) for p in pushing)
        repo = tmp_path / job_id
        subprocess.run(["git", "init", "-q", str(repo)], check=True)
        env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "GIT_CONFIG_NOSYSTEM": "1"}
        subprocess.run(["bash", "-e", "-c", setup["run"]], cwd=repo, env=env, check=True)
        ask = "protocol=https\nhost=github.com\npath=o/r.git\n\n"
        out = subprocess.run(["git", "credential", "fill"], cwd=repo, input=ask, text=True,
                             capture_output=True, check=True,
                             env={**env, "PATROL_PUSH_TOKEN": "tok-123",
                                  "GIT_TERMINAL_PROMPT": "0"}).stdout
        assert "username=x-access-token\n" in out and "password=tok-123\n" in out
        assert "tok-123" not in (repo / ".git" / "config").read_text()


def _secrets(job: dict[str, Any]) -> set[str]:
    return set(re.findall(r"secrets\.(\w+)", yaml.safe_dump(job)))


def test_secrets_reach_only_jobs_that_name_an_environment():
    users = {}
    for name, wf in _workflows().items():
        for job_id, job in wf["jobs"].items():
            if _secrets(job):
                assert job.get("environment"), (name, job_id)
                users[(name, job_id)] = _secrets(job)
    assert users == {
        ("inspect.yml", "inspect"): {"PATROL_SSH_KEY", "PATROL_KNOWN_HOSTS",
                                     "PATROL_SIGNING_KEY", "PATROL_NOTIFY_SMTP"},
        ("inspect.yml", "escalate"): {"PATROL_SIGNING_KEY", "PATROL_NOTIFY_SMTP"},
    }
    jobs = _workflows()["inspect.yml"]["jobs"]
    assert jobs["inspect"]["environment"] == jobs["escalate"]["environment"] == "patrol-archive"
    header = (WORKFLOWS / "inspect.yml").read_text().split("\nname:")[0]
    assert "patrol-archive" in header and "default branch only" in header


def _run_step(step: dict[str, Any], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", "-e", "-o", "pipefail", "-c", step["run"]], cwd=cwd,
                          env={"PATH": os.environ["PATH"], **env}, capture_output=True, text=True)


def _github_env(path: Path) -> dict[str, str]:
    return dict(line.split("=", 1) for line in path.read_text().splitlines())


def test_keys_go_to_a_private_temporary_directory_removed_at_the_end(tmp_path: Path):
    """Run the steps as the runner would: the keys land under $RUNNER_TEMP (mode 600 in a
    700 directory), never in ~/.ssh, reach Ansible and Patrol through the environment, and
    the job's last step (always run) removes them."""
    jobs = _workflows()["inspect.yml"]["jobs"]
    for job_id, job in jobs.items():
        temp, home, work = tmp_path / job_id / "temp", tmp_path / job_id / "home", tmp_path / job_id
        for d in (temp, home):
            d.mkdir(parents=True)
        github_env = work / "github_env"
        github_env.write_text("")
        env = {"RUNNER_TEMP": str(temp), "HOME": str(home), "GITHUB_ENV": str(github_env),
               "SSH_KEY": "-----BEGIN KEY-----\nabc\n-----END KEY-----",
               "KNOWN_HOSTS": "web-01 ssh-ed25519 AAAA", "SIGNING_KEY": "signing-secret"}
        key_steps = [s for s in _steps(job) if re.search(  # the steps that write keys
            r"secrets\.PATROL_(SSH_KEY|KNOWN_HOSTS|SIGNING_KEY)", yaml.safe_dump(s.get("env", {})))]
        assert key_steps
        for s in key_steps:
            proc = _run_step(s, env, work)
            assert proc.returncode == 0, proc.stderr
        exported = _github_env(github_env)
        assert list(home.iterdir()) == []  # nothing in ~/.ssh
        signing = Path(exported["PATROL_SIGNING_KEY"])
        assert signing.read_text() == "signing-secret\n"
        written = [signing]
        if job_id == "inspect":
            key = Path(exported["ANSIBLE_PRIVATE_KEY_FILE"])
            assert key.read_text() == env["SSH_KEY"] + "\n"
            args = exported["ANSIBLE_SSH_COMMON_ARGS"]
            known = Path(re.fullmatch(r"-o UserKnownHostsFile=(\S+)", args)[1])
            assert known.read_text() == env["KNOWN_HOSTS"] + "\n"
            assert stat.S_IMODE(key.parent.stat().st_mode) == 0o700
            written += [key, known]
        for f in written:
            assert temp in f.parents, f
            assert stat.S_IMODE(f.stat().st_mode) == 0o600, f
        last = _steps(job)[-1]
        assert last["name"] == "Remove the keys" and last["if"] == "always()"
        assert _run_step(last, env, work).returncode == 0
        assert list(temp.iterdir()) == []


def test_a_missing_fleet_key_stops_the_inspection_before_it_starts(tmp_path: Path):
    step = _step(_workflows()["inspect.yml"]["jobs"]["inspect"], "SSH credentials")
    (tmp_path / "env").write_text("")
    proc = _run_step(step, {"RUNNER_TEMP": str(tmp_path), "GITHUB_ENV": str(tmp_path / "env"),
                            "SSH_KEY": "", "KNOWN_HOSTS": "h ssh-ed25519 A"}, tmp_path)
    assert proc.returncode == 1 and "PATROL_SSH_KEY" in proc.stdout
    assert (tmp_path / "env").read_text() == ""


def test_ansible_and_patrol_read_the_keys_from_where_the_templates_put_them():
    """ANSIBLE_PRIVATE_KEY_FILE and ANSIBLE_SSH_COMMON_ARGS are options of Ansible's ssh
    connection; Patrol hands them on to the play (and not the push token), and sets neither
    itself (it would win over ours)."""
    from ansible.plugins.connection import ssh

    from runner import execute

    options = yaml.safe_load(ssh.DOCUMENTATION)["options"]
    assert {"name": "ANSIBLE_PRIVATE_KEY_FILE"} in options["private_key_file"]["env"]
    assert "ANSIBLE_SSH_COMMON_ARGS" in [e["name"] for e in options["ssh_common_args"]["env"]]
    ours = {"ANSIBLE_PRIVATE_KEY_FILE": "/t/id", "PATROL_PUSH_TOKEN": "tok",
            "ANSIBLE_SSH_COMMON_ARGS": "-o UserKnownHostsFile=/t/known_hosts"}
    own = execute._envvars(10, 5, "/t/cp")
    played = execute.play_env({**ours, **own}, ours)
    assert played["ANSIBLE_PRIVATE_KEY_FILE"] == "/t/id"
    assert played["ANSIBLE_SSH_COMMON_ARGS"] == ours["ANSIBLE_SSH_COMMON_ARGS"]
    assert "PATROL_PUSH_TOKEN" not in played
    assert not {"ANSIBLE_PRIVATE_KEY_FILE", "ANSIBLE_SSH_COMMON_ARGS"} & set(own)


def _group(job: dict[str, Any], schedule: str | None, checklist: str | None) -> str:
    """The job's concurrency group as GitHub evaluates it for a schedule or a dispatch."""
    group = job["concurrency"]["group"]
    return re.sub(r"\$\{\{\s*github\.event\.schedule \|\| inputs\.checklist\s*\}\}",
                  schedule or checklist or "", group)


def test_no_schedule_cancels_another():
    """GitHub keeps one pending run per concurrency group and cancels the older pending one,
    so every schedule (and escalation) needs a group of its own, none cancelling in
    progress; the archive's push rebases when two runs overlap."""
    wf = _workflows()["inspect.yml"]
    jobs = wf["jobs"]
    crons = [s["cron"] for s in wf[True]["schedule"]]
    groups = {}
    for cron in crons:
        job = jobs["escalate"] if cron == ESCALATION else jobs["inspect"]
        assert job["concurrency"]["cancel-in-progress"] is False
        groups[cron] = _group(job, cron, None)
    assert len(set(groups.values())) == len(crons), groups
    dispatched = _group(jobs["inspect"], None, "weekly")
    assert dispatched not in groups.values()
    text = (WORKFLOWS / "inspect.yml").read_text()
    assert "the others queue" not in text
    assert "ONE pending" in text and "cancels the pending one" in text
    assert "concurrency" not in wf  # no workflow-wide group above the jobs' own


def test_escalation_runs_alone_and_audit_never_on_its_schedule():
    wfs = _workflows()
    for name, wf in wfs.items():
        crons = [s["cron"] for s in (wf[True] or {}).get("schedule", [])]
        if name != "inspect.yml":
            assert ESCALATION not in crons, name
    jobs = wfs["inspect.yml"]["jobs"]
    assert jobs["escalate"]["if"] == f"github.event.schedule == '{ESCALATION}'"
    assert jobs["inspect"]["if"] == f"github.event.schedule != '{ESCALATION}'"
    assert wfs["audit.yml"][True]["schedule"] == [{"cron": "30 7 * * *"}]


def test_spares_and_lifecycle_run_after_the_inspection():
    steps = _steps(_workflows()["inspect.yml"]["jobs"]["inspect"])
    names = [s.get("name") for s in steps]
    assert names.index("Inspect") < names.index("Spare parts and lifecycle (daily)")
    assert names.index("Inspect") < names.index("Monthly report (1st of the month, for the "
                                                "month before)")


def test_the_required_validate_check_runs_on_every_pull_request():
    """A required check filtered by `paths:` never reports on a pull request outside those
    paths, and the pull request waits for it forever."""
    wf = _workflows()["validate.yml"]
    assert wf[True] == {"pull_request": None}  # no paths, paths-ignore or branches
    for job in wf["jobs"].values():
        assert "if" not in job
        assert all("if" not in s for s in _steps(job) if "patrol validate" in s.get("run", ""))
    assert "paths" not in (WORKFLOWS / "validate.yml").read_text().split("\nname:")[1]


def _installs(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines()
            if "pip install" in line and not line.lstrip().startswith("#")]


def test_every_install_is_the_locked_two_line_form():
    for name, wf in _workflows().items():
        for job_id, job in wf["jobs"].items():
            for s in _steps(job):
                lines = _installs(s.get("run", ""))
                if not lines:
                    continue
                if name == "release.yml":
                    assert lines == ["pip install --require-hashes -r requirements/release.txt"]
                    continue
                assert len(lines) == 2 and lines[1] == INSTALL_SELF, (name, job_id, lines)
                lock = INSTALL_LOCK.fullmatch(lines[0])
                assert lock and lock[1] in LOCKED, (name, job_id, lines)
                # escalate delivers notifications: Apprise is in the tool lock, not the light one
                want = "ansible" if job_id in ("inspect", "escalate") else "light"
                assert lock[1] == f"requirements/{want}.txt", (name, job_id)
    gl = _gitlab()
    assert _installs("\n".join(gl["default"]["before_script"]))[-2:] == [
        "pip install --require-hashes -r requirements/light.txt", INSTALL_SELF]
    assert _installs("\n".join(gl["inspect"]["before_script"])) == [
        "pip install --require-hashes -r requirements/ansible.txt", INSTALL_SELF]
    every = [line for job in gl.values() if isinstance(job, dict)
             for key in ("before_script", "script") for line in _installs("\n".join(
                 job.get(key, []) if isinstance(job.get(key), list) else []))]
    assert set(every) == {INSTALL_SELF, "pip install --require-hashes -r requirements/light.txt",
                          "pip install --require-hashes -r requirements/ansible.txt"}
    for lock in (*LOCKED, "requirements/release.txt"):
        assert (ROOT / lock).is_file(), lock


def test_the_release_builds_checks_and_publishes_with_trusted_publishing():
    wf = _workflows()["release.yml"]
    assert wf[True] == {"push": {"tags": ["v*"]}}
    build, publish = wf["jobs"]["build"], wf["jobs"]["publish"]
    runs = "\n".join(s.get("run", "") for s in _steps(build))
    assert "python -m build --no-isolation --sdist --wheel" in runs
    assert "twine check --strict dist/*" in runs
    assert runs.index("python -m build") < runs.index("twine check")
    upload = next(s for s in _steps(build) if s.get("uses", "").startswith(
        "actions/upload-artifact@"))
    assert publish["needs"] == "build"
    assert publish["environment"]["name"] == "pypi"
    assert publish["permissions"] == {"id-token": "write"}
    uses = [s["uses"].split("@")[0] for s in _steps(publish)]
    assert uses == ["actions/download-artifact", "pypa/gh-action-pypi-publish"]  # no checkout
    download, pypi = _steps(publish)
    assert download["with"]["name"] == upload["with"]["name"]
    assert download["with"]["path"] == pypi["with"]["packages-dir"] == upload["with"]["path"]
    assert not _secrets(publish) and "password" not in pypi["with"]  # OIDC, no token
    assert "environment" not in build and not _secrets(build)


def test_the_release_refuses_distributions_whose_version_is_not_the_tag(tmp_path: Path):
    step = _step(_workflows()["release.yml"]["jobs"]["build"], "Check the distributions")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "twine").write_text("#!/bin/sh\nexit 0\n")  # the tag check alone
    (bin_dir / "twine").chmod(0o755)
    dist = tmp_path / "dist"
    dist.mkdir()
    for f in ("patrol_gitops-1.2.3.tar.gz", "patrol_gitops-1.2.3-py3-none-any.whl"):
        (dist / f).write_text("")
    env = {"PATH": f"{bin_dir}:{os.environ['PATH']}"}
    assert _run_step(step, {**env, "TAG": "v1.2.3"}, tmp_path).returncode == 0
    assert _run_step(step, {**env, "TAG": "v1.2.4"}, tmp_path).returncode != 0


# ---------------------------------------------------------------- GitLab: by hand, as tests


def _rule_holds(expr: str, variables: dict[str, str]) -> bool:
    """A GitLab `rules:if` of the forms the template uses: `$A`, `$A == "x"`, `$A == $B`,
    joined with `&&`."""
    for term in (t.strip() for t in expr.split("&&")):
        m = re.fullmatch(r'\$(\w+)\s*==\s*(?:"([^"]*)"|\$(\w+))', term)
        if m:
            right = m[2] if m[2] is not None else variables.get(m[3])
            if variables.get(m[1]) != right:
                return False
        elif re.fullmatch(r"\$\w+", term):
            if not variables.get(term[1:]):
                return False
        else:
            raise AssertionError(f"rule form not understood: {term}")
    return True


def _jobs_run(variables: dict[str, str]) -> set[str]:
    out = set()
    for name, job in _gitlab().items():
        if name.startswith(".") or not isinstance(job, dict) or "script" not in job:
            continue
        rule = next((r for r in job["rules"] if _rule_holds(r["if"], variables)), None)
        if rule is not None and rule.get("when") != "never":
            out.add(name)
    return out


MAIN = {"CI_DEFAULT_BRANCH": "main", "CI_COMMIT_BRANCH": "main"}
SCHEDULE = {**MAIN, "CI_PIPELINE_SOURCE": "schedule"}
WRITERS = ("inspect", "spares-lifecycle", "monthly-report", "escalate")


def test_gitlab_reviewed_by_hand():
    """What the GitLab review checked (GitLab has no zizmor), each an assertion here or in the
    tests below:

    - the image and the installs: pip installs only the locks with hashes, then Patrol with
      --no-deps (test_every_install_is_the_locked_two_line_form); the image is named by tag
      (`python:3.11-slim-bookworm`): pin its digest when your registry policy asks for it;
    - secrets: only protected variables, read only by the jobs that write the archive;
      none in validate, plan or audit (which merge requests run);
    - PATROL_SSH_KEY, PATROL_KNOWN_HOSTS, PATROL_SIGNING_KEY as File (a path) or Variable
      (the text): both land as the key itself in a private per-job directory, mode 600
      (test_gitlab_keys_file_or_text_land_in_a_private_directory);
    - removed at the end: after_script, which runs on success, failure and cancel;
    - the push token: never in .git/config or the remote URL; git's credential helper reads
      it from the environment (test_gitlab_push_token_is_never_written_down);
    - the archive writers are not `interruptible` (a new pipeline cancels none) and wait in a
      resource_group; escalation has its own group, and each shard of `inspect` its own
      (`parallel:` shards measure at once instead of queueing one behind another; pushes
      that race re-make their record on top: test_keeping_results.py,
      test_three_clones_a_stale_one_and_a_foreign_commit_leave_a_remote_that_verifies);
    - order: the spare-part, lifecycle and monthly-report jobs come after `inspect`,
      whatever it found; audit does not run on the escalation schedule; validate and plan
      run on every merge request (no `changes:`).
    """
    gl = _gitlab()
    assert gl["default"]["image"].startswith("python:3.11")
    scripts = yaml.safe_dump({k: v for k, v in gl.items() if isinstance(v, dict)})
    assert "~/.ssh" not in scripts and "$HOME/.ssh" not in scripts
    assert "${PATROL_PUSH_TOKEN}@" not in scripts and "interruptible" not in scripts
    for name in ("validate", "plan", "audit"):
        body = yaml.safe_dump(gl[name])
        assert "PATROL_SSH_KEY" not in body and "PATROL_SIGNING_KEY" not in body, name
        assert "PATROL_PUSH_TOKEN" not in body, name
        assert all("changes" not in r for r in gl[name]["rules"]), name
    snippets = gl[".patrol-snippets"]
    for name in WRITERS:
        job = gl[name]
        assert job["script"][:2] == [snippets["keys"], snippets["push"]], name
        assert job["after_script"] == [snippets["remove-keys"]], name
        group = {"escalate": "patrol-escalate", "inspect": "patrol-inspect-$CI_NODE_INDEX"}
        assert job["resource_group"] == group.get(name, "patrol-archive"), name


def test_gitlab_pipelines_run_the_right_jobs_in_order():
    gl = _gitlab()
    stages = gl["stages"]
    for name in ("spares-lifecycle", "monthly-report"):
        assert stages.index(gl[name]["stage"]) > stages.index(gl["inspect"]["stage"]), name
        assert all(r.get("when") == "always" for r in gl[name]["rules"]), name  # whatever
    assert _jobs_run({**SCHEDULE, "PATROL_ESCALATE": "1"}) == {"escalate"}
    assert _jobs_run({**SCHEDULE, "PATROL_CHECKLIST": "daily"}) == {
        "audit", "inspect", "spares-lifecycle"}
    assert _jobs_run({**SCHEDULE, "PATROL_CHECKLIST": "weekly"}) == {"audit", "inspect"}
    assert _jobs_run({**SCHEDULE, "PATROL_CHECKLIST": "monthly"}) == {
        "audit", "inspect", "monthly-report"}
    assert _jobs_run({"CI_PIPELINE_SOURCE": "merge_request_event",
                      "CI_DEFAULT_BRANCH": "main"}) == {"validate", "plan", "audit"}
    assert _jobs_run({**MAIN, "CI_PIPELINE_SOURCE": "push"}) == {"validate", "audit"}


def _gitlab_shell(script: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess:
    # GitLab runs a job's script lines in one shell with errexit (and after_script in another)
    return subprocess.run(["bash", "-e", "-o", "pipefail", "-c", script], cwd=cwd,
                          env={"PATH": os.environ["PATH"], **env}, capture_output=True, text=True)


SHOW = ('\nprintf "%s\\n" "$ANSIBLE_PRIVATE_KEY_FILE" "$ANSIBLE_SSH_COMMON_ARGS" '
        '"$PATROL_SIGNING_KEY"')


def test_gitlab_keys_file_or_text_land_in_a_private_directory(tmp_path: Path):
    snippets = _gitlab()[".patrol-snippets"]
    temp = tmp_path / "tmp"
    temp.mkdir()
    key_file = tmp_path / "file-variable"  # a File variable: GitLab gives its path
    key_file.write_text("-----BEGIN KEY-----\nabc\n-----END KEY-----")  # no final newline
    env = {"TMPDIR": str(temp), "CI_JOB_ID": "42", "HOME": str(tmp_path),
           "PATROL_SSH_KEY": str(key_file),
           "PATROL_KNOWN_HOSTS": "web-01 ssh-ed25519 AAAA",  # a Variable: the text itself
           "PATROL_SIGNING_KEY": "signing-secret"}
    proc = _gitlab_shell(snippets["keys"] + SHOW, env, tmp_path)
    assert proc.returncode == 0, proc.stderr
    key, args, signing = proc.stdout.splitlines()
    keys = temp / "patrol-keys-42"
    assert stat.S_IMODE(keys.stat().st_mode) == 0o700
    assert Path(key) == keys / "id"
    assert Path(key).read_text() == key_file.read_text() + "\n"  # the key, not its path
    assert args == f"-o UserKnownHostsFile={keys / 'known_hosts'}"
    assert (keys / "known_hosts").read_text() == "web-01 ssh-ed25519 AAAA\n"
    assert Path(signing).read_text() == "signing-secret\n"
    for f in keys.iterdir():
        assert stat.S_IMODE(f.stat().st_mode) == 0o600, f
    # a file that already ends with a newline gets no second one; a text key that happens to
    # be given as a File variable is copied the same way
    key_file.write_text("k\n")
    proc = _gitlab_shell(snippets["keys"], {**env, "CI_JOB_ID": "43"}, tmp_path)
    assert proc.returncode == 0 and (temp / "patrol-keys-43" / "id").read_text() == "k\n"
    # after_script: in a shell of its own, it finds and removes the job's directory
    for job_id in ("42", "43"):
        assert _gitlab_shell(snippets["remove-keys"], {**env, "CI_JOB_ID": job_id},
                             tmp_path).returncode == 0
    assert list(temp.iterdir()) == []


def test_gitlab_keys_never_use_a_directory_someone_else_made(tmp_path: Path):
    (tmp_path / "patrol-keys-7").mkdir()
    proc = _gitlab_shell(_gitlab()[".patrol-snippets"]["keys"],
                         {"TMPDIR": str(tmp_path), "CI_JOB_ID": "7", "PATROL_SSH_KEY": "k"},
                         tmp_path)
    assert proc.returncode != 0
    assert list((tmp_path / "patrol-keys-7").iterdir()) == []


def test_gitlab_push_token_is_never_written_down(tmp_path: Path):
    repo = tmp_path / "repo"
    env = {"HOME": str(tmp_path), "GIT_CONFIG_NOSYSTEM": "1", "GIT_TERMINAL_PROMPT": "0"}
    for cmd in (["git", "init", "-q", "-b", "detached", str(repo)],
                ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@t",
                 "commit", "-q", "--allow-empty", "-m", "x"],
                ["git", "-C", str(repo), "remote", "add", "origin",
                 "https://gitlab-ci-token:job-token@gitlab.example/g/p.git"]):
        subprocess.run(cmd, check=True, env={**env, "PATH": os.environ["PATH"]})
    proc = _gitlab_shell(_gitlab()[".patrol-snippets"]["push"],
                         {**env, "CI_COMMIT_BRANCH": "main",
                          "CI_PROJECT_URL": "https://gitlab.example/g/p",
                          "PATROL_PUSH_TOKEN": "glpat-secret"}, repo)
    assert proc.returncode == 0, proc.stderr
    config = (repo / ".git" / "config").read_text()
    assert "glpat-secret" not in config and "job-token" not in config
    ask = "protocol=https\nhost=gitlab.example\npath=g/p.git\n\n"
    out = subprocess.run(["git", "credential", "fill"], cwd=repo, input=ask, text=True,
                         capture_output=True, check=True,
                         env={**env, "PATH": os.environ["PATH"],
                              "PATROL_PUSH_TOKEN": "glpat-secret"}).stdout
    assert "username=oauth2\n" in out and "password=glpat-secret\n" in out
    head = subprocess.run(["git", "-C", str(repo), "symbolic-ref", "--short", "HEAD"],
                          capture_output=True, text=True, check=True).stdout.strip()
    assert head == "main"  # a branch to push from, not a detached HEAD
