"""A project laid out as the --workflow RFC describes: steps in actions, a factory in workflow."""
