"""The typer skin: one small module per command; heavy imports happen inside the command."""
