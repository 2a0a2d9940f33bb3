"""Pages of the procedures app; one module per page group."""
