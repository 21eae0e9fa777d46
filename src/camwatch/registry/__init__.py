"""The evidence registry: public bodies, vendors, device models, holdings, sources,
investigations and their claims."""
