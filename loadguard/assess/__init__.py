"""The engine: judges the days asked for with the rules and says what is news."""
