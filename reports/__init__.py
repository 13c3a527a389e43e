"""Reports for platform staff: dashboards, exports and the donor report.

A top layer: it reads every other app (through ``reports.queries``) and no
other app imports it.
"""
