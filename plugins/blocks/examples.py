"""An example of each block: shown when a block is added, and checked by the tests."""

from __future__ import annotations

# ---- the block types -------------------------------------------------------------------------

EXAMPLES = {
    "one-page-profile": """\
like_and_admire:
- I know every bus route in town.
important_to_me:
- My dog.
how_to_support_me:
- Tell me about changes early, and write them down.
""",
    "important-to-for": """\
important_to:
- Being on time.
important_for:
- Eight hours of sleep.
balance:
- to_me: Staying up late on games
  for_me: Eight hours of sleep
  how: I set my own alarm at 10pm.
""",
    "working-not-working": """\
views:
- who: Me
  working:
  - My laptop.
  not_working:
  - The loud canteen.
next_steps:
- Lunch in the library.
""",
    "good-day-bad-day": """\
good_day:
- I know who is teaching every lesson.
bad_day:
- A room change with no warning.
turn_it_round:
- Ten quiet minutes.
""",
    "communication-passport": """\
entries:
- when: I say "I don't know"
  it_means: I need more time to think
  please: Wait. Count to ten.
tips:
- One instruction at a time.
""",
    "circle": """\
person: Sam
members:
- name: Mum
  relationship: mum
  ring: closest
  how_they_help: Everything.
- name: Ana
  relationship: swimming coach
  ring: community
""",
    "outcome": """\
ref: 1
outcome: I get the bus to college and back on my own
area: independent living
by_when: 2027-09-30
how_we_will_know: Ten journeys in a row on my own.
status: started
steps:
- what: Travel training, 12 sessions
  who: Council travel trainer
  cost: 540
  kind: education
progress:
- date: 2026-10-02
  note: Did the whole route with Tom next to me.
  by: Tom
""",
    "budget": """\
period: April 2026 to March 2027
allocations:
- stream: education
  amount: 629
  managed: council managed
planned:
- what: Travel training
  stream: education
  amount: 540
  outcomes: [1]
payments:
- date: 2026-10-31
  what: Travel training sessions 1 to 6
  stream: education
  amount: 270
  outcomes: [1]
""",
    "path": """\
dream:
- I live in my own flat near a bus stop.
goal:
- I am at college doing IT.
goal_by: November 2027
now:
- I am in Year 11.
who_will_help:
- who: Mum
  how: Lets me do more on my own.
first_steps:
- step: Go to the college open day
  done: true
""",
    "real-wealth": """\
people:
- Nan lives two streets away.
access:
- The library, with a free club on Thursdays.
skills_and_knowledge:
- Baking, maps and timetables.
assets:
- My own laptop.
resilience:
- We bounce back when we understand what went wrong.
""",
}
