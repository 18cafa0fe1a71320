"""A card's faces (front, a folded card's two inside panels, back), block by block; in large
print, the alert sheet's emergency boxes first, on the page before them."""

from __future__ import annotations

from dataclasses import replace

from handouts import model as m
from handouts.content import Module
from handouts.document import Parts, Staff, emergency_block, emergency_blocks, line_for, listed, pictogram
from handouts.kinds.card import CARD_FACES


def build(parts: Parts) -> tuple[list, tuple]:
    whole = emergency_blocks(parts.data, parts.sources, parts.words, parts.fur, split=True) \
        if parts.emergency_first else []
    faces = card_faces(parts.module, parts.data, parts.sources, parts.words, parts.fur, whole_page=bool(whole),
                       staff=parts.staff)
    return [*whole, *parts.notice], faces


def card_faces(module: Module, data: dict, sources: dict, words: dict, fur: m.Furniture,
               whole_page: bool = False, staff: Staff | None = None) -> tuple:
    """A card's front and back, and a folded card's two inside panels between them. ``whole_page``
    (a large-print alert sheet) leaves out the parts of the emergency box (its front part, the
    team's signs, the contacts): the page shows it whole.
    With ``staff`` (a card in another language than emergency staff read), what says who the patient
    is (the banner, the labels of the patient's lines) is in both languages, and the lines addressed
    to staff (asking them to read the back, the line for doctors) are in the staff's language: the
    card has no room to print them twice."""
    folded = "inside_first" in data
    faces = []
    for face in (face for face in CARD_FACES if face in data):
        blocks = []
        for index, block in enumerate(data[face], start=1):
            (kind, value), = block.items()
            if whole_page and kind in ("emergency", "team_signs", "contacts", "calls", "note"):
                continue
            key = f"{face}[{index}].{kind}"
            where = m.Source(module.shown, line_for(module, key), key)
            if kind == "banner":
                centre = fur.clinic and face == "front" and not whole_page  # the treating centre's name
                # on a card in two languages, the centre is named on the staff's banner line ("I had
                # CAR-T cell therapy · Riverside"): the front has no room for a line of its own
                title = staff.both(m.text(value), face, index, lambda block, _: m.text(
                    f"{block['banner']} · {fur.clinic_short}" if centre else block["banner"])) if staff \
                    else m.text(value)
                blocks.append(m.Callout("banner", title, (), where))
                if centre and not staff:  # under the banner
                    name_source = m.Source(fur.contacts.source.path, None, "short_name")
                    blocks.append(m.Paragraph(m.text(fur.clinic_short), name_source, role="clinic"))
            elif kind == "heading":
                blocks.append(m.Heading(3, m.text(value), where))
            elif kind == "text":
                blocks += [replace(block, source=where) for block in value]
            elif kind == "to_staff":  # for them alone, as the line for doctors is
                content = staff.only(face, index, lambda block, _: m.joined(block["to_staff"])) \
                    if staff else m.joined(value)
                blocks.append(m.Paragraph(content, where, role="to_staff"))
            elif kind == "bullets":
                blocks.append(m.ListBlock(listed(value), source=where))
            elif kind == "fields":
                blocks.append(m.WriteOnLines(tuple(words["label"].format(label=label) for label in value), where))
            elif kind == "patient":
                keys = tuple(key for key in ("name", "product", "date") if value.get(key))
                labels = tuple(words["label"].format(label=value[key]) for key in keys)
                labels = tuple(staff.label(face, index, key, label) for key, label in zip(keys, labels)) \
                    if staff else labels
                blocks.append(m.WriteOnLines(labels, where, keys=keys))
            elif kind == "contacts" and value:  # the centre's name is on the front, under the banner
                contacts = replace(fur.contacts, clinic="") if fur.clinic and not whole_page else fur.contacts
                # a folded card has room for a heading, for labels that say whose number it is, and
                # for the calls' pictograms: a key from the signs inside to the number to call
                blocks.append(replace(contacts, title=words["card_phones"], rows=tuple(
                    replace(row, label=words["label"].format(label=words[f"card_{row.kind}"]),
                            icon=pictogram(words, "emergency" if row.kind == "emergency" else "team"))
                    for row in contacts.rows)) if folded else contacts)
            elif kind == "fever":  # beside a thermometer
                blocks.append(m.Paragraph(m.joined(value), where, icon=pictogram(words, "fever")))
            elif kind == "calls" and value:  # which sign means which call, in two lines
                blocks.append(m.Emergency(words["emergency_title"], words["calls_emergency"], (), "",
                                          team_overleaf=words["calls_team"], source=where,
                                          emergency_icon=pictogram(words, "emergency"),
                                          team_icon=pictogram(words, "team")))
            elif kind == "emergency" and value:
                box = replace(emergency_block(data, sources, words, fur, card_front=True), source=where)
                # folded, the team's signs face these: no line points to them
                blocks.append(replace(box, team_overleaf="") if folded else box)
            elif kind == "note" and value and data["emergency"].get("note"):
                # out of the emergency box: inside it, "if you cannot reach your team" read as
                # "try the team first" for a seizure
                blocks.append(m.Paragraph(m.joined(data["emergency"]["note"]), sources.get("emergency.note", where)))
            elif kind == "team_signs" and value:
                signs = listed(data["emergency"]["call_team"])
                recap = data["emergency"].get("recap")
                # flat, no pictogram: the front's box has both, and here Spanish would lose a line to one
                blocks.append(m.ListBlock(signs, source=where, lead=words["call_team"],
                                          recap=m.joined(recap) if recap else (),
                                          icon=pictogram(words, "team") if folded else None))
            elif kind == "for_doctors":  # for them alone: in their language (a card has no room for two)
                content = staff.only(face, index, lambda block, theirs: for_doctors(theirs, block["for_doctors"])) \
                    if staff else for_doctors(words, value)
                blocks.append(m.Paragraph(content, where, role="for_doctors"))
        faces.append(m.Face(face, tuple(blocks)))
    return tuple(faces)


def for_doctors(words: dict, value) -> tuple:
    """"For doctors:" and the card's line for them."""
    return (m.Strong(m.text(words["for_doctors"])), m.Text(" "), *m.joined(value))
