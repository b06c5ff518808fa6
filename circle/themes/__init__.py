"""Theme prioritisation in the opening phase: proposals and dot voting."""
