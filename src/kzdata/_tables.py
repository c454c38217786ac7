"""The package's table names, generated from datapackage.json by `kzdata fmt`; do not edit."""

from typing import Literal, get_args

TableName = Literal[
    "sources",
    "elections",
    "election_results",
    "parties",
    "party_events",
    "people",
    "laws",
    "electoral_rules",
    "threats",
    "threat_counts",
    "hajj_quotas",
    "regions",
    "region_events",
    "regional_turnout",
    "regional_results",
    "citations",
]
TABLES: tuple[TableName, ...] = get_args(TableName)
