"""The customer's monthly report and next month's work plan (``patrol report``).

Computed from the archive alone (run records, findings, the estate as committed, Git history
through ``runner.archive``), never from the live fleet; same archive, same bytes.

Modules: ``period`` (a month: its bounds, days, weeks), ``sources`` (what the archive holds
for a month, read once), one module per section (``glance``, ``inspections``, ``findings``,
``waivers``, ``assessment``, ``incidents``, ``upgrades``, ``spares``, ``audit``,
``workplan``), ``model`` (the whole report as plain data), ``charts`` (SVG geometry from that
data), ``i18n`` (message catalogues, locale dates and numbers) and ``render`` (jinja2
templates in ``templates/``, one per format). Templates never compute; Python never styles.
"""
