"""Texts of the first visit: the product's name and the loop it tracks."""

EN = {
    "welcome.product": "Launch & Learn",
    "welcome.tagline": "Run every campaign as a loop, and let each turn make the next one better.",
    "welcome.step.start": "Start",
    "welcome.step.campaign": "Campaign",
    "welcome.step.feedback": "Feedback",
    "welcome.step.optimization": "Optimization",
    "welcome.step.next_start": "Next start",
    "welcome.center": "one cycle",
    "welcome.explain": "Start: write the brief and the goal. Campaign: run it and import the platforms' exports. Feedback: record what people said. Optimization: decide what changes and which learnings carry forward. Next start: the next cycle begins with them, and is compared with this one.",
}

DE = {
    "welcome.product": "Launch & Learn",
    "welcome.tagline": "Jede Kampagne als Schleife: Jede Runde macht die nächste besser.",
    "welcome.step.start": "Start",
    "welcome.step.campaign": "Kampagne",
    "welcome.step.feedback": "Feedback",
    "welcome.step.optimization": "Optimierung",
    "welcome.step.next_start": "Nächster Start",
    "welcome.center": "ein Zyklus",
    "welcome.explain": "Start: Briefing und Ziel festhalten. Kampagne: ausspielen und die Exporte der Plattformen importieren. Feedback: festhalten, was Menschen sagen. Optimierung: entscheiden, was sich ändert und welche Learnings mitgehen. Nächster Start: Der nächste Zyklus beginnt damit und wird mit diesem verglichen.",
}
