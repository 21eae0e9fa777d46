"""Findings: statistics with honest denominators, the claims ledger, consistency checks.

The engines here (stats, arithmetic, ledger, checks) are pure Python over plain records;
the Django side only gathers those records and shows the results. The findings room
holds no data of its own.
"""
