"""Package names loaded on first use (:mod:`rncpkit._lazy`): the register and the
credentials packages, importable without importing what they would load."""

from __future__ import annotations

import subprocess
import sys

import pytest


def test_lazy_names_load_their_module_on_first_use() -> None:
    pytest.importorskip("cryptography")
    pytest.importorskip("pyld")
    pytest.importorskip("PIL")
    code = (
        "import sys, rncpkit.credentials as c; "
        "assert 'rncpkit.credentials.verification' not in sys.modules; "
        "assert c.verify.__module__ == 'rncpkit.credentials.verification'; "
        "assert 'rncpkit.credentials.verification' in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
    import rncpkit.register

    assert rncpkit.register.SearchHit.__module__ == "rncpkit.register.results"


def test_unknown_names_are_attribute_errors() -> None:
    import rncpkit.register

    with pytest.raises(AttributeError, match=r"module 'rncpkit\.register' has no attribute 'Nope'"):
        rncpkit.register.Nope  # noqa: B018
    assert not hasattr(rncpkit.register, "ingest_everything")


def test_credentials_columns_import_without_the_extra() -> None:
    """What ``credentials issue --help`` lists is read without cryptography, pyld, PIL."""
    code = (
        "import sys, rncpkit.credentials.columns, rncpkit.credentials as c; "
        "assert not {'cryptography', 'pyld', 'PIL'} & set(sys.modules); "
        "assert {x.name for x in rncpkit.credentials.columns.COLUMNS} == "
        "{'email', 'credential_id', 'blocs'}; "
        "assert 'issue' in c.__all__"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_credentials_names_resolve() -> None:
    pytest.importorskip("cryptography")
    pytest.importorskip("pyld")
    pytest.importorskip("PIL")
    import rncpkit.credentials as credentials
    from rncpkit.credentials.issuing import issue
    from rncpkit.credentials.verification import verify

    assert credentials.issue is issue and credentials.verify is verify
    with pytest.raises(AttributeError, match=r"'rncpkit\.credentials' has no attribute"):
        credentials.sign  # noqa: B018
