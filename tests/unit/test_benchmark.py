"""The benchmark's memory figure: measured with the installed libraries read from disk, whenever pip ran."""

from benchmarks.run import _shared_libraries
from tests.conftest import in_a_fresh_process


def test_the_benchmark_drops_the_cached_pages_of_the_libraries_the_serving_process_maps():
    names = {path.name for path in _shared_libraries()}
    assert any(name.startswith("libarrow.so") for name in names), "pyarrow's library is not in the list"
    assert any(name.startswith("_multiarray_umath") for name in names), "numpy's is not"
    assert any(name.startswith("_pydantic_core") for name in names), "pydantic's is not"


def test_the_process_that_drops_them_maps_none_of_them_itself():
    """The kernel keeps the pages some process maps: the benchmark's own process must not load these."""
    script = (
        "import sys\n"
        "import benchmarks.run\n"
        "print(sorted(m for m in ('pyarrow', 'pandas', 'numpy', 'pydantic_core', 'streamlit') if m in sys.modules))\n"
    )
    assert in_a_fresh_process(script) == "[]"
