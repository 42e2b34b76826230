"""The one place for the built-in rules' titles, advice and references.

Advice is written from the prevention guidance in the project's ADVICE notes:
change volume and terrain gradually, track and rotate shoes, and stop when the
foot sends nerve signals. The wording is loadguard's own.
"""

from __future__ import annotations

DISCLAIMER = (
    "loadguard is not medical advice. Tingling, numbness or burning in the foot "
    "means stop running and have a professional look."
)

# Shown once, by the digest, whenever a week raised any warning.
CHECKLIST = (
    "Calves: stretch them after runs, a minute each side, several times a week.",
    "Arches: roll the sole over a ball for a couple of minutes on rest days.",
    "Feet and ankles: short toe-curl, heel-raise and single-leg balance sets, twice a week.",
    "Stride: if you land far ahead of your hips, try a slightly quicker, shorter step.",
    "Listen: tingling, numbness or burning along the arch, heel or toes is a reason to stop, "
    "not to push through; pain that lingers at night or for more than a couple of weeks "
    "deserves a podiatrist's or sports physician's look.",
)

# Shown by the digest beside a week with symptoms: mobility and nerve gliding, as
# a routine to discuss with a professional, not a treatment plan.
SYMPTOM_CHECKLIST = (
    "Calves stretched, arches rolled, feet and ankles strengthened.",
    "Nerve gliding, shown by a physiotherapist (a 2019 trial: 41% clearly better in 4 weeks).",
    "If it persists: a podiatrist or sports physician.",
)

# What a recorded pattern is often associated with. Worded as an association,
# never a diagnosis: only a professional's examination can tell.
TRIAGE = {
    "nerve": ("Pain that grows the longer you run, or that lingers at night, is often associated with "
              "an irritated nerve rather than the plantar fascia; say so when you have it looked at."),
    "fascia": ("Pain worst on the first steps in the morning that eases once you are warm is often "
               "associated with the plantar fascia; nerve irritation can look similar, so have it "
               "looked at if it persists."),
}
TRIAGE_BY_TIMING = {"during": "nerve", "night": "nerve", "morning": "fascia"}

# The digest's heading over each family of rules, saying in plain words what the
# family watched; a runner should never have to read a rule id to follow the page.
FAMILY_HEADINGS = {
    "volume": "How much you ran",
    "terrain": "Where you ran",
    "shoes": "Your shoes",
    "symptoms": "What your feet told you",
    "stride": "How you stepped",
}

GABBETT = "Gabbett 2016, Br J Sports Med 50:273 (acute:chronic workload ratio)"
NIELSEN = "Nielsen et al. 2014, J Orthop Sports Phys Ther 44:739 (>30% weekly increases, novice runners)"
WILLIAMS = "Williams et al. 2017, Br J Sports Med 51:209 (EWMA workload ratio)"
IMPELLIZZERI = "Impellizzeri et al. 2020, Int J Sports Physiol Perform 15:907 (limits of the ratio)"
FRANDSEN = "Frandsen et al. 2025, Br J Sports Med 59:1203 (single-session spikes, 5,205 runners)"
HEIDERSCHEIT = ("Heiderscheit et al. 2011, Med Sci Sports Exerc 43:296 (lab: 5-10% more steps, less "
                "knee and hip load; no injury data)")
ENTRAPMENT = ("Prevention guidance on plantar nerve entrapment: in one review nearly 30% of 62 runners "
              "with chronic plantar pain had an entrapped nerve, often taken for plantar fasciitis")
MALISOUX = "Malisoux et al. 2015, Scand J Med Sci Sports 25:110 (shoe rotation and injury risk)"


class Rule:
    """Title, advice and reference of one built-in rule."""

    def __init__(self, title: str, advice: str, reference: str):
        self.title = title
        self.advice = advice
        self.reference = reference


RULES: dict[str, Rule] = {
    "volume.weekly_load": Rule(
        title="Weekly distance well above your recent weeks",
        advice=(
            "Treat this as a caution band, not a verdict: hold next week at or a little below "
            "this one instead of adding more, keep most runs easy, and let a rest day follow "
            "the longest run. Build back up in small steps once it feels routine."
        ),
        reference=(f"{GABBETT}; {NIELSEN}. Caveat: {FRANDSEN} found no link between weekly ratios "
                   f"and injury in runners; see also {IMPELLIZZERI}"),
    ),
    "volume.comeback": Rule(
        title="First week back after a break is already big",
        advice=(
            "As a precaution after two weeks or more off, treat your legs and feet as less "
            "used to the load than your fitness suggests. Keep the first week back to about "
            "half of what you ran before the break, run on alternate days, and add distance "
            "over several weeks rather than in one go."
        ),
        reference=f"{GABBETT}; {NIELSEN}",
    ),
    "volume.long_run_spike": Rule(
        title="A run much longer than anything in the past month",
        advice=(
            "Single long runs well beyond your recent longest carry the clearest injury signal "
            "in runners. Take the next days easy, and grow the long run in modest steps, "
            "keeping each one close to the longest of the previous month."
        ),
        reference=FRANDSEN,
    ),
    "terrain.trail_switch": Rule(
        title="Sudden move to trail",
        advice=(
            "Uneven ground loads the foot and ankle in ways road running never trained. "
            "Mix trail into road weeks a run at a time, keep trail runs shorter and slower "
            "at first, and pick shoes that fit well and hold the foot on rough ground."
        ),
        reference="Running-injury prevention guidance: ease into changes of terrain",
    ),
    "terrain.climb_jump": Rule(
        title="Much more climbing than usual",
        advice=(
            "Steep ground works the calves, Achilles and arches harder than flat running. "
            "Add hills gradually, walk the steepest pitches, and give the calves some "
            "stretching and rest afterwards."
        ),
        reference="Running-injury prevention guidance: hills load the foot and calf like trail",
    ),
    "shoes.mileage": Rule(
        title="Shoe near or past its life",
        advice=(
            "A worn midsole cushions less and lets the foot move more. Plan the replacement "
            "before the pair is done, break the new pair in alongside the old one, and look "
            "for a roomy toe box, a cushioned midsole and support that suits your arch."
        ),
        reference="Common shoe-life guidance of 500-800 km; set your own limit per shoe in config.toml "
                  "or with `loadguard shoes set-limit`",
    ),
    "shoes.age": Rule(
        title="Shoe past the age you set",
        advice=(
            "Midsole foam stiffens and cushions less with time, even in a pair that ran little. "
            "Press the midsole and compare it with a new pair; replace it if it feels hard or "
            "creased, and break the new pair in alongside the old one."
        ),
        reference="Mechanical tests show midsole foams losing cushioning with use and age; no study ties a "
                  "shoe's age to injury (see the README)",
    ),
    "shoes.rotation": Rule(
        title="One pair carries almost all the running",
        advice=(
            "Alternating two or more pairs, ideally of different models, varies how the foot "
            "is loaded from run to run. Bring a second pair into the week, for example for "
            "easy or short runs."
        ),
        reference=MALISOUX,
    ),
    "shoes.untracked": Rule(
        title="Many runs without a shoe",
        advice=(
            "Runs without a shoe can't count toward its wear. Name the pair of those runs with "
            "`loadguard shoes assign PAIR --from DAY --to DAY --only-unassigned`, and give new runs "
            "one: `loadguard shoes default PAIR --from DAY` (or a default shoe on Strava)."
        ),
        reference="Shoe wear can only be tracked when runs name their shoe",
    ),
    "symptoms.nerve": Rule(
        title="Nerve-type symptom in the foot",
        advice=(
            "Do not run through tingling, numbness, burning or electric jolts in the foot: pause "
            "running, or keep it short and easy only if nothing comes back, and have it looked at "
            "by a podiatrist or sports physician, whatever your training looks like. Persisting "
            "nerve symptoms deserve an examination, not a training plan."
        ),
        reference=ENTRAPMENT,
    ),
    "symptoms.after_load": Rule(
        title="Symptom after a jump in load",
        advice=(
            "What came before a symptom is worth telling whoever examines it. Until then take the "
            "load back below the jump, keep runs easy and on familiar ground, and add again only "
            "once you have been free of symptoms for a while."
        ),
        reference=f"{FRANDSEN}; {NIELSEN}",
    ),
    "symptoms.notes": Rule(
        title="Symptom mentioned in your notes",
        advice=(
            "loadguard found these words in your own notes and knows nothing more than the words. "
            "If they describe your foot or leg, log it with `loadguard symptom add` so the rules can "
            "weigh it, and never run through tingling, numbness or burning."
        ),
        reference=ENTRAPMENT,
    ),
    "stride.cadence": Rule(
        title="Step rate below your usual",
        advice=(
            "A low step rate often means a long stride landing ahead of the hips, loading heel and "
            "arch: try a slightly shorter, quicker step (5-10% more steps a minute), easy runs first."
        ),
        reference=HEIDERSCHEIT,
    ),
}


# shoes.untracked for a runner no pair is known of at all (activity files only): what
# to type, once.
NO_PAIR_YET = Rule(
    title="Your runs have no shoe",
    advice=(
        "Tell loadguard which pair you run in and it counts their wear from then on: "
        "`loadguard shoes add \"Pegasus 41\" --default --from 2026-01-01` (your pair's name, and the "
        "day you started running in it). Each run from that day without a pair is counted on it; "
        "`loadguard shoes assign` names another pair for single runs."
    ),
    reference="Shoe wear can only be tracked when runs name their shoe",
)


# A race that is also the month's longest run by far: planned, so no alarm, but the
# legs still took a load they were not used to.
RACE_RECOVERY = Rule(
    title="Race recovery",
    advice=(
        "A race asks more of legs and feet than training does, the more so when it is longer "
        "than anything of the past month. Keep the next days easy or off, come back with short "
        "easy runs, and hold off on speed work and long runs until the legs feel fresh."
    ),
    reference=FRANDSEN,
)

# What `ahead` and `plan check` lines are, said under them.
LINES_NOTE = (
    "These lines are where loadguard's rules would start to speak, drawn from studies of many "
    "runners and your own history: population evidence, not a personal prescription. Staying "
    "under them does not make a run safe, and crossing one is not an injury."
)
# How `ahead` spreads the days' total, said beside it.
SPREAD_NOTE = (
    "assuming it is spread evenly over the days, a run each day; more of it early fills the "
    "first days' 7-day windows sooner. The one-run line still caps each run."
)
# Said beside a total over more than a week.
LATER_WEEKS_NOTE = "Past the first week, each day's weekly base holds the running of the days before it."
