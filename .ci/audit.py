"""CI's dependency audit: pip-audit over the installed environment, against the registry's advisory data.

Policy (SECURITY.md): a known vulnerability in any installed dependency fails the build,
unless `.ci/audit-ignore.toml` lists its advisory id with a reason and an expiry date
(at most 90 days out); an expired entry fails the build too. Where the advisory data
cannot be reached (PyPI's JSON API and OSV are outside this network), the audit is
skipped with a message saying so and how many packages went unaudited — never reported
as "no known vulnerabilities".

    python .ci/audit.py            # from the activated virtual environment
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

IGNORE_FILE = Path(__file__).with_name("audit-ignore.toml")
MAX_IGNORE_DAYS = 90


def _ignored(today: dt.date) -> tuple[dict[str, str], list[str]]:
    """Advisory ids to ignore (id -> reason) and problems with the ignore file."""
    if not IGNORE_FILE.exists():
        return {}, []
    data = tomllib.loads(IGNORE_FILE.read_text(encoding="utf-8"))
    out, problems = {}, []
    for entry in data.get("ignore", []):
        vid, reason, expires = entry.get("id"), entry.get("reason"), entry.get("expires")
        if not vid or not reason or not isinstance(expires, dt.date):
            problems.append(f"{IGNORE_FILE.name}: every entry needs id, reason and expires (a date): {entry}")
        elif expires < today:
            problems.append(f"{IGNORE_FILE.name}: the ignore of {vid} expired on {expires}: fix or renew it")
        elif (expires - today).days > MAX_IGNORE_DAYS:
            problems.append(f"{IGNORE_FILE.name}: {vid} is ignored until {expires}, more than {MAX_IGNORE_DAYS} days")
        else:
            out[vid] = reason
    return out, problems


def main() -> int:
    today = dt.date.today()
    ignored, problems = _ignored(today)
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "audit.json"
        cmd = [sys.executable, "-m", "pip_audit", "--skip-editable", "--progress-spinner", "off", "-f", "json"]
        run = subprocess.run([*cmd, "-o", str(report)], capture_output=True, text=True, timeout=600)
        if not report.exists():
            last = (run.stderr.strip().splitlines() or ["no output"])[-1]
            print(f"ci: dependency audit skipped: pip-audit could not reach its advisory data ({last[:200]})")
            return 1 if problems else 0
        deps = json.loads(report.read_text(encoding="utf-8")).get("dependencies", [])
    skipped = [d for d in deps if "skip_reason" in d]
    audited = [d for d in deps if "skip_reason" not in d]
    for p in problems:
        print(f"ci: {p}")
    if not audited:
        print(
            f"ci: dependency audit skipped: the advisory data (PyPI's JSON API) is not reachable from here; "
            f"{len(skipped)} installed package(s) not audited"
        )
        return 1 if problems else 0
    found = []
    for d in audited:
        for v in d.get("vulns", []):
            ids = [v["id"], *v.get("aliases", [])]
            hit = next((i for i in ids if i in ignored), None)
            if hit is not None:
                print(f"ci: ignored {v['id']} in {d['name']} {d['version']}: {ignored[hit]}")
                continue
            fix = ", ".join(v.get("fix_versions", [])) or "no fixed release yet"
            found.append(f"{d['name']} {d['version']}: {v['id']} (fixed in: {fix})")
    print(f"ci: dependency audit: {len(audited)} package(s) audited, {len(skipped)} not found in the advisory data")
    for f in found:
        print(f"ci: VULNERABLE {f}")
    return 1 if found or problems else 0


if __name__ == "__main__":
    sys.exit(main())
