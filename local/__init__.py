"""The embedded local runtime: the whole marketplace on one machine (see DESIGN.md, "Local runtime")."""
