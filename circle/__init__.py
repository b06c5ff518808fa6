"""The core: circles, units, members and roles, auth, text pipeline, mail."""
