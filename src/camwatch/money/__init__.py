"""Follow the money: contracts, suppliers and integrators, councils' spending and the
bodies' stated policies on vendors of concern.

The readers and rules (ocds, spend, classify, matching, currency) are pure libraries;
models, importers and views are the Django app around them.
"""
