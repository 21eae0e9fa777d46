import datetime as dt

import pytest

from camwatch.registry.charts import Series, step_chart

# No database: these run once, in the SQLite pass.
pytestmark = pytest.mark.nodb


def test_chart_draws_each_point_and_escapes_labels() -> None:
    svg = step_chart(
        Series("<script>x</script> NVRs", [(dt.date(2021, 1, 1), 6), (dt.date(2023, 6, 14), 27)])
    )
    assert svg.startswith("<svg")
    assert svg.endswith("</svg>")
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    assert svg.count("<circle") == 2
    assert ">27<" in svg
    assert ">6<" in svg
    assert "6 on 2021-01-01, 27 on 2023-06-14" in svg
