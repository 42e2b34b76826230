"""One module per `loadguard` command; heavy imports stay inside the functions."""
