"""Support incidents: a host's trouble reported by phone, email, monitoring or an inspection,
with a remote-response clock and an on-site clock that run on the site's calendar.

Modules: ``model`` (the incident, its states and clocks), ``clocks`` (due, time left and
breaches at any instant, pauses included), ``lifecycle`` (each step: open, respond, arrive,
wait, resume, resolve, assign), ``escalation`` (warned / breached as a clock runs out),
``auto`` (incidents opened from an inspection's findings), ``store`` (one YAML file each),
``render`` (text, JSON, Markdown listings).
"""
