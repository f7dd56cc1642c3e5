"""twitter-text-parser, loaded without ``pkg_resources``.

The library reads one file of its own at import, its emoji list, through
``pkg_resources.resource_string``. It does not declare the dependency; importing ``pkg_resources`` scans
every installed distribution and keeps what it found, with the vendored packages it brings, for the life
of the process (17 MB imported alone, about 3 MB in the app, which loads much of the rest anyway), and
setuptools is dropping it.

So the library is imported with a stand-in that answers that one call from the standard library's
``importlib.resources``. The stand-in is in ``sys.modules`` only while that import runs, once, when the
planner's modules are first loaded; where the real ``pkg_resources`` is already loaded, it is used as it is.
"""

from __future__ import annotations

import sys
import types
from importlib import resources


def _resource_string(module: str, name: str) -> bytes:
    """A file beside a module, as pkg_resources gives it (it takes a module's name as well as a package's)."""
    return resources.files(sys.modules[module].__spec__.parent).joinpath(name).read_bytes()


def _stand_in() -> types.ModuleType:
    module = types.ModuleType("pkg_resources", "Stand-in while twitter_text is imported (planner.twitter_library).")
    module.resource_string = _resource_string  # type: ignore[attr-defined]
    return module


def _import() -> None:
    """Runs once, under the import lock of this module."""
    if "twitter_text" in sys.modules or "pkg_resources" in sys.modules:
        return  # already loaded, or the real pkg_resources serves it below
    sys.modules["pkg_resources"] = _stand_in()
    try:
        import twitter_text  # noqa: F401
    finally:
        del sys.modules["pkg_resources"]


_import()

from twitter_text import extract_urls_with_indices, parse_tweet  # noqa: E402
from twitter_text.has_invalid_characters import has_invalid_characters  # noqa: E402

__all__ = ["extract_urls_with_indices", "has_invalid_characters", "parse_tweet"]
