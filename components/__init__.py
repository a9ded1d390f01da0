"""Reusable Streamlit pieces shared by the pages.

* ``components.layout`` — page title and CSS, KPI cards, 万元/百分比 formatting,
  the cached engine, navigation, first-run sample loading;
* ``components.export`` — a chart or table with its source line and
  PNG/SVG (kaleido) or Excel/CSV downloads;
* ``components.filters`` — agency / year / kind selectors.
"""
