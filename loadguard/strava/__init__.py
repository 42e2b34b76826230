"""Strava: the API client and its source, sync, the token and the OAuth callback."""
