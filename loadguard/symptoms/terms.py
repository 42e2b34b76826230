"""The words a symptom is logged in: places, sides, sensations, timings, the intensity scale.

Standard library only and free of logic, so the symptom command's --help can list
them without loading the symptom engine.
"""

PLACES = ("heel", "arch", "ball of foot", "toes", "inner ankle", "calf", "other")
# The foot itself, where the plantar nerves run (the inner ankle is the tarsal tunnel);
# "foot" is the whole foot, as a note may say.
FOOT_PLACES = frozenset({"heel", "arch", "ball of foot", "toes", "inner ankle", "foot"})
SIDES = ("left", "right", "both")
KINDS = ("tingling", "numbness", "burning", "electric", "stabbing", "dull ache", "stiffness")
# Sensations that come from a nerve rather than a muscle or tendon.
NERVE_KINDS = frozenset({"tingling", "numbness", "burning", "electric"})
# When it shows: the pattern the triage wording reads.
TIMINGS = {
    "during": "during the run, growing with distance",
    "after": "after the run",
    "night": "at night",
    "morning": "first steps in the morning",
}
MAX_INTENSITY = 10
