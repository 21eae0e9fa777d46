"""Public pages, one module per page type; each answers as HTML, .json and .csv."""
