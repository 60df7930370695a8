"""Keep the init tests away from any credential in the developer's environment."""

from __future__ import annotations

import pytest
from init_support import CREDENTIAL_VARIABLES


@pytest.fixture(autouse=True)
def _no_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in CREDENTIAL_VARIABLES:
        monkeypatch.delenv(name, raising=False)
