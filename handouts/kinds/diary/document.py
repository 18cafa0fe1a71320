"""A daily log's blocks: its summary, the emergency box, how to fill it in, then for each run of
days a table to fill in (a column per day) and the lines to copy the sentence and write notes on."""

from __future__ import annotations

from handouts import model as m
from handouts.document import Parts, emergency_blocks, format_number, listed, summary_box
from handouts.kinds.diary import MAX_WEEKS, MIN_WEEKS

DAYS_PER_TABLE = 7   # a week, where the layout does not say


def day_count(settings: dict) -> int:
    """Day 1 (the infusion), then every day of the weeks the clinic keeps its patients near
    (``stay_near_weeks``): at least two weeks, so 15 days."""
    weeks = float(settings.get("stay_near_weeks") or 0)
    return 1 + 7 * max(MIN_WEEKS, min(MAX_WEEKS, int(round(weeks))))


def build(parts: Parts) -> tuple[list, tuple]:
    data, sources, words = parts.data, parts.sources, parts.words
    log = data["log"]
    # the emergency box first, under the title: a log is picked up when something is wrong
    blocks = [*parts.notice, *emergency_blocks(data, sources, words, parts.fur, split=parts.emergency_first),
              summary_box(words, data["summary"], sources.get("summary[1]", m.Source()))]
    how = data["how_to"]
    blocks += [m.Heading(2, m.text(how["heading"]), sources.get("how_to.heading", m.Source())),
               m.ListBlock(listed(how["steps"]), ordered=True, source=sources.get("how_to.steps[1]", m.Source()))]
    per_table = int((parts.layout.get("log") or {}).get("days_per_table") or DAYS_PER_TABLE)
    for run in runs(day_count(parts.settings), per_table):
        blocks += days_table(parts, log, run)
    return blocks, ()


def runs(days: int, most: int) -> list[list[int]]:
    """Days 1 to ``days`` in as few tables of at most ``most`` days as can hold them, as even as
    they can be (14 days by 4: 4, 4, 3, 3 - not a last table of 2)."""
    tables = -(-days // most)
    sizes = [days // tables + (1 if index < days % tables else 0) for index in range(tables)]
    starts = [1 + sum(sizes[:index]) for index in range(tables)]
    return [list(range(start, start + size)) for start, size in zip(starts, sizes)]


def days_table(parts: Parts, log: dict, run: list[int]) -> list:
    """One run of days: the table of the days, and the lines to write on."""
    words, locale, sources, name = parts.words, parts.locale, parts.sources, parts.module.name

    def day_name(day: int) -> str:
        return words["log_day"].format(n=format_number(day, locale))

    def field(day: int, key: str, what: str, tick: bool = False) -> m.Field:
        """A box of one day, named for a screen reader "Day 3: Chest pain"."""
        return m.Field(f"{name}.d{day}.{key}", words["log_field"].format(day=day_name(day), what=what), tick)

    def row(key: str, label: str, tick: bool = False) -> m.FormRow:
        return m.FormRow(m.text(label), tuple(field(day, key, label, tick) for day in run))

    measures = m.FormGroup((), (row("date", log["date"]), row("morning", log["morning"]),
                                row("evening", log["evening"])))
    emergency = m.FormGroup(m.text(log["call_emergency"]), tuple(
        row(f"e{index}", sign, tick=True) for index, sign in enumerate(log["emergency_signs"], start=1)), "emergency")
    team = m.FormGroup(m.text(log["call_team"]), tuple(
        row(f"t{index}", sign, tick=True) for index, sign in enumerate(log["team_signs"], start=1)), "team")
    heading = words["log_days"].format(first=format_number(run[0], locale), last=format_number(run[-1], locale))
    days = m.FormTable(m.text(heading), 2, "", tuple(day_name(day) for day in run), (measures, emergency, team),
                       sources.get("log.date", m.Source()))
    writing = m.FormGroup((), tuple(m.FormRow(m.text(day_name(day)), (field(day, "copy", log["copy"]),
                                                                     field(day, "notes", log["notes"])))
                                    for day in run))
    sentence = (m.Text(words["label"].format(label=log["copy"]) + " "), m.Strong(m.text(log["sentence"])))
    lines = m.FormTable(m.text(log["writing_heading"]), 3, "", (log["copy"], log["notes"]), (writing,),
                        sources.get("log.writing_heading", m.Source()), tall=True, lead=sentence)
    return [days, lines]
