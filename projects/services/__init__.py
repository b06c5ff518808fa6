"""Services of the projects area, one module per concept."""
