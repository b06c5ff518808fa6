"""Members: invitations, roles in a circle, the participant directory, administration."""
