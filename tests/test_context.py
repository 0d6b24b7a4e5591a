"""Context resolution: short undecided lines take their neighbours' side, in both directions."""

from boilerstrip import clean

PARAGRAPH = (
    "Die Bundesregierung hat am Mittwoch einen Gesetzentwurf beschlossen, der die Genehmigung "
    "neuer Windräder deutlich beschleunigen soll, wie ein Sprecher in Berlin mitteilte."
)
LONG_STORY = "\n".join([PARAGRAPH] * 3)


def removed_lines(text: str) -> list[str]:
    return [line for r in clean(text).removals for line in r.text.splitlines() if line.strip()]


def test_short_line_between_boilerplate_goes():
    box = "© Lea Dohle\nWas jetzt? – Der tägliche Morgenüberblick\nVielen Dank! Wir haben Ihnen eine E-Mail geschickt."
    text = f"{PARAGRAPH}\n{box}\n{PARAGRAPH}\n"
    assert "Was jetzt? – Der tägliche Morgenüberblick" in removed_lines(text)


def test_heading_between_paragraphs_stays():
    text = f"{PARAGRAPH}\nRussland hofft auf Aufhebung der Sanktionen\n{PARAGRAPH}\n"
    assert clean(text).removals == ()


def test_heading_after_a_credit_and_before_text_stays():
    text = f"{PARAGRAPH}\n© Lea Dohle\nRussland hofft auf Aufhebung der Sanktionen\n{PARAGRAPH}\n"
    assert removed_lines(text) == ["© Lea Dohle"]


def test_kicker_before_related_block_goes():
    text = f"{PARAGRAPH}\nKrieg in der Ukraine\nMehr zum Thema\nRussisches Vermögen:\nFriedrich Merz hat etwas übersehen\n"
    assert removed_lines(text)[0] == "Krieg in der Ukraine"
    assert clean(text).text == PARAGRAPH + "\n"


def test_sentence_before_related_block_is_not_a_kicker():
    text = f"{PARAGRAPH}\nDas Gesetz gilt ab Mai.\nMehr zum Thema\nRussisches Vermögen:\n"
    assert "Das Gesetz gilt ab Mai." in clean(text).text


def test_weak_heading_alone_is_kept():
    text = f"{PARAGRAPH}\nNewsletter\n{PARAGRAPH}\n"
    assert clean(text).removals == ()


def test_weak_heading_before_boilerplate_goes():
    text = f"{PARAGRAPH}\nNewsletter\nVielen Dank! Wir haben Ihnen eine E-Mail geschickt.\n{PARAGRAPH}\n"
    assert removed_lines(text)[0] == "Newsletter"


def test_related_block_stops_at_article_text_and_keeps_the_heading_before_it():
    text = f"{PARAGRAPH}\nMehr zum Thema\nTeaser eins\nZwischenüberschrift\n{PARAGRAPH}\n"
    kept = clean(text).text
    assert "Teaser eins" not in kept
    assert "Zwischenüberschrift" in kept


def test_a_button_under_every_item_goes_alone():
    items = "".join(f"Leitfaden {n} für Schulen\nBundesministerium\nWeiterlesen\n" for n in range(1, 5))
    text = f"{PARAGRAPH}\n{items}"
    assert removed_lines(text) == ["Weiterlesen"] * 4


def test_a_button_under_every_blurb_goes_alone():
    blurb = "Das Modell ist leicht, hält lange durch und kostet weniger als die meisten anderen Geräte im Test."
    text = f"{blurb}\nWeiterlesen\n{blurb}\nWeiterlesen\nVorteile\nLeicht\nNachteile\nTeuer\n"
    assert removed_lines(text) == ["Weiterlesen"] * 2


def test_a_heading_printed_twice_over_its_list_is_a_heading():
    widget = "Mehr zum Thema\nTeaser eins\nTeaser zwei\n"
    text = f"{PARAGRAPH}\n{widget}{widget}"
    assert clean(text).text == PARAGRAPH + "\n"


def test_comment_section_runs_to_the_end():
    text = f"{LONG_STORY}\nKommentare\nHans: Sehr guter Artikel, danke für die ausführliche Recherche zu diesem Thema!\nEva: Stimme zu.\n"
    assert clean(text).text == LONG_STORY + "\n"


def test_comment_section_opens_inside_a_related_list():
    related = "Mehr zum Thema\nWindräder: Der Norden baut aus\nSolarpflicht kommt"
    comments = "Kommentare\nHans: Sehr guter Artikel, danke für die ausführliche Recherche zu diesem Thema!\nEva: Stimme zu."
    text = f"{LONG_STORY}\n{related}\n{comments}\n"
    assert clean(text).text == LONG_STORY + "\n"
    assert [r.rule for r in clean(text).removals if not r.context] == ["related.heading", "comments.section"]


def test_comment_heading_at_the_top_does_not_take_the_article():
    text = f"Kommentare\n{LONG_STORY}\n"
    assert clean(text).text == LONG_STORY + "\n"


def test_long_run_of_short_lines_is_left_alone():
    verse = "\n".join(["Kurze Zeile", "Noch eine", "Und noch eine", "Dann die vierte", "Und die fünfte"])
    text = f"© Lea Dohle\n{verse}\nVielen Dank! Wir haben Ihnen eine E-Mail geschickt.\n"
    assert verse in clean(text).text


def test_blank_lines_around_a_removal_collapse():
    text = f"{PARAGRAPH}\n\nAnzeige\n\n{PARAGRAPH}\n"
    assert clean(text).text == f"{PARAGRAPH}\n\n{PARAGRAPH}\n"
