"""Sightings: cameras and warning signs seen in public space, OpenStreetMap in and out,
and the spatial checks. `spatial.py` and `osm.py` are pure libraries (no Django)."""
