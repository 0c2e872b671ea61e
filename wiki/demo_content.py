"""Demo content for planwiki: Rhys Marsden's plan site.

Pure data, loaded by ``planwiki serve --demo``. Everything here is fictional:
the people, the town of Hollinsford, its school, college, council and
providers. Today in the story is Monday 23 November 2026; Rhys is 15, in
Year 11, with an EHC plan.

Words unique to one section (for permission leak tests; searched
case-insensitively, they appear in no other section, title or summary):

- ``health`` only: ``lamotrigine`` and ``midazolam`` (Rhys's medicines).
- ``budget`` only: ``Ledgerwell`` (the payroll service) and the sum
  ``£7,305.80`` (the whole personal budget for 2026 to 2027).

PAGES is in save order; a repeated (section, slug) is a later revision of
the same page (one-page-profile has 4 revisions, bus-to-college 4,
personal-budget 3, payments-2026-27 2, my-health 2).

The person-centred tools are structured blocks (issue #5): fenced YAML that the
block plugins validate and draw (the circle as circles, outcomes with their steps,
the budget adding up to its totals). ``block`` writes them here from plain data.
Two attachments are made in ``wiki/demo.py``: a drawn picture and a short recording.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import yaml


class _Dumper(yaml.SafeDumper):
    """YAML as a person would write it: money as 12.50, long text on one line."""


_Dumper.add_representer(
    Decimal,
    lambda dumper, value: dumper.represent_scalar(
        "tag:yaml.org,2002:int"
        if value == value.to_integral_value()
        else "tag:yaml.org,2002:float",
        str(int(value)) if value == value.to_integral_value() else f"{value:.2f}",
    ),
)


def block(name: str, data: dict[str, Any]) -> str:
    """A structured block as it sits in a page's text: its name on the fence, YAML inside."""
    text = yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100_000)
    return f"```{name}\n{text}```\n"


SITE: dict[str, str] = {
    "slug": "rhys-marsden",
    "title": "Rhys's plan",
    "date_of_birth": "2011-03-14",
}

# Rhys's own line on the front of his plan, in his words (issue #16); his photo is his
# drawing of the 42 bus (wiki/demo.py).
INTRO = "I'm Rhys. I love buses and my dog Pickle."

OWNER: dict[str, str] = {
    "email": "rhys.marsden@example.org",
    "name": "Rhys Marsden",
    "password": "pickle-timetable-42",
}

CIRCLE: list[dict[str, Any]] = [
    {
        "email": "claire.marsden@example.org",
        "name": "Claire Marsden",
        "relationship": "mum",
        "groups": ["family"],
        "password": "heron-teapot-58",
    },
    {
        "email": "jess.marsden@example.org",
        "name": "Jess Marsden",
        "relationship": "sister",
        "groups": ["family"],
        "password": "velvet-comet-31",
    },
    {
        "email": "sami.haddad@example.org",
        "name": "Sami Haddad",
        "relationship": "best friend",
        "groups": ["friends"],
        "password": "redstone-lantern-09",
    },
    {
        "email": "priya.desai@example.org",
        "name": "Priya Desai",
        "relationship": "SENCO",
        "groups": ["school"],
        "password": "chalk-harbour-64",
    },
    {
        "email": "daniel.okafor@example.org",
        "name": "Daniel Okafor",
        "relationship": "social worker",
        "groups": ["social-care"],
        "password": "willow-compass-27",
    },
    {
        "email": "tom.brennan@example.org",
        "name": "Tom Brennan",
        "relationship": "personal assistant",
        "groups": ["paid-support"],
        "password": "gravel-puffin-83",
    },
    {
        "email": "helen.price@example.org",
        "name": "Helen Price",
        "relationship": "epilepsy nurse",
        "groups": ["health"],
        "password": "amber-lighthouse-45",
    },
]

# The early review's checklist as the review plugin wrote it from the law and the plan's
# facts (plugins/_deadlines.py; issue #17). The review page works them out again when opened.
REVIEW_ITEMS: list[dict[str, Any]] = [
    {
        "text": "Invite everyone to the review meeting",
        "due": date(2027, 1, 6),
        "who": "School or college",
        "done": False,
        "key": "invite",
        "why": "Everyone must be invited at least two weeks before the meeting.",
        "source": "SEND Regulations 2014, regulations 20 and 21",
    },
    {
        "text": "Gather advice and information and send it to everyone invited",
        "due": date(2027, 1, 6),
        "who": "School or college",
        "done": False,
        "key": "advice",
        "why": "The advice and information must reach everyone at least two weeks before the meeting.",
        "source": "SEND Regulations 2014, regulations 20 and 21",
    },
    {
        "text": "Hold the review meeting",
        "due": date(2027, 1, 20),
        "who": "Everyone",
        "done": False,
        "key": "meeting",
        "why": "This is the day agreed for the meeting; the other dates are counted from it.",
        "source": "The date chosen when the review was started",
    },
    {
        "text": "Send the review report to the council and everyone invited",
        "due": date(2027, 2, 3),
        "who": "School or college",
        "done": False,
        "key": "report",
        "why": "The report, with any changes it proposes, must be sent within two weeks of the meeting.",
        "source": "SEND Regulations 2014, regulations 20 and 21",
    },
    {
        "text": "Council decides: keep the plan, change it, or end it",
        "due": date(2027, 2, 17),
        "who": "Council",
        "done": False,
        "key": "decision",
        "why": "The council must tell the family within four weeks of the meeting what it has decided.",
        "source": "SEND Regulations 2014, regulation 22",
    },
    {
        "text": "If the plan is changing: the family comments on the proposed changes",
        "due": date(2027, 3, 4),
        "who": "Family",
        "done": False,
        "key": "comments",
        "why": "The family has at least 15 days to comment on the proposed changes, counted here from "
        "the last day the council may send them.",
        "source": "SEND Regulations 2014, regulation 22",
    },
    {
        "text": "Plan reviewed and changed for the move from school to college",
        "due": date(2027, 3, 31),
        "who": "Council",
        "done": False,
        "key": "transfer-post-16",
        "why": "Rhys moves from secondary school to a post-16 place in 2027, so the council must finish "
        "the plan's review and changes by 31 March 2027.",
        "source": "SEND Regulations 2014, regulation 18",
    },
    {
        "text": "If the plan is changing: the final amended plan is issued",
        "due": date(2027, 4, 14),
        "who": "Council",
        "done": False,
        "key": "final",
        "why": "The final plan must be issued within eight weeks of the proposed changes, counted here "
        "from the last day the council may send them.",
        "source": "SEND Regulations 2014, regulation 22",
        "warning": "Because of the move, the final plan is needed by 31 March 2027, before the eight "
        "weeks run out.",
    },
    {
        "text": "Next review of the plan",
        "due": date(2028, 1, 19),
        "who": "Council",
        "done": False,
        "key": "next-review",
        "why": "The plan must be reviewed at least every 12 months.",
        "source": "Children and Families Act 2014, section 44",
    },
]

PAGES = [
    {
        "section": "about-me",
        "slug": "one-page-profile",
        "title": "My one-page profile",
        "author": "rhys.marsden@example.org",
        "summary": "First version, written with Ms Desai in tutor time",
        "body": "Rhys's one-page profile: what everyone new should know about him, in his words.\n\n"
        + block(
            "one-page-profile",
            {
                "like_and_admire": [
                    "I know every bus route in Hollinsford and most of the times too. If you are lost, ask me.",
                    "I am honest. If your plan will not work, I will tell you.",
                    "I am funny once I know you.",
                    "I make really good bread with my Nan.",
                    "I never give up on a Minecraft build, even a redstone railway with 400 blocks.",
                ],
                "important_to_me": [
                    "My dog Pickle, and my family: Mum, Jess, Dad and Nan.",
                    "Seeing Sami on Friday nights to play Minecraft.",
                    "Knowing what is happening today, and knowing early if it changes.",
                    "Swimming on Tuesday evenings and Saturday mornings.",
                    "My bus maps on my bedroom wall. Please do not move them.",
                    "Going to college next September.",
                ],
                "how_to_support_me": [
                    "Tell me about changes as early as you can, and write them down.",
                    'Give me time to answer. Count to ten in your head. "I don\'t know" usually means "wait".',
                    "Say exactly what you mean. I take words literally.",
                    "Let me type instead of write. Handwriting hurts my hand and it is slow.",
                    "If it is loud I will put my hood up or wear my ear defenders. That is OK.",
                    "Do not touch me without asking.",
                ],
            },
        ),
    },
    {
        "section": "about-me",
        "slug": "communication-passport",
        "title": "My communication passport",
        "author": "rhys.marsden@example.org",
        "summary": "Wrote my communication passport",
        "body": """\
## Hello, I'm Rhys

I can talk, but when I am stressed talking gets hard, and sometimes my words do not match what I mean. This page helps you understand me.

"""
        + block(
            "communication-passport",
            {
                "entries": [
                    {
                        "when": 'I say "I don\'t know"',
                        "it_means": "I need more time to think",
                        "please": "Wait. Count to ten. Ask again once, the same way.",
                    },
                    {
                        "when": "I put my hood up",
                        "it_means": "It is too loud or too busy",
                        "please": "Help me find somewhere quiet. Do not ask lots of questions.",
                    },
                    {
                        "when": "I flap my hands or bounce on my toes",
                        "it_means": "I am happy or excited",
                        "please": "Nothing! This is a good sign.",
                    },
                    {
                        "when": 'I say "it\'s fine" again and again',
                        "it_means": "It is not fine",
                        "please": "Ask me to type it on my phone instead.",
                    },
                    {
                        "when": "I talk a lot about bus routes",
                        "it_means": "I am calming down, or I want to be friendly",
                        "please": "Listen for a bit and ask me a question about it.",
                    },
                    {
                        "when": "I walk away",
                        "it_means": "I need a break",
                        "please": "Let me go. Tell me where you will be. I come back in about 10 minutes.",
                    },
                    {
                        "when": "I stare, go very still and do not answer my name",
                        "it_means": "It might be a seizure",
                        "please": "Stay with me, time it and look at my seizure plan.",
                    },
                ],
                "tips": [
                    "One instruction at a time.",
                    'Real times, like "at 3:15", not "in a bit" or "later".',
                    "A list on my phone for anything with more than two steps.",
                    "Tell me if you are joking. Sarcasm confuses me.",
                ],
            },
        )
        + """
## How I say no

I sometimes say "maybe" when I mean **no**, because no feels rude. If I say maybe, check again later.
""",
    },
    {
        "section": "about-me",
        "slug": "good-day-bad-day",
        "title": "A good day and a bad day",
        "author": "rhys.marsden@example.org",
        "summary": "Added my good day and bad day",
        "body": block(
            "good-day-bad-day",
            {
                "good_day": [
                    "I wake up at 7 and Pickle is asleep on my feet.",
                    "My uniform is ready on the chair the night before.",
                    "The 42 bus comes at 8:07 and Dave is driving.",
                    "I know who is teaching every lesson.",
                    "IT is first, because I am good at it and it wakes my brain up.",
                    "At lunch I sit with Sami in the library and we plan our next build.",
                    "After school I have an hour on my own in my room before anyone asks me anything.",
                    "Fish fingers for tea.",
                ],
                "bad_day": [
                    "I sleep badly, or I stay up too late. (Tired days are also seizure days, so sleep really matters.)",
                    "Something changes with no warning, like a supply teacher or a room change.",
                    "PE in the sports hall when it echoes, and waiting to be picked for teams.",
                    "Someone moves my things or touches me without asking.",
                    "Lots of people talking to me at the same time.",
                    "Writing by hand for a whole lesson.",
                    "Buses cancelled and nobody knows why.",
                ],
                "turn_it_round": [
                    "Quiet time in the Hub at school, with no questions for ten minutes.",
                    "A walk round the park with Pickle.",
                    "Baking. Kneading dough is the best thing when I am cross.",
                    'Mum or Jess asking "do you want to talk or do you want space?" and then doing what I say.',
                ],
            },
        ),
    },
    {
        "section": "about-me",
        "slug": "important-to-and-for",
        "title": "Important to me and important for me",
        "author": "claire.marsden@example.org",
        "summary": "Mum and I sorted the sticky notes into two lists",
        "body": "We did this one at the kitchen table with sticky notes. Rhys chose every word on the left. I wrote the right-hand list and Rhys agreed with all of it except one (see the end).\n\n"
        + block(
            "important-to-for",
            {
                "important_to": [
                    "Pickle.",
                    "Being on time. Being late makes me feel sick.",
                    "My own space and my own stuff, where I left it.",
                    "Friday nights with Sami.",
                    "Choosing my own clothes (soft, no labels).",
                    "Being treated like I am 15, not 10.",
                ],
                "important_for": [
                    "Taking my tablets at the same time every morning and evening.",
                    "Eight hours of sleep, because being tired makes seizures more likely.",
                    "Learning to get around on my own safely, especially on buses and crossing the ring road.",
                    "Knowing how to handle money and my bank card.",
                    "Keeping active. My coordination gets worse when I stop swimming.",
                    "Having someone who knows me in every new place.",
                ],
                "balance": [
                    {
                        "to_me": "Staying up late on Minecraft",
                        "for_me": "Eight hours of sleep",
                        "how": "I set my own alarm at 10pm. Weekends I can stay up until 11.",
                    },
                    {
                        "to_me": "My own space",
                        "for_me": "Someone checking I am OK after a seizure",
                        "how": "Mum knocks, waits, then checks. She does not just walk in.",
                    },
                    {
                        "to_me": "Being treated as 15",
                        "for_me": "Staying safe in town",
                        "how": "I go on my own with my phone and share my location, not with Mum next to me.",
                    },
                ],
            },
        )
        + """
## The one we disagree on

Mum thinks I should have my phone downstairs at night. I think that is for little kids. We agreed to try my way until Christmas and look again.
""",
    },
    {
        "section": "circle",
        "slug": "circle-of-support",
        "title": "My circle of support",
        "author": "rhys.marsden@example.org",
        "summary": "Drew my circle, closest people first",
        "body": "My circle, starting with the people closest to me and going outwards.\n\n"
        + block(
            "circle",
            {
                "person": "Rhys",
                "members": [
                    {
                        "name": "Mum (Claire)",
                        "relationship": "mum",
                        "ring": "closest",
                        "how_they_help": "I live with her and Pickle. She knows everything about me, even things I wish she didn't.",
                        "contact": "Mobile: 07700 900123",
                    },
                    {
                        "name": "Jess",
                        "relationship": "sister",
                        "ring": "closest",
                        "how_they_help": "She is 19 and at university, but we message every day and she comes home most weekends.",
                    },
                    {
                        "name": "Dad (Mark)",
                        "relationship": "dad",
                        "ring": "closest",
                        "how_they_help": "He lives on Carlow Street. I stay with him every other weekend.",
                        "contact": "Mobile: 07700 900245",
                    },
                    {
                        "name": "Nan (Maureen)",
                        "relationship": "nan",
                        "ring": "closest",
                        "how_they_help": "We bake bread every Sunday.",
                    },
                    {
                        "name": "Pickle",
                        "relationship": "my dog",
                        "ring": "closest",
                        "how_they_help": "He counts.",
                    },
                    {
                        "name": "Sami",
                        "relationship": "best friend",
                        "ring": "friends and family",
                        "how_they_help": "My best friend since Year 7. We play Minecraft on Friday nights and we are in the same IT group.",
                    },
                    {
                        "name": "Kai",
                        "relationship": "friend from Minecraft club",
                        "ring": "friends and family",
                    },
                    {
                        "name": "Lewis",
                        "relationship": "friend from Minecraft club",
                        "ring": "friends and family",
                    },
                    {
                        "name": "Leila",
                        "relationship": "Sami's mum",
                        "ring": "friends and family",
                        "how_they_help": "Takes turns with Mum doing the Friday lifts.",
                    },
                    {
                        "name": "Dave",
                        "relationship": "driver of the 42",
                        "ring": "community",
                        "how_they_help": 'He says "morning, Rhys" every time.',
                    },
                    {
                        "name": "Mr Ellis",
                        "relationship": "runs Minecraft club",
                        "ring": "community",
                        "how_they_help": "Minecraft club at Hollinsford Library on Thursdays.",
                    },
                    {
                        "name": "Ana",
                        "relationship": "swimming coach",
                        "ring": "community",
                        "how_they_help": "Coaches my swimming group at the leisure centre.",
                    },
                    {
                        "name": "Tom Brennan",
                        "relationship": "personal assistant",
                        "ring": "paid support",
                        "how_they_help": "Bus practice, cooking and going into town. 6 hours a week.",
                    },
                    {
                        "name": "Ms Desai",
                        "relationship": "SENCO at school",
                        "ring": "paid support",
                        "how_they_help": "She sorts my support and my exams. Every school day.",
                    },
                    {
                        "name": "Mrs Hughes",
                        "relationship": "teaching assistant",
                        "ring": "paid support",
                        "how_they_help": "English and Science, most lessons.",
                    },
                    {
                        "name": "Daniel Okafor",
                        "relationship": "social worker",
                        "ring": "paid support",
                        "how_they_help": "He helps with my plan and moving to adult services. Every few months.",
                    },
                    {
                        "name": "Helen Price",
                        "relationship": "epilepsy nurse",
                        "ring": "paid support",
                        "how_they_help": "Every 3 months, and on the phone in between.",
                    },
                ],
                "wishes": [
                    "One more friend my age who likes buses or maps. Tom says there is a transport club at college.",
                ],
            },
        ),
    },
    {
        "section": "circle",
        "slug": "real-wealth",
        "title": "Our real wealth",
        "author": "claire.marsden@example.org",
        "summary": "Real Wealth map from our planning evening",
        "body": "Rhys and I made this map on a wet Sunday in September. It reminds us how much we already have before we ask anyone for anything.\n\n"
        + block(
            "real-wealth",
            {
                "people": [
                    "A close family: me, Jess, Rhys's dad Mark (we get on well), and Nan, who lives two streets away.",
                    "Sami and his family. His mum Leila and I take turns with Friday lifts.",
                    "Neighbours on both sides who know Rhys and would help in an emergency.",
                ],
                "access": [
                    "Hollinsford Library, with Minecraft club on Thursdays, free.",
                    "The leisure centre, five minutes' walk away. Rhys has a free carer's pass, so Tom swims free with him.",
                    "The 42 and X7 buses stop at the end of our road. Rhys has a free bus pass.",
                ],
                "skills_and_knowledge": [
                    "Rhys: IT, maps, timetables, baking, swimming, amazing memory for detail.",
                    "Me: I work part-time in a GP surgery office, so I know how to chase appointments and letters.",
                    "Jess: she did a first aid course and is trained for Rhys's seizure plan.",
                ],
                "assets": [
                    "Rhys's own laptop (from the school loan scheme, his to keep).",
                    "Savings from birthdays, which Rhys wants to spend on a gaming chair.",
                    "Our house is near everything, which makes independence easier.",
                ],
                "resilience": [
                    "We have got through a diagnosis, a house move and the first seizure together.",
                    "Rhys bounces back quickly when he understands why something went wrong.",
                    "I have a parent carer group that meets once a month, and it keeps me sane.",
                ],
            },
        ),
    },
    {
        "section": "outcomes",
        "slug": "my-path",
        "title": "My dreams and aspirations (PATH)",
        "author": "rhys.marsden@example.org",
        "summary": "PATH from my planning session with Daniel and Tom",
        "body": "We drew this on a long roll of paper in the school library. Daniel held the pen, I said the words.\n\n"
        + block(
            "path",
            {
                "dream": [
                    "I live in my own flat in Hollinsford, close to a bus stop.",
                    "I work somewhere with timetables and maps, like the control room at the bus company, keeping the buses on time.",
                    "I have friends round on Fridays for games, and I cook for them.",
                    "I have a dog of my own.",
                ],
                "goal": [
                    "I am at Hollinsford College doing Level 2 IT.",
                    "I get the bus to college and back on my own every day.",
                    "I have a Saturday job or I volunteer somewhere.",
                    "I have at least one new friend from college.",
                ],
                "goal_by": "November 2027",
                "now": [
                    "Year 11 at Hollinsford Academy, mocks start next week and GCSEs are in May.",
                    "I can do the 42 bus into town with Tom on the same bus but not sitting with me.",
                    "I can make toast, pasta and bread. Not a full meal yet.",
                    "Mum still sorts most of my money.",
                ],
                "who_will_help": [
                    {
                        "who": "Me",
                        "how": "I will say what I want, and try new things even when I am nervous.",
                    },
                    {"who": "Mum", "how": "Lets me do more on my own, even when she is worried."},
                    {"who": "Tom", "how": "Travel practice, cooking and money in shops."},
                    {"who": "Ms Desai", "how": "College application and exams."},
                    {"who": "Daniel", "how": "My plan, my budget and adult services later."},
                    {"who": "Sami", "how": "Coming to the college open day with me."},
                ],
                "first_steps": [
                    {"step": "Go to the college open day", "by_when": "21 November", "done": True},
                    {"step": "Send my college application", "by_when": "29 January"},
                    {"step": "Ask the bus depot about a taster day in the control room"},
                    {"step": "Open a bank account with my own card"},
                    {"step": "Cook one full meal for the family"},
                ],
            },
        ),
    },
    {
        "section": "outcomes",
        "slug": "my-outcomes",
        "title": "My outcomes for 2026 to 2027",
        "author": "rhys.marsden@example.org",
        "summary": "Outcomes agreed at my annual review on 8 October",
        "body": """\
These are the outcomes we agreed at my annual review. Each one says what I want, by when, how we will know, and what helps (the solutions). Outcome 1, the bus to college, has its own page.

"""
        + block(
            "outcome",
            {
                "ref": "2",
                "outcome": "I pass English, Maths and IT GCSE at grade 4 or above",
                "area": "education",
                "by_when": date(2027, 8, 31),
                "how_we_will_know": "Results day, 19 August 2027.",
                "status": "going well",
                "steps": [
                    {
                        "what": "Laptop in every lesson",
                        "who": "School",
                        "cost": 0,
                        "kind": "education",
                        "done": True,
                    },
                    {
                        "what": "Exam access arrangements",
                        "who": "Ms Desai",
                        "cost": 0,
                        "kind": "education",
                        "done": True,
                    },
                    {
                        "what": "Typing and speech software",
                        "who": "Paid from my budget",
                        "cost": Decimal("89"),
                        "kind": "education",
                        "done": True,
                    },
                    {
                        "what": "English revision group on Wednesdays",
                        "who": "School",
                        "cost": 0,
                        "kind": "education",
                    },
                ],
                "progress": [
                    {
                        "date": date(2026, 11, 20),
                        "note": "Access arrangements approved for the mocks. I practise in room L4 next week.",
                        "by": "Ms Desai",
                    },
                ],
            },
        )
        + "\n"
        + block(
            "outcome",
            {
                "ref": "3",
                "outcome": "I cook a meal for my family once a week",
                "area": "independent living",
                "by_when": date(2027, 7, 31),
                "how_we_will_know": "I do it every week for four weeks and nobody has to help with the cooker.",
                "status": "started",
                "steps": [
                    {
                        "what": "Cooking sessions",
                        "who": "Tom, in my PA hours",
                        "cost": 0,
                        "kind": "social care",
                    },
                    {"what": "Sunday baking", "who": "Nan", "cost": 0},
                    {
                        "what": "Easy-grip knife and peeler",
                        "who": "Family",
                        "cost": Decimal("18"),
                        "done": True,
                    },
                ],
            },
        )
        + "\n"
        + block(
            "outcome",
            {
                "ref": "4",
                "outcome": "I see friends outside school every week, and I arrange it myself",
                "area": "friends, relationships and community",
                "by_when": date(2027, 4, 30),
                "how_we_will_know": "I arrange it, not Mum, for six weeks running.",
                "status": "going well",
                "steps": [
                    {
                        "what": "Minecraft club at the library",
                        "who": "Mr Ellis",
                        "cost": 0,
                        "done": True,
                    },
                    {
                        "what": "Friday nights with Sami",
                        "who": "Me and Sami",
                        "cost": 0,
                        "done": True,
                    },
                    {
                        "what": "Saturday trips into town",
                        "who": "Tom, in my PA hours",
                        "cost": 0,
                        "kind": "social care",
                    },
                ],
            },
        )
        + "\n"
        + block(
            "outcome",
            {
                "ref": "5",
                "outcome": "I look after my own tablets and know what to do if a seizure is coming",
                "area": "good health",
                "by_when": date(2027, 3, 14),
                "how_we_will_know": "No missed doses for two months, and I can explain my seizure plan to a new person.",
                "status": "going well",
                "steps": [
                    {
                        "what": "Sessions with my epilepsy nurse",
                        "who": "Helen Price (NHS)",
                        "cost": 0,
                        "kind": "health",
                    },
                    {"what": "Phone alarms", "who": "Me", "cost": 0, "done": True},
                    {
                        "what": "A weekly pill box",
                        "who": "Family",
                        "cost": Decimal("4"),
                        "done": True,
                    },
                ],
                # Carried over from Year 10: the decisions at the last two reviews (issue #17).
                "reviews": [
                    {
                        "date": date(2025, 10, 9),
                        "decision": "not yet",
                        "note": "Mum still gives me all my tablets.",
                    },
                    {
                        "date": date(2026, 10, 8),
                        "decision": "partly",
                        "note": "I take my own tablets with phone reminders. Mum still checks the pill box on Sundays.",
                        "review": "annual-review-2026",
                    },
                ],
            },
        )
        + "\n"
        + block(
            "outcome",
            {
                "ref": "6",
                "outcome": "I can climb a grade 5 route at the climbing wall and swim 1 km without stopping",
                "area": "good health",
                "by_when": date(2027, 6, 30),
                "how_we_will_know": "Ana and the climbing instructor sign it off.",
                "status": "started",
                "steps": [
                    {
                        "what": "Climbing sessions at Vale Active, 30 sessions",
                        "who": "Vale Active",
                        "cost": Decimal("780"),
                        "kind": "health",
                    },
                    {"what": "Swimming twice a week", "who": "Tom or Mum", "cost": 0},
                ],
            },
        ),
    },
    {
        "section": "outcomes",
        "slug": "bus-to-college",
        "title": "Outcome: the bus to college on my own",
        "author": "rhys.marsden@example.org",
        "summary": "New page for my travel outcome",
        "body": """\
## Why it matters to me

I love buses, but I have never been on one without someone I know. At college nobody will take me, and I do not want Mum driving me when I am 16. Buses are going to be my job one day.

## The route

The 42 from the end of our road at 8:07, change at Hollinsford bus station to the X7, get off at College Road. 35 minutes.

"""
        + block(
            "outcome",
            {
                "ref": "1",
                "outcome": "I get the bus to college and back on my own",
                "area": "independent living",
                "by_when": date(2027, 9, 1),
                "how_we_will_know": 'Ten journeys in a row on my own, home to college and back. I text Mum "here" when I arrive, every time. I know what to do if the bus does not come, or I miss my stop.',
                "status": "started",
                "steps": [
                    {
                        "what": "Travel training, 12 sessions",
                        "who": "Council travel trainer",
                        "cost": Decimal("540"),
                        "kind": "education",
                    },
                    {
                        "what": "Practice journeys, in my PA hours",
                        "who": "Tom",
                        "cost": 0,
                        "kind": "social care",
                    },
                    {
                        "what": "Free bus pass",
                        "who": "Council",
                        "cost": 0,
                        "kind": "",
                        "done": True,
                    },
                    {
                        "what": 'Bus times app and a "what if" card on my phone',
                        "who": "Me and Tom",
                        "cost": 0,
                        "kind": "",
                    },
                    {
                        "what": "Do the route with Tom sitting next to me",
                        "who": "Me and Tom",
                        "cost": 0,
                        "kind": "",
                    },
                    {
                        "what": "Do the route with Tom on the bus but not with me",
                        "who": "Me and Tom",
                        "cost": 0,
                        "kind": "",
                    },
                    {
                        "what": "Do the route on my own with Tom on the bus behind",
                        "who": "Me",
                        "cost": 0,
                        "kind": "",
                    },
                    {
                        "what": "Do the route on my own, nobody following",
                        "who": "Me",
                        "cost": 0,
                        "kind": "",
                    },
                    {
                        "what": "Practise what to do when the bus is cancelled",
                        "who": "Me and Tom",
                        "cost": 0,
                        "kind": "",
                    },
                ],
                "progress": [],
            },
        ),
    },
    {
        "section": "budget",
        "slug": "personal-budget",
        "title": "My personal budget 2026 to 2027",
        "author": "claire.marsden@example.org",
        "summary": "Budget for April 2026 to March 2027, agreed with Daniel",
        "body": """\
Rhys's personal budget runs from April 2026 to March 2027. It is only for the outcomes in his plan. Daniel and the council agreed the amounts in March; Rhys chose how the money is used.

"""
        + block(
            "budget",
            {
                "period": "April 2026 to March 2027",
                "allocations": [
                    {
                        "stream": "social care",
                        "amount": Decimal("5896.80"),
                        "managed": "direct payment",
                        "held_by": "Claire (Mum), with Ledgerwell doing the payroll",
                    },
                    {
                        "stream": "education",
                        "amount": Decimal("629.00"),
                        "managed": "council managed",
                        "held_by": "Hollinsford Council SEND team",
                    },
                    {
                        "stream": "health",
                        "amount": Decimal("780.00"),
                        "managed": "third party or ISF",
                        "held_by": "Vale Active, the leisure trust (an Individual Service Fund)",
                    },
                ],
                "planned": [
                    {
                        "what": "Tom, personal assistant: 6 hours a week for 52 weeks at £18.40 an hour",
                        "stream": "social care",
                        "amount": Decimal("5740.80"),
                        "outcomes": "1, 3, 4",
                    },
                    {
                        "what": "Ledgerwell payroll service, £13 a month",
                        "stream": "social care",
                        "amount": Decimal("156.00"),
                        "running_cost": True,
                    },
                    {
                        "what": "Travel training, 12 sessions at £45",
                        "stream": "education",
                        "amount": Decimal("540.00"),
                        "outcomes": "1",
                    },
                    {
                        "what": "Typing and speech software licence",
                        "stream": "education",
                        "amount": Decimal("89.00"),
                        "outcomes": "2",
                    },
                    {
                        "what": "Climbing wall, 30 sessions at £26",
                        "stream": "health",
                        "amount": Decimal("780.00"),
                        "outcomes": "6",
                    },
                ],
            },
        )
        + """
## Rules we agreed

- Tom's hours can move around. We can bank up to 6 unused hours and use them later, for example for college visits.
- Rhys signs Tom's timesheet with me each month.
- Any money left in March goes back, unless the council agrees to carry it forward for college travel.
- We send a spending summary to the council every quarter.
- Tom's hourly rate of £18.40 covers his pay of £13.50, holiday pay, employer's National Insurance, pension and employer's liability insurance.
""",
    },
    {
        "section": "budget",
        "slug": "payments-2026-27",
        "title": "Payments made in 2026 to 2027",
        "author": "claire.marsden@example.org",
        "summary": "Timesheets and receipts, April to October",
        "body": """\
The paperwork for every payment from Rhys's personal budget: Tom's timesheets and payslips, and receipts. The payments themselves are recorded in the budget on the personal budget page, so the totals add up in one place. Everything is in the blue folder.

## Timesheets and payslips

- [x] April: timesheet signed by Rhys and me, payslip filed
- [x] May: timesheet signed, payslip filed
- [x] June: timesheet signed, payslip filed
- [x] July: timesheet signed, payslip filed
- [x] August: timesheet signed (6 hours banked), payslip filed
- [x] September: timesheet signed, payslip filed
- [x] October: timesheet signed, payslip filed

## Receipts

- [x] Typing and speech software: receipt from the supplier, 15 September
- [x] Ledgerwell invoice, April to October
- [ ] Travel training: statement from the council
- [ ] Climbing wall: statement from Vale Active
""",
    },
    {
        "section": "budget",
        "slug": "personal-budget",
        "title": "My personal budget 2026 to 2027",
        "author": "claire.marsden@example.org",
        "summary": "Recorded the payments from April to October",
        "body": """\
Rhys's personal budget runs from April 2026 to March 2027. It is only for the outcomes in his plan. Daniel and the council agreed the amounts in March; Rhys chose how the money is used.

"""
        + block(
            "budget",
            {
                "period": "April 2026 to March 2027",
                "allocations": [
                    {
                        "stream": "social care",
                        "amount": Decimal("5896.80"),
                        "managed": "direct payment",
                        "held_by": "Claire (Mum), with Ledgerwell doing the payroll",
                    },
                    {
                        "stream": "education",
                        "amount": Decimal("629.00"),
                        "managed": "council managed",
                        "held_by": "Hollinsford Council SEND team",
                    },
                    {
                        "stream": "health",
                        "amount": Decimal("780.00"),
                        "managed": "third party or ISF",
                        "held_by": "Vale Active, the leisure trust (an Individual Service Fund)",
                    },
                ],
                "planned": [
                    {
                        "what": "Tom, personal assistant: 6 hours a week for 52 weeks at £18.40 an hour",
                        "stream": "social care",
                        "amount": Decimal("5740.80"),
                        "outcomes": "1, 3, 4",
                    },
                    {
                        "what": "Ledgerwell payroll service, £13 a month",
                        "stream": "social care",
                        "amount": Decimal("156.00"),
                        "running_cost": True,
                    },
                    {
                        "what": "Travel training, 12 sessions at £45",
                        "stream": "education",
                        "amount": Decimal("540.00"),
                        "outcomes": "1",
                    },
                    {
                        "what": "Typing and speech software licence",
                        "stream": "education",
                        "amount": Decimal("89.00"),
                        "outcomes": "2",
                    },
                    {
                        "what": "Climbing wall, 30 sessions at £26",
                        "stream": "health",
                        "amount": Decimal("780.00"),
                        "outcomes": "6",
                    },
                ],
                "payments": [
                    {
                        "date": date(2026, 4, 30),
                        "what": "Tom, 26 hours",
                        "stream": "social care",
                        "amount": Decimal("478.40"),
                        "outcomes": "1, 3, 4",
                    },
                    {
                        "date": date(2026, 5, 29),
                        "what": "Tom, 26 hours",
                        "stream": "social care",
                        "amount": Decimal("478.40"),
                        "outcomes": "1, 3, 4",
                    },
                    {
                        "date": date(2026, 6, 30),
                        "what": "Tom, 26 hours",
                        "stream": "social care",
                        "amount": Decimal("478.40"),
                        "outcomes": "1, 3, 4",
                    },
                    {
                        "date": date(2026, 7, 31),
                        "what": "Tom, 30 hours (extra summer trips with friends)",
                        "stream": "social care",
                        "amount": Decimal("552.00"),
                        "outcomes": "1, 3, 4",
                    },
                    {
                        "date": date(2026, 8, 28),
                        "what": "Tom, 20 hours (Tom on holiday, 6 hours banked)",
                        "stream": "social care",
                        "amount": Decimal("368.00"),
                        "outcomes": "1, 3, 4",
                    },
                    {
                        "date": date(2026, 9, 15),
                        "what": "Typing and speech software",
                        "stream": "education",
                        "amount": Decimal("89.00"),
                        "outcomes": "2",
                    },
                    {
                        "date": date(2026, 9, 30),
                        "what": "Tom, 26 hours",
                        "stream": "social care",
                        "amount": Decimal("478.40"),
                        "outcomes": "1, 3, 4",
                    },
                    {
                        "date": date(2026, 10, 30),
                        "what": "Tom, 26 hours",
                        "stream": "social care",
                        "amount": Decimal("478.40"),
                        "outcomes": "1, 3, 4",
                    },
                    {
                        "date": date(2026, 10, 31),
                        "what": "Ledgerwell payroll, April to October",
                        "stream": "social care",
                        "amount": Decimal("91.00"),
                        "running_cost": True,
                    },
                    {
                        "date": date(2026, 10, 31),
                        "what": "Travel training sessions 1 to 6 (paid by the council)",
                        "stream": "education",
                        "amount": Decimal("270.00"),
                        "outcomes": "1",
                    },
                    {
                        "date": date(2026, 10, 31),
                        "what": "Climbing wall, 14 sessions (drawn by Vale Active)",
                        "stream": "health",
                        "amount": Decimal("364.00"),
                        "outcomes": "6",
                    },
                ],
                "banked": [
                    {
                        "date": date(2026, 8, 28),
                        "amount": Decimal("110.40"),
                        "note": "6 of Tom's hours while he was on holiday, for college visits",
                    },
                ],
            },
        )
        + """
## Rules we agreed

- Tom's hours can move around. We can bank up to 6 unused hours and use them later, for example for college visits.
- Rhys signs Tom's timesheet with me each month.
- Any money left in March goes back, unless the council agrees to carry it forward for college travel.
- We send a spending summary to the council every quarter.
- Tom's hourly rate of £18.40 covers his pay of £13.50, holiday pay, employer's National Insurance, pension and employer's liability insurance.
""",
    },
    {
        "section": "health",
        "slug": "my-health",
        "title": "My health",
        "author": "claire.marsden@example.org",
        "summary": "Health page: conditions, medicines, allergies, who is who",
        "body": """\
Written by Claire (Mum) with Rhys, in his words. Rhys chose who can see it.

## My conditions

- **Autism**, diagnosed when I was 8.
- **Dyspraxia** (developmental coordination disorder), diagnosed when I was 9. It affects handwriting, balance, tying things and planning.
- **Epilepsy**: focal seizures, diagnosed when I was 12. Usually I stare, smack my lips and do not answer for up to a minute. I have had two big (tonic-clonic) seizures, the last one in March 2025.

## My medicines

| Medicine | What for | How much | When | Who gives it |
| --- | --- | --- | --- | --- |
| Lamotrigine | Epilepsy | 100 mg | 8am | I take it myself; my phone reminds me |
| Lamotrigine | Epilepsy | 100 mg | 8pm | I take it myself; Mum checks the pill box on Sundays |
| Melatonin | Getting to sleep | 2 mg | 9:30pm | Mum keeps it; I ask for it |
| Buccal midazolam | Rescue medicine if a seizure lasts 5 minutes | 10 mg | Only in an emergency | Trained adults only: Mum, Jess, Tom, school first aiders |

The rescue medicine lives in the red pouch in my school bag. There is a spare in the kitchen cupboard above the kettle.

## Allergies

- **Penicillin**: rash and swollen face when I was 8. Tell any doctor or dentist.
- Kiwi fruit: itchy mouth.

## Things that make seizures more likely

- Not enough sleep.
- Missing a dose of lamotrigine.
- A high temperature.
- Being very stressed (exam season!).

## Who looks after my health

| Who | Role | How often |
| --- | --- | --- |
| Dr Shah | GP, Hollinsford Medical Centre | When needed |
| Dr Menon | Paediatric neurologist, Hollinsford General | Every 6 months |
| Helen Price | Epilepsy specialist nurse | Every 3 months, phone in between |
| Occupational therapy | Discharged July 2026, with a climbing and swimming programme | Back if needed |
""",
    },
    {
        "section": "health",
        "slug": "seizure-plan",
        "title": "What to do if I have a seizure",
        "author": "helen.price@example.org",
        "summary": "Seizure plan from the epilepsy clinic, in Rhys's words",
        "body": """\
This is Rhys's seizure plan from the epilepsy clinic, rewritten with Rhys so it is in his words. Print it for anyone who supports him. Helen Price, epilepsy nurse.

## If I stare and do not answer (a focal seizure)

1. Stay with me. Say my name calmly once.
2. Look at the time. Most of mine last under a minute.
3. Move sharp things and hot drinks away. Do not hold me down.
4. Do not give me food or drink until I am fully back.
5. When I come round I will be muddled and tired. Tell me where I am and what happened, in short words.
6. Let me rest for 20 minutes somewhere quiet. Then I can usually carry on.
7. Write it in my seizure diary (app on my phone or the log in my bag), and tell Mum.

## If I fall and shake (a tonic-clonic seizure)

1. Time it. Put something soft under my head.
2. Do not put anything in my mouth.
3. When the shaking stops, roll me on my side (recovery position).
4. **If it lasts 5 minutes**, a trained adult gives buccal midazolam, 10 mg, from the red pouch. Then call 999.
5. Call 999 straight away if I am hurt, if I do not start to come round, or if I have another seizure before I wake up.
6. Call Mum.

## After a big seizure

- I will sleep for a long time. That is normal.
- I will have a headache and feel embarrassed. Please do not make a fuss in front of people.
- No swimming or climbing for 24 hours.

## If I miss a dose of lamotrigine

- Under 6 hours late: take it as soon as I remember.
- More than 6 hours late: skip it and take the next one at the normal time. Never take two at once.
- Tell Mum or Helen.

## Water safety

I can swim, but someone who knows about my epilepsy must watch me in the pool and at the climbing wall, and I always use a top rope.

## My safety plan

```safeguards
person: Rhys
risks:
- risk: I have a big seizure (I fall and shake)
  prevent: Enough sleep, and my tablets at 8am and 8pm.
  if_it_happens: Time it and put something soft under my head. Do not hold me down. Do not put anything in my mouth. If it lasts 5 minutes, a trained adult gives buccal midazolam from the red pouch, then call 999.
  who: Whoever is with me
worried:
- who: Mum (Claire)
  when: Any time
  how: 07700 900123
- who: Helen Price, epilepsy nurse
  when: Weekdays, 9 to 5
  how: 07700 900456
emergency: Call 999 if a seizure lasts 5 minutes, if I am hurt, or if I do not start to come round. Then call Mum.
agreed_with: Rhys, Mum and Helen Price, epilepsy nurse
```
""",
    },
    {
        "section": "education",
        "slug": "school-and-support",
        "title": "My school and the support I get",
        "author": "rhys.marsden@example.org",
        "summary": "My school page",
        "body": """\
## My school

I am in Year 11 at **Hollinsford Academy**. My form is 11H and my tutor is Mr Carter. When I need a break I go to the Hub, the learning support base next to the library.

My GCSE subjects are English, Maths, Combined Science, IT, Geography and Food. IT and Geography are my favourites. Geography has maps.

## The support I get in class

| Subject | What helps |
| --- | --- |
| All lessons | I use my laptop for all writing. Worksheets on the class page before the lesson. A seat near the door, not in the middle. |
| English | Mrs Hughes (teaching assistant) helps me plan long answers with a writing frame. |
| Maths | Squared paper and a big ruler. I can say my working out and Mrs Hughes types it. |
| Science | Mrs Hughes does the fiddly parts of practicals; I read the results and do the write-up. |
| Food | Easy-grip knife. I plan my practical step by step the lesson before. |
| PE | I can do swimming and fitness suite instead of team games in the sports hall. |

## Other things school does

- **Time-out card.** I can leave any lesson for ten minutes to go to the Hub. I used it 9 times last half term.
- **Change warnings.** The office texts Mum if a teacher is off, so she can tell me before I get to school.
- **Lunch in the library** with Sami, away from the canteen noise.
- **Social skills group** on Tuesdays. It is OK, a bit babyish.

## What I want teachers to know

I am not being rude when I do not look at you. I listen better when I am looking at my desk. If I have not started the work, it usually means I do not know the first step, so tell me the first step.
""",
    },
    {
        "section": "education",
        "slug": "exam-arrangements",
        "title": "Exam access arrangements",
        "author": "priya.desai@example.org",
        "summary": "Access arrangements approved for mocks and GCSEs",
        "body": """\
Written by Priya Desai, SENCO, and checked with Rhys.

Rhys's access arrangements are approved for his mocks (from Monday 30 November) and his GCSEs in May and June 2027. They reflect how he normally works in class, which is what the exam boards ask for.

## What Rhys has

| Arrangement | Why | Notes |
| --- | --- | --- |
| **25% extra time** | Slow processing speed and handwriting | Assessed in Year 10, scores on file |
| **Word processor** | Dyspraxia: handwriting is slow and painful | Spell check off; school laptop with no internet |
| **Separate room** | Noise and crowding in the sports hall | Room L4, with up to 5 other students |
| **Supervised rest breaks** | To manage anxiety and tiredness | Clock stops; he can stand or walk in the room |
| **Prompter** | He can lose track of time | Only to point to the clock, nothing else |

## What Rhys asked for

- To sit near the window, not facing the door.
- A printed timetable of every exam with the room and the start time.
- To meet his invigilator before the first mock.

## Before the mocks

- [x] Access arrangements agreed and signed by Rhys
- [x] Laptop set up in room L4 and tested
- [x] Timetable printed and sent home
- [ ] Practice session in L4 with the prompter, Thursday 26 November
- [ ] Rest-break card made with Rhys
- [ ] Check Rhys knows where to go if the fire alarm goes off during an exam

## After the mocks

We will look at which arrangements Rhys actually used. If he did not use the rest breaks, we will still keep them for the summer, because summer exams are longer and hotter.
""",
    },
    {
        "section": "education",
        "slug": "college-plans",
        "title": "My college plans",
        "author": "rhys.marsden@example.org",
        "summary": "College plans after the open day",
        "body": """\
## Where I want to go

**Hollinsford College**, Level 2 IT and Digital, starting September 2027. It is three days a week at college and one day of work experience. I need grade 4 in English and Maths to get on it.

If I don't get a 4 in Maths, I can do Level 1 IT and resit Maths in the same year. I would still go to the same college, which is the important part.

## What I liked at the open day

- The IT room has big screens and it was quiet.
- There is a Learning Support team who know about autism, and a quiet room called the Base.
- The X7 stops right outside.
- There is a transport and games club on Wednesdays.

## What worries me

- The canteen is huge and loud.
- Everyone moves rooms at the same time.
- I don't know anyone going there except maybe Sami.

## What needs to happen

My EHC plan has to be changed to name the college by 31 March 2027. Ms Desai says the council will ask the college if they can meet my needs first.

- [x] Go to the open day (21 November, I got there on the bus on my own!)
- [ ] Send my application by 29 January 2027
- [ ] Interview at college (February)
- [ ] Council consults the college about my plan
- [ ] Amended plan names the college, by 31 March 2027
- [ ] Three transition visits in June and July, with Tom
- [ ] Meet my college support worker before the summer holiday

## What I want the college to know

Read my one-page profile and communication passport before I start. I do not want to explain myself again to every teacher.
""",
    },
    {
        "section": "reviews",
        "slug": "annual-review-2026",
        "title": "Annual review, 8 October 2026",
        "author": "daniel.okafor@example.org",
        "summary": "Summary of Rhys's Year 11 annual review",
        "body": """\
Written by Daniel Okafor, social worker, from the notes on the wall. Rhys has read and agreed it.

**Held:** Thursday 8 October 2026 at Hollinsford Academy. **Led by** Rhys, with slides he made himself.
**There:** Rhys, Claire (mum), Ms Desai (SENCO), Mrs Hughes, Tom (PA), Helen Price (epilepsy nurse), me. Jess sent her views by message.

## What's working

- Rhys uses his laptop in every lesson and his written work has doubled.
- The time-out card: he uses it instead of walking out.
- Friday nights with Sami; Minecraft club.
- No tonic-clonic seizures for 18 months.
- Tom. Rhys says he is "the first helper who doesn't talk to me like a baby".

## What's not working

- PE team games: stopped in September, swapped for swimming.
- Rhys still relies on Mum for money and appointments.
- Sleep during stressful weeks.
- Social skills group: Rhys finds it babyish.

## What we have learned

- Rhys copes with change well when he is told a day ahead, in writing.
- He learns a route fastest by doing it, not by being told it.

## Stop, keep, start

| Stop | Keep | Start |
| --- | --- | --- |
| Team games in PE | Laptop and access arrangements | Travel training for the college route |
| Mum booking his appointments | Time-out card and the Hub | Rhys booking one appointment himself |
| Social skills group | Tom, 6 hours a week | A peer mentor instead, from Year 13 |

## Preparing for adulthood, since Year 9

| Area | Year 9 (2024) | Now |
| --- | --- | --- |
| Employment | "Something with computers" | Wants the bus company control room; work taster to arrange |
| Independent living | Could not use the bus | Bus into town with Tom nearby; makes toast, pasta, bread |
| Friends, relationships and community | One friend | Sami, two club friends, knows his bus driver and librarian |
| Good health | Mum gave all medicines | Takes his own tablets with phone reminders |

## What happens next

The council confirmed on 29 October that the plan stays, and will be amended to name his post-16 place by 31 March 2027.
""",
    },
    {
        "section": "reviews",
        "slug": "working-not-working",
        "title": "Working and not working, from everyone",
        "author": "rhys.marsden@example.org",
        "summary": "Everyone's working and not working, from before my review",
        "body": "Before my review I asked everyone the same two questions. Here is what they said, in their words.\n\n"
        + block(
            "working-not-working",
            {
                "views": [
                    {
                        "who": "Me",
                        "working": ["My laptop.", "Tom.", "Friday nights.", "The Hub."],
                        "not_working": [
                            "PE.",
                            "The loud canteen.",
                            "People telling me the same thing three times.",
                        ],
                    },
                    {
                        "who": "Mum",
                        "working": [
                            "The laptop.",
                            "Rhys taking his own tablets.",
                            "Tom's weekly notes.",
                        ],
                        "not_working": [
                            "Mornings are still a battle.",
                            "I still do all the phone calls.",
                        ],
                    },
                    {
                        "who": "Jess",
                        "working": [
                            "Rhys is more confident, he told a stranger the bus was going the wrong way."
                        ],
                        "not_working": ["He still won't go into a shop on his own."],
                    },
                    {
                        "who": "Ms Desai",
                        "working": ["Time-out card.", "Laptop use in every subject."],
                        "not_working": [
                            "Homework is not always handed in; he loses track of deadlines."
                        ],
                    },
                    {
                        "who": "Tom",
                        "working": [
                            "He knows the 42 route better than I do.",
                            "He is good at explaining Minecraft.",
                        ],
                        "not_working": [
                            "He freezes if a bus is cancelled.",
                            "He will not ask staff for help.",
                        ],
                    },
                    {
                        "who": "Sami",
                        "working": ["He's a good friend and he's funny."],
                        "not_working": ["He gets really stressed before tests."],
                    },
                ],
                "next_steps": [
                    "Homework: a shared list on my phone with the date it is due. Ms Desai will ask teachers to use it.",
                    'Cancelled buses: Tom and I will make a "what if" card and practise it.',
                    "Shops: one small shop on my own each week with Tom waiting outside.",
                    "Mornings: I will make my own checklist, and Mum will stop reminding me unless I ask.",
                ],
            },
        ),
    },
    {
        "section": "reviews",
        "slug": "next-review-checklist",
        "title": "Review checklist for this year",
        "author": "priya.desai@example.org",
        "summary": "Checklist for the move to college and the next review",
        "body": """\
Priya Desai, SENCO. This is our checklist for Rhys's move to college. Rhys can tick things off too.

## After the October review

- [x] Annual review held with Rhys leading (8 October)
- [x] Review report sent to the council and the family within two weeks (20 October)
- [x] Council decision to keep and amend the plan, within four weeks (29 October)
- [x] Outcomes rewritten with Rhys in his words

## Moving to college

- [ ] Rhys's college application sent (by 29 January)
- [ ] Council consults Hollinsford College about the plan
- [ ] Draft amended plan to Rhys and Claire; they have 15 days to comment
- [ ] Final amended plan naming the college, by 31 March 2027
- [ ] Handover meeting between school and college learning support (June)
- [ ] Share Rhys's handover page with his college support worker, for a limited time

## Turning 16 (14 March 2027) and leaving school

- [ ] Talk with Rhys about making his own SEND decisions after the end of June 2027
- [ ] Rhys decides who manages the sharing on his plan site after that
- [ ] Check the exam access arrangements go with him to college

## The next annual review

- [ ] Date agreed with the college for October 2027
- [ ] Invitations sent at least two weeks before
- [ ] Reports and advice sent out two weeks before
- [ ] Rhys chooses how he wants to present his views
""",
    },
    {
        "section": "reviews",
        "slug": "facts-for-review-dates",
        "title": "Facts for the review dates",
        "author": "daniel.okafor@example.org",
        "summary": "The facts the review checklist works out its dates from",
        "body": "Daniel Okafor, social worker. The review checklist works out the dates the law sets from these facts "
        "and Rhys's date of birth, so please keep them up to date.\n\n"
        + block(
            "plan-facts",
            {
                "setting": "secondary school",
                "setting_name": "Hollinsford Academy",
                "moving_to": "post-16 institution",
                "moving_to_name": "Hollinsford College",
                "moving_on": date(2027, 9, 6),
                "first_direct_payment": date(2026, 4, 30),
            },
        ),
    },
    {
        "section": "reviews",
        "slug": "early-review-2027-01-20",
        "title": "Early review 20 January 2027",
        "author": "daniel.okafor@example.org",
        "summary": "Started the review before the move to college",
        "body": block(
            "review",
            {
                "meeting": date(2027, 1, 20),
                "kind": "early",
                "status": "open",
                "items": REVIEW_ITEMS,
            },
        )
        + """
An early review before Rhys moves to college, so that the plan names Hollinsford College in time. Worked out by the review checklist from the plan's facts; open it with **Open the review checklist**.

## What Rhys says (in his own words)

- What is working for me:
- What is not working:
- What I want to happen next:

## Stop, keep, start

- Stop:
- Keep:
- Start:
""",
    },
    {
        "section": "handover",
        "slug": "new-worker-10-minutes",
        "title": "Start here: me in 10 minutes",
        "author": "rhys.marsden@example.org",
        "summary": "Handover page for anyone new",
        "body": """\
If you are new to supporting me (a new personal assistant, a college support worker, someone at a club), read this first. It takes 10 minutes. Then we can talk about something more interesting, like buses.

## Who I am

I'm Rhys. I'm 15 and in Year 11, going to Hollinsford College next September. I am autistic and dyspraxic and I have epilepsy. I love buses and maps, Minecraft, baking and my dog Pickle.

## Five things to know on day one

1. **Tell me what is going to happen, in writing, before it happens.** A text the night before is perfect.
2. **Give me time to answer.** "I don't know" means "wait".
3. **Say what you mean.** I take things literally. Tell me if you are joking.
4. **Ask before you touch me**, and ask me, not Mum.
5. **If I stare and do not answer, it might be a seizure.** Stay with me and time it. My seizure plan is on my Health page. Ask me or Mum to share it with you, and get trained before you are on your own with me.

## Allergies

Penicillin and kiwi fruit.

## What a good session with me looks like

We agree the plan at the start, we stick to it, and if something changes you tell me why. We do something real: a bus trip, shopping for a recipe, the climbing wall. You talk to me like I am 15.

## Please don't

- Talk about me to other people while I am standing there.
- Say "in a minute" unless you mean 60 seconds.
- Rearrange my things.

## If something goes wrong

Ring Mum first. If it is a seizure that lasts 5 minutes, follow my seizure plan and call 999.

## Read next

My one-page profile and my communication passport.
""",
    },
    {
        "section": "handover",
        "slug": "moving-to-adult-services",
        "title": "Moving to adult services",
        "author": "daniel.okafor@example.org",
        "summary": "Timeline for moving to adult services, and what Rhys wants them to know",
        "body": """\
Daniel Okafor, social worker (children with disabilities team). This page is for whoever picks up Rhys's support in adult social care, so that the family do not have to tell their story again.

## The timeline

| When | What happens |
| --- | --- |
| End of June 2027 (Rhys is 16) | Rhys makes his own decisions about his EHC plan. His mum supports him but no longer decides. |
| September 2027 | Starts at Hollinsford College. His EHC plan continues. |
| From March 2028 (age 17) | Transition assessment with adult social care. |
| March 2029 (age 18) | Adult social care takes over. Direct payment moves into Rhys's own name if he chooses. |
| By age 18 | Epilepsy care moves from the children's team to the adult neurology clinic. |
| Up to 25 | His EHC plan can continue while he is in education and still working towards his outcomes. |

## What Rhys wants adult services to know

- "Ask me, not my mum. She can come, but I answer first."
- "I want to keep Tom if he is still around."
- "Please read my plan site before you meet me. It is all there."

## What is already in place

- A personal assistant employed through a direct payment, with a payroll service.
- Travel training towards independent bus travel.
- A clear seizure plan, and Rhys manages his own daily medicines.
- A strong family circle and a best friend.

## Still to do

- [ ] Introduce Rhys to the adult transitions team before his 17th birthday
- [ ] Rhys to choose who he wants at his transition assessment
- [ ] Talk about money: a bank account, and later whether he wants to manage his own direct payment
""",
    },
    {
        "section": "about-me",
        "slug": "one-page-profile",
        "title": "My one-page profile",
        "author": "claire.marsden@example.org",
        "summary": "Added mornings, seizures and tablets to how to support Rhys",
        "body": "Rhys's one-page profile: what everyone new should know about him, in his words.\n\n"
        + block(
            "one-page-profile",
            {
                "like_and_admire": [
                    "I know every bus route in Hollinsford and most of the times too. If you are lost, ask me.",
                    "I am honest. If your plan will not work, I will tell you.",
                    "I am funny once I know you.",
                    "I make really good bread with my Nan.",
                    "I never give up on a Minecraft build, even a redstone railway with 400 blocks.",
                    "Mum says I am really patient with my little cousins. I taught Ollie to swim.",
                ],
                "important_to_me": [
                    "My dog Pickle, and my family: Mum, Jess, Dad and Nan.",
                    "Seeing Sami on Friday nights to play Minecraft.",
                    "Knowing what is happening today, and knowing early if it changes.",
                    "Swimming on Tuesday evenings and Saturday mornings.",
                    "My bus maps on my bedroom wall. Please do not move them.",
                    "Going to college next September.",
                ],
                "how_to_support_me": [
                    "Tell me about changes as early as you can, and write them down.",
                    'Give me time to answer. Count to ten in your head. "I don\'t know" usually means "wait".',
                    "Say exactly what you mean. I take words literally.",
                    "Let me type instead of write. Handwriting hurts my hand and it is slow.",
                    "If it is loud I will put my hood up or wear my ear defenders. That is OK.",
                    "Do not touch me without asking.",
                    "Mornings are hard. A written checklist works better than lots of reminders.",
                    "Remind me to take my tablets at 8am and 8pm.",
                    "If I stare and do not answer my name, I might be having a seizure. Stay with me and follow my seizure plan.",
                ],
            },
        ),
    },
    {
        "section": "about-me",
        "slug": "one-page-profile",
        "title": "My one-page profile",
        "author": "rhys.marsden@example.org",
        "summary": "Changed the tablets bit, my phone reminds me now",
        "body": "Rhys's one-page profile: what everyone new should know about him, in his words.\n\n"
        + block(
            "one-page-profile",
            {
                "like_and_admire": [
                    "I know every bus route in Hollinsford and most of the times too. If you are lost, ask me.",
                    "I am honest. If your plan will not work, I will tell you.",
                    "I am funny once I know you.",
                    "I make really good bread with my Nan.",
                    "I never give up on a Minecraft build, even a redstone railway with 400 blocks.",
                    "Mum says I am really patient with my little cousins. I taught Ollie to swim.",
                ],
                "important_to_me": [
                    "My dog Pickle, and my family: Mum, Jess, Dad and Nan.",
                    "Seeing Sami on Friday nights to play Minecraft.",
                    "Knowing what is happening today, and knowing early if it changes.",
                    "Swimming on Tuesday evenings and Saturday mornings.",
                    "My bus maps on my bedroom wall. Please do not move them.",
                    "Going to college next September. I went to the open day on the bus on my own.",
                ],
                "how_to_support_me": [
                    "Tell me about changes as early as you can, and write them down.",
                    'Give me time to answer. Count to ten in your head. "I don\'t know" usually means "wait".',
                    "Say exactly what you mean. I take words literally.",
                    "Let me type instead of write. Handwriting hurts my hand and it is slow.",
                    "If it is loud I will put my hood up or wear my ear defenders. That is OK.",
                    "Ask before you touch me, and ask me, not Mum.",
                    "Mornings are hard. I made my own checklist. Please let me use it and don't keep reminding me.",
                    "My phone reminds me to take my tablets. Only check if I ask you to.",
                    "If I stare and do not answer my name, I might be having a seizure. Stay with me and follow my seizure plan.",
                ],
            },
        ),
    },
    {
        "section": "about-me",
        "slug": "one-page-profile",
        "title": "My one-page profile",
        "author": "jess.marsden@example.org",
        "summary": "Jess added two things people like about Rhys (Rhys said OK)",
        "body": "Rhys's one-page profile: what everyone new should know about him, in his words.\n\n"
        + block(
            "one-page-profile",
            {
                "like_and_admire": [
                    "I know every bus route in Hollinsford and most of the times too. If you are lost, ask me.",
                    "I am honest. If your plan will not work, I will tell you.",
                    "I am funny once I know you.",
                    "I make really good bread with my Nan.",
                    "I never give up on a Minecraft build, even a redstone railway with 400 blocks.",
                    "Mum says I am really patient with my little cousins. I taught Ollie to swim.",
                    "Jess says I am the best person to watch a film with, because I notice everything, even the buses in the background.",
                    "Jess says I remember everyone's birthday without a calendar.",
                ],
                "important_to_me": [
                    "My dog Pickle, and my family: Mum, Jess, Dad and Nan.",
                    "Seeing Sami on Friday nights to play Minecraft.",
                    "Knowing what is happening today, and knowing early if it changes.",
                    "Swimming on Tuesday evenings and Saturday mornings.",
                    "My bus maps on my bedroom wall. Please do not move them.",
                    "Going to college next September. I went to the open day on the bus on my own.",
                ],
                "how_to_support_me": [
                    "Tell me about changes as early as you can, and write them down.",
                    'Give me time to answer. Count to ten in your head. "I don\'t know" usually means "wait".',
                    "Say exactly what you mean. I take words literally.",
                    "Let me type instead of write. Handwriting hurts my hand and it is slow.",
                    "If it is loud I will put my hood up or wear my ear defenders. That is OK.",
                    "Ask before you touch me, and ask me, not Mum.",
                    "Mornings are hard. I made my own checklist. Please let me use it and don't keep reminding me.",
                    "My phone reminds me to take my tablets. Only check if I ask you to.",
                    "If I stare and do not answer my name, I might be having a seizure. Stay with me and follow my seizure plan.",
                ],
            },
        ),
    },
    {
        "section": "outcomes",
        "slug": "bus-to-college",
        "title": "Outcome: the bus to college on my own",
        "author": "tom.brennan@example.org",
        "summary": "Progress note: first two practice journeys",
        "body": """\
## Why it matters to me

I love buses, but I have never been on one without someone I know. At college nobody will take me, and I do not want Mum driving me when I am 16. Buses are going to be my job one day.

## The route

The 42 from the end of our road at 8:07, change at Hollinsford bus station to the X7, get off at College Road. 35 minutes.

"""
        + block(
            "outcome",
            {
                "ref": "1",
                "outcome": "I get the bus to college and back on my own",
                "area": "independent living",
                "by_when": date(2027, 9, 1),
                "how_we_will_know": 'Ten journeys in a row on my own, home to college and back. I text Mum "here" when I arrive, every time. I know what to do if the bus does not come, or I miss my stop.',
                "status": "going well",
                "steps": [
                    {
                        "what": "Travel training, 12 sessions",
                        "who": "Council travel trainer",
                        "cost": Decimal("540"),
                        "kind": "education",
                    },
                    {
                        "what": "Practice journeys, in my PA hours",
                        "who": "Tom",
                        "cost": 0,
                        "kind": "social care",
                    },
                    {
                        "what": "Free bus pass",
                        "who": "Council",
                        "cost": 0,
                        "kind": "",
                        "done": True,
                    },
                    {
                        "what": 'Bus times app and a "what if" card on my phone',
                        "who": "Me and Tom",
                        "cost": 0,
                        "kind": "",
                    },
                    {
                        "what": "Do the route with Tom sitting next to me",
                        "who": "Me and Tom",
                        "cost": 0,
                        "kind": "",
                        "done": True,
                    },
                    {
                        "what": "Do the route with Tom on the bus but not with me",
                        "who": "Me and Tom",
                        "cost": 0,
                        "kind": "",
                        "done": True,
                    },
                    {
                        "what": "Do the route on my own with Tom on the bus behind",
                        "who": "Me",
                        "cost": 0,
                        "kind": "",
                    },
                    {
                        "what": "Do the route on my own, nobody following",
                        "who": "Me",
                        "cost": 0,
                        "kind": "",
                    },
                    {
                        "what": "Practise what to do when the bus is cancelled",
                        "who": "Me and Tom",
                        "cost": 0,
                        "kind": "",
                    },
                ],
                "progress": [
                    {
                        "date": date(2026, 10, 2),
                        "by": "Tom",
                        "note": "Rhys did the whole route with me sitting next to him, then back with me three rows behind. He showed his pass, pressed the bell at the right stop and found the X7 stand without help. He was anxious at the bus station because it was busy, so he put his hood up and we waited by the timetable board, which calmed him. Next time: same route with me further away.",
                    },
                ],
            },
        ),
    },
    {
        "section": "outcomes",
        "slug": "bus-to-college",
        "title": "Outcome: the bus to college on my own",
        "author": "tom.brennan@example.org",
        "summary": "Progress note: cancelled bus on 6 November",
        "body": """\
## Why it matters to me

I love buses, but I have never been on one without someone I know. At college nobody will take me, and I do not want Mum driving me when I am 16. Buses are going to be my job one day.

## The route

The 42 from the end of our road at 8:07, change at Hollinsford bus station to the X7, get off at College Road. 35 minutes.

"""
        + block(
            "outcome",
            {
                "ref": "1",
                "outcome": "I get the bus to college and back on my own",
                "area": "independent living",
                "by_when": date(2027, 9, 1),
                "how_we_will_know": 'Ten journeys in a row on my own, home to college and back. I text Mum "here" when I arrive, every time. I know what to do if the bus does not come, or I miss my stop.',
                "status": "going well",
                "steps": [
                    {
                        "what": "Travel training, 12 sessions",
                        "who": "Council travel trainer",
                        "cost": Decimal("540"),
                        "kind": "education",
                    },
                    {
                        "what": "Practice journeys, in my PA hours",
                        "who": "Tom",
                        "cost": 0,
                        "kind": "social care",
                    },
                    {
                        "what": "Free bus pass",
                        "who": "Council",
                        "cost": 0,
                        "kind": "",
                        "done": True,
                    },
                    {
                        "what": 'Bus times app and a "what if" card on my phone',
                        "who": "Me and Tom",
                        "cost": 0,
                        "kind": "",
                    },
                    {
                        "what": "Do the route with Tom sitting next to me",
                        "who": "Me and Tom",
                        "cost": 0,
                        "kind": "",
                        "done": True,
                    },
                    {
                        "what": "Do the route with Tom on the bus but not with me",
                        "who": "Me and Tom",
                        "cost": 0,
                        "kind": "",
                        "done": True,
                    },
                    {
                        "what": "Do the route on my own with Tom on the bus behind",
                        "who": "Me",
                        "cost": 0,
                        "kind": "",
                    },
                    {
                        "what": "Do the route on my own, nobody following",
                        "who": "Me",
                        "cost": 0,
                        "kind": "",
                    },
                    {
                        "what": "Practise what to do when the bus is cancelled",
                        "who": "Me and Tom",
                        "cost": 0,
                        "kind": "",
                        "done": True,
                    },
                ],
                "progress": [
                    {
                        "date": date(2026, 10, 2),
                        "by": "Tom",
                        "note": "Rhys did the whole route with me sitting next to him, then back with me three rows behind. He showed his pass, pressed the bell at the right stop and found the X7 stand without help. He was anxious at the bus station because it was busy, so he put his hood up and we waited by the timetable board, which calmed him. Next time: same route with me further away.",
                    },
                    {
                        "date": date(2026, 11, 6),
                        "by": "Tom",
                        "note": 'A real test. The X7 was cancelled. Rhys froze for about a minute, then got out his "what if" card, checked the app and worked out the next X7 was in 20 minutes. He texted his mum without being reminded. I did not step in at all. He said afterwards: "That was horrible but I did it." Ready for me to follow on the bus behind.',
                    },
                ],
            },
        ),
    },
    {
        "section": "outcomes",
        "slug": "bus-to-college",
        "title": "Outcome: the bus to college on my own",
        "author": "rhys.marsden@example.org",
        "summary": "I did the open day journey on my own!",
        "body": """\
## Why it matters to me

I love buses, but I have never been on one without someone I know. At college nobody will take me, and I do not want Mum driving me when I am 16. Buses are going to be my job one day.

## The route

The 42 from the end of our road at 8:07, change at Hollinsford bus station to the X7, get off at College Road. 35 minutes.

"""
        + block(
            "outcome",
            {
                "ref": "1",
                "outcome": "I get the bus to college and back on my own",
                "area": "independent living",
                "by_when": date(2027, 9, 1),
                "how_we_will_know": 'Ten journeys in a row on my own, home to college and back (done so far: 1). I text Mum "here" when I arrive, every time. I know what to do if the bus does not come, or I miss my stop.',
                "status": "going well",
                "steps": [
                    {
                        "what": "Travel training, 12 sessions",
                        "who": "Council travel trainer",
                        "cost": Decimal("540"),
                        "kind": "education",
                    },
                    {
                        "what": "Practice journeys, in my PA hours",
                        "who": "Tom",
                        "cost": 0,
                        "kind": "social care",
                    },
                    {
                        "what": "Free bus pass",
                        "who": "Council",
                        "cost": 0,
                        "kind": "",
                        "done": True,
                    },
                    {
                        "what": 'Bus times app and a "what if" card on my phone',
                        "who": "Me and Tom",
                        "cost": 0,
                        "kind": "",
                    },
                    {
                        "what": "Do the route with Tom sitting next to me",
                        "who": "Me and Tom",
                        "cost": 0,
                        "kind": "",
                        "done": True,
                    },
                    {
                        "what": "Do the route with Tom on the bus but not with me",
                        "who": "Me and Tom",
                        "cost": 0,
                        "kind": "",
                        "done": True,
                    },
                    {
                        "what": "Do the route on my own with Tom on the bus behind",
                        "who": "Me",
                        "cost": 0,
                        "kind": "",
                        "done": True,
                    },
                    {
                        "what": "Do the route on my own, nobody following",
                        "who": "Me",
                        "cost": 0,
                        "kind": "",
                    },
                    {
                        "what": "Practise what to do when the bus is cancelled",
                        "who": "Me and Tom",
                        "cost": 0,
                        "kind": "",
                        "done": True,
                    },
                ],
                "progress": [
                    {
                        "date": date(2026, 10, 2),
                        "by": "Tom",
                        "note": "Rhys did the whole route with me sitting next to him, then back with me three rows behind. He showed his pass, pressed the bell at the right stop and found the X7 stand without help. He was anxious at the bus station because it was busy, so he put his hood up and we waited by the timetable board, which calmed him. Next time: same route with me further away.",
                    },
                    {
                        "date": date(2026, 11, 6),
                        "by": "Tom",
                        "note": 'A real test. The X7 was cancelled. Rhys froze for about a minute, then got out his "what if" card, checked the app and worked out the next X7 was in 20 minutes. He texted his mum without being reminded. I did not step in at all. He said afterwards: "That was horrible but I did it." Ready for me to follow on the bus behind.',
                    },
                    {
                        "date": date(2026, 11, 21),
                        "by": "Rhys",
                        "note": 'I went to the college open day ON MY OWN. Tom got the next bus and met me at the gate, but I did the whole journey by myself. I texted Mum "here" at 10:02. Sami was already there. Next I want to do it with nobody following, after Christmas.',
                    },
                ],
            },
        ),
    },
    {
        "section": "budget",
        "slug": "personal-budget",
        "title": "My personal budget 2026 to 2027",
        "author": "claire.marsden@example.org",
        "summary": "Added November travel training and climbing",
        "body": """\
Rhys's personal budget runs from April 2026 to March 2027. It is only for the outcomes in his plan. Daniel and the council agreed the amounts in March; Rhys chose how the money is used.

"""
        + block(
            "budget",
            {
                "period": "April 2026 to March 2027",
                "allocations": [
                    {
                        "stream": "social care",
                        "amount": Decimal("5896.80"),
                        "managed": "direct payment",
                        "held_by": "Claire (Mum), with Ledgerwell doing the payroll",
                    },
                    {
                        "stream": "education",
                        "amount": Decimal("629.00"),
                        "managed": "council managed",
                        "held_by": "Hollinsford Council SEND team",
                    },
                    {
                        "stream": "health",
                        "amount": Decimal("780.00"),
                        "managed": "third party or ISF",
                        "held_by": "Vale Active, the leisure trust (an Individual Service Fund)",
                    },
                ],
                "planned": [
                    {
                        "what": "Tom, personal assistant: 6 hours a week for 52 weeks at £18.40 an hour",
                        "stream": "social care",
                        "amount": Decimal("5740.80"),
                        "outcomes": "1, 3, 4",
                    },
                    {
                        "what": "Ledgerwell payroll service, £13 a month",
                        "stream": "social care",
                        "amount": Decimal("156.00"),
                        "running_cost": True,
                    },
                    {
                        "what": "Travel training, 12 sessions at £45",
                        "stream": "education",
                        "amount": Decimal("540.00"),
                        "outcomes": "1",
                    },
                    {
                        "what": "Typing and speech software licence",
                        "stream": "education",
                        "amount": Decimal("89.00"),
                        "outcomes": "2",
                    },
                    {
                        "what": "Climbing wall, 30 sessions at £26",
                        "stream": "health",
                        "amount": Decimal("780.00"),
                        "outcomes": "6",
                    },
                ],
                "payments": [
                    {
                        "date": date(2026, 4, 30),
                        "what": "Tom, 26 hours",
                        "stream": "social care",
                        "amount": Decimal("478.40"),
                        "outcomes": "1, 3, 4",
                    },
                    {
                        "date": date(2026, 5, 29),
                        "what": "Tom, 26 hours",
                        "stream": "social care",
                        "amount": Decimal("478.40"),
                        "outcomes": "1, 3, 4",
                    },
                    {
                        "date": date(2026, 6, 30),
                        "what": "Tom, 26 hours",
                        "stream": "social care",
                        "amount": Decimal("478.40"),
                        "outcomes": "1, 3, 4",
                    },
                    {
                        "date": date(2026, 7, 31),
                        "what": "Tom, 30 hours (extra summer trips with friends)",
                        "stream": "social care",
                        "amount": Decimal("552.00"),
                        "outcomes": "1, 3, 4",
                    },
                    {
                        "date": date(2026, 8, 28),
                        "what": "Tom, 20 hours (Tom on holiday, 6 hours banked)",
                        "stream": "social care",
                        "amount": Decimal("368.00"),
                        "outcomes": "1, 3, 4",
                    },
                    {
                        "date": date(2026, 9, 15),
                        "what": "Typing and speech software",
                        "stream": "education",
                        "amount": Decimal("89.00"),
                        "outcomes": "2",
                    },
                    {
                        "date": date(2026, 9, 30),
                        "what": "Tom, 26 hours",
                        "stream": "social care",
                        "amount": Decimal("478.40"),
                        "outcomes": "1, 3, 4",
                    },
                    {
                        "date": date(2026, 10, 30),
                        "what": "Tom, 26 hours",
                        "stream": "social care",
                        "amount": Decimal("478.40"),
                        "outcomes": "1, 3, 4",
                    },
                    {
                        "date": date(2026, 10, 31),
                        "what": "Ledgerwell payroll, April to October",
                        "stream": "social care",
                        "amount": Decimal("91.00"),
                        "running_cost": True,
                    },
                    {
                        "date": date(2026, 10, 31),
                        "what": "Travel training sessions 1 to 6 (paid by the council)",
                        "stream": "education",
                        "amount": Decimal("270.00"),
                        "outcomes": "1",
                    },
                    {
                        "date": date(2026, 10, 31),
                        "what": "Climbing wall, 14 sessions (drawn by Vale Active)",
                        "stream": "health",
                        "amount": Decimal("364.00"),
                        "outcomes": "6",
                    },
                    {
                        "date": date(2026, 11, 18),
                        "what": "Travel training sessions 7 to 10 (paid by the council)",
                        "stream": "education",
                        "amount": Decimal("180.00"),
                        "outcomes": "1",
                    },
                    {
                        "date": date(2026, 11, 20),
                        "what": "Climbing wall, 4 sessions (drawn by Vale Active)",
                        "stream": "health",
                        "amount": Decimal("104.00"),
                        "outcomes": "6",
                    },
                ],
                "banked": [
                    {
                        "date": date(2026, 8, 28),
                        "amount": Decimal("110.40"),
                        "note": "6 of Tom's hours while he was on holiday. The November payslip uses 4 of them: the college open day on 21 November.",
                    },
                ],
            },
        )
        + """
## Rules we agreed

- Tom's hours can move around. We can bank up to 6 unused hours and use them later, for example for college visits.
- Rhys signs Tom's timesheet with me each month.
- Any money left in March goes back, unless the council agrees to carry it forward for college travel.
- We send a spending summary to the council every quarter.
- Tom's hourly rate of £18.40 covers his pay of £13.50, holiday pay, employer's National Insurance, pension and employer's liability insurance.
""",
    },
    {
        "section": "budget",
        "slug": "payments-2026-27",
        "title": "Payments made in 2026 to 2027",
        "author": "claire.marsden@example.org",
        "summary": "November receipts; the open day hours",
        "body": """\
The paperwork for every payment from Rhys's personal budget: Tom's timesheets and payslips, and receipts. The payments themselves are recorded in the budget on the personal budget page, so the totals add up in one place. Everything is in the blue folder.

## Timesheets and payslips

- [x] April: timesheet signed by Rhys and me, payslip filed
- [x] May: timesheet signed, payslip filed
- [x] June: timesheet signed, payslip filed
- [x] July: timesheet signed, payslip filed
- [x] August: timesheet signed (6 hours banked), payslip filed
- [x] September: timesheet signed, payslip filed
- [x] October: timesheet signed, payslip filed
- [ ] November: the payslip will include 4 of the 6 banked hours (the college open day)

## Receipts

- [x] Typing and speech software: receipt from the supplier, 15 September
- [x] Ledgerwell invoice, April to October
- [x] Travel training: statement from the council, sessions 1 to 10
- [x] Climbing wall: statement from Vale Active, 18 sessions

## To do

- [ ] Ask the council whether the last £90 of the education budget can go towards two more travel training sessions
- [ ] Send the quarterly summary to the council by 10 January
""",
    },
    {
        "section": "health",
        "slug": "my-health",
        "title": "My health",
        "author": "helen.price@example.org",
        "summary": "Evening lamotrigine dose increased after clinic on 12 November",
        "body": """\
Written by Claire (Mum) with Rhys, in his words. Rhys chose who can see it.

## My conditions

- **Autism**, diagnosed when I was 8.
- **Dyspraxia** (developmental coordination disorder), diagnosed when I was 9. It affects handwriting, balance, tying things and planning.
- **Epilepsy**: focal seizures, diagnosed when I was 12. Usually I stare, smack my lips and do not answer for up to a minute. I have had two big (tonic-clonic) seizures, the last one in March 2025.

## My medicines

| Medicine | What for | How much | When | Who gives it |
| --- | --- | --- | --- | --- |
| Lamotrigine | Epilepsy | 100 mg | 8am | I take it myself; my phone reminds me |
| Lamotrigine | Epilepsy | **125 mg** (from 12 November 2026) | 8pm | I take it myself; Mum checks the pill box on Sundays |
| Melatonin | Getting to sleep | 2 mg | 9:30pm | Mum keeps it; I ask for it |
| Buccal midazolam | Rescue medicine if a seizure lasts 5 minutes | 10 mg | Only in an emergency | Trained adults only: Mum, Jess, Tom, school first aiders |

The rescue medicine lives in the red pouch in my school bag. There is a spare in the kitchen cupboard above the kettle.

**Clinic note, 12 November 2026 (Helen Price):** Rhys had four focal seizures in October, more than usual, mostly on nights with poor sleep before his review. Dr Menon increased the evening dose. Rhys asked good questions and explained his own seizure diary. Next review in January; tell me about any rash in the first weeks.

## Allergies

- **Penicillin**: rash and swollen face when I was 8. Tell any doctor or dentist.
- Kiwi fruit: itchy mouth.

## Things that make seizures more likely

- Not enough sleep.
- Missing a dose of lamotrigine.
- A high temperature.
- Being very stressed (exam season!).

## Who looks after my health

| Who | Role | How often |
| --- | --- | --- |
| Dr Shah | GP, Hollinsford Medical Centre | When needed |
| Dr Menon | Paediatric neurologist, Hollinsford General | Every 6 months |
| Helen Price | Epilepsy specialist nurse | Every 3 months, phone in between |
| Occupational therapy | Discharged July 2026, with a climbing and swimming programme | Back if needed |
""",
    },
]


# ---- a plan made by a parent for a younger child (issue #14) ---------------------------------
# Mali, Rhys's little sister, is seven and has no account or email: Claire made the plan
# for her and looks after it (a steward) until Mali is old enough to accept it. It is
# named as Mali's everywhere; her date of birth reaches only Claire and, later, Mali.

YOUNGER = {
    "slug": "mali-marsden",
    "title": "Mali's plan",
    "for_name": "Mali",
    "date_of_birth": "2019-05-02",
    "maker": "claire.marsden@example.org",
}

YOUNGER_GRANTS = [  # (group, section, capability)
    ("family", "about-me", "view"),
    ("family", "circle", "view"),
]

YOUNGER_PAGES = [
    {
        "section": "about-me",
        "slug": "one-page-profile",
        "title": "Mali's one-page profile",
        "summary": "Written with Mali at the kitchen table",
        "body": "Mali's one-page profile, in her words and Mum's.\n\n"
        + block(
            "one-page-profile",
            {
                "like_and_admire": [
                    "I give the best hugs in our house.",
                    "I can name every dinosaur in my big book.",
                    "I help Rhys find his bus on the map.",
                ],
                "important_to_me": [
                    "My rabbit, Biscuit.",
                    "Knowing what happens next: a picture timetable on the fridge.",
                    "Mum or Nan at the school gate.",
                ],
                "how_to_support_me": [
                    "Show me pictures, not long words.",
                    "Tell me before the noise: the hand dryer and the fire bell scare me.",
                    "Let me hold Biscuit's toy when I am worried.",
                ],
            },
        ),
    },
    {
        "section": "circle",
        "slug": "my-people",
        "title": "My people",
        "summary": "Who helps Mali",
        "body": "Mum (Claire) looks after this plan for me until I am old enough to have it.\n\n"
        "- Mum and Nan: every day\n- Rhys: my big brother\n- Mrs Hale: my teacher at Brook Lane Primary\n",
    },
]
