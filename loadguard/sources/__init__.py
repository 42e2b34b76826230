"""Where activities come from: Strava's API (`sync`) and Strava's bulk export (`import`).

A source reads and validates; only the command that called it writes to the store.
"""
