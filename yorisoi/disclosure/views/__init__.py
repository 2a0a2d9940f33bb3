"""Pages of the disclosure app, one module per area; urls.py names them."""
