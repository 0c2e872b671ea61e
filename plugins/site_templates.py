"""Site templates and the starter pages of their sections (issue #5).

A new plan need not start blank: "my one-page profile" (small), "full person-centred
plan" and "EHC plan aligned" (sections A to K). Starter pages ask in plain words and,
where a person-centred tool fits, hold its block, so "Edit with a form" works at once.
"""

from __future__ import annotations

from datetime import date

from wiki.plugin_api import (
    STANDARD_SECTIONS,
    SectionTemplate,
    SiteTemplate,
    StarterPage,
    hookimpl,
)


def _budget_year(today: date | None = None) -> str:
    today = today or date.today()
    start = today.year if today.month >= 4 else today.year - 1
    return f"April {start} to March {start + 1}"


def _block(name: str, text: str = "") -> str:
    return f"```{name}\n{text}```\n"


ABOUT_ME = SectionTemplate(
    "one-page-profile",
    "About me",
    [
        StarterPage(
            "one-page-profile",
            "My one-page profile",
            "Everything someone new needs to know about me, on one page. Press **Edit the one-page profile"
            " with a form** to fill it in, one thing on each line.\n\n"
            + _block("one-page-profile"),
        ),
        StarterPage(
            "communication-passport",
            "My communication passport",
            "How I communicate, and how to understand me. For each thing: when I do or say this, it usually"
            " means this, please do this.\n\n" + _block("communication-passport"),
        ),
        StarterPage(
            "good-day-bad-day",
            "A good day and a bad day",
            "What makes a good day, what makes a bad day, and what helps turn a bad day round.\n\n"
            + _block("good-day-bad-day"),
        ),
        StarterPage(
            "important-to-and-for",
            "Important to me and important for me",
            "What matters to me, in my words, and what keeps me healthy and safe. Then how we make both"
            " work.\n\n" + _block("important-to-for"),
        ),
    ],
)

CIRCLE = SectionTemplate(
    "circle",
    "Circle of support",
    [
        StarterPage(
            "circle-of-support",
            "My circle of support",
            "The people in my life, from the closest outwards. Add each person with the form: their name,"
            " who they are to me, which circle they are in and how they help.\n\n"
            + _block("circle"),
        ),
        StarterPage(
            "real-wealth",
            "Our real wealth",
            "What we already have, before we ask anyone for anything: people, places we can use, skills,"
            " things we own, and what keeps us going.\n\n" + _block("real-wealth"),
        ),
    ],
)

OUTCOMES = SectionTemplate(
    "outcomes",
    "Outcomes",
    [
        StarterPage(
            "my-path",
            "My dreams and goals (PATH)",
            "Start with the dream, then a goal for about a year from now, where I am now, who will help"
            " and the first steps.\n\n" + _block("path"),
        ),
        StarterPage(
            "my-outcomes",
            "My outcomes",
            "An outcome is something I want, written as I would say it, starting with “I”, with a date:"
            " “I can get the bus to college on my own, by September”.\n\n"
            "A service is not an outcome: speech therapy or travel training is a *solution*, listed as a step"
            " under the outcome, with who does it and what it costs (it may cost nothing).\n\n"
            "Press **Add a block** and choose **Outcome** to add one. The outcomes board shows them all.\n",
        ),
    ],
)

BUDGET = SectionTemplate(
    "budget",
    "Personal budget",
    [
        StarterPage(
            "personal-budget",
            "My personal budget",
            "How much money there is, where it comes from (education, health, social care), how it is"
            " managed, what we plan to spend it on, and what has been paid. Link every spend line to an"
            " outcome.\n\n" + _block("budget", f"period: {_budget_year()}\n"),
        ),
    ],
)

HEALTH = SectionTemplate(
    "health",
    "Health",
    [
        StarterPage(
            "my-health",
            "My health",
            "## My conditions\n\nWhat they are, in my words.\n\n## My medicines\n\nWhat, how much, when, and who"
            " gives them.\n\n## Allergies\n\n## Who looks after my health\n",
        ),
    ],
)

EDUCATION = SectionTemplate(
    "education",
    "Education",
    [
        StarterPage(
            "school-and-support",
            "My school and the support I get",
            "## My school or college\n\n## The support I get in class\n\n## What I want teachers to know\n",
        ),
    ],
)

SOCIAL_CARE = SectionTemplate(
    "social-care",
    "Social care",
    [
        StarterPage(
            "social-care-needs",
            "My social care needs",
            "What help I need at home, out and about, and to see my friends, and who gives it.\n",
        ),
    ],
)

PROVISION = SectionTemplate(
    "provision",
    "The help I get",
    [
        StarterPage(
            "help-i-get",
            "The help I get",
            "The help written into my EHC plan: education (F), health (G) and social care (H). Steps under"
            " each outcome that say which kind of help they are are shown in the EHC plan view too.\n\n"
            "## Education (F)\n\n## Health (G)\n\n## Social care (H)\n",
        ),
    ],
)

PLACEMENT = SectionTemplate(
    "placement",
    "School or college",
    [
        StarterPage(
            "my-school-or-college",
            "My school or college",
            "The name of my school or college, and the kind of place it is.\n",
        )
    ],
)

ADVICE = SectionTemplate(
    "advice",
    "Advice and information",
    [
        StarterPage(
            "advice-gathered",
            "Advice and information gathered",
            "Each report or piece of advice, who gave it and when.\n",
        )
    ],
)

SECTION_TEMPLATES = [
    ABOUT_ME,
    CIRCLE,
    OUTCOMES,
    BUDGET,
    HEALTH,
    EDUCATION,
    SOCIAL_CARE,
    PROVISION,
    PLACEMENT,
    ADVICE,
]

SITE_TEMPLATES = [
    SiteTemplate(
        "one-page-profile",
        "My one-page profile",
        "Small: a one-page profile, my communication passport and my circle of support. Add more later.",
        STANDARD_SECTIONS[:2],  # about me, and the circle of support
    ),
    SiteTemplate(
        "person-centred-plan",
        "Full person-centred plan",
        "Everything: about me, my circle, dreams and outcomes, my personal budget, health, education,"
        " reviews and a handover page.",
        list(STANDARD_SECTIONS),  # the core's one list, not a copy of it (issue #25)
    ),
    SiteTemplate(
        "ehc-plan",
        "EHC plan aligned",
        "Sections that follow an Education, Health and Care plan, A to K, with my own words first.",
        [
            ("about-me", "A. About me: my views, interests and hopes", "one-page-profile"),
            ("circle", "My circle of support", "circle"),
            ("education", "B. My special educational needs", "education"),
            ("health", "C. My health needs", "health"),
            ("social-care", "D. My social care needs", "social-care"),
            ("outcomes", "E. My outcomes", "outcomes"),
            ("provision", "F, G and H. The help I get", "provision"),
            ("school-or-college", "I. My school or college", "placement"),
            ("budget", "J. My personal budget", "budget"),
            ("advice", "K. Advice and information", "advice"),
            ("reviews", "Reviews", "reviews"),
            ("handover", "Handover", "handover"),
        ],
    ),
]


@hookimpl
def site_templates() -> list[SiteTemplate]:
    return list(SITE_TEMPLATES)


@hookimpl
def section_templates() -> list[SectionTemplate]:
    return list(SECTION_TEMPLATES)
