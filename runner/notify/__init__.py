"""Telling people: who is told what (``routes``), the outbox kept in the archive (``outbox``),
messages a person can act on in the site's language (``messages``), and delivery through
Apprise after the commit (``deliver``, the one module that imports it).

The order, and why: a run that moves a finding or a clock turns its moves into events
(``events``), routes them to recipients and writes what it owes as an outbox document beside
its record, so the owed messages are committed with the change that caused them. Delivery
reads the archive (``pending``: owed minus delivered), sends, and records what was delivered
or failed (with the reason) as a document of its own run: a rerun or another clone reads the
same archive and sends nothing twice; a failure stays owed and the next delivery retries it.
"""
