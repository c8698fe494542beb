"""Where the course's figures and references come from, by host: the source policy's checks and report.

    python tools/sources.py [OUTDIR]     write one report per dataset (default _build/sources/)

The two host lists are in data/source_hosts.yml; the policy is in data/README.md. The same
functions back tests/test_sources.py, which fails on any blocked host.
"""

from __future__ import annotations

import csv
import ipaddress
import json
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import yaml

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
HOSTS = DATA / "source_hosts.yml"
BIB = ROOT / "book" / "references.bib"
TIERS = ("primary", "other", "blocked")


@dataclass(frozen=True)
class HostLists:
    blocked: dict[str, str]   # host -> why it is blocked
    primary: dict[str, str]   # host -> publisher group

    @classmethod
    def read(cls, path: Path = HOSTS) -> HostLists:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        blocked = {h.lower(): why for why, hosts in raw["blocked"].items() for h in hosts}
        primary = {h.lower(): who for who, hosts in raw["primary"].items() for h in hosts}
        return cls(blocked, primary)

    @staticmethod
    def _match(host: str, listed: dict[str, str]) -> str | None:
        parts = host.split(".")
        for i in range(len(parts)):
            if ".".join(parts[i:]) in listed:
                return listed[".".join(parts[i:])]
        return None

    def why_blocked(self, url: str) -> str | None:
        """The reason ``url``'s host is blocked, or None."""
        host = host_of(url)
        if not host:
            return "not a web address"
        try:
            ipaddress.ip_address(host)
            return "a bare IP address does not say who publishes it"
        except ValueError:
            pass
        return self._match(host, self.blocked)

    def tier(self, url: str) -> str:
        """'blocked', 'primary' (a publisher's own host) or 'other' (a news report or a copy)."""
        if self.why_blocked(url):
            return "blocked"
        return "primary" if self._match(host_of(url), self.primary) else "other"


def host_of(url: str) -> str:
    return (urlparse(url).hostname or "").lower()


def package() -> dict:
    return json.loads((DATA / "datapackage.json").read_text(encoding="utf-8"))


def rows(res: dict) -> list[dict]:
    """The data rows of a tabular resource; a map (GeoJSON) has none, though its sources are still checked."""
    path = DATA / res["path"]
    if path.suffix != ".csv":
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def dataset_report(res: dict, lists: HostLists) -> dict:
    """Rows per host tier, rows that rely on a copy, the oldest 'seen' date, and any blocked host."""
    by_id = {s["id"]: s for s in res["sources"]}
    tiers, copies, blocked = Counter(), 0, []
    for row in rows(res):
        src = by_id[row["source"]]
        tiers[lists.tier(src["path"])] += 1
        copies += bool(src.get("via"))
    for src in res["sources"]:
        for field in ("path", "via"):
            if src.get(field) and lists.why_blocked(src[field]):
                blocked.append((src["id"], field, src[field], lists.why_blocked(src[field])))
    seen = sorted(d for s in res["sources"] for d in (s.get("seen"), s.get("via_seen")) if d)
    return {"name": res["name"], "rows": sum(tiers.values()), "tiers": {t: tiers[t] for t in TIERS},
            "copies": copies, "oldest_seen": seen[0] if seen else None, "blocked": blocked}


def render(rep: dict) -> str:
    n = rep["rows"] or 1
    lines = [f"# Sources of `{rep['name']}`", "", f"{rep['rows']} data rows.", "",
             "| Host tier of the cited page | Rows | Share |", "| --- | ---: | ---: |"]
    lines += [f"| {t} | {rep['tiers'][t]} | {rep['tiers'][t] / n:.0%} |" for t in TIERS]
    lines += ["", f"Rows that rely on a copy (`via`): {rep['copies']} ({rep['copies'] / n:.0%}).",
              f"Oldest 'seen' date: {rep['oldest_seen'] or 'none recorded'}."]
    if rep["blocked"]:
        lines += ["", "**Blocked hosts (the source-policy test fails on these):**", ""]
        lines += [f"- `{sid}` {field} {url} ({why})" for sid, field, url, why in rep["blocked"]]
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    out = Path(argv[1]) if len(argv) > 1 else ROOT / "_build" / "sources"
    out.mkdir(parents=True, exist_ok=True)
    lists = HostLists.read()
    reports = [dataset_report(res, lists) for res in package()["resources"]]
    for rep in reports:
        (out / f"{rep['name']}.md").write_text(render(rep), encoding="utf-8")
    total = sum(r["rows"] for r in reports)
    primary = sum(r["tiers"]["primary"] for r in reports)
    blocked = sum(len(r["blocked"]) for r in reports)
    summary = ["# Sources of all datasets", "", "| Dataset | Rows | Primary | Other | Blocked | Via a copy | Oldest seen |",
               "| --- | ---: | ---: | ---: | ---: | ---: | --- |"]
    summary += [f"| {r['name']} | {r['rows']} | {r['tiers']['primary']} | {r['tiers']['other']} | "
                f"{r['tiers']['blocked']} | {r['copies']} | {r['oldest_seen']} |" for r in reports]
    summary += ["", f"Rows citing a primary publisher's own page: {primary} of {total} ({primary / total:.1%}).",
                "", "Tiers are read from data/source_hosts.yml; the policy is in data/README.md."]
    (out / "index.md").write_text("\n".join(summary) + "\n", encoding="utf-8")
    print(f"sources: {len(reports)} reports in {out}; {primary} of {total} rows ({primary / total:.1%}) cite a "
          f"primary publisher's own page; {blocked} source fields on blocked hosts")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
