"""Spare parts and equipment lifecycle: the contract's promise of parts on hand within the
delivery time, and of equipment retired before it fails, replaced by equal or better.

Modules, one concern each: ``coverage`` (what each commitment requires per site, what stock
reaches there in time, the shortfall), ``lifecycle`` (warranties, end of life, the
retire-before list, replacements compared), ``movements`` (a part used or received: the check
and the one-line edit of ``inventory/spares.yaml``), ``findings`` (shortfalls and passed dates
as findings), ``records`` (the record documents), ``runs`` (the runs on the run skeleton),
``render`` (text, JSON, Markdown).
"""
