"""Open Badges 3.0 ``Achievement`` definitions: one per fiche and one per competence block.

The output is a JSON array of self-contained JSON-LD ``Achievement`` objects (each with the
OB 3.0.3 context), ready to be placed in an ``OpenBadgeCredential``'s
``credentialSubject.achievement``. A fiche's achievement lists its blocks in ``related`` and
each block points back to it. Ids are the URIs of the ``europass-xml`` output, so a badge and
its LOQ qualification share one identity. EQF is aligned only when known (``--eqf-level``
supplies it for RS fiches); nothing here is mandatory that RNCP lacks.
"""

from __future__ import annotations

from typing import IO, Any

from rncpkit import jsonwrite
from rncpkit.errors import OutputError
from rncpkit.europass import vocab
from rncpkit.europass.graph import Uris, is_url, split_items, warn_placeholder
from rncpkit.formats.base import Format, WriteOptions
from rncpkit.model import Certification, Certifier, CompetenceBlock, Repertoire
from rncpkit.supplement import registration

__all__ = [
    "FORMAT",
    "OB_CONTEXT",
    "Badges",
    "OpenBadgesWriter",
    "achievements",
    "markdown",
]

OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
EQF_FRAMEWORK = "European Qualifications Framework (EQF)"
ROME_FRAMEWORK = "ROME (Répertoire opérationnel des métiers et des emplois, France Travail)"
NSF_FRAMEWORK = "NSF (Nomenclature des spécialités de formation)"

Node = dict[str, Any]

_encode = jsonwrite.encoder()
"""One encoder for every node (see :mod:`rncpkit.jsonwrite`)."""


def _alignment(
    name: str, url: str, framework: str, code: str, kind: str, description: str | None = None
) -> Node:
    node: Node = {
        "type": ["Alignment"],
        "targetName": name,
        "targetUrl": url,
        "targetFramework": framework,
        "targetCode": code,
        "targetType": kind,
    }
    if description:
        node["targetDescription"] = description
    return node


def _profile(certifier: Certifier, uris: Uris) -> Node:
    profile: Node = {
        "id": uris.organisation(certifier),
        "type": ["Profile"],
        "name": certifier.name,
    }
    if is_url(certifier.website):
        profile["url"] = certifier.website
    if certifier.siret:
        profile["otherIdentifier"] = _identifiers(certifier.siret, "ext:SIRET")
    return profile


def _identifiers(identifier: str, identifier_type: str) -> list[Node]:
    """``otherIdentifier``: one ``IdentifierEntry``."""
    return [
        {"type": "IdentifierEntry", "identifier": identifier, "identifierType": identifier_type}
    ]


def _related(uri: str) -> Node:
    """A ``related`` entry: another achievement of the same fiche, in French."""
    return {"id": uri, "type": ["Related"], "inLanguage": "fr"}


def markdown(text: str) -> str:
    """An RNCP list text (line breaks flattened into runs of spaces) as a Markdown list."""
    items = split_items(text)
    if len(items) < 2:
        return text.strip()
    return "\n".join(f"- {item}" for item in items)


def _criteria(cert: Certification, homepage: str, assessments: list[str]) -> Node:
    """The assessment methods as Markdown: the fiche's, then each block's (``assessments``:
    each block's methods as Markdown, made once for this and for the block's badge)."""
    sections = []
    if cert.certification_prerequisites:
        text = markdown(cert.certification_prerequisites)
        sections.append(f"## Modalités de validation\n\n{text}")
    for block, text in zip(cert.blocks, assessments, strict=True):
        if block.assessment_methods:
            sections.append(f"## {block.code} — {block.label}\n\n{text}")
    narrative = "\n\n".join(sections) or f"Voir les modalités de certification : {homepage}"
    return {"id": homepage, "narrative": narrative}


class Badges:
    """Maps certifications to Achievement nodes with one set of options."""

    def __init__(self, options: WriteOptions) -> None:
        self.uris = Uris(options.base_uri)
        self.eqf_default = options.eqf_level

    def alignments(self, cert: Certification) -> list[Node]:
        nodes: list[Node] = []
        level = cert.eqf_level if cert.eqf_level is not None else self.eqf_default
        if level is not None:
            eqf = vocab.eqf(level)
            # An RS fiche has no level by nature: an EQF level given for it (--eqf-level)
            # is the publisher's statement, and the badge says so.
            note = (
                f"{registration.level_absence(cert, 'fr')} Niveau déclaré par l’éditeur de "
                "ce badge, non par France compétences."
                if cert.eqf_level is None and cert.repertoire is Repertoire.RS
                else None
            )
            nodes.append(
                _alignment(eqf.label_en, eqf.uri, EQF_FRAMEWORK, str(level), "ext:EQF", note)
            )
        for rome in cert.rome:
            nodes.append(
                _alignment(
                    rome.label or rome.code,
                    self.uris.concept("rome", rome.code),
                    ROME_FRAMEWORK,
                    rome.code,
                    "ext:ROME",
                )
            )
        for nsf in cert.nsf:
            nodes.append(
                _alignment(
                    nsf.label or nsf.code,
                    self.uris.concept("nsf", nsf.code),
                    NSF_FRAMEWORK,
                    nsf.code,
                    "ext:NSF",
                )
            )
        return nodes

    def achievements(self, cert: Certification) -> list[Node]:
        """The fiche's achievement, then one per block."""
        uris = self.uris
        fiche_id = uris.fiche(cert.number)
        homepage = cert.page_url
        creator = _profile(cert.certifiers[0], uris) if cert.certifiers else None
        alignments = self.alignments(cert)
        assessments = [markdown(block.assessment_methods or "") for block in cert.blocks]
        main: Node = {
            "@context": OB_CONTEXT,
            "id": fiche_id,
            "type": ["Achievement"],
            "achievementType": "Certification",
            "name": cert.title,
            "description": cert.objectives or cert.attested_skills or cert.title,
            "criteria": _criteria(cert, homepage, assessments),
            "humanCode": cert.number,
            "otherIdentifier": _identifiers(cert.number, "identifier"),
            "inLanguage": "fr",
        }
        if creator is not None:
            main["creator"] = creator
        if cert.nsf:
            main["fieldOfStudy"] = ", ".join(n.label or n.code for n in cert.nsf)
        if cert.abbreviation is not None:
            main["tag"] = [cert.abbreviation.code]
        if alignments:
            main["alignment"] = alignments
        if cert.blocks:
            main["related"] = [_related(uris.fiche(b.code)) for b in cert.blocks]
        return [
            main,
            *(
                self.block(cert, block, creator, alignments, assessment)
                for block, assessment in zip(cert.blocks, assessments, strict=True)
            ),
        ]

    def block(
        self,
        cert: Certification,
        block: CompetenceBlock,
        creator: Node | None,
        alignments: list[Node],
        assessment: str,
    ) -> Node:
        """A block's badge; ``assessment``: its assessment methods as Markdown (made once
        for this badge and the fiche's criteria)."""
        node: Node = {
            "@context": OB_CONTEXT,
            "id": self.uris.fiche(block.code),
            "type": ["Achievement"],
            "achievementType": "Competency",
            "name": block.label,
            "description": markdown(block.competences or "") or block.label,
            "criteria": {
                "narrative": assessment
                or f"Évaluation du bloc {block.code} de la certification {cert.number}"
            },
            "humanCode": block.code,
            "otherIdentifier": _identifiers(block.code, "identifier"),
            "inLanguage": "fr",
            "related": [_related(self.uris.fiche(cert.number))],
        }
        if creator is not None:
            node["creator"] = creator
        eqf = [a for a in alignments if a["targetType"] == "ext:EQF"]
        if eqf:
            node["alignment"] = eqf
        return node


def achievements(certification: Certification, options: WriteOptions | None = None) -> list[Node]:
    """The Achievement dicts of one fiche: the fiche's first, then one per block (public,
    stable: the credentials build ``OpenBadgeCredential`` subjects from them).

    For many fiches, build one :class:`Badges` and call :meth:`Badges.achievements`.
    """
    return Badges(options or WriteOptions()).achievements(certification)


class OpenBadgesWriter:
    """Streams a JSON array of Achievement objects."""

    def __init__(self, stream: IO[bytes], options: WriteOptions) -> None:
        warn_placeholder(options.base_uri, "openbadges")
        self._stream = stream
        self._badges = Badges(options)
        self._count = 0

    def write(self, certification: Certification) -> None:
        text = ",\n".join(_encode(node) for node in self._badges.achievements(certification))
        try:
            data = text.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise OutputError(
                f"cannot be written as UTF-8 JSON: {exc.reason}", fiche=certification.number
            ) from None
        self._stream.write((b",\n" if self._count else b"[\n") + data)
        self._count += 1

    def close(self) -> None:
        self._stream.write(b"\n]\n" if self._count else b"[]\n")


FORMAT = Format(
    name="openbadges",
    description="Open Badges 3.0 Achievements (JSON-LD array): one per fiche and per block",
    extensions=(".json",),
    writer=OpenBadgesWriter,
)
