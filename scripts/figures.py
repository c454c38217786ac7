"""Regenerate docs/figures/*.png from the installed package (needs the `plot` extra).

Usage: python scripts/figures.py [OUTDIR]   (default: docs/figures)
"""

from __future__ import annotations

import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

import kzdata  # noqa: E402


def majilis_seats(ax) -> None:
    """Seats won per party at each Majilis election (final results)."""
    elections = kzdata.elections()
    results = kzdata.election_results()
    majilis = elections[elections["type"] == "majilis"][["election_id", "date"]]
    rows = results[(results["stage"] == "final") & results["seats"].notna()].merge(majilis, on="election_id")
    names = kzdata.parties().set_index("party_id")["name_en"]
    rows = rows.assign(party=rows["party_id"].map(names).fillna(rows["contestant_name"]))  # one colour per party
    table = rows.pivot_table(index="date", columns="party", values="seats", aggfunc="sum", observed=True)
    table = table.fillna(0)
    table.index = table.index.year
    table.plot(kind="bar", stacked=True, ax=ax, width=0.8, legend=False, colormap="tab20")
    ax.set(title="Majilis seats by party (final results)", xlabel="", ylabel="seats")
    ax.legend(fontsize=6, ncols=2, loc="upper left", bbox_to_anchor=(1, 1))


def winner_share(ax) -> None:
    """Share of the winning candidate at each presidential election."""
    elections = kzdata.elections()
    results = kzdata.election_results()
    pres = elections[elections["type"] == "presidential"][["election_id", "date"]]
    final = results[(results["stage"] == "final") & (results["contestant_type"] != "invalid")
                    & results["vote_pct"].notna()]
    rows = final.merge(pres, on="election_id")
    top = rows.sort_values("vote_pct").groupby("election_id", observed=True).tail(1).sort_values("date")
    ax.plot(top["date"], top["vote_pct"], marker="o")
    for _, r in top.iterrows():
        ax.annotate(str(r["contestant_name"]).split()[-1], (r["date"], r["vote_pct"]), fontsize=6,
                    xytext=(0, 5), textcoords="offset points", ha="center")
    ax.set(title="Presidential elections: winner's share (%)", ylim=(0, 105), ylabel="% of votes")


def thresholds(ax) -> None:
    """Members needed to register a party, and the Majilis entry threshold, as step lines."""
    rules = kzdata.electoral_rules()
    for name, axis, style, colour in (("party_registration_members", ax, "-", "tab:blue"),
                                      ("majilis_threshold_pct", ax.twinx(), "--", "tab:red")):
        rows = rules[rules["rule"] == name].assign(year=lambda d: d["effective_from"].str[:4].astype(int))
        rows = rows.sort_values("year")
        if not rows.empty:
            axis.step(rows["year"], rows["value"], where="post", linestyle=style, marker="o", color=colour)
            axis.set_ylabel(name, fontsize=7, color=colour)
    ax.set(title="Party registration minimum (solid) and Majilis threshold % (dashed)")


def threats(ax) -> None:
    """Incidents by target category and type of act."""
    frame = kzdata.threats()
    table = frame.pivot_table(index="target_category", columns="threat_type", values="threat_id",
                              aggfunc="count", observed=True).fillna(0)
    table = table.loc[table.sum(axis=1).sort_values().index]
    table.plot(kind="barh", stacked=True, ax=ax, legend=False)
    ax.set(title="Threats to defenders: incidents by target and act", xlabel="incidents", ylabel="")
    ax.legend(fontsize=6, ncols=2, loc="lower right")


def hajj(ax) -> None:
    """Hajj quota allocated and pilgrims who went, by year."""
    frame = kzdata.hajj_quotas()
    for measure, marker in (("quota_allocated", "o"), ("pilgrims_departed", "s")):
        rows = frame[frame["measure"] == measure].sort_values("year")
        ax.plot(rows["year"], rows["value"], marker=marker, label=measure.replace("_", " "))
    ax.set(title="Hajj: quota and pilgrims from Kazakhstan", xlabel="year", ylabel="people")
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.legend()


def majilis_enp(ax) -> None:
    """Effective number of parties in the Majilis, by votes and by seats (from kzdata.panel)."""
    panel = kzdata.panel()
    for column, label, style in (("majilis_enp_votes", "by votes", "o-"), ("majilis_enp_seats", "by seats", "s--")):
        rows = panel[panel[column].notna()]
        ax.plot(rows["year"], rows[column].astype(float), style, label=label)
    ax.set(title="Majilis: effective number of parties (Laakso-Taagepera)", ylabel="parties", ylim=(0, None))
    ax.legend(fontsize=7)


def rules_in_force(ax) -> None:
    """Quantified electoral rules in force on 31 December of each year, relative to their first value."""
    panel = kzdata.panel()
    for name in ("majilis_threshold_pct", "party_registration_members", "majilis_seats", "presidential_term_years"):
        column = f"rule_{name}_dec31"
        if column not in panel:
            continue
        rows = panel[panel[column].notna()]
        values = rows[column].astype(float)
        ax.step(rows["year"], values / values.iloc[0], where="post", label=f"{name} (first {values.iloc[0]:g})")
    ax.set(title="Rules in force on 31 December (1 = first recorded value, log scale)", ylabel="relative value",
           yscale="log")
    ax.legend(fontsize=6)


#: Tile positions (column, row) of the regions, roughly as they lie on the map (west to east, north
#: to south); a layout for drawing, not data.
TILES = {
    "north-kazakhstan": (3, 0), "pavlodar": (5, 0),
    "west-kazakhstan": (0, 1), "kostanay": (2, 1), "akmola": (3, 1), "astana": (4, 1), "east-kazakhstan": (6, 1),
    "atyrau": (0, 2), "aktobe": (1, 2), "ulytau": (2, 2), "karaganda": (3, 2), "abai": (5, 2), "zhetisu": (6, 2),
    "mangystau": (0, 3), "kyzylorda": (2, 3), "turkistan": (3, 3), "zhambyl": (4, 3), "almaty-region": (5, 3),
    "shymkent": (3, 4), "almaty-city": (5, 4), "south-kazakhstan": (3, 3),
}


def regional_turnout_map(fig) -> None:
    """Tile-grid cartogram of turnout by region, one panel per national vote since 2019: the final
    figures where the package has one for every region, else the commission's latest report of the
    day (never a mix of the two)."""
    turnout = kzdata.load("regional_turnout")
    elections = kzdata.elections().set_index("election_id")
    recent = elections[(elections["date"] >= "2019-01-01")
                       & elections["type"].isin(["presidential", "majilis", "referendum"])].index
    votes = sorted(set(turnout["election_id"]) & set(recent), key=lambda e: elections.loc[e, "date"])
    names = kzdata.regions().set_index("region_id")["name_en"]
    columns = 3
    rows = max(1, -(-len(votes) // columns))
    norm = matplotlib.colors.Normalize(vmin=20, vmax=100)
    for number, election in enumerate(votes, start=1):
        ax = fig.add_subplot(rows, columns, number)
        reports = turnout[turnout["election_id"] == election]
        final = reports[reports["report"] == "final"]
        in_force = set(kzdata.regions(on=elections.loc[election, "date"].date())["region_id"])
        if in_force - {"abroad"} <= set(final["region_id"]):
            values, label = final.set_index("region_id")["turnout_pct"], "final"
        else:
            intraday = reports[reports["report"] == "intraday"]
            latest = intraday["as_of"].max()
            values = intraday[intraday["as_of"] == latest].set_index("region_id")["turnout_pct"]
            label = f"reported at {latest:%H:%M}, not final"
        for region, (x, y) in TILES.items():
            if region not in in_force:
                continue
            value = values.get(region)
            shown = value is not None and str(value) != "<NA>"
            colour = plt.cm.viridis(norm(float(value))) if shown else "0.9"
            ax.add_patch(plt.Rectangle((x, -y), 0.95, 0.95, color=colour))
            text = str(names.get(region, region))[:11] + (f"\n{float(value):.1f}" if shown else "")
            ax.text(x + 0.47, -y + 0.47, text, ha="center", va="center", fontsize=5,
                    color="white" if shown and float(value) < 60 else "black")
        ax.set(xlim=(-0.1, 7.1), ylim=(-4.1, 1.1))
        ax.set_title(f"{election}\nturnout % ({label})", fontsize=7)
        ax.set_axis_off()


FIGURES = {"majilis_enp": majilis_enp, "rules_in_force": rules_in_force, "majilis_seats": majilis_seats,
           "presidential_winner_share": winner_share,
           "party_thresholds": thresholds, "threats_by_category": threats, "hajj_quotas": hajj}


#: Figures that draw their own panels on the whole figure.
FULL_FIGURES = {"regional_turnout_map": regional_turnout_map}


def main(outdir: str | Path = "docs/figures") -> list[Path]:
    """Draw every figure into ``outdir``; returns the written paths."""
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, draw in FIGURES.items():
        fig, ax = plt.subplots(figsize=(9, 4.5))
        draw(ax)
        written.append(_save(fig, outdir / f"{name}.png"))
    for name, draw in FULL_FIGURES.items():
        if "regional_turnout" in kzdata.tables():
            fig = plt.figure(figsize=(10, 7))
            draw(fig)
            written.append(_save(fig, outdir / f"{name}.png"))
    return written


def _save(fig, path: Path) -> Path:
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


if __name__ == "__main__":
    for path in main(*sys.argv[1:2]):
        print(path)
