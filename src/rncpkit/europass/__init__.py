"""Europass: RNCP fiches as ELM 3 qualifications (LOQ XML, JSON-LD) and Open Badges 3.0.

:mod:`~rncpkit.europass.graph` maps a certification to the format-neutral LOQ graph that the
``europass-xml`` and ``europass-jsonld`` formats serialise; :mod:`~rncpkit.europass.vocab`
holds the controlled-vocabulary URIs and :mod:`~rncpkit.europass.isced` the NSF → ISCED-F
crosswalk.
"""

from rncpkit.europass.graph import DEFAULT_BASE_URI, Builder, Graph, split_items
from rncpkit.europass.isced import NSF_TO_ISCED, Crosswalk

__all__ = ["DEFAULT_BASE_URI", "NSF_TO_ISCED", "Builder", "Crosswalk", "Graph", "split_items"]
