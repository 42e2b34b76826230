"""Symptoms: the runner's log, its terms, and the matcher for symptom words in run notes."""
