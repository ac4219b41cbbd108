"""Per-holder verifiable credentials: signed Open Badges 3.0 and Europass Digital Credentials.

Needs the ``credentials`` extra (``pip install 'rncpkit[credentials]'``): ``cryptography``
for keys and signatures, ``pyld`` for RDFC-1.0 canonicalisation, ``Pillow`` for the
rendered image every Europass credential carries::

    from rncpkit import credentials
    from rncpkit.credentials import keys

    keys.write_key("issuer.jwk", keys.generate())
    report = credentials.issue(
        "titulaires.csv", "badges/",
        credentials.IssueOptions(issuer_name="Le Cnam", certification="RNCP35080",
                                 key=keys.read_key("issuer.jwk")),
    )
    for problem in report.problems:      # every bad row; nothing written when any
        print(problem)
    print(credentials.verify("badges/cnam-movs-2025-001.json").ok)

Names are loaded on first use, so that :mod:`rncpkit.credentials.columns` (what
``credentials issue --help`` lists) is importable without the extra.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rncpkit._lazy import lazy_names

if TYPE_CHECKING:
    from rncpkit.credentials.issuing import IssueOptions, IssueReport, issue
    from rncpkit.credentials.verification import Verification, verify

_HOMES = {
    "IssueOptions": "issuing",
    "IssueReport": "issuing",
    "issue": "issuing",
    "Verification": "verification",
    "verify": "verification",
}


__getattr__ = lazy_names(__name__, _HOMES)

__all__ = ["IssueOptions", "IssueReport", "Verification", "issue", "verify"]
