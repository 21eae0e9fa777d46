"""Network audit: which devices on a network come from vendors of concern.

A pure library (no Django): readers turn scans and inventories into observations,
fingerprint rules (data files under camwatch/data/fingerprints/) turn observations into
evidence, fusion turns a host's evidence into one identified device, and CVE rules add
the known vulnerabilities. `camwatch.netaudit.loading` is the thin Django layer that
attaches results to a body as holdings.
"""
